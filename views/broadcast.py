"""The host's broadcast: typed on the presenter page, shown on every tutor screen.

The message is kept in the shared record with the clock
(:mod:`workshop.broadcast`), so a tutor page's slow poll sees it (another app
process and a reload too); each screen dismisses it for itself, by the
message's stamp in the session.
"""

from __future__ import annotations

import streamlit as st

from views import live, markup, messages, viewer_time
from views.language import t
from workshop import broadcast, timesource
from workshop.models import ClockState
from workshop.store.base import StoreError
from workshop.workshops import InputError

_DISMISSED = "_room_dismissed"
_TEXT = "room_broadcast_text"


def _publish(workshop_id: str, withdraw: bool = False) -> None:
    text = None if withdraw else st.session_state.get(_TEXT, "")
    try:
        broadcast.publish(live.store(), workshop_id, text, timesource.now())
    except (InputError, StoreError) as error:
        st.session_state["room_broadcast_error"] = error
        return
    finally:
        live.forget_live_snapshot()
    if not withdraw:
        st.session_state[_TEXT] = ""


def host_form(workshop_id: str, state: ClockState) -> None:
    """The host's message box (a popover on the presenter page), and the current message."""
    current = broadcast.current(state)
    with st.popover(t("room.broadcast_button"), icon=":material/campaign:", width="stretch"):
        st.text_input(
            t("room.broadcast_input"),
            key=_TEXT,
            max_chars=broadcast.MAX_MESSAGE,
            placeholder=t("room.broadcast_placeholder"),
        )
        st.button(
            t("room.broadcast_send"),
            key="room_broadcast_send",
            type="primary",
            icon=":material/send:",
            on_click=_publish,
            args=(workshop_id,),
        )
        if current is not None:
            sent = viewer_time.local_time(current.sent_at, "%H:%M")
            st.caption(t("room.broadcast_current", time=sent))
            markup.show_user_text(current.text)
            st.button(
                t("room.broadcast_withdraw"),
                key="room_broadcast_withdraw",
                on_click=_publish,
                args=(workshop_id, True),
            )
    error = st.session_state.pop("room_broadcast_error", None)
    if isinstance(error, InputError):
        messages.show_input_error(error)
    elif isinstance(error, StoreError):
        messages.show_store_error(error)


def _dismiss(sent_at: float) -> None:
    st.session_state.setdefault(_DISMISSED, set()).add(sent_at)


def show_message(state: ClockState) -> None:
    """The host's current message on this screen, until this screen dismisses it."""
    message = broadcast.shown(state, st.session_state.get(_DISMISSED, set()))
    if message is None:
        return
    with st.container(border=True, key="room_broadcast"):
        text, close = st.columns([6, 1], vertical_alignment="center")
        with text:
            sent = viewer_time.local_time(message.sent_at, "%H:%M")
            st.markdown(f"**:material/campaign: {t('room.from_host')}** · {sent}")
            markup.show_user_text(message.text)
        close.button(
            t("room.dismiss"),
            key=f"room_dismiss_{message.sent_at}",
            on_click=_dismiss,
            args=(message.sent_at,),
        )
