"""The shared agenda clock as pure functions of (agenda, stored state, now).

The clock lives in the store, not in a browser tab: every screen computes the
same remaining time from the same stored state and its own wall clock, so the
host and every tutor agree within a second, and a reload or a second host tab
continues where it was. Each control returns a new :class:`ClockState` to
store; nothing here reads the time itself, so tests inject ``now``.

Auto-advance is computed, never written: :func:`effective` turns the stored
state, the agenda and ``now`` into the state as it would be had someone
pressed Next each time a segment's time (plus a short "moving on" notice) was
up. Every screen and every app process works this out alike, so they all move
on at the same instant without anyone writing to the record; a control
applies to the effective state and stores it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from workshop.content.model import Agenda, Segment
from workshop.models import ClockState

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"
#: With auto-advance on, a segment whose time is up shows "moving on" this long, then ends.
MOVING_ON_SECONDS = 5.0
#: Every screen warns when this much of a running segment is left.
WARNING_SECONDS = 60.0


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
    auto_advance: bool = False

    @property
    def remaining(self) -> float:
        """Seconds left; negative once the segment runs over."""
        return self.duration - self.elapsed

    @property
    def moving_on(self) -> bool:
        """Time is up with auto-advance on: the screens say "moving on" instead of overtime."""
        return self.auto_advance and self.status in (RUNNING, PAUSED) and self.remaining <= 0

    @property
    def overtime(self) -> bool:
        return self.status in (RUNNING, PAUSED) and self.remaining < 0 and not self.moving_on

    @property
    def warning(self) -> bool:
        """The last minute of a running segment (every screen shows it)."""
        return self.status == RUNNING and 0 < self.remaining <= WARNING_SECONDS

    @property
    def progress(self) -> float:
        """Share of the segment used, 0..1 (capped), for a progress bar."""
        if self.duration <= 0:
            return 1.0
        return min(1.0, max(0.0, self.elapsed / self.duration))

    @property
    def display(self) -> str:
        """The countdown's text; ``0:00`` while moving on (never a growing overtime)."""
        return format_remaining(max(0.0, self.remaining) if self.moving_on else self.remaining)


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


def effective(agenda: Agenda, clock: ClockState, now: float) -> ClockState:
    """The stored clock with auto-advance applied at ``now`` (the stored state when it is off).

    A running segment ends ``MOVING_ON_SECONDS`` after its time (with its
    extension) is up; the next one starts counting at that instant, with no
    extension. After the last segment the agenda is finished, its elapsed time
    frozen at the segment's full time. Only a running clock moves on: a paused
    one waits for the host.
    """
    if not clock.auto_advance or clock.status != RUNNING or clock.started_at is None:
        return clock
    index = _clamp_index(agenda, clock.segment)
    started, extension = clock.started_at, clock.extension
    while True:
        duration = agenda.segments[index].seconds + extension
        ends = started + duration + MOVING_ON_SECONDS
        if now < ends:
            break
        if index >= len(agenda.segments) - 1:
            return replace(
                clock,
                segment=index,
                status=FINISHED,
                started_at=None,
                paused_elapsed=duration,
                extension=extension,  # the last segment's own, not one given to an earlier one
            )
        index, started, extension = index + 1, ends, 0.0
    if index == clock.segment:
        return clock
    return replace(clock, segment=index, started_at=started, extension=extension)


def view(agenda: Agenda, clock: ClockState, now: float) -> ClockView:
    """What a screen shows at ``now``, auto-advance included."""
    clock = effective(agenda, clock, now)
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
        auto_advance=clock.auto_advance,
    )


def _fresh(
    clock: ClockState, index: int, status: str, started_at: float | None, now: float
) -> ClockState:
    """Segment ``index`` from its start; the room's settings and message stay as they are."""
    return replace(
        clock,
        segment=index,
        status=status,
        started_at=started_at,
        paused_elapsed=0.0,
        extension=0.0,
        updated_at=now,
    )


def start(agenda: Agenda, clock: ClockState, now: float) -> ClockState:
    """Start the agenda (or restart a finished one) at the current segment."""
    if clock.status == RUNNING:
        return clock
    if clock.status == PAUSED:
        return resume(clock, now)
    index = 0 if clock.status == FINISHED else _clamp_index(agenda, clock.segment)
    return _fresh(clock, index, RUNNING, now, now)


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
        return _fresh(clock, index, RUNNING, now, now)
    status = IDLE if clock.status == IDLE else PAUSED
    return _fresh(clock, index, status, None, now)


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
        return _fresh(clock, len(agenda.segments) - 1, PAUSED, None, now)
    return jump(agenda, clock, clock.segment - 1, now)


def reset(now: float) -> ClockState:
    return ClockState(updated_at=now)


def set_auto_advance(agenda: Agenda, clock: ClockState, on: bool, now: float) -> ClockState:
    """Turn auto-advance on or off from where the room is now (the effective segment stays)."""
    current = effective(agenda, clock, now)
    if current.auto_advance == on:
        return current
    return replace(current, auto_advance=on, updated_at=now)


def current_section_id(agenda: Agenda, clock: ClockState, now: float) -> str | None:
    """The rubric section the group tutors should be scoring now, if any."""
    return agenda.segments[_clamp_index(agenda, effective(agenda, clock, now).segment)].section_id
