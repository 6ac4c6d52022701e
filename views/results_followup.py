"""The results page's action items between rounds: statuses, ticket links, and their payoff.

A group moves its own items along from its results link once it gives its
join code (checked and throttled like on the tutor page, :func:`views.auth.attempt`);
on the workshop's results link the host moves any group's items after giving
the host passcode. The results token alone only reads. Updates are checked and
stamped by :func:`workshop.actions.followed_up`; the page is read-only otherwise.
A workshop closed for scoring still takes updates: following through happens
after the workshop.
"""

from __future__ import annotations

import streamlit as st

from views import auth, live, markup, messages, viewer_time
from views.language import t
from workshop.access import join_code_matches
from workshop.actions import MAX_TICKET, followed_up, item_choices, sorted_actions
from workshop.content.model import Rubric
from workshop.followthrough import follow_through
from workshop.followthrough_tables import action_rows, counts_text
from workshop.models import ACTION_STATUSES, ActionItem, Group, Snapshot
from workshop.presentation import escape_markdown, format_html
from workshop.store.base import NotFound, StoreError
from workshop.tutor_form import saved_by
from workshop.workshops import InputError


def _unlock_group(group: Group) -> bool:
    """True once this session gave the group's join code (here, or on the tutor page)."""
    if auth.tutor_authorized(group):
        return True
    with st.form(f"followup_unlock_{group.id}"):
        st.caption(t("followup.update_unlock_group"))
        code = st.text_input(t("followup.update_code"), max_chars=12)
        submitted = st.form_submit_button(t("followup.update_unlock"))
    if submitted:
        keys = live.runtime().keys
        right = auth.attempt(lambda: join_code_matches(keys, group, code))
        if right:
            auth.grant_tutor(group)
            st.rerun()
        if right is False:
            st.error(t("followup.update_wrong_code"))
    return False


def _may_update(snapshot: Snapshot, action: ActionItem, group_id: str) -> bool:
    """Checked again when saving: the host, or the action's own group's join code."""
    if auth.session_is_host(snapshot.workshop):
        return True
    if not group_id or action.group_id != group_id:
        return False
    try:
        return auth.tutor_authorized(snapshot.group(group_id))
    except KeyError:
        return False


def _save(snapshot: Snapshot, action_id: str, group_id: str) -> None:
    """Form callback: the action as stored now, with the chosen status and ticket."""
    store = live.store()
    try:
        fresh = store.snapshot(snapshot.workshop.id)
        action = next((a for a in fresh.actions if a.id == action_id), None)
        if action is None:
            raise NotFound(f"Action item {action_id} does not exist.")
        if not _may_update(fresh, action, group_id):
            return
        if auth.session_is_host(fresh.workshop):
            who = "host"
        else:
            group = fresh.group(group_id)
            who = saved_by(st.session_state.get("tutor_name") or "", group, t("tutor.group"))
        updated = followed_up(
            action,
            status=st.session_state.get(f"followup_status_{action_id}", action.status),
            ticket=st.session_state.get(f"followup_ticket_{action_id}", action.ticket),
            updated_by=who,
        )
        store.update_action(updated)
    except InputError as error:
        st.session_state["followup_input_error"] = error
        return
    except StoreError as error:
        st.session_state["followup_store_error"] = error
        return
    live.forget_live_snapshot()
    st.session_state["followup_flash"] = t(
        "followup.update_saved", what=escape_markdown(updated.what)
    )


def _line(action: ActionItem, item_titles: dict[str, str], group_label: str) -> None:
    """An action as read: priority, what, test, owner, due; status and ticket link."""
    status = t(f"followup.status_{action.status}")
    markup.show_html_line(
        format_html(
            t("results.action_line"),
            markup={"priority": f"<strong>P{int(action.priority)}</strong>"},
            what=action.what,
            item=item_titles.get(action.item_id, "—"),
            owner=action.owner or "—",
            due=action.due or t("wrapup.action_no_due"),
        )
    )
    stamp = (
        t(
            "followup.update_stamp",
            time=viewer_time.local_time(action.updated_at, "%Y-%m-%d %H:%M"),
            who=escape_markdown(action.updated_by) or "—",
        )
        if action.updated_at
        else t("followup.update_never")
    )
    st.caption(" · ".join(part for part in (group_label, f"**{status}**", stamp) if part))
    if action.ticket:
        markup.show_user_text(action.ticket)  # a link stays a link; shown exactly as typed


