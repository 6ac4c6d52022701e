"""Who this session may act as: the host (a passcode), one group's tutor (a join code),
a results reader (a token) or a history reader (a passcode or the history link).

Grants live in the session only: a new browser tab of the same person keeps
them (Streamlit shares the session per tab), a new browser asks again. What a
secret opens is decided in :mod:`workshop.access`; every attempt goes through
:func:`attempt`, which asks the process's :class:`~workshop.throttle.Throttle`
first, so wrong guesses cost time whichever page they are made on.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

import streamlit as st

from views import context, live, messages, viewer_time
from views.language import t
from workshop import timesource
from workshop.access import HostCheck, client_address
from workshop.models import Group, Workshop
from workshop.runtime import ADDRESS_KEY
from workshop.security import new_id
from workshop.store.base import HostsUnprotected, StoreError
from workshop.workshops import ALL_WORKSHOPS, host_grant, host_unlocked


def _add_grant(state_key: str, grant: object) -> None:
    granted = set(st.session_state.get(state_key, set()))
    granted.add(grant)
    st.session_state[state_key] = granted


def attempt_keys() -> list[str]:
    """What a failed attempt counts against: this browser session and its address."""
    session: str = st.session_state.setdefault("_attempt_id", new_id("a"))
    address = client_address(
        st.context.ip_address,
        st.context.headers.get("X-Forwarded-For", ""),
        behind_proxy=context.settings().behind_proxy,
    )
    return [f"session:{session}", f"{ADDRESS_KEY}{address}"]


def show_wait(seconds: float) -> None:
    """Say that attempts are paused, for how long and until when (the viewer's clock)."""
    until = datetime.fromtimestamp(timesource.now() + seconds, UTC)
    st.error(
        t(
            "errors.too_many_attempts",
            seconds=math.ceil(seconds),
            time=viewer_time.local_time(until.isoformat(), "%H:%M:%S"),
        ),
        icon=":material/hourglass_top:",
    )


def attempt(check: Callable[[], bool]) -> bool | None:
    """Run ``check`` unless attempts are paused; count a failure, clear the session on success.

    Returns the check's answer, or None (after saying so) while this session or
    its address must wait.
    """
    throttle = live.runtime().throttle
    keys = attempt_keys()
    waiting = throttle.wait(keys)
    if waiting > 0:
        show_wait(waiting)
        return None
    if check():
        throttle.succeeded(keys[0])
        return True
    throttle.failed(keys)
    return False


def session_is_host(workshop: Workshop | None) -> bool:
    """Has this session given the host passcode (the app's, or this workshop's)?"""
    return host_unlocked(st.session_state.get("host_granted", set()), workshop)


def session_is_app_host() -> bool:
    """Has this session given the app's own host passcode (which opens every workshop)?"""
    return ALL_WORKSHOPS in st.session_state.get("host_granted", set())


def hosted_workshops() -> set[str]:
    """The workshops whose passcode this session gave (or created)."""
    return {g for g in st.session_state.get("host_granted", set()) if g != ALL_WORKSHOPS}


def _host_passcode_right(workshop: Workshop | None, given: str) -> bool:
    return HostCheck(live.store(), context.settings().host_passcode).allowed(workshop, given)


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
        try:
            allowed = attempt(lambda: _host_passcode_right(workshop, given))
        except HostsUnprotected:
            st.error(t("errors.hosts_unprotected"), icon=":material/gpp_bad:")
            return False
        except StoreError as error:
            messages.show_store_error(error)
            return False
        if allowed:
            _add_grant("host_granted", host_grant(workshop, app_passcode))
            st.rerun()
        if allowed is False:
            st.error(t("host.wrong_passcode"))
    return False


def grant_host(workshop_id: str) -> None:
    """The creator of a workshop chose its passcode: the session is its host."""
    _add_grant("host_granted", workshop_id)


def tutor_authorized(group: Group) -> bool:
    """Has this session given the group's current join code (by link or by typing it)?

    A grant names the link's generation: once the host regenerates the group's
    link, sessions that joined with the old code must join again.
    """
    grant = (group.workshop_id, group.id, group.link_generation)
    return grant in st.session_state.get("tutor_auth", set())


def grant_tutor(group: Group) -> None:
    """The join code was right: this session may score that group, and only that one."""
    _add_grant("tutor_auth", (group.workshop_id, group.id, group.link_generation))


def tutor_may_write(workshop_id: str, group_id: str) -> bool:
    """May a change of this session be sent now? Its join code is still the group's, and
    the workshop is open (as last read: the store refuses a closed workshop's changes too)."""
    snapshot = live.last_seen(workshop_id)
    if snapshot is None or snapshot.workshop.closed:
        return False
    try:
        return tutor_authorized(snapshot.group(group_id))
    except KeyError:
        return False


def results_granted(token: str) -> bool:
    """Has this session opened results with this token already (no second throttled check)?"""
    return token in st.session_state.get("results_granted", set())


def grant_results(token: str) -> None:
    _add_grant("results_granted", token)


def history_allowed_here() -> bool:
    """May this session read every system's history (app host, passcode or link given)?"""
    return session_is_app_host() or bool(st.session_state.get("history_granted"))


def grant_history() -> None:
    st.session_state["history_granted"] = True


def participant_authorized(group: Group) -> bool:
    """Has this session opened the group's current participant link? (Votes only.)

    Like a tutor's grant it names the link's generation, so a regenerated link
    shuts out sessions that joined with the old one. It never opens the tutor
    page: that needs the join code (:func:`tutor_authorized`).
    """
    grant = (group.workshop_id, group.id, group.link_generation)
    return grant in st.session_state.get("participant_auth", set())


def grant_participant(group: Group) -> None:
    _add_grant("participant_auth", (group.workshop_id, group.id, group.link_generation))
