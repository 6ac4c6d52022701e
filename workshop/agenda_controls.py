"""The host's agenda controls: which a screen offers, and moving the stored clock with one.

:mod:`workshop.clock` holds the pure transitions; a control is the
read-modify-write around them: read the stored clock, apply the control at
the moment of the press, store the result (every screen follows), and log
which control moved the agenda from which segment to which. When a room says
"the agenda jumped", the server log then says which control moved it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from workshop import clock, timesource
from workshop.clock import ClockView
from workshop.content.model import Agenda
from workshop.models import ClockState
from workshop.store.base import Store

LOG = logging.getLogger(__name__)

#: Control names, as the server log shows them ("jump to 3" names its segment index).
START, PAUSE, RESUME = "start", "pause", "resume"
PLUS_1, PLUS_5 = "+1 min", "+5 min"
PREVIOUS, NEXT, JUMP = "previous", "next", "jump"

_EXTRA_SECONDS = {PLUS_1: 60.0, PLUS_5: 300.0}


@dataclass(frozen=True)
class ClockMove:
    """What one control did to the stored clock."""

    control: str  # as logged, e.g. "next" or "jump to 3"
    before: ClockState
    after: ClockState


def main_control(view: ClockView) -> str:
    """The first button: start an idle or finished agenda, pause a running one, else resume."""
    if view.status in (clock.IDLE, clock.FINISHED):
        return START
    return PAUSE if view.status == clock.RUNNING else RESUME


def is_enabled(view: ClockView, control: str, target: int = 0) -> bool:
    """Whether a control can do anything now (its button is greyed out otherwise).

    Previous is off on the first segment (unless the agenda is finished: it goes
    back to the last segment), Next once the agenda is finished, a jump to the
    segment already shown; the others always work.
    """
    if control == PREVIOUS:
        return view.index != 0 or view.status == clock.FINISHED
    if control == NEXT:
        return view.status != clock.FINISHED
    if control == JUMP:
        return target != view.index
    return True


#: The presenter's keyboard shortcuts (views/assets/countdown.js sends their names).
SHORTCUTS = {"next": NEXT, "previous": PREVIOUS, "plus1": PLUS_1}


def shortcut_control(view: ClockView, pressed: str) -> str | None:
    """The control a shortcut presses now: space is the first button; None when it cannot act."""
    control = main_control(view) if pressed == "toggle" else SHORTCUTS.get(pressed)
    return control if control is not None and is_enabled(view, control) else None


def changed_clock(
    agenda: Agenda, control: str, state: ClockState, now: float, target: int = 0
) -> ClockState:
    """The clock after ``control`` at ``now``; ``target`` is the segment index of a jump.

    The control applies to the clock as the screens show it, auto-advance
    included: Pause after the agenda moved on by itself pauses the segment on
    screen, not the one last stored.
    """
    state = clock.effective(agenda, state, now)
    if control == START:
        return clock.start(agenda, state, now)
    if control == PAUSE:
        return clock.pause(state, now)
    if control == RESUME:
        return clock.resume(state, now)
    if control in _EXTRA_SECONDS:
        return clock.extend(state, _EXTRA_SECONDS[control], now)
    if control == PREVIOUS:
        return clock.previous_segment(agenda, state, now)
    if control == NEXT:
        return clock.next_segment(agenda, state, now)
    if control == JUMP:
        return clock.jump(agenda, state, target, now)
    raise ValueError(f"Unknown agenda control {control!r}.")


def apply_control(
    store: Store,
    workshop_id: str,
    agenda: Agenda,
    control: str,
    *,
    target: int = 0,
    now: Callable[[], float] = timesource.now,
    log: logging.Logger = LOG,
) -> ClockMove:
    """Read the stored clock, apply ``control``, store the result and log the move.

    The time is taken after the read, which may wait for the network, so the
    press counts from when the clock was actually changed. Store errors
    propagate (nothing was stored); ``log`` lets a page use its server's logger.
    """
    before = store.snapshot(workshop_id).clock
    after = changed_clock(agenda, control, before, now(), target)
    store.set_clock(workshop_id, after)
    name = f"{JUMP} to {target}" if control == JUMP else control
    log.info(
        "workshop %s: host control %s moved the agenda from segment %s (%s) to %s (%s)",
        workshop_id, name, before.segment, before.status, after.segment, after.status,
    )  # fmt: skip
    return ClockMove(name, before, after)


def apply_auto_advance(
    store: Store,
    workshop_id: str,
    agenda: Agenda,
    on: bool,
    *,
    now: Callable[[], float] = timesource.now,
    log: logging.Logger = LOG,
) -> ClockState:
    """Turn the workshop's auto-advance on or off from where the room is now, and log it."""
    before = store.snapshot(workshop_id).clock
    after = clock.set_auto_advance(agenda, before, on, now())
    store.set_clock(workshop_id, after)
    log.info("workshop %s: auto-advance %s at segment %s", workshop_id, "on" if on else "off",
             after.segment)  # fmt: skip
    return after
