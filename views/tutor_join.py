"""How a tutor reaches their group's page: the join link's code, or picking and typing it.

The group comes from a join code checked here, on the server, and kept in the
session (:mod:`views.auth`); a page never trusts a group id the browser sends
without it, so one tutor's link cannot write another group's answers.
"""

from __future__ import annotations

import streamlit as st

from views import auth, live, messages
from views.language import t
from workshop.access import join_code_matches
from workshop.models import Group
from workshop.store.base import StoreError


def _code_right(group: Group, typed: str) -> bool | None:
    """The throttled check of a join code: True, False, or None while attempts wait."""
    keys = live.runtime().keys
    return auth.attempt(lambda: join_code_matches(keys, group, typed))


def join_form() -> None:
    """Pick a workshop and group and type the join code (when no link was used); stops."""
    st.title(t("tutor.join_title"))
    st.caption(t("tutor.join_help"))
    try:
        workshops = live.store().list_workshops()
    except StoreError as error:
        messages.show_store_error(error)
        st.stop()
    if not workshops:
        st.info(t("tutor.no_workshops"))
        st.stop()
    titles = {w.id: f"{w.title} ({w.date})" for w in workshops}
    workshop_id = st.selectbox(t("tutor.workshop"), list(titles), format_func=titles.get)
    groups = live.snapshot_or_stop(workshop_id).groups
    names = {g.id: g.name for g in groups}
    with st.form("join"):
        group_id = st.selectbox(t("tutor.group"), list(names), format_func=names.get)
        code = st.text_input(t("tutor.code"), max_chars=12)
        if st.form_submit_button(t("tutor.join"), type="primary"):
            group = next(g for g in groups if g.id == group_id)
            right = _code_right(group, code)
            if right:
                auth.grant_tutor(group)
                st.query_params["w"] = workshop_id
                st.query_params["g"] = group_id
                st.query_params.pop("code", None)
                st.rerun()
            if right is False:
                st.error(t("tutor.wrong_code"))
    st.stop()


def require_tutor(group: Group) -> None:
    """Go on only for a session that gave this group's join code (now, by ``?code=``, or before).

    Otherwise say the code was wrong (if one was given) and show the join form.
    """
    if auth.tutor_authorized(group):
        return
    given = st.query_params.get("code", "")
    if given:
        right = _code_right(group, given)
        if right:
            auth.grant_tutor(group)
            return
        if right is False:
            st.error(t("tutor.wrong_code"))
    join_form()
