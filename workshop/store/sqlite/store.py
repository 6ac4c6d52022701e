"""The SQLite store's operations: each one transaction on the file (see ``database``).

Rows become records and records rows through :mod:`workshop.store.sqlite.tables`;
every write also counts a revision of its workshop, so live pages can ask one
small row every second instead of reading the workshop again.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Unpack

from workshop.models import (
    ActionItem,
    Answer,
    ClockState,
    Group,
    PatchOutcome,
    Snapshot,
    VoteRecord,
    Workshop,
)
from workshop.store.base import (
    Changes,
    KnownAt,
    NotFound,
    Patches,
    Store,
    StoreError,
    WorkshopClosed,
)
from workshop.store.decisions import answer_fields, decide_patches
from workshop.store.sqlite.database import Database, DatabaseOptions
from workshop.store.sqlite.tables import ACTIONS, ANSWERS, CLOCK, GROUPS, VOTES, WORKSHOPS

#: An answer's row is found by these columns.
ANSWER_KEY = ("workshop_id", "group_id", "item_id")


class SqliteStore(Store):
    """The :class:`Store` on a local SQLite file; safe across threads and processes."""

    backend = "local"

    def __init__(self, path: str | Path, **options: Unpack[DatabaseOptions]) -> None:
        self.db = Database(path, **options)
        self.path = self.db.path

    def schema_version(self) -> int:
        """The number of migrations applied to the file."""
        return self.db.schema_version()

    def journal_mode(self) -> str:
        return self.db.journal_mode()

    # -- helpers used inside transactions ------------------------------------------------

    @staticmethod
    def _bump(conn: sqlite3.Connection, workshop_id: str) -> None:
        """Count a change of the workshop (inside the writing transaction)."""
        conn.execute(
            "INSERT INTO revisions (workshop_id, rev) VALUES (?, 1)"
            " ON CONFLICT (workshop_id) DO UPDATE SET rev = rev + 1",
            (workshop_id,),
        )

    @staticmethod
    def _require_workshop(conn: sqlite3.Connection, workshop_id: str) -> None:
        if conn.execute("SELECT 1 FROM workshops WHERE id = ?", (workshop_id,)).fetchone() is None:
            raise NotFound(f"Workshop {workshop_id} does not exist.")

    @staticmethod
    def _require_group(conn: sqlite3.Connection, workshop_id: str, group_id: str) -> None:
        found = conn.execute(
            'SELECT 1 FROM "groups" WHERE id = ? AND workshop_id = ?', (group_id, workshop_id)
        ).fetchone()
        if found is None:
            SqliteStore._require_workshop(conn, workshop_id)
            raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")

    @staticmethod
    def _answer(
        conn: sqlite3.Connection, workshop_id: str, group_id: str, item_id: str
    ) -> Answer | None:
        where = " AND ".join(f"{column} = ?" for column in ANSWER_KEY)
        row = conn.execute(ANSWERS.select(where), (workshop_id, group_id, item_id)).fetchone()
        return None if row is None else ANSWERS.read(row)

    @staticmethod
    def _read_snapshot(conn: sqlite3.Connection, workshop_id: str) -> Snapshot:
        row = conn.execute(WORKSHOPS.select("id = ?"), (workshop_id,)).fetchone()
        if row is None:
            raise NotFound(f"Workshop {workshop_id} does not exist.")
        key = (workshop_id,)
        groups = tuple(
            map(GROUPS.read, conn.execute(GROUPS.select("workshop_id = ?", "position, rowid"), key))
        )
        answers: dict[str, dict[str, Answer]] = {group.id: {} for group in groups}
        for answer_row in conn.execute(ANSWERS.select("workshop_id = ?"), key):
            answer = ANSWERS.read(answer_row)
            answers.setdefault(answer.group_id, {})[answer.item_id] = answer
        clock_row = conn.execute(CLOCK.select("workshop_id = ?"), key).fetchone()
        actions = conn.execute(ACTIONS.select("workshop_id = ?", "priority, rowid"), key)
        votes: dict[str, dict[str, VoteRecord]] = {}
        for vote_row in conn.execute(VOTES.select("workshop_id = ?"), key):
            vote = VOTES.read(vote_row)
            votes.setdefault(vote.group_id, {})[vote.item_id] = vote
        return Snapshot(
            workshop=WORKSHOPS.read(row),
            groups=groups,
            answers=answers,
            clock=ClockState() if clock_row is None else CLOCK.read(clock_row),
            actions=tuple(map(ACTIONS.read, actions)),
            fetched_at=time.time(),
            votes=votes,
        )

    # -- reads ------------------------------------------------------------------------------

    def list_workshops(self, include_archived: bool = False) -> list[Workshop]:
        where = "" if include_archived else "archived = 0"
        order = "date DESC, created_at DESC, rowid DESC"
        with self.db.transaction("listing workshops", write=False) as conn:
            rows = conn.execute(WORKSHOPS.select(where, order)).fetchall()
        return [WORKSHOPS.read(row) for row in rows]

    def get_workshop(self, workshop_id: str) -> Workshop | None:
        with self.db.transaction("reading a workshop", write=False) as conn:
            row = conn.execute(WORKSHOPS.select("id = ?"), (workshop_id,)).fetchone()
        return None if row is None else WORKSHOPS.read(row)

    def snapshot(self, workshop_id: str) -> Snapshot:
        with self.db.transaction("reading a workshop", write=False) as conn:
            return self._read_snapshot(conn, workshop_id)

    def snapshots(self, workshop_ids: Sequence[str]) -> list[Snapshot]:
        """Several workshops from one consistent read."""
        with self.db.transaction("reading workshops", write=False) as conn:
            return [self._read_snapshot(conn, workshop_id) for workshop_id in workshop_ids]

    def host_passcode_hash(self, workshop_id: str) -> str:
        with self.db.transaction("reading a host passcode", write=False) as conn:
            self._require_workshop(conn, workshop_id)
            row = conn.execute(
                "SELECT passcode_hash FROM host_passcodes WHERE workshop_id = ?", (workshop_id,)
            ).fetchone()
        return "" if row is None else str(row["passcode_hash"])

    def set_host_passcode_hash(self, workshop_id: str, passcode_hash: str) -> None:
        with self.db.transaction("saving a host passcode", write=True) as conn:
            self._require_workshop(conn, workshop_id)
            self._store_passcode(conn, workshop_id, passcode_hash)

    @staticmethod
    def _store_passcode(conn: sqlite3.Connection, workshop_id: str, passcode_hash: str) -> None:
        conn.execute(
            "INSERT INTO host_passcodes (workshop_id, passcode_hash) VALUES (?, ?)"
            " ON CONFLICT (workshop_id) DO UPDATE SET passcode_hash = excluded.passcode_hash",
            (workshop_id, passcode_hash),
        )

    def revision(self, workshop_id: str) -> object:
        with self.db.transaction("reading a revision", write=False) as conn:
            row = conn.execute(
                "SELECT rev FROM revisions WHERE workshop_id = ?", (workshop_id,)
            ).fetchone()
        return 0 if row is None else int(row["rev"])

    # -- writes -----------------------------------------------------------------------------

    def create_workshop(
        self, workshop: Workshop, groups: Sequence[Group], passcode_hash: str = ""
    ) -> None:
        for group in groups:
            if group.workshop_id != workshop.id:
                raise ValueError(
                    f"Group {group.id} belongs to {group.workshop_id}, not {workshop.id}."
                )
        with self.db.transaction("creating a workshop", write=True) as conn:
            exists = conn.execute("SELECT 1 FROM workshops WHERE id = ?", (workshop.id,)).fetchone()
            if exists is not None:
                raise StoreError(f"Workshop {workshop.id} already exists.")
            conn.execute(WORKSHOPS.insert(), WORKSHOPS.values(workshop))
            conn.executemany(GROUPS.insert(), [GROUPS.values(group) for group in groups])
            conn.execute(CLOCK.insert(), CLOCK.values(ClockState(), workshop.id))
            if passcode_hash:
                self._store_passcode(conn, workshop.id, passcode_hash)
            self._bump(conn, workshop.id)

    def update_workshop(self, workshop: Workshop) -> None:
        key = ("id",)
        with self.db.transaction("updating a workshop", write=True) as conn:
            cursor = conn.execute(WORKSHOPS.update(key), WORKSHOPS.update_values(workshop, key))
            if cursor.rowcount == 0:
                raise NotFound(f"Workshop {workshop.id} does not exist.")
            self._bump(conn, workshop.id)

    def upsert_group(self, group: Group) -> None:
        with self.db.transaction("saving a group", write=True) as conn:
            self._require_workshop(conn, group.workshop_id)
            owner = conn.execute(
                'SELECT workshop_id FROM "groups" WHERE id = ?', (group.id,)
            ).fetchone()
            if owner is not None and owner["workshop_id"] != group.workshop_id:
                raise NotFound(f"Group {group.id} does not belong to workshop {group.workshop_id}.")
            conn.execute(GROUPS.upsert(("id",), fixed=("workshop_id",)), GROUPS.values(group))
            self._bump(conn, group.workshop_id)

    def save_answers(
        self, workshop_id: str, group_id: str, changes: Changes, *, updated_by: str, updated_at: str
    ) -> None:
        with self.db.transaction("saving answers", write=True) as conn:
            self._require_group(conn, workshop_id, group_id)
            # An upsert: a retried batch writes the same rows again, with the same result.
            conn.executemany(
                ANSWERS.upsert(ANSWER_KEY),
                [
                    ANSWERS.values(
                        Answer(group_id, c.item_id, c.value, c.note, updated_at, updated_by),
                        workshop_id,
                    )
                    for c in changes
                ],
            )
            self._bump(conn, workshop_id)

    def apply_patches(
        self, workshop_id: str, group_id: str, patches: Patches, *, known_at: KnownAt | None = None
    ) -> list[PatchOutcome]:
        """Decide and write each field in one transaction (see Store.apply_patches)."""
        with self.db.transaction("saving answers", write=True) as conn:
            self._require_group(conn, workshop_id, group_id)
            closed = conn.execute("SELECT closed FROM workshops WHERE id = ?", (workshop_id,))
            if closed.fetchone()["closed"]:
                raise WorkshopClosed(f"Workshop {workshop_id} is closed: answers are not changed.")
            rows = {
                item_id: answer_fields(self._answer(conn, workshop_id, group_id, item_id))
                for item_id in {patch.item_id for patch in patches}
            }
            decisions = decide_patches(rows, patches, known_at)
            changed = decisions.written
            for item_id in sorted(changed):
                row = rows[item_id]
                answer = Answer(group_id, item_id, **row)
                conn.execute(ANSWERS.upsert(ANSWER_KEY), ANSWERS.values(answer, workshop_id))
            if changed:
                self._bump(conn, workshop_id)
            return decisions.outcomes

    def save_votes(self, workshop_id: str, group_id: str, votes: Sequence[VoteRecord]) -> None:
        with self.db.transaction("saving vote summaries", write=True) as conn:
            self._require_group(conn, workshop_id, group_id)
            closed = conn.execute("SELECT closed FROM workshops WHERE id = ?", (workshop_id,))
            if closed.fetchone()["closed"]:
                raise WorkshopClosed(f"Workshop {workshop_id} is closed: votes are not changed.")
            conn.executemany(
                VOTES.upsert(ANSWER_KEY),
                [VOTES.values(replace(vote, group_id=group_id), workshop_id) for vote in votes],
            )
            if votes:
                self._bump(conn, workshop_id)

    def set_clock(self, workshop_id: str, clock: ClockState) -> None:
        with self.db.transaction("saving the clock", write=True) as conn:
            self._require_workshop(conn, workshop_id)
            conn.execute(CLOCK.upsert(("workshop_id",)), CLOCK.values(clock, workshop_id))
            self._bump(conn, workshop_id)

    def add_action(self, action: ActionItem) -> None:
        """Record an action item; adding the identical item again is a no-op (a retry)."""
        with self.db.transaction("adding an action item", write=True) as conn:
            self._require_workshop(conn, action.workshop_id)
            row = conn.execute(ACTIONS.select("id = ?"), (action.id,)).fetchone()
            if row is not None:
                if ACTIONS.read(row) == action:
                    return  # a retry of an add that already happened
                raise StoreError(f"Action item {action.id} already exists.")
            conn.execute(ACTIONS.insert(), ACTIONS.values(action))
            self._bump(conn, action.workshop_id)

    def update_action(self, action: ActionItem) -> None:
        key = ("id", "workshop_id")
        with self.db.transaction("updating an action item", write=True) as conn:
            # UPDATE in place keeps the row's position among items of equal priority.
            cursor = conn.execute(ACTIONS.update(key), ACTIONS.update_values(action, key))
            if cursor.rowcount == 0:
                raise NotFound(
                    f"Action item {action.id} does not exist in workshop {action.workshop_id}."
                )
            self._bump(conn, action.workshop_id)

    def delete_action(self, workshop_id: str, action_id: str) -> None:
        """Remove an action item; deleting one already gone is a no-op, so retries are safe."""
        with self.db.transaction("deleting an action item", write=True) as conn:
            self._require_workshop(conn, workshop_id)
            deleted = conn.execute(
                "DELETE FROM actions WHERE id = ? AND workshop_id = ?", (action_id, workshop_id)
            )
            if deleted.rowcount:
                self._bump(conn, workshop_id)

    def close(self) -> None:
        """Release the file; later calls raise :class:`StoreError`."""
        self.db.close()
