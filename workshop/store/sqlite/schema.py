"""The SQLite store's schema, as an ordered list of migrations.

The schema is versioned with ``PRAGMA user_version`` and migrated on open
(:meth:`workshop.store.sqlite.database.Database.migrate`), so a later release
can add columns to an existing workshop file without losing its data. Append
new functions, never edit or reorder applied ones.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _migration_1_initial(conn: sqlite3.Connection) -> None:
    """The first schema: workshops, groups, answers, clock, actions."""
    conn.execute(
        """
        CREATE TABLE workshops (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            date TEXT NOT NULL,
            language TEXT NOT NULL,
            rubric_id TEXT NOT NULL,
            agenda_id TEXT NOT NULL,
            passcode_hash TEXT NOT NULL DEFAULT '',
            results_token TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT '',
            archived INTEGER NOT NULL DEFAULT 0,
            previous_id TEXT NOT NULL DEFAULT ''
        )
        """
    )
    conn.execute("CREATE INDEX workshops_token ON workshops (results_token)")
    conn.execute(
        """
        CREATE TABLE "groups" (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            system TEXT NOT NULL,
            phase TEXT NOT NULL,
            tutor TEXT NOT NULL DEFAULT '',
            join_code TEXT NOT NULL,
            results_token TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    conn.execute('CREATE INDEX groups_workshop ON "groups" (workshop_id, position)')
    conn.execute('CREATE INDEX groups_token ON "groups" (results_token)')
    conn.execute(
        """
        CREATE TABLE answers (
            workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
            group_id TEXT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            value TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL DEFAULT '',
            updated_by TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (workshop_id, group_id, item_id)
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE clock (
            workshop_id TEXT PRIMARY KEY REFERENCES workshops (id) ON DELETE CASCADE,
            segment INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'idle',
            started_at REAL,
            paused_elapsed REAL NOT NULL DEFAULT 0,
            extension REAL NOT NULL DEFAULT 0,
            updated_at REAL NOT NULL DEFAULT 0
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE actions (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
            group_id TEXT NOT NULL DEFAULT '',
            item_id TEXT NOT NULL DEFAULT '',
            what TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            priority INTEGER NOT NULL DEFAULT 1,
            due TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL DEFAULT ''
        )
        """
    )
    conn.execute("CREATE INDEX actions_workshop ON actions (workshop_id, priority)")


def _migration_2_revisions(conn: sqlite3.Connection) -> None:
    """A change counter per workshop: live pages ask it every second instead of re-reading."""
    conn.execute(
        """
        CREATE TABLE revisions (
            workshop_id TEXT PRIMARY KEY,
            rev INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    conn.execute("INSERT INTO revisions (workshop_id, rev) SELECT id, 1 FROM workshops")


def _migration_3_no_secrets_in_records(conn: sqlite3.Connection) -> None:
    """Nothing that opens a door stays next to the records (version 0.2).

    Host passcode hashes move to a table of their own. Join codes and results
    tokens are no longer stored: they are derived from the app secret and a link
    generation (workshop.keys), so the links of workshops made before change.
    """
    conn.execute(
        """
        CREATE TABLE host_passcodes (
            workshop_id TEXT PRIMARY KEY REFERENCES workshops (id) ON DELETE CASCADE,
            passcode_hash TEXT NOT NULL
        )
        """
    )
    conn.execute(
        "INSERT INTO host_passcodes (workshop_id, passcode_hash)"
        " SELECT id, passcode_hash FROM workshops WHERE passcode_hash != ''"
    )
    conn.execute("DROP INDEX workshops_token")
    conn.execute("DROP INDEX groups_token")
    for table, column in (
        ("workshops", "passcode_hash"),
        ("workshops", "results_token"),
        ('"groups"', "join_code"),
        ('"groups"', "results_token"),
    ):
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("ALTER TABLE workshops ADD COLUMN link_generation INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE workshops ADD COLUMN closed INTEGER NOT NULL DEFAULT 0")
    conn.execute('ALTER TABLE "groups" ADD COLUMN link_generation INTEGER NOT NULL DEFAULT 0')


def _migration_4_vote_summaries(conn: sqlite3.Connection) -> None:
    """Participants' vote summaries per test (counts per choice, never who voted what)."""
    conn.execute(
        """
        CREATE TABLE vote_summaries (
            workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
            group_id TEXT NOT NULL REFERENCES "groups" (id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (workshop_id, group_id, item_id)
        )
        """
    )


def _migration_5_action_follow_through(conn: sqlite3.Connection) -> None:
    """Action items live on between rounds: a status, a ticket link, a last-updated stamp."""
    for column, default in (
        ("status", "'open'"),
        ("ticket", "''"),
        ("updated_at", "''"),
        ("updated_by", "''"),
    ):
        conn.execute(f"ALTER TABLE actions ADD COLUMN {column} TEXT NOT NULL DEFAULT {default}")


def _migration_6_room_settings(conn: sqlite3.Connection) -> None:
    """Auto-advance and the host's broadcast travel with the clock (issue 14)."""
    conn.execute("ALTER TABLE clock ADD COLUMN auto_advance INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE clock ADD COLUMN broadcast TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE clock ADD COLUMN broadcast_at REAL NOT NULL DEFAULT 0")


#: Schema migrations in order; the database's ``user_version`` counts those applied.
#: Append new functions, never edit or reorder applied ones. Each runs inside the
#: migration transaction, so use ``conn.execute`` (``executescript`` would commit early).
MIGRATIONS: tuple[Migration, ...] = (
    _migration_1_initial,
    _migration_2_revisions,
    _migration_3_no_secrets_in_records,
    _migration_4_vote_summaries,
    _migration_5_action_follow_through,
    _migration_6_room_settings,
)
