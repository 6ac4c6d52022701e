"""The tutor page's previous round: last round's answer, note and open actions beside each test.

Only for a workshop duplicated from an earlier one (``previous_id``). Nothing
is copied when a round is duplicated: the tutor carries an answer over with
one click, which becomes patches through the page's own save path (the
outbox), with who and when, like any answer they pick
(:meth:`workshop.tutor_form.TutorForm.carried_over`). The rules are in
:mod:`workshop.carry_over`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from views import auth, live, markup, messages
from views.language import t
from workshop import timesource
from workshop.answers import format_score, item_answer
from workshop.carry_over import PreviousRound, can_carry, previous_round
from workshop.content.model import Item, Rubric
from workshop.followthrough_tables import signed
from workshop.models import FieldPatch, Group, Workshop
from workshop.presentation import escape_markdown
from workshop.store.base import NotFound, StoreError
from workshop.tutor_form import TutorForm


def load(workshop: Workshop, group: Group, rubric: Rubric) -> PreviousRound | None:
    """The previous round of this group's system, with a line saying where it comes from."""
    if not workshop.previous_id:
        return None
    try:
        previous = live.store().snapshot(workshop.previous_id)
    except NotFound:
        return None  # the previous round was deleted: this round simply starts afresh
    except StoreError as error:
        st.caption(t("followup.previous_missing", detail=messages.store_error_text(error)))
        return None
    found = previous_round(rubric, previous, group)
    if found is None:
        st.caption(
            t("followup.previous_not_in_round", title=escape_markdown(previous.workshop.title))
        )
        return None
    st.info(
        t(
            "followup.previous_intro",
            title=escape_markdown(previous.workshop.title),
            date=previous.workshop.date,
        ),
        icon=":material/history:",
    )
    return found


def _carry(
    workshop_id: str,
    group_id: str,
    form: TutorForm,
    item_id: str,
    value: str,
    note: str,
    who: Callable[[], str],
    send: Callable[[FieldPatch], None],
) -> None:
    """One click: the previous answer (and note, onto an empty one) as this round's, saved."""
    if not auth.tutor_may_write(workshop_id, group_id):
        return
    made_at = timesource.now_precise_iso()
    for patch in form.carried_over(item_id, value, note, made_at=made_at, made_by=who()):
        send(patch)


def beside_each_test(
    workshop: Workshop,
    group: Group,
    rubric: Rubric,
    *,
    form: TutorForm,
    closed: bool,
    who: Callable[[], str],
    send: Callable[[FieldPatch], None],
) -> Callable[[Item, str], None]:
    """What the page calls for each test with its current answer: last round beside it.

    Reads the previous round once per run; for a first round (or a system new in
    this round) the returned function draws nothing.
    """
    previous = load(workshop, group, rubric)

    def show(item: Item, current_value: str) -> None:
        if previous is not None:
            show_item(
                item,
                rubric,
                previous,
                current_value,
                form=form,
                workshop_id=workshop.id,
                group_id=group.id,
                closed=closed,
                who=who,
                send=send,
            )

    return show


def show_item(
    item: Item,
    rubric: Rubric,
    previous: PreviousRound,
    current_value: str,
    *,
    form: TutorForm,
    workshop_id: str,
    group_id: str,
    closed: bool,
    who: Callable[[], str],
    send: Callable[[FieldPatch], None],
) -> None:
    """Last round's answer and note for one test, its open actions, and the carry-over button."""
    answer = previous.item(item.id)
    shown = answer.value or t("followup.previous_unanswered")
    line = t("followup.previous_heading", date=previous.workshop.date, value=escape_markdown(shown))
    if answer.valid and current_value.strip():
        before = item_answer(rubric, item, answer.value)
        now = item_answer(rubric, item, current_value)
        if before is not None and now is not None and before == now:
            line += " · " + t("followup.previous_same")
        elif before is not None and now is not None and before.is_value and now.is_value:
            change = signed((now.value or 0.0) - (before.value or 0.0))
            line += " · " + t("followup.previous_changed", change=change)
    with st.container(key=f"previous_{item.id}"):
        st.markdown(f"**{line}**")
        if answer.note:
            st.caption(t("followup.previous_note"))
            markup.show_user_text(answer.note)
        for action in answer.open_actions:
            status = t(f"followup.status_{action.status}")
            st.caption(
                t("followup.previous_open_action", what=escape_markdown(action.what), status=status)
            )
        if can_carry(answer, current_value) and not closed:
            label = answer.value
            if answer.value != "N/A":
                label = format_score(float(answer.value))
            st.button(
                t("followup.previous_carry", value=label),
                key=f"carry_{item.id}",
                help=t("followup.previous_carry_help"),
                icon=":material/redo:",
                on_click=_carry,
                args=(workshop_id, group_id, form, item.id, answer.value, answer.note, who, send),
            )
