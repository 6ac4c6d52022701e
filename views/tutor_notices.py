"""The tutor page's notices: a change of this session that a later one won over, or that
the host's closing refused.

Apart from views/tutor.py so the scoring page stays one screen of logic; the page
passes the two actions a notice offers (acknowledge it, or choose one's own value
again), so this module holds no state of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from views import language, viewer_time
from workshop.outbox_entry import Entry
from workshop.presentation import escape_markdown

t = language.t


def show(
    entry: Entry,
    *,
    acknowledge: Callable[[list[int]], None],
    use_mine: Callable[[int, str, str, str], None],
) -> None:
    """A change of this session that a later one won over: say so, offer to re-apply it.

    A change the host's closing refused is only reported (nothing can be re-applied).
    """
    patch = entry.patch
    if entry.status == "dropped":
        st.warning(
            t(
                f"tutor.refused_closed_{patch.field}",
                item=patch.item_id,
                mine=escape_markdown(patch.text or t("tutor.empty_value")),
            ),
            icon=":material/lock:",
        )
        st.button(
            t("tutor.understood"),
            key=f"seen_{entry.id}",
            on_click=acknowledge,
            args=([entry.id],),
        )
        return
    theirs = entry.current if entry.current else t("tutor.empty_value")
    st.warning(
        t(
            f"tutor.superseded_{patch.field}",
            item=patch.item_id,
            mine=escape_markdown(patch.text or t("tutor.empty_value")),
            theirs=escape_markdown(theirs),
            who=escape_markdown(entry.current_by or t("tutor.someone")),
            time=viewer_time.local_time(entry.current_at, "%H:%M:%S") if entry.current_at else "—",
        ),
        icon=":material/merge_type:",
    )
    keep, mine, _rest = st.columns([1, 1, 3])
    keep.button(
        t("tutor.keep_theirs"),
        key=f"keep_{entry.id}",
        on_click=acknowledge,
        args=([entry.id],),
    )
    mine.button(
        t("tutor.use_mine"),
        key=f"mine_{entry.id}",
        on_click=use_mine,
        args=(entry.id, patch.item_id, patch.field, patch.text),
    )
