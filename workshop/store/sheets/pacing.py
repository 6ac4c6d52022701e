"""Keeping a service account's requests under Google's per-minute quota.

Google counts requests per minute per user (60 by default); every browser
session of the app, the command line and a second app process all spend the
same account's quota. :class:`QuotaPacer` is a token bucket kept in memory for
one process; :class:`workshop.coordination.SharedQuotaPacer` keeps the same
bucket in a file so several processes on one machine share it.
"""

from __future__ import annotations

import threading
from typing import Protocol

#: Google's limit for one service account: requests per minute per user.
QUOTA_PER_MINUTE = 60.0
#: The share of that quota this process may use in any minute; the rest is left for
#: other processes on the same account (a CLI run, a second app instance).
QUOTA_SHARE = 0.8
#: Requests that may go out at once after a quiet spell (the bucket's size).
QUOTA_BURST = 8


class Pacer(Protocol):
    """What the Sheets store asks of a pacer (in-process or shared between processes)."""

    def available(self, now: float) -> float: ...

    def until_available(self, now: float) -> float: ...

    def take(self, now: float) -> float: ...


class QuotaPacer:
    """A token bucket: at most ``burst + rate * T`` requests in any ``T`` seconds.

    With ``per_minute`` as the limit for any 60-second window, the bucket holds
    ``burst`` tokens and refills at ``(per_minute - burst) / 60`` per second, so
    even a burst after a quiet minute stays within the limit. Thread-safe.
    """

    def __init__(self, per_minute: float, burst: int) -> None:
        self.per_minute = per_minute
        self.burst = max(1, min(int(burst), int(per_minute) - 1))
        self.rate = (per_minute - self.burst) / 60.0
        self._tokens = float(self.burst)
        self._at: float | None = None
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        if self._at is not None and now > self._at:
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now if self._at is None else max(self._at, now)

    def available(self, now: float) -> float:
        with self._lock:
            self._refill(now)
            return self._tokens

    def until_available(self, now: float) -> float:
        """Seconds until a token is there (0.0 if one is), without taking it."""
        with self._lock:
            self._refill(now)
            return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self, now: float) -> float:
        """Take a token: 0.0 when granted, else the seconds until one is due."""
        with self._lock:
            self._refill(now)
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


_PACERS: dict[tuple[str, str, float], Pacer] = {}
_PACERS_LOCK = threading.Lock()


def shared_pacer(endpoint: str, account: str, per_minute: float, burst: int) -> Pacer:
    """One bucket per service account (and endpoint): the quota is per user, not per sheet."""
    key = (endpoint, account, per_minute)
    with _PACERS_LOCK:
        pacer = _PACERS.get(key)
        if pacer is None:
            pacer = _PACERS[key] = QuotaPacer(per_minute, burst)
        return pacer


def use_pacer(endpoint: str, account: str, per_minute: float, pacer: Pacer) -> None:
    """Make ``pacer`` the bucket of this account in this process (e.g. one shared by file)."""
    with _PACERS_LOCK:
        _PACERS[(endpoint, account, per_minute)] = pacer


def clear_pacers() -> None:
    with _PACERS_LOCK:
        _PACERS.clear()
