"""What a live page's countdown shows, read from what the server sent it.

The room benchmark (``benchmarks/room.py``) and its tests read every page's
countdown through :func:`countdown_reading`, whether the server draws it every
second or the browser ticks it from the stored clock state.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from tests.support.streamlit_ws import Shown
from workshop import clock
from workshop.content.model import Agenda
from workshop.models import ClockState

_COUNTDOWN_TAG = re.compile(r"<[^<>]*data-testid=[\"']countdown[\"'][^<>]*>")
_ATTRIBUTE = re.compile(r"data-([a-z-]+)=[\"']([^\"']*)")
_STATE_FIELDS = {f.name for f in dataclasses.fields(ClockState)}


@dataclass(frozen=True)
class Reading:
    """What one page's countdown said, and when it arrived (``time.time()``).

    Drawn by the server, a countdown shows ``remaining`` until the next one
    arrives. Ticking in the browser, it shows the stored clock ``state`` it was
    given, at the browser's time corrected by ``offset`` (the server's time
    minus the browser's, as the component estimates it).
    """

    remaining: float  # seconds left when drawn
    drawn_at: float  # epoch seconds it describes (the server's time)
    arrived: float
    state: ClockState | None = None
    agenda: Agenda | None = None
    offset: float = 0.0

    def shown(self, now: float) -> float:
        """Seconds left on this page's screen at ``now``."""
        if self.state is not None and self.agenda is not None:
            return clock.view(self.agenda, self.state, now + self.offset).remaining
        return self.remaining


def countdown_reading(shown: Shown, agenda: Agenda) -> Reading | None:
    """The countdown in an element received, if it holds one; ``agenda`` is the workshop's.

    Two shapes are read. The server-drawn countdown (a 1 s fragment) is markup
    with ``data-testid="countdown"``, ``data-remaining`` and ``data-rendered-at``.
    The countdown that ticks in the browser is a component (``st.components.v2``)
    whose data is the stored clock state and the server's time
    (``workshop.countdown.payload``: ``segment``, ``status``, ``started_at``, ...,
    ``server_now``); its screen shows what :func:`workshop.clock.view` gives for
    that state, as the component's script computes it. Adapt this function if
    the countdown comes in another shape.
    """
    if shown.kind == "bidi_component":
        return _state_reading(shown, agenda)
    text = shown.text
    if "countdown" not in text:
        return None
    tag = _COUNTDOWN_TAG.search(text)
    if tag is None:
        return None
    attributes = dict(_ATTRIBUTE.findall(tag.group(0)))
    try:
        remaining = float(attributes["remaining"])
        drawn_at = float(attributes.get("rendered-at") or shown.at)
    except (KeyError, ValueError):
        return None
    return Reading(remaining, drawn_at, shown.at)


def _state_reading(shown: Shown, agenda: Agenda) -> Reading | None:
    try:
        data = json.loads(shown.element.bidi_component.json or "null")
    except ValueError:
        return None
    if not isinstance(data, dict) or "status" not in data or "server_now" not in data:
        return None
    try:
        state = ClockState(**{k: v for k, v in data.items() if k in _STATE_FIELDS})
        server_now = float(data["server_now"])
        remaining = clock.view(agenda, state, server_now).remaining
    except (TypeError, ValueError, KeyError):
        return None
    # The component takes the server's time as it arrives: late by the delivery.
    return Reading(remaining, server_now, shown.at, state, agenda, server_now - shown.at)
