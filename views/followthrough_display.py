"""Follow-through between rounds as the wrap-up and history pages draw it.

The numbers and rows come from :mod:`workshop.followthrough` and
:mod:`workshop.followthrough_tables`; this only reads the previous round and
draws the prompt's sentence, the systems table and the actions table.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from views import live, messages
from views.language import t
from workshop.content.model import Rubric, Text
from workshop.followthrough import FollowThrough, follow_through
from workshop.followthrough_prompt import summary_sentence
from workshop.followthrough_tables import action_rows, counts_text, system_rows
from workshop.models import Snapshot
from workshop.presentation import escape_markdown
from workshop.store.base import NotFound, StoreError


def section_titles(rubric: Rubric) -> dict[str, Text]:
    return {section.id: section.short for section in rubric.sections}


def load(rubrics: Mapping[str, Rubric], current: Snapshot) -> tuple[FollowThrough, Snapshot] | None:
    """The follow-through since the round ``current`` was duplicated from, if there is one."""
    if not current.workshop.previous_id:
        return None
    try:
        previous = live.store().snapshot(current.workshop.previous_id)
    except NotFound:
        return None
    except StoreError as error:
        st.caption(t("followup.previous_missing", detail=messages.store_error_text(error)))
        return None
    follow = follow_through(rubrics, previous, current)
    return (follow, previous) if follow is not None else None


def show(follow: FollowThrough, previous: Snapshot, rubric: Rubric, lang: str) -> None:
    """The sentence, then every system, then every action of the previous round."""
    titles = section_titles(rubric)
    st.caption(
        t(
            "followup.since",
            title=escape_markdown(previous.workshop.title),
            date=previous.workshop.date,
        )
    )
    st.markdown(f"**{escape_markdown(summary_sentence(follow, titles, lang, t))}**")
    st.caption(counts_text(follow.counts, t))
    st.dataframe(system_rows(follow, titles, lang, t), hide_index=True, width="stretch")
    if follow.actions:
        st.dataframe(action_rows(follow.actions, t), hide_index=True, width="stretch")


def history_section(
    rubrics: Mapping[str, Rubric], snapshots: list[Snapshot], newest: Rubric, lang: str
) -> None:
    """The history page's follow-through: pick a round duplicated from an earlier one."""
    st.subheader(t("followup.history_heading"))
    by_id = {snapshot.workshop.id: snapshot for snapshot in snapshots}
    pairs = [
        (snapshot, by_id[snapshot.workshop.previous_id])
        for snapshot in sorted(
            snapshots, key=lambda s: (s.workshop.date, s.workshop.created_at), reverse=True
        )
        if snapshot.workshop.previous_id in by_id
    ]
    if not pairs:
        st.caption(t("followup.history_none"))
        return
    labels = {
        index: f"{current.workshop.title} ({current.workshop.date})"
        for index, (current, _) in enumerate(pairs)
    }
    chosen = st.selectbox(
        t("followup.history_pick"), list(labels), format_func=labels.get, key="history_followup"
    )
    current, previous = pairs[chosen]
    follow = follow_through(rubrics, previous, current)
    if follow is None:
        st.caption(t("followup.history_none"))
        return
    show(follow, previous, rubrics.get(current.workshop.rubric_id, newest), lang)
