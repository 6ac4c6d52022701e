"""A vote spread as the participant page, the tutor's panel and the results draw it."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from views.language import t
from workshop.answers import NA_TEXT
from workshop.content.model import Rubric
from workshop.presentation import escape_markdown
from workshop.vote_box import Vote
from workshop.votes import UNSURE, Spread, spread_label


def choice_label(rubric: Rubric, choice: str, lang: str) -> str:
    """A vote choice in words: ``0.5 · Manual``, ``N/A · Not applicable``, ``Don't know``."""
    if choice == UNSURE:
        return t("votes.choice_unsure")
    if choice == NA_TEXT:
        return f"{t('votes.choice_na')} · {t('common.level_na')}"
    label = rubric.level_labels.get(choice)
    return f"{choice} · {label.get(lang)}" if label else choice


def show_spread(
    rubric: Rubric,
    spread: Spread,
    lang: str,
    *,
    votes: Sequence[Vote] = (),
    anonymous: bool = True,
) -> None:
    """One bar per choice voted, names beside them unless anonymous, then the flag."""
    if spread.total == 0:
        st.caption(t("votes.no_votes"))
        return
    lines = []
    for choice, count in spread.counts:
        if not count:
            continue
        line = (
            f"`{'█' * count}` **{count}** · {escape_markdown(choice_label(rubric, choice, lang))}"
        )
        if not anonymous:
            names = [
                escape_markdown(v.name or t("votes.someone")) for v in votes if v.choice == choice
            ]
            line += f" — {', '.join(names)}"
        lines.append(line)
    st.markdown("  \n".join(lines))
    st.caption(spread_label(spread))
    if spread.disagreement:
        st.warning(t("votes.disagreement"), icon=":material/diversity_3:")
    else:
        st.success(t("votes.agreement"), icon=":material/handshake:")
