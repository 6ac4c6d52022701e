"""Participants' votes as the machine that took them keeps them: a small local SQLite file.

Why local: a vote is cast by one of up to a hundred phones, several times a
minute, and the shared record (a Google Sheet) allows 60 requests a minute for
everybody. So individual votes, who is in the room, which test a group votes
on and whether its votes are revealed live here only (``votes.sqlite3`` in the
data folder, shared by the app processes of the machine like the outbox). The
record receives one line per test: the revealed round's spread as counts
(:func:`workshop.votes.summary_text`) and the tutor's note, queued here when
the tutor reveals (or notes why) and sent by the outbox's sender with the
group's next commit (:meth:`due`, :meth:`sent`), never a request per vote.

A round: the tutor opens a test, participants vote (each may change their vote
until the reveal), the tutor reveals, everybody sees the spread. "Vote again"
starts a new round of the same test; the record keeps the last revealed one.
Every row names its shared record (``record``), like the outbox.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workshop.localdb import LocalDatabase
from workshop.models import VoteRecord

#: A participant counts as present when their page asked within this many seconds.
PRESENT_SECONDS = 30.0
#: A participant's page notes its presence at most this often (a write to the file).
PRESENCE_EVERY = 10.0
#: Longest name a participant may give (shown in the spread when votes are not anonymous).
MAX_PARTICIPANT_NAME = 40

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS vote_current (
        record TEXT NOT NULL, workshop_id TEXT NOT NULL, group_id TEXT NOT NULL,
        item_id TEXT NOT NULL, set_at REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (record, workshop_id, group_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS vote_rounds (
        record TEXT NOT NULL, workshop_id TEXT NOT NULL, group_id TEXT NOT NULL,
        item_id TEXT NOT NULL, round INTEGER NOT NULL DEFAULT 1,
        revealed INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (record, workshop_id, group_id, item_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS votes (
        record TEXT NOT NULL, workshop_id TEXT NOT NULL, group_id TEXT NOT NULL,
        item_id TEXT NOT NULL, round INTEGER NOT NULL, participant TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '', choice TEXT NOT NULL, cast_at REAL NOT NULL,
        PRIMARY KEY (record, workshop_id, group_id, item_id, round, participant)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS vote_people (
        record TEXT NOT NULL, workshop_id TEXT NOT NULL, group_id TEXT NOT NULL,
        participant TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', seen_at REAL NOT NULL,
        PRIMARY KEY (record, workshop_id, group_id, participant)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS vote_settings (
        record TEXT NOT NULL, workshop_id TEXT NOT NULL, anonymous INTEGER NOT NULL,
        PRIMARY KEY (record, workshop_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS vote_outgoing (
        record TEXT NOT NULL, workshop_id TEXT NOT NULL, group_id TEXT NOT NULL,
        item_id TEXT NOT NULL, summary TEXT NOT NULL, note TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1, sent_version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (record, workshop_id, group_id, item_id)
    )
    """,
)


class VotingClosed(Exception):
    """The vote cannot be taken: the test is not the group's current one, or is revealed."""


@dataclass(frozen=True)
class Vote:
    participant: str
    name: str
    choice: str


@dataclass(frozen=True)
class RoundState:
    """One test's current round in one group: its number, whether revealed, the votes."""

    item_id: str
    round: int
    revealed: bool
    votes: tuple[Vote, ...]
    note: str = ""

    def vote_of(self, participant: str) -> str:
        return next((v.choice for v in self.votes if v.participant == participant), "")


@dataclass(frozen=True)
class Outgoing:
    """A vote summary waiting for the shared record, with the version it had when read."""

    workshop_id: str
    group_id: str
    record: VoteRecord
    version: int


