"""What the app processes on one machine agree on through a shared file.

Several app processes (``streamlit run`` twice behind a proxy, or the app and
the command line) spend one service account's Google quota and share one
outbox. Two things must then be decided for all of them at once, not per
process: how many requests may go out (:class:`SharedQuotaPacer`, the token
bucket of :class:`~workshop.store.sheets.pacing.QuotaPacer` kept in the file)
and when the next commit of waiting changes may be sent (:class:`SendSlots`,
so that two processes do not each send one every few seconds). Both use the
wall clock, which every process on the machine shares.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from workshop.localdb import LocalDatabase

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS quota (
        account TEXT PRIMARY KEY,
        tokens REAL NOT NULL,
        at REAL NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS send_slots (
        name TEXT PRIMARY KEY,
        last_at REAL NOT NULL
    )
    """,
)


class Coordination:
    """The shared file (the outbox's folder holds it)."""

    def __init__(self, path: str | Path) -> None:
        self.db = LocalDatabase(path, _SCHEMA)

    def close(self) -> None:
        self.db.close()


class SharedQuotaPacer:
    """A token bucket per service account, shared by every process that opens the file.

    Same rule as :class:`~workshop.store.sheets.pacing.QuotaPacer`: at most
    ``burst + rate * T`` requests in any ``T`` seconds. The ``now`` the store
    passes (its own monotonic clock) is ignored: processes share the wall clock.
    """

    def __init__(
        self,
        coordination: Coordination,
        account: str,
        per_minute: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = coordination.db
        self.account = account
        self.per_minute = per_minute
        self.burst = max(1, min(int(burst), int(per_minute) - 1))
        self.rate = (per_minute - self.burst) / 60.0
        self.clock = clock

    def _bucket(self, take: bool) -> tuple[float, bool]:
        """(tokens after refilling, whether one was taken); only a take writes."""
        now = self.clock()
        if not take:
            with self.db.transaction(write=False) as conn:
                row = conn.execute(
                    "SELECT tokens, at FROM quota WHERE account = ?", (self.account,)
                ).fetchone()
            if row is None:
                return float(self.burst), False
            tokens, at = row["tokens"], row["at"]
            if now > at:
                tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            return tokens, False
        with self.db.transaction(write=True) as conn:
            row = conn.execute(
                "SELECT tokens, at FROM quota WHERE account = ?", (self.account,)
            ).fetchone()
            tokens, at = (float(self.burst), now) if row is None else (row["tokens"], row["at"])
            if now > at:
                tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            taken = take and tokens >= 1.0
            if taken:
                tokens -= 1.0
            conn.execute(
                "INSERT INTO quota (account, tokens, at) VALUES (?, ?, ?)"
                " ON CONFLICT (account) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
                (self.account, tokens, max(now, at)),
            )
        return tokens, taken

    def available(self, now: float) -> float:
        return self._bucket(False)[0]

    def until_available(self, now: float) -> float:
        tokens, _ = self._bucket(False)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def take(self, now: float) -> float:
        tokens, taken = self._bucket(True)
        return 0.0 if taken else (1.0 - tokens) / self.rate


class SendSlots:
    """At most one send per ``interval`` seconds per name, across processes."""

    def __init__(self, coordination: Coordination, *, clock: Callable[[], float] = time.time):
        self.db = coordination.db
        self.clock = clock

    def take(self, name: str, interval: float) -> float:
        """0.0 when this caller may send now (the slot is taken), else seconds to wait."""
        now = self.clock()
        with self.db.transaction(write=True) as conn:
            row = conn.execute("SELECT last_at FROM send_slots WHERE name = ?", (name,)).fetchone()
            if row is not None and now - float(row["last_at"]) < interval:
                return interval - (now - float(row["last_at"]))
            conn.execute(
                "INSERT INTO send_slots (name, last_at) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET last_at = excluded.last_at",
                (name, now),
            )
        return 0.0
