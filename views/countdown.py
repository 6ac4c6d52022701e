"""The shared countdown, ticking in the browser; pages poll the record slowly and cheaply.

Issue 15: a page used to re-run a server fragment every second to draw the
countdown, so the server's load grew with each open screen. Now a small
component (``st.components.v2``: the app's DOM, no iframe, no fetch) gets the
stored clock state (:func:`workshop.countdown.payload`) and counts down by
itself, auto-advance, the one-minute warning, "moving on" and the presenter's
chime included (``views/assets/countdown.js``). The server's part is a
fragment every ``POLL_SECONDS`` that asks the store's revision (a counter,
shared by every session of the process) and redraws only what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from views.language import t
from workshop import countdown, timesource
from workshop.content.model import Agenda
from workshop.models import ClockState

#: How often an open page asks whether the record changed. A broadcast shows within
#: this (plus the Sheets read's reuse on another process); the countdown needs no poll.
POLL_SECONDS = 3.0


def _script() -> str:
    """The component's code without its comment lines: it travels with every poll."""
    text = (Path(__file__).parent / "assets" / "countdown.js").read_text(encoding="utf-8")
    return "\n".join(
        line.strip() for line in text.splitlines() if not line.strip().startswith("//")
    )


_JS = _script()
_CSS = """
.mts-room-line {margin: 0;}
.mts-room-bar {height: 0.6rem; background: #e8eef7; border-radius: 0.3rem; margin: 0.6rem 0;}
.mts-room-bar > div {height: 100%; background: #1f3f73; border-radius: 0.3rem;}
.mts-countdown.warning {color: #8a5300;}
.mts-badge.moving {background: #fff1d6; color: #6b4100;}
.mts-room-note {font-size: 1.15rem; font-weight: 600; min-height: 1.6rem;}
.mts-room-note.warning {color: #8a5300;}
.mts-room-note.moving {color: #1f3f73;}
.st-key-room_broadcast {background: #fff6e0; border-color: #f0c36d !important;}
"""
_component = st.components.v2.component("mts_room_clock", js=_JS, css=_CSS, isolate_styles=False)


def _texts() -> dict[str, str]:
    """The countdown's words in the session's language ({placeholders} filled in the browser)."""
    keep = {"index": "{index}", "count": "{count}", "segment": "{segment}", "next": "{next}"}
    texts = {
        "position": t("present.segment_of", index=keep["index"], count=keep["count"]),
        "now_scoring": t("tutor.now_scoring", segment=keep["segment"]),
        "overtime": t("present.overtime"),
        "moving": t("room.status_moving"),
        "warning": t("room.warning"),
        "moving_on": t("room.moving_on", next=keep["next"]),
        "moving_on_last": t("room.moving_on_last"),
    }
    for status in ("idle", "running", "paused", "finished"):
        texts[f"status_{status}"] = t(f"present.status_{status}")
    return texts


def show(
    agenda: Agenda,
    state: ClockState,
    lang: str,
    *,
    compact: bool = False,
    chime: bool = False,
    on_key: Callable[[], None] | None = None,
    key: str = "room_clock",
) -> None:
    """Draw the ticking countdown; ``on_key`` makes it take the presenter's shortcuts.

    ``lang`` is the language of the segment titles (the workshop's), the rest
    follows the session's. ``compact`` is the tutor's one line.
    """
    data: dict[str, Any] = {
        **countdown.payload(agenda, state, timesource.now(), lang),
        "texts": _texts(),
        "compact": compact,
        "chime": chime,
        "keys": on_key is not None,
    }
    if on_key is None:
        _component(key=key, data=data)
    else:
        _component(key=key, data=data, on_key_change=on_key)


def pressed_key(key: str = "room_clock") -> str | None:
    """The shortcut the presenter just pressed (in ``on_key``): toggle, next, previous, plus1."""
    value = st.session_state.get(key)
    event = value.get("key") if isinstance(value, dict) else None
    control = event.get("control") if isinstance(event, dict) else None
    return control if isinstance(control, str) else None
