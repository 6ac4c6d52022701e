"""Slowing down guessing: failed attempts at a code, a passcode or a token cost time.

A join code is 8 characters and a passcode may be short, so the only thing
that makes guessing impractical is time. Every failed attempt is counted
against each of its keys (the browser session and the client's address, so
neither a new tab nor a new address alone starts afresh); after
``free_failures`` failures a key must wait, twice as long after each further
failure, up to ``max_wait`` seconds. An address gets more free failures than a
session (``free_by_prefix``): a room of tutors behind one company NAT shares
it, and their typos must not lock each other out. A success clears the
session's count (not the address's: one person's success must not open the
door for a guesser next to them).

The counts live in one object per process, shared by every session, behind a
lock; pages ask :meth:`Throttle.wait` before checking anything and show the
time left. Pure Python with an injected clock, so tests need no sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass
class _Count:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class Throttle:
    """Failed-attempt counts per key, shared across the sessions of a process."""

    def __init__(
        self,
        *,
        free_failures: int = 5,
        free_by_prefix: Mapping[str, int] | None = None,
        first_wait: float = 30.0,
        max_wait: float = 900.0,
        forget_after: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures = free_failures
        self.free_by_prefix = dict(free_by_prefix or {})
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.forget_after = forget_after
        self.clock = clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds until the next attempt may be checked (0.0: now)."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            return max(
                (max(0.0, c.blocked_until - now) for k in keys if (c := self._counts.get(k))),
                default=0.0,
            )

    def failed(self, keys: Iterable[str]) -> float:
        """Count a failed attempt against every key; the wait it leads to."""
        now = self.clock()
        longest = 0.0
        with self._lock:
            for key in keys:
                count = self._counts.setdefault(key, _Count())
                count.failures += 1
                count.last = now
                over = count.failures - self._free(key)
                if over > 0:
                    pause = min(self.max_wait, self.first_wait * 2 ** (over - 1))
                    count.blocked_until = max(count.blocked_until, now + pause)
                longest = max(longest, count.blocked_until - now)
        return max(0.0, longest)

    def _free(self, key: str) -> int:
        for prefix, free in self.free_by_prefix.items():
            if key.startswith(prefix):
                return free
        return self.free_failures

    def succeeded(self, session_key: str) -> None:
        """A right answer: the session starts afresh (its address keeps its count)."""
        with self._lock:
            self._counts.pop(session_key, None)

    def _forget(self, now: float) -> None:
        stale = [k for k, c in self._counts.items() if now - c.last > self.forget_after]
        for key in stale:
            if now >= self._counts[key].blocked_until:
                del self._counts[key]
