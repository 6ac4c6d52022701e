"""One mapping between a record's fields and its columns, for both store backends."""

from __future__ import annotations

from workshop.models import ActionItem, ClockState, Group, Workshop
from workshop.store.records import Record
from workshop.store.sheets.layout.settings_table import CLOCK_RECORD, WORKSHOP_RECORD
from workshop.store.sqlite.tables import ANSWERS, CLOCK, GROUPS, WORKSHOPS

WORKSHOP = Workshop("w1", "Autumn", "2026-11-23", "ja", "ml-test-score", "standard-60",
                    "2026-11-01T00:00:00+00:00", True, "w0", 2, True)  # fmt: skip


def test_a_record_reads_stored_values_back_by_each_fields_type() -> None:
    # SQLite keeps 1 for True (and a hand-typed sheet cell may hold "2" for a number)
    stored = {
        **Record(Workshop).named(WORKSHOP),
        "archived": 1,
        "closed": 1,
        "link_generation": "2",
    }
    assert Record(Workshop).build(stored.__getitem__) == WORKSHOP
    stored_clock = {"segment": 2, "status": "paused", "started_at": None,
                    "paused_elapsed": 3, "extension": 0, "updated_at": 1.5,
                    "auto_advance": 1, "broadcast": "Finish Infra", "broadcast_at": 7}  # fmt: skip
    clock = Record(ClockState).build(stored_clock.__getitem__)
    assert clock == ClockState(2, "paused", None, 3.0, 0.0, 1.5, True, "Finish Infra", 7.0)
    assert clock.auto_advance is True and isinstance(clock.broadcast_at, float)
    assert isinstance(clock.paused_elapsed, float)
    group = Record(Group).build({"id": "g1", "workshop_id": "w1", "name": "A", "system": "S",
                                 "phase": "poc", "tutor": "", "position": "3",
                                 "link_generation": "5"}.get)  # fmt: skip
    assert (group.position, group.link_generation) == (3, 5)


def test_sheet_columns_rename_the_id_and_prefix_the_clock() -> None:
    assert WORKSHOP_RECORD.columns[:2] == ("workshop_id", "title")
    assert CLOCK_RECORD.columns == (
        "clock_segment", "clock_status", "clock_started_at", "clock_paused_elapsed",
        "clock_extension", "clock_updated_at", "clock_auto_advance", "clock_broadcast",
        "clock_broadcast_at",
    )  # fmt: skip
    assert (
        Record(ActionItem, renamed={"id": "action_id"}).named(
            ActionItem("a1", "w1", "g1", "data-1", "x")
        )["action_id"]
        == "a1"
    )


def test_sqlite_statements_are_built_from_the_columns() -> None:
    assert WORKSHOPS.select("id = ?") == (
        "SELECT id, title, date, language, rubric_id, agenda_id, created_at, archived,"
        " previous_id, link_generation, closed FROM workshops WHERE id = ?"
    )
    assert GROUPS.upsert(("id",), fixed=("workshop_id",)) == (
        'INSERT INTO "groups" (id, workshop_id, name, system, phase, tutor, position,'
        " link_generation) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
        " name = excluded.name, system = excluded.system, phase = excluded.phase,"
        " tutor = excluded.tutor, position = excluded.position,"
        " link_generation = excluded.link_generation"
    )
    assert ANSWERS.upsert(("workshop_id", "group_id", "item_id")).endswith(
        "DO UPDATE SET value = excluded.value, note = excluded.note,"
        " updated_at = excluded.updated_at, updated_by = excluded.updated_by"
    )
    assert WORKSHOPS.update(("id",)) == (
        "UPDATE workshops SET title = ?, date = ?, language = ?, rubric_id = ?, agenda_id = ?,"
        " created_at = ?, archived = ?, previous_id = ?, link_generation = ?, closed = ?"
        " WHERE id = ?"
    )
    assert WORKSHOPS.update_values(WORKSHOP, ("id",))[-4:] == ("w0", 2, True, "w1")
    assert CLOCK.values(ClockState(), "w1") == (
        "w1", 0, "idle", None, 0.0, 0.0, 0.0, False, "", 0.0
    )  # fmt: skip
