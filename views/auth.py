"""Who this session may act as: the host (a passcode) or one group's tutor (a join code).

Grants live in the session only: a new browser tab of the same person keeps
them (Streamlit shares the session per tab), a new browser asks again. What a
passcode unlocks is decided in :mod:`workshop.workshops`.
"""

from __future__ import annotations

import streamlit as st

from views import context
from views.language import t
from workshop.models import Workshop
from workshop.workshops import host_allowed, host_grant, host_unlocked


def _add_grant(state_key: str, grant: object) -> None:
    granted = set(st.session_state.get(state_key, set()))
    granted.add(grant)
    st.session_state[state_key] = granted


def session_is_host(workshop: Workshop | None) -> bool:
    """Has this session given the host passcode (the app's, or this workshop's)?"""
    return host_unlocked(st.session_state.get("host_granted", set()), workshop)


def require_host(workshop: Workshop | None, *, key: str) -> bool:
    """Show a passcode form unless unlocked; True once the session may use host controls."""
    if session_is_host(workshop):
        return True
    app_passcode = context.settings().host_passcode
    with st.form(f"host_login_{key}"):
        st.markdown(f"**{t('host.locked')}**")
        given = st.text_input(t("host.passcode"), type="password", key=f"host_pass_{key}")
        submitted = st.form_submit_button(t("host.unlock"), type="primary")
    if submitted:
        if host_allowed(workshop, given, app_passcode):
            _add_grant("host_granted", host_grant(workshop, app_passcode))
            st.rerun()
        st.error(t("host.wrong_passcode"))
    return False


def grant_host(workshop_id: str) -> None:
    """The creator of a workshop chose its passcode: the session is its host."""
    _add_grant("host_granted", workshop_id)


def tutor_authorized(workshop_id: str, group_id: str) -> bool:
    """Has this session given the group's join code (by link or by typing it)?"""
    return (workshop_id, group_id) in st.session_state.get("tutor_auth", set())


def grant_tutor(workshop_id: str, group_id: str) -> None:
    """The join code was right: this session may score that group, and only that one."""
    _add_grant("tutor_auth", (workshop_id, group_id))
