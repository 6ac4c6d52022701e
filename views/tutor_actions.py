"""The tutor page's action items: what the group commits to improve, for its own group only.

Built and checked by :func:`workshop.actions.new_action`, like the wrap-up's;
the group is the one this session joined, never one the browser names.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from views import auth, live, messages
from views.language import t
from workshop.actions import MAX_PRIORITY, MIN_PRIORITY, item_choices, listed_actions, new_action
from workshop.content.model import Rubric
from workshop.models import ActionItem
from workshop.presentation import escape_markdown
from workshop.store.base import StoreError
from workshop.workshops import InputError


def _add_action(workshop_id: str, group_id: str, who: Callable[[], str]) -> None:
    """A tutor records an improvement for their own group only (group from the session)."""
    if not auth.tutor_may_write(workshop_id, group_id):
        return
    try:
        live.store().add_action(
            new_action(
                workshop_id=workshop_id,
                group_id=group_id,
                item_id=st.session_state["tutor_action_item"],
                what=st.session_state.get("tutor_action_what", ""),
                owner=st.session_state.get("tutor_action_owner", ""),
                priority=st.session_state.get("tutor_action_priority", MIN_PRIORITY),
                due=st.session_state.get("tutor_action_due"),
                created_by=who(),
            )
        )
    except InputError as error:
        st.session_state["tutor_input_error_actions"] = error
        return
    except StoreError as error:
        st.session_state["tutor_action_store_error"] = error
        return
    live.forget_live_snapshot()
    st.session_state["tutor_action_what"] = ""
    st.session_state["tutor_action_owner"] = ""


def action_items(
    workshop_id: str,
    group_id: str,
    rubric: Rubric,
    actions: tuple[ActionItem, ...],
    lang: str,
    *,
    who: Callable[[], str],
    expanded: bool,
    closed: bool = False,
) -> None:
    """The form to add one, then the group's items by priority (open during the wrap-up).

    A workshop the host closed lists its items but takes no new ones.
    """
    with st.expander(t("tutor.actions_heading"), expanded=expanded):
        st.caption(t("tutor.actions_help"))
        if closed:
            _listed(actions, group_id, item_choices(rubric, lang))
            return
        item_titles = item_choices(rubric, lang)
        st.text_area(t("wrapup.action_what"), key="tutor_action_what", height=68)
        first, second, third, fourth = st.columns([3, 2, 1, 2])
        first.selectbox(
            t("wrapup.action_item"),
            list(item_titles),
            format_func=item_titles.get,
            key="tutor_action_item",
        )
        second.text_input(t("wrapup.action_owner"), key="tutor_action_owner")
        third.number_input(
            t("wrapup.action_priority"),
            MIN_PRIORITY,
            MAX_PRIORITY,
            MIN_PRIORITY,
            key="tutor_action_priority",
        )
        fourth.date_input(t("wrapup.action_due"), value=None, key="tutor_action_due")
        st.button(
            t("wrapup.action_add"),
            on_click=_add_action,
            args=(workshop_id, group_id, who),
            key="tutor_action_add",
        )
        action_error = st.session_state.pop("tutor_input_error_actions", None)
        if action_error is not None:
            messages.show_input_error(action_error)
        store_error = st.session_state.pop("tutor_action_store_error", None)
        if store_error is not None:
            messages.show_store_error(store_error)
        _listed(actions, group_id, item_titles)


def _listed(actions: tuple[ActionItem, ...], group_id: str, item_titles: dict[str, str]) -> None:
    for action in listed_actions(actions, group_id):
        st.markdown(
            f"- **P{action.priority}** · {escape_markdown(action.what)} — "
            f"{item_titles.get(action.item_id, action.item_id)}"
            + (f" · {escape_markdown(action.owner)}" if action.owner else "")
            + (f" · {action.due}" if action.due else "")
        )
