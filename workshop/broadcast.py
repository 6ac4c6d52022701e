"""The host's broadcast: one short message to every tutor screen at once.

During the live hour the host cannot visit every breakout room; a line typed
once ("5 minutes left: finish Infra") shows on every tutor screen until that
screen dismisses it. The message lives in the shared record beside the clock
(:class:`workshop.models.ClockState`), so it reaches screens served by another
app process and survives a reload, and costs no extra read: pages already read
the clock. A message is known by the instant it was sent (``broadcast_at``):
a screen remembers the stamps it dismissed, so sending the same words again
shows them again, and a dismissed message never comes back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from workshop.models import ClockState
from workshop.store.base import Store
from workshop.workshops import check_text

#: Long enough for "5 minutes left: finish Infra, then write one action item", short
#: enough to read at a glance on a tutor's screen.
MAX_MESSAGE = 160


@dataclass(frozen=True)
class Broadcast:
    """The message a screen shows: its words and the instant it was sent (its identity)."""

    text: str
    sent_at: float


def check_message(text: str) -> str:
    """The message as stored: trimmed, required, no control characters, at most MAX_MESSAGE."""
    return check_text(text, "broadcast", MAX_MESSAGE, required=True)


def send(clock: ClockState, text: str, now: float) -> ClockState:
    """The clock row with ``text`` (checked; raises InputError) as the current message."""
    return replace(clock, broadcast=check_message(text), broadcast_at=now, updated_at=now)


def withdraw(clock: ClockState, now: float) -> ClockState:
    """No message any more (the host takes it back from every screen)."""
    return replace(clock, broadcast="", broadcast_at=0.0, updated_at=now)


def current(clock: ClockState) -> Broadcast | None:
    """The message on the record, if any (a hand-emptied cell means none)."""
    text = clock.broadcast.strip()
    if not text or clock.broadcast_at <= 0:
        return None
    return Broadcast(text, clock.broadcast_at)


def shown(clock: ClockState, dismissed: Collection[float]) -> Broadcast | None:
    """The message this screen shows: the current one, unless this screen dismissed it."""
    message = current(clock)
    if message is None or message.sent_at in dismissed:
        return None
    return message


def publish(store: Store, workshop_id: str, text: str | None, now: float) -> ClockState:
    """Store ``text`` as the current message (None takes it back); returns the stored clock.

    Read-modify-write of the clock row, like a clock control: the message
    travels with the clock, so it costs the viewers no extra read. Raises
    InputError before anything is written.
    """
    before = store.snapshot(workshop_id).clock
    after = withdraw(before, now) if text is None else send(before, text, now)
    store.set_clock(workshop_id, after)
    return after