class VoteBox:
    """The votes file (see the module docstring). Thread-safe; processes may share it."""

    def __init__(self, path: str | Path, record: str, *, busy_timeout: float = 10.0) -> None:
        self.db = LocalDatabase(path, _SCHEMA, busy_timeout=busy_timeout)
        self.path = self.db.path
        self.record = record

    def close(self) -> None:
        self.db.close()

    # -- the group's current test ---------------------------------------------------------

    def set_current(self, workshop_id: str, group_id: str, item_id: str, now: float) -> None:
        """The tutor opens ``item_id`` for votes (its round goes on where it was)."""
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO vote_current VALUES (?, ?, ?, ?, ?) ON CONFLICT"
                " (record, workshop_id, group_id) DO UPDATE SET item_id = excluded.item_id,"
                " set_at = excluded.set_at",
                (self.record, workshop_id, group_id, item_id, now),
            )
            self._ensure_round(conn, workshop_id, group_id, item_id)

    def current(self, workshop_id: str, group_id: str) -> str:
        """The test the group votes on now ("" before the tutor opened one)."""
        with self.db.transaction(write=False) as conn:
            row = conn.execute(
                "SELECT item_id FROM vote_current WHERE record = ? AND workshop_id = ?"
                " AND group_id = ?",
                (self.record, workshop_id, group_id),
            ).fetchone()
        return str(row["item_id"]) if row else ""

    # -- rounds ----------------------------------------------------------------------------

    def _ensure_round(
        self, conn: sqlite3.Connection, workshop_id: str, group_id: str, item_id: str
    ) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO vote_rounds (record, workshop_id, group_id, item_id)"
            " VALUES (?, ?, ?, ?)",
            (self.record, workshop_id, group_id, item_id),
        )

    def _round(
        self, conn: sqlite3.Connection, workshop_id: str, group_id: str, item_id: str
    ) -> sqlite3.Row | None:
        row: sqlite3.Row | None = conn.execute(
            "SELECT round, revealed, note FROM vote_rounds WHERE record = ? AND workshop_id = ?"
            " AND group_id = ? AND item_id = ?",
            (self.record, workshop_id, group_id, item_id),
        ).fetchone()
        return row

    def state(self, workshop_id: str, group_id: str, item_id: str) -> RoundState:
        """The test's current round: round 1, not revealed, no votes before anyone voted."""
        with self.db.transaction(write=False) as conn:
            row = self._round(conn, workshop_id, group_id, item_id)
            number = int(row["round"]) if row else 1
            votes = conn.execute(
                "SELECT participant, name, choice FROM votes WHERE record = ? AND workshop_id = ?"
                " AND group_id = ? AND item_id = ? AND round = ? ORDER BY cast_at, participant",
                (self.record, workshop_id, group_id, item_id, number),
            ).fetchall()
        return RoundState(
            item_id,
            number,
            bool(row["revealed"]) if row else False,
            tuple(Vote(v["participant"], v["name"], v["choice"]) for v in votes),
            row["note"] if row else "",
        )

    def cast(
        self,
        workshop_id: str,
        group_id: str,
        item_id: str,
        participant: str,
        name: str,
        choice: str,
        now: float,
    ) -> None:
        """Take (or replace) a participant's vote; ``choice`` already checked by the rules.

        Raises :class:`VotingClosed` unless ``item_id`` is the group's current test
        and its round is not revealed: checked in the same transaction as the write,
        so a vote racing the tutor's reveal is refused, never counted after it.
        """
        with self.db.transaction() as conn:
            current = conn.execute(
                "SELECT item_id FROM vote_current WHERE record = ? AND workshop_id = ?"
                " AND group_id = ?",
                (self.record, workshop_id, group_id),
            ).fetchone()
            row = self._round(conn, workshop_id, group_id, item_id)
            if current is None or current["item_id"] != item_id or row is None or row["revealed"]:
                raise VotingClosed(item_id)
            conn.execute(
                "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                " (record, workshop_id, group_id, item_id, round, participant) DO UPDATE SET"
                " choice = excluded.choice, name = excluded.name, cast_at = excluded.cast_at",
                (
                    self.record,
                    workshop_id,
                    group_id,
                    item_id,
                    int(row["round"]),
                    participant,
                    name[:MAX_PARTICIPANT_NAME],
                    choice,
                    now,
                ),
            )

    def reveal(self, workshop_id: str, group_id: str, item_id: str, summary: str) -> None:
        """Show the round's votes to everybody, and queue its ``summary`` for the record."""
        with self.db.transaction() as conn:
            self._ensure_round(conn, workshop_id, group_id, item_id)
            conn.execute(
                "UPDATE vote_rounds SET revealed = 1 WHERE record = ? AND workshop_id = ?"
                " AND group_id = ? AND item_id = ?",
                (self.record, workshop_id, group_id, item_id),
            )
            note = self._round(conn, workshop_id, group_id, item_id)
            self._queue(conn, workshop_id, group_id, item_id, summary, note["note"] if note else "")

    def vote_again(self, workshop_id: str, group_id: str, item_id: str) -> None:
        """A new round of the same test: votes hidden and empty again, the note cleared.

        The record keeps the last revealed round's summary until the next reveal.
        """
        with self.db.transaction() as conn:
            self._ensure_round(conn, workshop_id, group_id, item_id)
            conn.execute(
                "UPDATE vote_rounds SET round = round + 1, revealed = 0, note = ''"
                " WHERE record = ? AND workshop_id = ? AND group_id = ? AND item_id = ?",
                (self.record, workshop_id, group_id, item_id),
            )

    def set_note(
        self, workshop_id: str, group_id: str, item_id: str, note: str, summary: str
    ) -> None:
        """The tutor's note on why the group disagreed; queued with the round's summary."""
        with self.db.transaction() as conn:
            self._ensure_round(conn, workshop_id, group_id, item_id)
            conn.execute(
                "UPDATE vote_rounds SET note = ? WHERE record = ? AND workshop_id = ?"
                " AND group_id = ? AND item_id = ?",
                (note, self.record, workshop_id, group_id, item_id),
            )
            self._queue(conn, workshop_id, group_id, item_id, summary, note)

    # -- who is here, and the workshop's setting -------------------------------------------

    def seen(
        self, workshop_id: str, group_id: str, participant: str, name: str, now: float
    ) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO vote_people VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT"
                " (record, workshop_id, group_id, participant) DO UPDATE SET"
                " name = excluded.name, seen_at = excluded.seen_at",
                (self.record, workshop_id, group_id, participant, name[:MAX_PARTICIPANT_NAME], now),
            )

    def present(self, workshop_id: str, group_id: str, now: float) -> int:
        """How many participants' pages of the group asked lately."""
        with self.db.transaction(write=False) as conn:
            row = conn.execute(
                "SELECT COUNT(*) AS n FROM vote_people WHERE record = ? AND workshop_id = ?"
                " AND group_id = ? AND seen_at >= ?",
                (self.record, workshop_id, group_id, now - PRESENT_SECONDS),
            ).fetchone()
        return int(row["n"])

    def anonymous(self, workshop_id: str) -> bool:
        """Are the workshop's spreads shown without names? Yes unless the host said otherwise."""
        with self.db.transaction(write=False) as conn:
            row = conn.execute(
                "SELECT anonymous FROM vote_settings WHERE record = ? AND workshop_id = ?",
                (self.record, workshop_id),
            ).fetchone()
        return True if row is None else bool(row["anonymous"])

    def set_anonymous(self, workshop_id: str, anonymous: bool) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO vote_settings VALUES (?, ?, ?) ON CONFLICT (record, workshop_id)"
                " DO UPDATE SET anonymous = excluded.anonymous",
                (self.record, workshop_id, int(anonymous)),
            )

    def revealed_votes(self, workshop_id: str) -> dict[tuple[str, str], RoundState]:
        """Every revealed round of the workshop by (group, item), for exports with names."""
        with self.db.transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT group_id, item_id FROM vote_rounds WHERE record = ? AND workshop_id = ?"
                " AND revealed = 1",
                (self.record, workshop_id),
            ).fetchall()
        return {
            (r["group_id"], r["item_id"]): self.state(workshop_id, r["group_id"], r["item_id"])
            for r in rows
        }

    # -- what the sender takes to the shared record -----------------------------------------

    def _queue(
        self,
        conn: sqlite3.Connection,
        workshop_id: str,
        group_id: str,
        item_id: str,
        summary: str,
        note: str,
    ) -> None:
        conn.execute(
            "INSERT INTO vote_outgoing (record, workshop_id, group_id, item_id, summary, note)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record, workshop_id, group_id, item_id)"
            " DO UPDATE SET summary = excluded.summary, note = excluded.note,"
            " version = version + 1",
            (self.record, workshop_id, group_id, item_id, summary, note),
        )

    def due(self) -> list[Outgoing]:
        """Summaries not yet in the record (or changed since they were sent)."""
        with self.db.transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT * FROM vote_outgoing WHERE record = ? AND version > sent_version"
                " ORDER BY workshop_id, group_id, item_id",
                (self.record,),
            ).fetchall()
        return [
            Outgoing(
                r["workshop_id"],
                r["group_id"],
                VoteRecord(r["group_id"], r["item_id"], r["summary"], r["note"]),
                int(r["version"]),
            )
            for r in rows
        ]

    def sent(self, sent: Sequence[Outgoing]) -> None:
        """These versions are in the record (or can never be: their group or workshop is
        gone, or closed); a newer version queued meanwhile stays due."""
        with self.db.transaction() as conn:
            conn.executemany(
                "UPDATE vote_outgoing SET sent_version = MAX(sent_version, ?) WHERE record = ?"
                " AND workshop_id = ? AND group_id = ? AND item_id = ?",
                [
                    (o.version, self.record, o.workshop_id, o.group_id, o.record.item_id)
                    for o in sent
                ],
            )
