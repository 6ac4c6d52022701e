"""The presenter's display mode (``/present?display=1``): the shared screen shows the room.

No sidebar, header or toolbar; the countdown, the segment and the progress
board sized from the window's height, so the same page fills a 1280x720 and a
1920x1080 shared screen without scrolling. The host drives it with the
keyboard (views/countdown.py), so no buttons are drawn.
"""

from __future__ import annotations

import streamlit as st

from views import context
from views.language import t

DISPLAY_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stExpandSidebarButton"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding: 2.5vh 3vw 1vh 3vw !important;
                                      max-width: 100% !important;}
.mts-countdown {font-size: min(34vh, 19vw) !important;}
.mts-segment {font-size: min(6vh, 3.4vw) !important; line-height: 1.15;}
.mts-room-line, .mts-room-note {font-size: min(3.4vh, 2vw) !important;}
.mts-badge {font-size: min(2.8vh, 1.6vw) !important;}
.mts-room-bar {height: 1.6vh !important;}
[data-testid="stMain"] [data-testid="stProgress"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p {font-size: min(2.9vh, 1.7vw);}
[data-testid="stMain"] [data-testid="stCaptionContainer"] {font-size: min(2.2vh, 1.3vw);}
</style>
"""


def requested() -> bool:
    """Whether this page was opened in display mode (kept in the URL: a reload stays in it)."""
    return st.query_params.get("display", "") == "1"


def page_css() -> None:
    """Hide the app's chrome and size the room for the shared screen (our own CSS only)."""
    st.markdown(DISPLAY_CSS, unsafe_allow_html=True)


def leave_link(workshop_id: str) -> None:
    """Back to the presenter page with its buttons."""
    st.page_link(
        context.page("present"),
        label=t("room.leave_display"),
        icon=":material/close_fullscreen:",
        query_params={"w": workshop_id},
    )
