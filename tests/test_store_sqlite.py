"""What only the SQLite store promises: WAL, two processes on one file, migrations, lock errors.

The shared behaviour of every backend is in ``test_store_contract.py``; these
tests look at the file itself with plain ``sqlite3`` connections.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.rubric_factory import item_ids
from workshop.models import AnswerChange, ClockState, Group, Workshop
from workshop.store.base import StoreConfigError, StoreError, StoreUnavailable
from workshop.store.sqlite import SqliteStore
from workshop.store.sqlite.schema import MIGRATIONS

AT = "2026-11-23T10:15:00+00:00"
ITEMS = item_ids()
PASSCODE_HASH = "scrypt$15$8$1$c2FsdA==$aGFzaA=="


def _workshop(workshop_id: str = "w_one") -> Workshop:
    return Workshop(
        id=workshop_id,
        title="Round one",
        date="2026-11-23",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard",
        created_at="2026-11-01T00:00:00+00:00",
    )


def _group(workshop_id: str, n: int) -> Group:
    return Group(
        id=f"g{n}",
        workshop_id=workshop_id,
        name=f"Team {n}",
        system=f"System {n}",
        phase="validation",
        tutor="",
        position=n,
    )


def _filled_store(path: Path, **kwargs: object) -> SqliteStore:
    store = SqliteStore(path, **kwargs)  # type: ignore[arg-type]
    store.create_workshop(_workshop(), [_group("w_one", 0), _group("w_one", 1)], PASSCODE_HASH)
    store.save_answers(
        "w_one",
        "g0",
        [AnswerChange("data-1", "1", "メモ"), AnswerChange("data-2", "N/A", "")],
        updated_by="tutor",
        updated_at=AT,
    )
    store.set_clock("w_one", ClockState(segment=1, status="running", started_at=100.0))
    return store


def test_file_is_created_with_folders_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "workshop.sqlite3"
    store = SqliteStore(path)
    try:
        assert path.is_file()
        assert store.journal_mode() == "wal"
        assert store.schema_version() == len(MIGRATIONS)
    finally:
        store.close()
    outside = sqlite3.connect(path)
    try:
        assert outside.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        outside.close()


def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    first = _filled_store(path)
    before = first.snapshot("w_one")
    first.close()
    with pytest.raises(StoreError):
        first.snapshot("w_one")  # a closed store says so instead of reopening silently
    second = SqliteStore(path)
    try:
        after = second.snapshot("w_one")
        assert (after.workshop, after.groups, after.answers, after.clock) == (
            before.workshop,
            before.groups,
            before.answers,
            before.clock,
        )
    finally:
        second.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def test_the_records_hold_no_code_or_token_and_the_hash_is_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    _filled_store(path).close()
    conn = sqlite3.connect(path)
    try:
        secrets = {"passcode_hash", "results_token", "join_code"}
        assert not secrets & set(_columns(conn, "workshops"))
        assert not secrets & set(_columns(conn, '"groups"'))
        assert conn.execute("SELECT workshop_id, passcode_hash FROM host_passcodes").fetchall() == [
            ("w_one", PASSCODE_HASH)
        ]
    finally:
        conn.close()
    store = SqliteStore(path)
    try:
        assert store.host_passcode_hash("w_one") == PASSCODE_HASH
    finally:
        store.close()


def test_a_file_of_the_first_release_loses_its_codes_and_keeps_its_hash_apart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "workshop.sqlite3"
    SqliteStore(path, migrations=MIGRATIONS[:2]).close()  # the schema of version 0.1
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "INSERT INTO workshops (id, title, date, language, rubric_id, agenda_id,"
                " passcode_hash, results_token, created_at) VALUES"
                " ('w_old', 'Old round', '2026-01-10', 'en', 'ml-test-score', 'standard',"
                " ?, 'tok-old', '2026-01-01T00:00:00+00:00'),"
                " ('w_open', 'No passcode', '2026-01-11', 'en', 'ml-test-score', 'standard',"
                " '', 'tok-open', '')",
                (PASSCODE_HASH,),
            )
            conn.execute(
                'INSERT INTO "groups" (id, workshop_id, name, system, phase, tutor, join_code,'
                " results_token, position) VALUES"
                " ('g_old', 'w_old', 'Team A', 'Search', 'poc', 'Ann', 'JOIN1', 'tok-g', 4)"
            )
    finally:
        conn.close()

    store = SqliteStore(path)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.get_workshop("w_old") == Workshop(
            "w_old", "Old round", "2026-01-10", "en", "ml-test-score", "standard",
            created_at="2026-01-01T00:00:00+00:00",
        )  # fmt: skip
        assert store.snapshot("w_old").groups == (
            Group("g_old", "w_old", "Team A", "Search", "poc", "Ann", 4),
        )
        assert store.host_passcode_hash("w_old") == PASSCODE_HASH
        assert store.host_passcode_hash("w_open") == ""
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        secrets = {"passcode_hash", "results_token", "join_code"}
        assert not secrets & set(_columns(conn, "workshops"))
        assert not secrets & set(_columns(conn, '"groups"'))
        dump = "\n".join(conn.iterdump())
        assert "JOIN1" not in dump and "tok-old" not in dump and "tok-g" not in dump
    finally:
        conn.close()


# -- migrations -------------------------------------------------------------------------------


def _add_colour_column(conn: sqlite3.Connection) -> None:
    """A stand-in for a future migration: a new column with a default."""
    conn.execute("ALTER TABLE \"groups\" ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue'")


def _add_reactions_table(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE reactions (id TEXT PRIMARY KEY, emoji TEXT NOT NULL)")


def test_later_migrations_keep_existing_data(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    old = _filled_store(path, migrations=MIGRATIONS)
    before = old.snapshot("w_one")
    old.close()

    later = (*MIGRATIONS, _add_colour_column, _add_reactions_table)
    new = SqliteStore(path, migrations=later)
    try:
        assert new.schema_version() == len(MIGRATIONS) + 2
        after = new.snapshot("w_one")
        assert after.groups == before.groups
        assert after.answers == before.answers
        assert after.clock == before.clock
        new.save_answers(
            "w_one", "g1", [AnswerChange("model-3", "0.5", "")], updated_by="t", updated_at=AT
        )
    finally:
        new.close()

    conn = sqlite3.connect(path)
    try:
        colours = conn.execute('SELECT colour FROM "groups" ORDER BY id').fetchall()
        assert colours == [("blue",), ("blue",)]
        assert conn.execute("SELECT count(*) FROM reactions").fetchone() == (0,)
    finally:
        conn.close()

    # Opening again with the same list runs nothing twice (a second ALTER would fail).
    SqliteStore(path, migrations=later).close()


def test_a_failing_migration_leaves_the_old_schema_intact(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    _filled_store(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        _add_colour_column(conn)
        conn.execute("THIS IS NOT SQL")

    with pytest.raises(StoreError):
        SqliteStore(path, migrations=(*MIGRATIONS, broken))
    store = SqliteStore(path)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.snapshot("w_one").group_answers("g0")["data-1"].note == "メモ"
    finally:
        store.close()
    conn = sqlite3.connect(path)
    try:
        columns = [row[1] for row in conn.execute('PRAGMA table_info("groups")')]
        assert "colour" not in columns  # the half-done migration was rolled back
    finally:
        conn.close()


def test_a_file_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    SqliteStore(path, migrations=(*MIGRATIONS, _add_colour_column)).close()
    with pytest.raises(StoreConfigError, match="newer"):
        SqliteStore(path)


# -- locks and processes ----------------------------------------------------------------------


def test_a_held_write_lock_becomes_store_unavailable_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    store = _filled_store(path, busy_timeout=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    change = [AnswerChange("infra-1", "1", "after the lock")]
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE workshops SET title = 'held' WHERE id = 'w_one'")
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as raised:
            store.save_answers("w_one", "g1", change, updated_by="t", updated_at=AT)
        assert time.monotonic() - started < 5
        assert "busy" in str(raised.value)
        # Readers are not blocked by a writer in WAL mode.
        assert "infra-1" not in store.snapshot("w_one").group_answers("g1")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.save_answers("w_one", "g1", change, updated_by="t", updated_at=AT)  # the retry
    assert store.snapshot("w_one").group_answers("g1")["infra-1"].note == "after the lock"
    store.close()


_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workshop.models import ActionItem, AnswerChange
    from workshop.store.sqlite import SqliteStore

    db, group_id, tag, items = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
    ready = Path(db).parent / f"ready-{tag}"
    store = SqliteStore(db)  # both processes may open (and migrate) a fresh file at once
    ready.touch()
    deadline = time.monotonic() + 30
    while len(list(Path(db).parent.glob("ready-*"))) < 2:  # start together
        if time.monotonic() > deadline:
            sys.exit("the other writer never started")
        time.sleep(0.002)
    if group_id:
        for item in items:  # one transaction per answer: many chances to collide
            store.save_answers(
                "w_one", group_id, [AnswerChange(item, "1", f"{tag} {item}")],
                updated_by=tag, updated_at="2026-11-23T10:00:00+00:00",
            )
            store.snapshot("w_one")
        store.add_action(ActionItem(id=f"a-{tag}", workshop_id="w_one", group_id=group_id,
                                    item_id=items[0], what=f"from {tag}"))
    print(store.schema_version())
    store.close()
    """
)


def _run_two_writers(path: Path, plans: list[tuple[str, str]]) -> list[str]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), group_id, tag, ",".join(ITEMS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for group_id, tag in plans
    ]
    outputs = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            outputs.append(out.strip())
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return outputs


def test_two_processes_open_a_fresh_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "workshop.sqlite3"
    outputs = _run_two_writers(path, [("", "p1"), ("", "p2")])
    assert outputs == [str(len(MIGRATIONS))] * 2


def test_two_processes_write_to_one_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "workshop.sqlite3"
    _filled_store(path).close()
    _run_two_writers(path, [("g0", "p1"), ("g1", "p2")])

    store = SqliteStore(path)
    try:
        snap = store.snapshot("w_one")
    finally:
        store.close()
    for group_id, tag in (("g0", "p1"), ("g1", "p2")):
        answers = snap.group_answers(group_id)
        assert sorted(answers) == sorted(ITEMS)
        assert all(answers[item].note == f"{tag} {item}" for item in ITEMS)
        assert all(answers[item].updated_by == tag for item in ITEMS)
    assert sorted((a.id, a.what) for a in snap.actions) == [
        ("a-p1", "from p1"),
        ("a-p2", "from p2"),
    ]
