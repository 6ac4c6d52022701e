"""The tutor page's voting panel: open a test for votes, watch the count, reveal, note why.

The tutor's page calls :func:`panel` once; everything about votes lives here so
the scoring page itself stays about answers. The group's answer is still set by
the tutor in the item's own field below: votes never write it. Revealing (or
noting why the group disagreed) queues the round's summary, counts only, for
the shared record, where the outbox's sender takes it with the group's next
commit (:mod:`workshop.vote_box`).
"""

from __future__ import annotations

import streamlit as st

from views import auth, context, live, vote_display
from views.language import t
from workshop import timesource
from workshop.content.model import Rubric
from workshop.links import participant_link, qr_png
from workshop.models import Group
from workshop.presentation import escape_markdown
from workshop.votes import (
    MAX_VOTE_NOTE,
    VoteError,
    answer_differs,
    canonical_answer,
    check_vote_note,
    summary_text,
    tally,
)

#: How often the panel looks at the votes file (seconds): local, no Sheets request.
#: While votes come in, the count is what the tutor waits for, so it is looked at
#: often (a vote shows within a second); once revealed, the spread changes rarely.
POLL_SECONDS = 2
COUNT_POLL_SECONDS = 0.5


def _summary(rubric: Rubric, workshop_id: str, group_id: str, item_id: str) -> str:
    state = live.runtime().votes.state(workshop_id, group_id, item_id)
    return summary_text(tally(rubric, rubric.item(item_id), [v.choice for v in state.votes]))


def _open(workshop_id: str, group_id: str, key: str) -> None:
    item_id = st.session_state.get(key)
    if item_id and auth.tutor_may_write(workshop_id, group_id):
        live.runtime().votes.set_current(workshop_id, group_id, item_id, timesource.now())


def _reveal(rubric: Rubric, workshop_id: str, group_id: str, item_id: str) -> None:
    if not auth.tutor_may_write(workshop_id, group_id):
        return
    runtime = live.runtime()
    runtime.votes.reveal(
        workshop_id, group_id, item_id, _summary(rubric, workshop_id, group_id, item_id)
    )
    runtime.engine.nudge()


def _again(workshop_id: str, group_id: str, item_id: str) -> None:
    if auth.tutor_may_write(workshop_id, group_id):
        live.runtime().votes.vote_again(workshop_id, group_id, item_id)


def _note(rubric: Rubric, workshop_id: str, group_id: str, item_id: str, key: str) -> None:
    if not auth.tutor_may_write(workshop_id, group_id):
        return
    try:
        note = check_vote_note(st.session_state.get(key) or "")
    except VoteError:
        st.session_state["vote_note_problem"] = True
        return
    runtime = live.runtime()
    summary = _summary(rubric, workshop_id, group_id, item_id)
    runtime.votes.set_note(workshop_id, group_id, item_id, note, summary)
    runtime.engine.nudge()


def _invite(group: Group) -> None:
    """The participant link and its QR code, for the tutor's shared screen."""
    snapshot = live.last_seen(group.workshop_id)
    if snapshot is None:
        return
    token = live.runtime().keys.participant_token(group)
    link = participant_link(context.public_base(), snapshot.workshop, group, token)
    with st.popover(t("votes.invite"), icon=":material/qr_code_2:"):
        st.caption(t("votes.invite_help"))
        st.code(link, language=None)
        st.image(qr_png(link), width=200)


def panel(group: Group, rubric: Rubric, lang: str, *, closed: bool) -> None:
    """The voting panel of the tutor page (see the module docstring)."""
    workshop_id, group_id = group.workshop_id, group.id
    box = live.runtime().votes
    current = box.current(workshop_id, group_id)
    with st.expander(t("votes.panel_title"), expanded=bool(current), icon=":material/how_to_vote:"):
        st.caption(t("votes.panel_help"))
        _invite(group)
        items = [item.id for item in rubric.items]
        titles = {item.id: f"{item.id} · {item.title.get(lang)}" for item in rubric.items}
        key = f"vote_test_{workshop_id}_{group_id}_{current}"  # redrawn when another device moves
        st.selectbox(
            t("votes.pick_test"),
            items,
            index=items.index(current) if current in items else None,
            placeholder=t("votes.pick_none"),
            format_func=titles.get,
            key=key,
            disabled=closed,
            on_change=_open,
            args=(workshop_id, group_id, key),
        )
        if current in items:
            _round(group, rubric, lang, current, closed=closed)


def _round(group: Group, rubric: Rubric, lang: str, item_id: str, *, closed: bool) -> None:
    workshop_id, group_id = group.workshop_id, group.id
    box = live.runtime().votes
    counting = not box.state(workshop_id, group_id, item_id).revealed

    @st.fragment(run_every=COUNT_POLL_SECONDS if counting else POLL_SECONDS)
    def live_round() -> None:
        if box.current(workshop_id, group_id) != item_id:
            st.rerun()  # another device of the tutor opened another test
        state = box.state(workshop_id, group_id, item_id)
        if state.revealed == counting:
            st.rerun()  # revealed, or voting again: poll at the pace of the new state
        item = rubric.item(item_id)
        if not state.revealed:
            present = max(box.present(workshop_id, group_id, timesource.now()), len(state.votes))
            st.markdown(f"**{t('votes.voted_count', count=len(state.votes), present=present)}**")
            st.button(
                t("votes.reveal"),
                key=f"reveal_{item_id}_{state.round}",
                type="primary",
                icon=":material/visibility:",
                disabled=closed,
                on_click=_reveal,
                args=(rubric, workshop_id, group_id, item_id),
            )
            return
        spread = tally(rubric, item, [v.choice for v in state.votes])
        anonymous = box.anonymous(workshop_id)
        vote_display.show_spread(rubric, spread, lang, votes=state.votes, anonymous=anonymous)
        snapshot = live.live_snapshot(workshop_id, warn=False)
        answer = snapshot.group_answers(group_id).get(item_id)
        mine = canonical_answer(rubric, item, answer.value) if answer else ""
        if answer_differs(spread, mine):
            st.info(t("votes.differs", answer=mine, majority=spread.majority or ""))
        if spread.disagreement:
            note_key = f"vote_note_{item_id}_{state.round}"
            st.text_input(
                t("votes.note_why"),
                value=state.note,
                key=note_key,
                max_chars=MAX_VOTE_NOTE,
                disabled=closed,
                on_change=_note,
                args=(rubric, workshop_id, group_id, item_id, note_key),
            )
            if st.session_state.pop("vote_note_problem", False):
                st.error(t("votes.note_too_long", max=MAX_VOTE_NOTE))
        elif state.note:
            st.caption(t("votes.tutor_note", note=escape_markdown(state.note)))
        st.button(
            t("votes.vote_again"),
            key=f"again_{item_id}_{state.round}",
            icon=":material/replay:",
            disabled=closed,
            on_click=_again,
            args=(workshop_id, group_id, item_id),
        )

    live_round()
