"""One SQLite file in WAL mode: connections, transactions, error wording and migrations.

Why it is built this way:

* Streamlit runs every browser session in its own thread, and a host may run
  two app processes on one machine. Each operation therefore opens its own
  short-lived connection (no connection is ever shared between threads), the
  file is in WAL mode so readers never block the writer, every write starts
  with ``BEGIN IMMEDIATE`` (it takes the write lock up front, so two writers
  queue instead of failing on a lock upgrade) and a busy timeout lets writers
  wait for each other. One extra connection stays open for the database's
  lifetime only so the WAL file is not checkpointed and deleted after every
  operation.
* A lock still held after the busy timeout becomes :class:`StoreUnavailable`:
  the page keeps the tutor's change pending and retries, nothing is lost.
* The schema is migrated on open by the ordered list in
  :mod:`workshop.store.sqlite.schema`, safely when two processes open a fresh
  file at once.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

from workshop.store.base import StoreConfigError, StoreError, StoreUnavailable
from workshop.store.sqlite.schema import MIGRATIONS, Migration

DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a writer waits for another writer


class DatabaseOptions(TypedDict, total=False):
    """What may be chosen when opening the file (tests shorten the wait, add migrations)."""

    busy_timeout: float
    migrations: Sequence[Migration]


class Database:
    """The file, opened in WAL mode and migrated; hands out one transaction at a time."""

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._migrations = tuple(migrations)
        self._closed = False
        self._keeper_lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreConfigError(
                f"Cannot create the folder for the database file {self.path}: {exc}.",
                "Choose a writable path (setting db_path / WORKSHOP_DB_PATH).",
            ) from exc
        self._keeper: sqlite3.Connection | None = None
        with self._translate_errors("opening the database"):
            keeper = self._connect()
            try:
                # WAL is a property of the file; it persists, so later connections inherit it.
                mode = self._enable_wal(keeper)
            except BaseException:
                keeper.close()
                raise
            if str(mode).lower() != "wal":
                keeper.close()
                raise StoreConfigError(
                    f"The database file {self.path} cannot use write-ahead logging (mode {mode}).",
                    "Put it on a local disk, not a network share.",
                )
            self._keeper = keeper
            try:
                self._migrate()
            except BaseException:
                self.close()
                raise

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so the mode is explicit.
        conn = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _enable_wal(self, conn: sqlite3.Connection) -> str:
        """Switch the file to WAL, retrying: the switch may fail at once, without waiting.

        When two processes open a fresh file together, both hold a shared lock and
        want an exclusive one; SQLite then refuses one of them immediately instead
        of calling the busy handler (waiting could deadlock), so we wait here.
        """
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
                if mode.lower() == "wal":
                    return mode
                return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.005 + random.random() * 0.02)

    @contextmanager
    def _translate_errors(self, doing: str) -> Iterator[None]:
        """Turn sqlite3 errors into the store's errors, with a message a person can act on."""
        try:
            yield
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if "locked" in text or "busy" in text:
                raise StoreUnavailable(
                    f"The local database is busy ({doing}); another writer held it for more "
                    f"than {self.busy_timeout:g} s.",
                    "Nothing was lost; the change is kept and will be saved on the next try.",
                    reason="busy",
                ) from exc
            if "unable to open" in text or "readonly" in text or "read-only" in text:
                raise StoreConfigError(
                    f"Cannot use the database file {self.path} ({doing}): {exc}.",
                    "Check that the path exists and is writable.",
                ) from exc
            raise StoreError(f"Local database error while {doing}: {exc}.") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Local database error while {doing}: {exc}.") from exc

    @contextmanager
    def transaction(self, doing: str, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction on a fresh connection; writes take the write lock up front."""
        if self._closed:
            raise StoreError("The store is closed.")
        with self._translate_errors(doing):
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled back already
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                conn.close()

    def _migrate(self) -> None:
        """Bring the schema up to date; safe when two processes open the file at once."""
        assert self._keeper is not None
        target = len(self._migrations)
        current = self._keeper.execute("PRAGMA user_version").fetchone()[0]
        if current > target:
            raise StoreConfigError(
                f"The database file {self.path} has schema version {current}, newer than this "
                f"version of the app knows ({target}).",
                "Update the app, or point it at another database file.",
            )
        if current == target:
            return
        conn = self._keeper
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for version in range(current, target):
                self._migrations[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def schema_version(self) -> int:
        """The number of migrations applied to the file."""
        with self.transaction("reading the schema version", write=False) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def journal_mode(self) -> str:
        with self.transaction("reading the journal mode", write=False) as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

    def close(self) -> None:
        """Release the file; later transactions raise :class:`StoreError`."""
        self._closed = True
        with self._keeper_lock:
            if self._keeper is not None:
                self._keeper.close()
                self._keeper = None
