"""Our own HTML on screen-shared pages: styles (the countdown's too), user text.

The countdown itself is drawn in the browser (views/countdown.py), with these classes.

Everything here is markup the app writes; user text is passed through
``workshop.presentation`` first, which makes it inert.
"""

from __future__ import annotations

import streamlit as st

from workshop.presentation import html_block, user_text_block

PAGE_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
.mts-countdown {font-size: 6.5rem; font-weight: 700; line-height: 1;
                font-variant-numeric: tabular-nums; letter-spacing: -0.02em;}
.mts-countdown.small {font-size: 2.6rem;}
.mts-countdown.overtime {color: #b3261e;}
.mts-countdown.paused {color: #6b6b6b;}
.mts-segment {font-size: 1.9rem; font-weight: 600; margin: 0;}
.mts-muted {color: #5f6368;}
.mts-badge {display: inline-block; padding: 0.1rem 0.55rem; border-radius: 0.8rem;
            font-size: 0.95rem; font-weight: 600; background: #e8eef7; color: #1f3f73;}
.mts-badge.overtime {background: #fbe3e1; color: #8c1d18;}
.mts-badge.paused {background: #eeeeee; color: #444444;}
</style>
"""


def page_css() -> None:
    """Shared styling for large, screen-shared views (our own CSS, no user text)."""
    st.markdown(PAGE_CSS, unsafe_allow_html=True)


def show_user_text(text: str) -> None:
    """A note or other free text exactly as typed, its http(s) links live (see presentation)."""
    st.markdown(user_text_block(text), unsafe_allow_html=True)


def show_html_line(inner: str) -> None:
    """A line built by ``workshop.presentation.format_html`` (user text inside is inert)."""
    st.markdown(html_block(inner), unsafe_allow_html=True)
