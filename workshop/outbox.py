"""The outbox: every change a tutor makes is on the server's disk before it goes anywhere.

Why it exists: the shared record (a Google Sheet, or the SQLite file) can be
out of reach for minutes (quota, outage, network), and a browser session can
vanish at any moment (a reload, a closed lid, a restart of the app). So a
change is first written here, in a small SQLite file beside the app (WAL mode,
safe for several threads and several app processes on one machine), and only
then sent to the shared record by :class:`workshop.sync.SyncEngine`. What is
here survives a reload and a restart; what was sent is marked with its outcome.

Besides the changes, the file holds the *field log* (its table and queries are
in :mod:`workshop.field_log`): when the text each answer field holds appeared,
which :mod:`workshop.patches` needs to tell which of two conflicting changes
was made later.

One file may serve several shared records (a configuration can change): every
row names its record (``record``), and nothing is ever sent to another one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from workshop import field_log
from workshop.field_log import FieldKey
from workshop.localdb import LocalDatabase
from workshop.models import FieldPatch, PatchOutcome
from workshop.outbox_entry import (
    DROPPED_CLOSED,
    DROPPED_GONE,
    KEEP_SECONDS,
    PENDING,
    Entry,
    entry_from_row,
)
from workshop.store.base import KnownAt, StoreError, StoreUnavailable

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        record TEXT NOT NULL,
        workshop_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        field TEXT NOT NULL,
        text TEXT NOT NULL,
        base TEXT NOT NULL,
        made_at TEXT NOT NULL,
        made_by TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        error_reason TEXT NOT NULL DEFAULT '',
        error_status INTEGER,
        error_text TEXT NOT NULL DEFAULT '',
        failed_at REAL NOT NULL DEFAULT 0,
        claimed_by TEXT NOT NULL DEFAULT '',
        claimed_until REAL NOT NULL DEFAULT 0,
        recorded_at REAL NOT NULL DEFAULT 0,
        settled_at REAL NOT NULL DEFAULT 0,
        current TEXT NOT NULL DEFAULT '',
        current_by TEXT NOT NULL DEFAULT '',
        current_at TEXT NOT NULL DEFAULT '',
        seen INTEGER NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX IF NOT EXISTS changes_open ON changes (record, status, workshop_id, group_id)",
    "CREATE INDEX IF NOT EXISTS changes_origin ON changes (origin, status, seen)",
    *field_log.SCHEMA,
)


class Outbox:
    """The outbox file. Thread-safe; several processes may open the same file."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 10.0) -> None:
        self.db = LocalDatabase(path, _SCHEMA, busy_timeout=busy_timeout)
        self.path = self.db.path

    def close(self) -> None:
        self.db.close()

    # -- recording -----------------------------------------------------------------------

    def record(
        self,
        record: str,
        workshop_id: str,
        group_id: str,
        patch: FieldPatch,
        *,
        origin: str = "",
        now: float | None = None,
    ) -> int:
        """Keep a change (durably) and return its id.

        A change of a field that already has one waiting takes its place: only
        the newest text is sent, decided against what the record held before
        the first of them (so the screens' own intermediate values never count
        as somebody else's change).
        """
        at = time.time() if now is None else now
        with self.db.transaction() as conn:
            waiting = conn.execute(
                "SELECT id, base FROM changes WHERE record = ? AND workshop_id = ? AND"
                " group_id = ? AND item_id = ? AND field = ? AND status = ? AND"
                " claimed_until < ? ORDER BY id",
                (record, workshop_id, group_id, patch.item_id, patch.field, PENDING, at),
            ).fetchall()
            base = waiting[0]["base"] if waiting else patch.base
            if waiting:
                conn.execute(
                    f"UPDATE changes SET status = 'replaced', settled_at = ?"
                    f" WHERE id IN ({','.join('?' * len(waiting))})",
                    (at, *(row["id"] for row in waiting)),
                )
            cursor = conn.execute(
                "INSERT INTO changes (record, workshop_id, group_id, item_id, field, text, base,"
                " made_at, made_by, origin, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record,
                    workshop_id,
                    group_id,
                    patch.item_id,
                    patch.field,
                    patch.text,
                    base,
                    patch.made_at,
                    patch.made_by,
                    origin,
                    at,
                ),
            )
            return int(cursor.lastrowid or 0)

    # -- what is waiting -------------------------------------------------------------------

    def pending(
        self, record: str, workshop_id: str | None = None, group_id: str | None = None
    ) -> list[Entry]:
        """Changes not yet in the shared record, oldest first."""
        query = "SELECT * FROM changes WHERE record = ? AND status = ?"
        params: list[object] = [record, PENDING]
        if workshop_id is not None:
            query += " AND workshop_id = ?"
            params.append(workshop_id)
        if group_id is not None:
            query += " AND group_id = ?"
            params.append(group_id)
        with self.db.transaction(write=False) as conn:
            return [entry_from_row(row) for row in conn.execute(query + " ORDER BY id", params)]

    def entries(self, ids: Iterable[int]) -> list[Entry]:
        wanted = list(ids)
        if not wanted:
            return []
        with self.db.transaction(write=False) as conn:
            rows = conn.execute(
                f"SELECT * FROM changes WHERE id IN ({','.join('?' * len(wanted))}) ORDER BY id",
                wanted,
            ).fetchall()
        return [entry_from_row(row) for row in rows]

    def claim(
        self, record: str, owner: str, *, lease: float, now: float | None = None
    ) -> list[Entry]:
        """Take the waiting changes of a record for sending (one sender at a time per change).

        The lease lets another process take them over if this one dies while
        sending; sending twice is harmless (a change already there is "already").
        """
        at = time.time() if now is None else now
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT * FROM changes WHERE record = ? AND status = ? AND claimed_until < ?"
                " ORDER BY id",
                (record, PENDING, at),
            ).fetchall()
            if rows:
                conn.execute(
                    f"UPDATE changes SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1"
                    f" WHERE id IN ({','.join('?' * len(rows))})",
                    (owner, at + lease, *(row["id"] for row in rows)),
                )
        return [entry_from_row(row) for row in rows]

    def release(self, owner: str) -> int:
        """Give back the waiting changes ``owner`` took for sending (its process stops).

        Another process, or the next one after a restart, may then send them at
        once instead of after the lease. Returns how many were given back.
        """
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE changes SET claimed_by = '', claimed_until = 0"
                " WHERE claimed_by = ? AND status = ?",
                (owner, PENDING),
            )
            return int(cursor.rowcount)

    # -- outcomes --------------------------------------------------------------------------

    def settle(self, entry: Entry, outcome: PatchOutcome, *, now: float | None = None) -> None:
        """Record what became of a sent change, and what the field holds now."""
        at = time.time() if now is None else now
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE changes SET status = CASE WHEN status = 'replaced' THEN status ELSE ? END,"
                " settled_at = ?, current = ?, current_by = ?, current_at = ?, claimed_by = '',"
                " claimed_until = 0, error_reason = '', error_text = '', error_status = NULL"
                " WHERE id = ?",
                (
                    outcome.result,
                    at,
                    outcome.current,
                    outcome.current_by,
                    outcome.current_at,
                    entry.id,
                ),
            )
            if outcome.result in ("written", "already"):
                patch = entry.patch
                key = FieldKey(
                    entry.record, entry.workshop_id, entry.group_id, patch.item_id, patch.field
                )
                field_log.write(conn, key, patch.text, patch.made_at, source="app")

    def drop(
        self,
        entries: Sequence[Entry],
        reason: str,
        *,
        cause: str = DROPPED_GONE,
        now: float | None = None,
    ) -> None:
        """Changes that can never be sent: their group or workshop is gone
        (``DROPPED_GONE``), or the host closed the workshop (``DROPPED_CLOSED``,
        which the tutor is told about as a notice)."""
        at = time.time() if now is None else now
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE changes SET status = 'dropped', settled_at = ?, error_text = ?,"
                " error_reason = ?, claimed_until = 0 WHERE id = ?",
                [(at, reason, cause, entry.id) for entry in entries],
            )

    def fail(
        self, entries: Sequence[Entry], error: StoreError, *, now: float | None = None
    ) -> None:
        """A send did not go through: keep the changes, say why, let them be taken again."""
        at = time.time() if now is None else now
        reason = error.reason if isinstance(error, StoreUnavailable) else ""
        status = error.status if isinstance(error, StoreUnavailable) else None
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE changes SET error_reason = ?, error_status = ?, error_text = ?,"
                " failed_at = ?, claimed_by = '', claimed_until = 0 WHERE id = ?",
                [(reason, status, str(error), at, entry.id) for entry in entries],
            )

    # -- the field log ---------------------------------------------------------------------

    def observe(
        self,
        record: str,
        workshop_id: str,
        fields: Iterable[tuple[str, str, str, str]],
        seen_at: str,
    ) -> int:
        """Note fields whose text differs from what the log says: (group, item, field, text).

        A text the app did not write got there by hand; it is logged as changed
        at ``seen_at`` (ISO UTC), the moment the app first saw it. Returns how
        many fields were new or different.
        """
        with self.db.transaction() as conn:
            return field_log.observe(conn, record, workshop_id, fields, seen_at)

    def known_at(self, record: str, workshop_id: str, group_id: str) -> KnownAt:
        """For the store: when the text a field holds now appeared there, if the log knows."""

        def lookup(patch: FieldPatch, current: str) -> str | None:
            key = FieldKey(record, workshop_id, group_id, patch.item_id, patch.field)
            with self.db.transaction(write=False) as conn:
                logged = field_log.read(conn, key)
            if logged is None or logged.text != current:
                return None
            return logged.changed_at

        return lookup

    # -- notices and housekeeping ----------------------------------------------------------

    def notices(
        self,
        origin: str,
        *,
        record: str = "",
        workshop_id: str = "",
        group_id: str = "",
        made_by: str = "",
    ) -> list[Entry]:
        """Changes a later change won over, or refused because the host closed the
        workshop, not yet acknowledged: this session's own, and (given the group and
        a name) those its person made before a reload."""
        clauses = ["origin = ?"]
        params: list[object] = [origin]
        if made_by and record and workshop_id and group_id:
            clauses.append("(record = ? AND workshop_id = ? AND group_id = ? AND made_by = ?)")
            params.extend([record, workshop_id, group_id, made_by])
        if not origin and len(clauses) == 1:
            return []
        with self.db.transaction(write=False) as conn:
            rows = conn.execute(
                f"SELECT * FROM changes WHERE ({' OR '.join(clauses)})"
                " AND (status = 'superseded' OR (status = 'dropped' AND error_reason = ?))"
                " AND seen = 0 ORDER BY id",
                [*params, DROPPED_CLOSED],
            ).fetchall()
        return [entry_from_row(row) for row in rows]

    def acknowledge(self, ids: Iterable[int]) -> None:
        wanted = list(ids)
        if not wanted:
            return
        with self.db.transaction() as conn:
            conn.execute(
                f"UPDATE changes SET seen = 1 WHERE id IN ({','.join('?' * len(wanted))})", wanted
            )

    def last_written(self, record: str, workshop_id: str, group_id: str) -> float:
        """When a change of the group last reached the record (epoch seconds, 0 if never)."""
        with self.db.transaction(write=False) as conn:
            row = conn.execute(
                "SELECT MAX(settled_at) AS at FROM changes WHERE record = ? AND workshop_id = ?"
                " AND group_id = ? AND status IN ('written', 'already', 'superseded')",
                (record, workshop_id, group_id),
            ).fetchone()
        return float(row["at"] or 0.0)

    def prune(self, *, now: float | None = None, keep: float = KEEP_SECONDS) -> int:
        at = time.time() if now is None else now
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM changes WHERE status != ? AND settled_at > 0 AND settled_at < ?",
                (PENDING, at - keep),
            )
            return int(cursor.rowcount)
