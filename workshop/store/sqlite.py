"""The embedded store: one SQLite file, the default when no Google Sheet is configured.

Why it is built this way:

* Streamlit runs every browser session in its own thread, and a host may run
  two app processes on one machine. Each operation therefore opens its own
  short-lived connection (no connection is ever shared between threads), the
  file is in WAL mode so readers never block the writer, every write starts
  with ``BEGIN IMMEDIATE`` (it takes the write lock up front, so two writers
  queue instead of failing on a lock upgrade) and a busy timeout lets writers
  wait for each other. One extra connection stays open for the store's
  lifetime only so the WAL file is not checkpointed and deleted after every
  operation.
* A lock still held after the busy timeout becomes :class:`StoreUnavailable`:
  the page keeps the tutor's change pending and retries, nothing is lost.
* The schema is versioned with ``PRAGMA user_version`` and migrated on open by
  an ordered list of functions, so a later release can add columns to an
  existing workshop file without losing its data.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from workshop.models import (
    ActionItem,
    Answer,
    AnswerChange,
    ClockState,
    FieldPatch,
    Group,
    PatchOutcome,
    Snapshot,
    Workshop,
)
from workshop.patches import WRITTEN, decide
from workshop.store.base import (
    KnownAt,
    NotFound,
    Store,
    StoreConfigError,
    StoreError,
    StoreUnavailable,
)

Migration = Callable[[sqlite3.Connection], None]

DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a writer waits for another writer


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


#: Schema migrations in order; the database's ``user_version`` counts those applied.
#: Append new functions, never edit or reorder applied ones. Each runs inside the
#: migration transaction, so use ``conn.execute`` (``executescript`` would commit early).
MIGRATIONS: tuple[Migration, ...] = (_migration_1_initial, _migration_2_revisions)

_WORKSHOP_COLUMNS = (
    "id, title, date, language, rubric_id, agenda_id, passcode_hash, results_token,"
    " created_at, archived, previous_id"
)
_GROUP_COLUMNS = "id, workshop_id, name, system, phase, tutor, join_code, results_token, position"
_ACTION_COLUMNS = (
    "id, workshop_id, group_id, item_id, what, owner, priority, due, created_at, created_by"
)


def _workshop(row: sqlite3.Row) -> Workshop:
    return Workshop(
        id=row["id"],
        title=row["title"],
        date=row["date"],
        language=row["language"],
        rubric_id=row["rubric_id"],
        agenda_id=row["agenda_id"],
        passcode_hash=row["passcode_hash"],
        results_token=row["results_token"],
        created_at=row["created_at"],
        archived=bool(row["archived"]),
        previous_id=row["previous_id"],
    )


def _group(row: sqlite3.Row) -> Group:
    return Group(
        id=row["id"],
        workshop_id=row["workshop_id"],
        name=row["name"],
        system=row["system"],
        phase=row["phase"],
        tutor=row["tutor"],
        join_code=row["join_code"],
        results_token=row["results_token"],
        position=int(row["position"]),
    )


def _action(row: sqlite3.Row) -> ActionItem:
    return ActionItem(
        id=row["id"],
        workshop_id=row["workshop_id"],
        group_id=row["group_id"],
        item_id=row["item_id"],
        what=row["what"],
        owner=row["owner"],
        priority=int(row["priority"]),
        due=row["due"],
        created_at=row["created_at"],
        created_by=row["created_by"],
    )


def _clock(row: sqlite3.Row | None) -> ClockState:
    if row is None:
        return ClockState()
    return ClockState(
        segment=int(row["segment"]),
        status=row["status"],
        started_at=None if row["started_at"] is None else float(row["started_at"]),
        paused_elapsed=float(row["paused_elapsed"]),
        extension=float(row["extension"]),
        updated_at=float(row["updated_at"]),
    )


def _workshop_values(workshop: Workshop) -> tuple[object, ...]:
    return (
        workshop.id,
        workshop.title,
        workshop.date,
        workshop.language,
        workshop.rubric_id,
        workshop.agenda_id,
        workshop.passcode_hash,
        workshop.results_token,
        workshop.created_at,
        int(workshop.archived),
        workshop.previous_id,
    )


def _group_values(group: Group) -> tuple[object, ...]:
    return (
        group.id,
        group.workshop_id,
        group.name,
        group.system,
        group.phase,
        group.tutor,
        group.join_code,
        group.results_token,
        group.position,
    )


def _action_values(action: ActionItem) -> tuple[object, ...]:
    return (
        action.id,
        action.workshop_id,
        action.group_id,
        action.item_id,
        action.what,
        action.owner,
        action.priority,
        action.due,
        action.created_at,
        action.created_by,
    )


class SqliteStore(Store):
    """The :class:`Store` on a local SQLite file; safe across threads and processes."""

    backend = "local"

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

    # -- connections and transactions -------------------------------------------------

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
    def _transaction(self, doing: str, *, write: bool) -> Iterator[sqlite3.Connection]:
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
        with self._transaction("reading the schema version", write=False) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def journal_mode(self) -> str:
        with self._transaction("reading the journal mode", write=False) as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0])

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
    def _read_snapshot(conn: sqlite3.Connection, workshop_id: str) -> Snapshot:
        row = conn.execute(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE id = ?", (workshop_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"Workshop {workshop_id} does not exist.")
        groups = tuple(
            _group(r)
            for r in conn.execute(
                f'SELECT {_GROUP_COLUMNS} FROM "groups" WHERE workshop_id = ?'
                " ORDER BY position, rowid",
                (workshop_id,),
            )
        )
        answers: dict[str, dict[str, Answer]] = {group.id: {} for group in groups}
        for r in conn.execute(
            "SELECT group_id, item_id, value, note, updated_at, updated_by FROM answers"
            " WHERE workshop_id = ?",
            (workshop_id,),
        ):
            answers.setdefault(r["group_id"], {})[r["item_id"]] = Answer(
                group_id=r["group_id"],
                item_id=r["item_id"],
                value=r["value"],
                note=r["note"],
                updated_at=r["updated_at"],
                updated_by=r["updated_by"],
            )
        clock_row = conn.execute(
            "SELECT segment, status, started_at, paused_elapsed, extension, updated_at"
            " FROM clock WHERE workshop_id = ?",
            (workshop_id,),
        ).fetchone()
        actions = tuple(
            _action(r)
            for r in conn.execute(
                f"SELECT {_ACTION_COLUMNS} FROM actions WHERE workshop_id = ?"
                " ORDER BY priority, rowid",
                (workshop_id,),
            )
        )
        return Snapshot(
            workshop=_workshop(row),
            groups=groups,
            answers=answers,
            clock=_clock(clock_row),
            actions=actions,
            fetched_at=time.time(),
        )

    # -- reads ------------------------------------------------------------------------------

    def list_workshops(self, include_archived: bool = False) -> list[Workshop]:
        where = "" if include_archived else "WHERE archived = 0"
        with self._transaction("listing workshops", write=False) as conn:
            rows = conn.execute(
                f"SELECT {_WORKSHOP_COLUMNS} FROM workshops {where}"
                " ORDER BY date DESC, created_at DESC, rowid DESC"
            ).fetchall()
        return [_workshop(row) for row in rows]

    def get_workshop(self, workshop_id: str) -> Workshop | None:
        with self._transaction("reading a workshop", write=False) as conn:
            row = conn.execute(
                f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE id = ?", (workshop_id,)
            ).fetchone()
        return None if row is None else _workshop(row)

    def snapshot(self, workshop_id: str) -> Snapshot:
        with self._transaction("reading a workshop", write=False) as conn:
            return self._read_snapshot(conn, workshop_id)

    def snapshots(self, workshop_ids: Sequence[str]) -> list[Snapshot]:
        """Several workshops from one consistent read."""
        with self._transaction("reading workshops", write=False) as conn:
            return [self._read_snapshot(conn, workshop_id) for workshop_id in workshop_ids]

    def find_token(self, token: str) -> tuple[str, str | None] | None:
        if not token:
            return None
        with self._transaction("looking up a results link", write=False) as conn:
            row = conn.execute(
                "SELECT id FROM workshops WHERE results_token = ?", (token,)
            ).fetchone()
            if row is not None:
                return row["id"], None
            row = conn.execute(
                'SELECT workshop_id, id FROM "groups" WHERE results_token = ?', (token,)
            ).fetchone()
        return None if row is None else (row["workshop_id"], row["id"])

    # -- writes -----------------------------------------------------------------------------

    def create_workshop(self, workshop: Workshop, groups: Sequence[Group]) -> None:
        for group in groups:
            if group.workshop_id != workshop.id:
                raise ValueError(
                    f"Group {group.id} belongs to {group.workshop_id}, not {workshop.id}."
                )
        with self._transaction("creating a workshop", write=True) as conn:
            exists = conn.execute("SELECT 1 FROM workshops WHERE id = ?", (workshop.id,)).fetchone()
            if exists is not None:
                raise StoreError(f"Workshop {workshop.id} already exists.")
            conn.execute(
                f"INSERT INTO workshops ({_WORKSHOP_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                _workshop_values(workshop),
            )
            conn.executemany(
                f'INSERT INTO "groups" ({_GROUP_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)',
                [_group_values(group) for group in groups],
            )
            conn.execute("INSERT INTO clock (workshop_id) VALUES (?)", (workshop.id,))
            self._bump(conn, workshop.id)

    def update_workshop(self, workshop: Workshop) -> None:
        with self._transaction("updating a workshop", write=True) as conn:
            cursor = conn.execute(
                "UPDATE workshops SET title = ?, date = ?, language = ?, rubric_id = ?,"
                " agenda_id = ?, passcode_hash = ?, results_token = ?, created_at = ?,"
                " archived = ?, previous_id = ? WHERE id = ?",
                (*_workshop_values(workshop)[1:], workshop.id),
            )
            if cursor.rowcount == 0:
                raise NotFound(f"Workshop {workshop.id} does not exist.")
            self._bump(conn, workshop.id)

    def upsert_group(self, group: Group) -> None:
        with self._transaction("saving a group", write=True) as conn:
            self._require_workshop(conn, group.workshop_id)
            owner = conn.execute(
                'SELECT workshop_id FROM "groups" WHERE id = ?', (group.id,)
            ).fetchone()
            if owner is not None and owner["workshop_id"] != group.workshop_id:
                raise NotFound(f"Group {group.id} does not belong to workshop {group.workshop_id}.")
            conn.execute(
                f'INSERT INTO "groups" ({_GROUP_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)'
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, system = excluded.system,"
                " phase = excluded.phase, tutor = excluded.tutor, join_code = excluded.join_code,"
                " results_token = excluded.results_token, position = excluded.position",
                _group_values(group),
            )
            self._bump(conn, group.workshop_id)

    def save_answers(
        self,
        workshop_id: str,
        group_id: str,
        changes: Sequence[AnswerChange],
        *,
        updated_by: str,
        updated_at: str,
    ) -> None:
        with self._transaction("saving answers", write=True) as conn:
            found = conn.execute(
                'SELECT 1 FROM "groups" WHERE id = ? AND workshop_id = ?', (group_id, workshop_id)
            ).fetchone()
            if found is None:
                self._require_workshop(conn, workshop_id)
                raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")
            # An upsert: a retried batch writes the same rows again, with the same result.
            conn.executemany(
                "INSERT INTO answers (workshop_id, group_id, item_id, value, note, updated_at,"
                " updated_by) VALUES (?,?,?,?,?,?,?)"
                " ON CONFLICT (workshop_id, group_id, item_id) DO UPDATE SET"
                " value = excluded.value, note = excluded.note,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                [
                    (workshop_id, group_id, c.item_id, c.value, c.note, updated_at, updated_by)
                    for c in changes
                ],
            )
            self._bump(conn, workshop_id)

    def apply_patches(
        self,
        workshop_id: str,
        group_id: str,
        patches: Sequence[FieldPatch],
        *,
        known_at: KnownAt | None = None,
    ) -> list[PatchOutcome]:
        """Decide and write each field in one transaction (see Store.apply_patches)."""
        with self._transaction("saving answers", write=True) as conn:
            found = conn.execute(
                'SELECT 1 FROM "groups" WHERE id = ? AND workshop_id = ?', (group_id, workshop_id)
            ).fetchone()
            if found is None:
                self._require_workshop(conn, workshop_id)
                raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")
            rows: dict[str, dict[str, str]] = {}
            for item_id in {patch.item_id for patch in patches}:
                row = conn.execute(
                    "SELECT value, note, updated_at, updated_by FROM answers"
                    " WHERE workshop_id = ? AND group_id = ? AND item_id = ?",
                    (workshop_id, group_id, item_id),
                ).fetchone()
                rows[item_id] = (
                    dict(row)
                    if row is not None
                    else {"value": "", "note": "", "updated_at": "", "updated_by": ""}
                )
            outcomes: list[PatchOutcome] = []
            changed: set[str] = set()
            for patch in patches:
                row = rows[patch.item_id]
                current = row[patch.field]
                other_at = None
                if current not in (patch.text, patch.base) and known_at is not None:
                    other_at = known_at(patch, current)
                result = decide(patch, current, other_at)
                if result == WRITTEN:
                    row[patch.field] = patch.text
                    if patch.made_at >= row["updated_at"]:
                        row["updated_at"], row["updated_by"] = patch.made_at, patch.made_by
                    changed.add(patch.item_id)
                outcomes.append(
                    PatchOutcome(
                        patch, result, row[patch.field], row["updated_by"], row["updated_at"]
                    )
                )
            for item_id in sorted(changed):
                row = rows[item_id]
                conn.execute(
                    "INSERT INTO answers (workshop_id, group_id, item_id, value, note, updated_at,"
                    " updated_by) VALUES (?,?,?,?,?,?,?)"
                    " ON CONFLICT (workshop_id, group_id, item_id) DO UPDATE SET"
                    " value = excluded.value, note = excluded.note,"
                    " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    (
                        workshop_id,
                        group_id,
                        item_id,
                        row["value"],
                        row["note"],
                        row["updated_at"],
                        row["updated_by"],
                    ),
                )
            if changed:
                self._bump(conn, workshop_id)
            return outcomes

    def revision(self, workshop_id: str) -> object:
        with self._transaction("reading a revision", write=False) as conn:
            row = conn.execute(
                "SELECT rev FROM revisions WHERE workshop_id = ?", (workshop_id,)
            ).fetchone()
        return 0 if row is None else int(row["rev"])

    def set_clock(self, workshop_id: str, clock: ClockState) -> None:
        with self._transaction("saving the clock", write=True) as conn:
            self._require_workshop(conn, workshop_id)
            conn.execute(
                "INSERT INTO clock (workshop_id, segment, status, started_at, paused_elapsed,"
                " extension, updated_at) VALUES (?,?,?,?,?,?,?)"
                " ON CONFLICT (workshop_id) DO UPDATE SET segment = excluded.segment,"
                " status = excluded.status, started_at = excluded.started_at,"
                " paused_elapsed = excluded.paused_elapsed, extension = excluded.extension,"
                " updated_at = excluded.updated_at",
                (
                    workshop_id,
                    clock.segment,
                    clock.status,
                    clock.started_at,
                    clock.paused_elapsed,
                    clock.extension,
                    clock.updated_at,
                ),
            )
            self._bump(conn, workshop_id)

    def add_action(self, action: ActionItem) -> None:
        """Record an action item; adding the identical item again is a no-op (a retry)."""
        with self._transaction("adding an action item", write=True) as conn:
            self._require_workshop(conn, action.workshop_id)
            row = conn.execute(
                f"SELECT {_ACTION_COLUMNS} FROM actions WHERE id = ?", (action.id,)
            ).fetchone()
            if row is not None:
                if _action(row) == action:
                    return  # a retry of an add that already happened
                raise StoreError(f"Action item {action.id} already exists.")
            conn.execute(
                f"INSERT INTO actions ({_ACTION_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                _action_values(action),
            )
            self._bump(conn, action.workshop_id)

    def update_action(self, action: ActionItem) -> None:
        with self._transaction("updating an action item", write=True) as conn:
            # UPDATE in place keeps the row's position among items of equal priority.
            cursor = conn.execute(
                "UPDATE actions SET group_id = ?, item_id = ?, what = ?, owner = ?,"
                " priority = ?, due = ?, created_at = ?, created_by = ?"
                " WHERE id = ? AND workshop_id = ?",
                (*_action_values(action)[2:], action.id, action.workshop_id),
            )
            if cursor.rowcount == 0:
                raise NotFound(
                    f"Action item {action.id} does not exist in workshop {action.workshop_id}."
                )
            self._bump(conn, action.workshop_id)

    def delete_action(self, workshop_id: str, action_id: str) -> None:
        """Remove an action item; deleting one already gone is a no-op, so retries are safe."""
        with self._transaction("deleting an action item", write=True) as conn:
            self._require_workshop(conn, workshop_id)
            deleted = conn.execute(
                "DELETE FROM actions WHERE id = ? AND workshop_id = ?", (action_id, workshop_id)
            )
            if deleted.rowcount:
                self._bump(conn, workshop_id)

    def close(self) -> None:
        """Release the file; later calls raise :class:`StoreError`."""
        self._closed = True
        with self._keeper_lock:
            if self._keeper is not None:
                self._keeper.close()
                self._keeper = None
