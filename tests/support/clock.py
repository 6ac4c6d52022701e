"""The one clock every test moves by hand: exact times, no sleeping.

Stores, the outbox, the sender and the pages ask a callable for the time
(``workshop.timesource`` or a ``clock=`` argument), so a test hands them this
object and moves ``now`` forward itself: quota windows, send intervals and
countdowns then pass in an instant and always by the same amount.
"""

from __future__ import annotations


class ManualClock:
    """Seconds that change only when the test says so (``advance`` or ``now = ...``)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
