"""The shared record as pages read it: this process's store, and the workshop a page shows.

The store (with its outbox and sender) is opened once per process with
``st.cache_resource``, so all sessions share one store (and one Sheets read
cache) instead of opening one per viewer. Pages that tick every second read
the workshop again only when the store's revision moved.
"""

from __future__ import annotations

import streamlit as st

from views import context, messages
from views.language import t
from workshop.config import Settings
from workshop.models import Snapshot
from workshop.runtime import Runtime, open_runtime
from workshop.store.base import NotFound, Store, StoreError


def _close_runtime(opened: Runtime) -> None:
    opened.close()


@st.cache_resource(show_spinner=False, on_release=_close_runtime)
def _runtime_cached(_settings: Settings, key: str) -> Runtime:
    return open_runtime(_settings)


def runtime() -> Runtime:
    """This process's store, outbox and sender (one for every session of the process)."""
    current = context.settings()
    try:
        return _runtime_cached(
            current,
            f"{current.store}:{current.db_path}:{current.spreadsheet}:{current.outbox_path}",
        )
    except StoreError as error:
        messages.show_store_error(error)
        st.stop()
        raise  # unreachable; st.stop() raises


def store() -> Store:
    return runtime().store


def snapshot_or_stop(workshop_id: str) -> Snapshot:
    """Read a workshop; a missing one or an unreachable store ends the page with a message."""
    try:
        return store().snapshot(workshop_id)
    except NotFound:
        st.error(t("errors.workshop_not_found"))
    except StoreError as error:
        messages.show_store_error(error)
    st.stop()
    raise AssertionError("unreachable")


def live_snapshot(workshop_id: str, *, warn: bool = True) -> Snapshot:
    """The workshop as stored, read again only when its revision moved.

    Fragments that tick every second call this; asking the store's revision
    is cheap (a counter), so a change shows on the next tick while an idle
    page costs no read at all (and on Sheets the copy is shared by every
    viewer of the process, never one request per viewer).

    When the store cannot be reached for a moment, the page keeps the last
    snapshot this session saw instead of stopping, with a warning unless ``warn``
    is false (a caller that explains it in its own words).
    """
    memo = st.session_state.get("_live_snapshot")
    last = st.session_state.get("_last_snapshot")
    seen = last is not None and last[0] == workshop_id
    try:
        revision = store().revision(workshop_id)
        if memo and memo[0] == workshop_id and memo[1] == revision:
            return memo[2]
        snapshot = store().snapshot(workshop_id)
    except NotFound:
        st.error(t("errors.workshop_not_found"))
        st.stop()
        raise
    except StoreError as error:
        # Seen before: a moment without the store (quota, outage) must not stop the page,
        # or its fragments stop ticking. Show what this session last saw and say why.
        if not seen:
            messages.show_store_error(error)
            st.stop()
        if warn:
            messages.show_store_error(error)
        return last[1]
    st.session_state["_live_snapshot"] = (workshop_id, revision, snapshot)
    st.session_state["_last_snapshot"] = (workshop_id, snapshot)
    return snapshot


def last_seen(workshop_id: str) -> Snapshot | None:
    """The workshop as this session last read it (no store call: for callbacks)."""
    last = st.session_state.get("_last_snapshot")
    return last[1] if last is not None and last[0] == workshop_id else None


def forget_live_snapshot() -> None:
    """After this session writes, the next read must see the write."""
    st.session_state.pop("_live_snapshot", None)


def workshop_from_query(*, link_to_host: bool = False) -> str:
    """The workshop of ``?w=``, or a picker of the open workshops (kept in the URL)."""
    workshop_id = st.query_params.get("w", "")
    if workshop_id:
        return workshop_id
    try:
        workshops = store().list_workshops()
    except StoreError as error:
        messages.show_store_error(error)
        st.stop()
    if not workshops:
        st.info(t("present.no_workshop"))
        if link_to_host:
            st.page_link(context.page("host"), label=t("host.title"), icon=":material/settings:")
        st.stop()
    workshop_id = st.selectbox(
        t("present.choose_workshop"),
        [w.id for w in workshops],
        format_func={w.id: f"{w.title} ({w.date})" for w in workshops}.get,
    )
    st.query_params["w"] = workshop_id
    return workshop_id
