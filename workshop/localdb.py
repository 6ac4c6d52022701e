"""A small SQLite file shared by the threads and processes of the app on one machine.

The outbox and the cross-process coordination (quota bucket, send slots) live
in such a file: WAL mode so readers never wait for the writer, ``BEGIN
IMMEDIATE`` so two writers queue instead of failing on a lock upgrade, and one
connection per thread, kept open, because the file is asked several times a
second.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path


class LocalDatabase:
    """A small pool of connections to one SQLite file, with the schema created on open.

    Streamlit runs every script run in a thread of its own, so connections are
    lent from a pool rather than kept per thread (which would open one per run
    and never close it).
    """

    def __init__(
        self,
        path: str | Path,
        schema: Sequence[str] = (),
        *,
        busy_timeout: float = 10.0,
        pool_size: int = 8,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.pool_size = pool_size
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        with self.transaction() as conn:
            for statement in schema:
                conn.execute(statement)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _borrow(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._open()

    def _give_back(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self.pool_size:
                self._idle.append(conn)
                return
        conn.close()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction on a lent connection; a writer takes the write lock up front."""
        conn = self._borrow()
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except BaseException:
            conn.close()  # a connection in an unknown state is not lent again
            raise
        self._give_back(conn)

    def close(self) -> None:
        """Close the idle connections; the file may be opened again later."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            with suppress(sqlite3.ProgrammingError):
                conn.close()