def _editor(snapshot: Snapshot, action: ActionItem, group_id: str) -> None:
    with st.form(f"followup_form_{action.id}", border=False):
        status_column, ticket_column, save_column = st.columns(
            [2, 4, 1], vertical_alignment="bottom"
        )
        status_column.selectbox(
            t("followup.update_status"),
            ACTION_STATUSES,
            index=ACTION_STATUSES.index(action.status) if action.status in ACTION_STATUSES else 0,
            format_func=lambda status: t(f"followup.status_{status}"),
            key=f"followup_status_{action.id}",
        )
        ticket_column.text_input(
            t("followup.update_ticket"),
            value=action.ticket,
            max_chars=MAX_TICKET,
            key=f"followup_ticket_{action.id}",
        )
        save_column.form_submit_button(
            t("followup.update_save"),
            on_click=_save,
            args=(snapshot, action.id, group_id),
        )


def actions_section(snapshot: Snapshot, rubric: Rubric, group_id: str, lang: str) -> None:
    """The items of the link's scope with their status; editors once the person may update."""
    st.subheader(t("results.actions_heading" if group_id else "results.workshop_actions_heading"))
    actions = sorted_actions(snapshot, group_id or None)
    if not actions:
        st.caption(t("reports.no_actions"))
        return
    flash = st.session_state.pop("followup_flash", "")
    if flash:
        st.success(flash)
    error = st.session_state.pop("followup_input_error", None)
    if error is not None:
        messages.show_input_error(error)
    store_error = st.session_state.pop("followup_store_error", None)
    if store_error is not None:
        messages.show_store_error(store_error)
    item_titles = item_choices(rubric, lang)
    groups = {g.id: g for g in snapshot.groups}
    with st.expander(t("followup.update_heading"), expanded=True):
        st.caption(t("followup.update_help"))
        if group_id:
            editing = _unlock_group(snapshot.group(group_id))
        else:
            st.caption(t("followup.update_unlock_host"))
            editing = auth.require_host(snapshot.workshop, key=f"results_{snapshot.workshop.id}")
    for action in actions:
        group = groups.get(action.group_id)
        label = (
            ""
            if group_id or group is None
            else t(
                "followup.update_group_label",
                group=escape_markdown(group.name),
                system=escape_markdown(group.system),
            )
        )
        with st.container(border=True, key=f"followup_action_{action.id}"):
            _line(action, item_titles, label)
            if editing:
                _editor(snapshot, action, group_id)


def own_follow_through(rubrics: dict[str, Rubric], snapshot: Snapshot, group_id: str) -> None:
    """A group's own follow-through since the round this one was duplicated from."""
    previous_id = snapshot.workshop.previous_id
    if not previous_id:
        return
    try:
        previous = live.store().snapshot(previous_id)
    except NotFound:
        return
    except StoreError as error:
        st.caption(t("followup.previous_missing", detail=messages.store_error_text(error)))
        return
    follow = follow_through(rubrics, previous, snapshot)
    if follow is None:
        return
    st.subheader(t("followup.own_heading"))
    st.caption(
        t(
            "followup.since",
            title=escape_markdown(previous.workshop.title),
            date=previous.workshop.date,
        )
    )
    system = follow.system_of_group(group_id)
    if system is None or system.new:
        st.caption(t("followup.own_none"))
        return
    st.markdown(counts_text(system.counts, t))
    if system.actions:
        st.dataframe(action_rows(system.actions, t), hide_index=True, width="stretch")
