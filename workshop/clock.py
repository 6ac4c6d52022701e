"""The shared agenda clock as pure functions of (agenda, stored state, now).

The clock lives in the store, not in a browser tab: every screen computes the
same remaining time from the same stored state and its own wall clock, so the
host and every tutor agree within a second, and a reload or a second host tab
continues where it was. Each control returns a new :class:`ClockState` to
store; nothing here reads the time itself, so tests inject ``now``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from workshop.content.model import Agenda, Segment
from workshop.models import ClockState

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"


@dataclass(frozen=True)
class ClockView:
    """What a screen shows for the clock at one instant."""

    index: int
    segment: Segment
    status: str
    elapsed: float
    duration: float  # the segment's planned seconds plus extensions
    extension: float
    at: float = 0.0  # the instant (epoch seconds) this view describes

    @property
    def remaining(self) -> float:
        """Seconds left; negative once the segment runs over."""
        return self.duration - self.elapsed

    @property
    def overtime(self) -> bool:
        return self.status in (RUNNING, PAUSED) and self.remaining < 0

    @property
    def progress(self) -> float:
        """Share of the segment used, 0..1 (capped), for a progress bar."""
        if self.duration <= 0:
            return 1.0
        return min(1.0, max(0.0, self.elapsed / self.duration))

    @property
    def display(self) -> str:
        return format_remaining(self.remaining)


def format_remaining(seconds: float) -> str:
    """``9:59`` while time is left, ``+0:37`` in overtime (whole seconds, like a timer)."""
    if seconds >= 0:
        whole = math.ceil(seconds - 1e-9)
        return f"{whole // 60}:{whole % 60:02d}"
    over = math.floor(-seconds + 1e-9)
    return f"+{over // 60}:{over % 60:02d}"


def _clamp_index(agenda: Agenda, index: int) -> int:
    return max(0, min(len(agenda.segments) - 1, index))


def elapsed(clock: ClockState, now: float) -> float:
    """Seconds counted in the current segment."""
    if clock.status == RUNNING and clock.started_at is not None:
        return max(0.0, now - clock.started_at)
    return clock.paused_elapsed


def view(agenda: Agenda, clock: ClockState, now: float) -> ClockView:
    index = _clamp_index(agenda, clock.segment)
    segment = agenda.segments[index]
    return ClockView(
        index=index,
        segment=segment,
        status=clock.status,
        elapsed=elapsed(clock, now),
        duration=segment.seconds + clock.extension,
        extension=clock.extension,
        at=now,
    )


def start(agenda: Agenda, clock: ClockState, now: float) -> ClockState:
    """Start the agenda (or restart a finished one) at the current segment."""
    if clock.status == RUNNING:
        return clock
    if clock.status == PAUSED:
        return resume(clock, now)
    index = 0 if clock.status == FINISHED else _clamp_index(agenda, clock.segment)
    return ClockState(segment=index, status=RUNNING, started_at=now, updated_at=now)


def pause(clock: ClockState, now: float) -> ClockState:
    if clock.status != RUNNING:
        return clock
    return replace(
        clock, status=PAUSED, started_at=None, paused_elapsed=elapsed(clock, now), updated_at=now
    )


def resume(clock: ClockState, now: float) -> ClockState:
    if clock.status != PAUSED:
        return clock
    return replace(
        clock,
        status=RUNNING,
        started_at=now - clock.paused_elapsed,
        paused_elapsed=0.0,
        updated_at=now,
    )


def extend(clock: ClockState, seconds: float, now: float) -> ClockState:
    """Give the current segment more time (+1 / +5 min); works running or paused."""
    return replace(clock, extension=max(0.0, clock.extension + seconds), updated_at=now)


def jump(agenda: Agenda, clock: ClockState, index: int, now: float) -> ClockState:
    """Go to segment ``index`` with its full time; a running clock keeps running."""
    index = _clamp_index(agenda, index)
    if clock.status == RUNNING:
        return ClockState(segment=index, status=RUNNING, started_at=now, updated_at=now)
    status = IDLE if clock.status == IDLE else PAUSED
    return ClockState(segment=index, status=status, updated_at=now)


def next_segment(agenda: Agenda, clock: ClockState, now: float) -> ClockState:
    """Advance; after the last segment the agenda is finished."""
    if clock.segment >= len(agenda.segments) - 1:
        return replace(
            clock,
            status=FINISHED,
            started_at=None,
            paused_elapsed=elapsed(clock, now),
            updated_at=now,
        )
    return jump(agenda, clock, clock.segment + 1, now)


def previous_segment(agenda: Agenda, clock: ClockState, now: float) -> ClockState:
    if clock.status == FINISHED:
        return ClockState(segment=len(agenda.segments) - 1, status=PAUSED, updated_at=now)
    return jump(agenda, clock, clock.segment - 1, now)


def reset(now: float) -> ClockState:
    return ClockState(updated_at=now)


def current_section_id(agenda: Agenda, clock: ClockState) -> str | None:
    """The rubric section the group tutors should be scoring now, if any."""
    return agenda.segments[_clamp_index(agenda, clock.segment)].section_id
