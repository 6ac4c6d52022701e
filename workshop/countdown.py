"""What a browser needs to tick the shared clock by itself.

Issue 15: every open page used to re-run a server fragment every second to
draw the countdown, so server load grew with each screen. The countdown now
ticks in the browser from the stored clock state, sent only with a page's
slow poll: the agenda's segments, the stored state and the server's time (so
a browser whose clock is off still agrees with the others). The browser
applies the same auto-advance rule as :func:`workshop.clock.effective`; this
module only says what it is given, as plain JSON-ready data.
"""

from __future__ import annotations

from typing import Any

from workshop import clock
from workshop.content.model import Agenda
from workshop.models import ClockState


def clock_fingerprint(state: ClockState) -> tuple[object, ...]:
    """What the browser's countdown depends on in the stored clock (not the message)."""
    return (
        state.segment,
        state.status,
        state.started_at,
        state.paused_elapsed,
        state.extension,
        state.auto_advance,
    )


def payload(agenda: Agenda, state: ClockState, now: float, lang: str) -> dict[str, Any]:
    """The countdown's data: segments (title, seconds), the stored clock, the server's time.

    Titles are in ``lang`` (the workshop's language, like the segment's content).
    """
    return {
        "segments": [
            {"title": segment.title.get(lang), "seconds": segment.seconds}
            for segment in agenda.segments
        ],
        "segment": state.segment,
        "status": state.status,
        "started_at": state.started_at,
        "paused_elapsed": state.paused_elapsed,
        "extension": state.extension,
        "auto_advance": state.auto_advance,
        "server_now": now,
        "moving_on_seconds": clock.MOVING_ON_SECONDS,
        "warning_seconds": clock.WARNING_SECONDS,
    }
