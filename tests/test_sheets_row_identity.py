"""A save never lands in another item's row, whatever a person does to the worksheet.

People sort, reverse, insert, move and delete rows in the shared sheet while
tutors save. These tests put such an edit exactly between the app's read and
its write (deterministically: the fake runs the person's edit just before it
serves the next request of a given kind), then read the sheet itself and check
every row by its item id. Expected values are written out by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.rubric_factory import make_rubric
from tests.support.clock import ManualClock
from tests.support.sheets_backend import SheetsFixture, sheets_fixture
from workshop.models import AnswerChange, ClockState, FieldPatch, Group, Workshop
from workshop.store.base import PatchSet
from workshop.store.sheets import SheetsStore

RUBRIC = make_rubric(na_allowed={"data-2"}, rubric_id="ml-test-score")
AT = "2026-11-23T10:15:00+00:00"
TEAM = "Team A"


@pytest.fixture
def fx() -> Iterator[SheetsFixture]:
    with sheets_fixture() as fixture:
        yield fixture


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def open_store(fx: SheetsFixture, clock: ManualClock) -> SheetsStore:
    return fx.open_store(clock=clock, rubric_loader=lambda _rubric_id: RUBRIC)


def setup(store: SheetsStore, workshops: tuple[str, ...] = ("w1",)) -> list[Group]:
    groups: list[Group] = []
    for n, workshop_id in enumerate(workshops):
        workshop = Workshop(
            workshop_id, f"Round {n + 1}", f"2026-1{n}-23", "en", "ml-test-score",
            "standard-60",
        )  # fmt: skip
        made = [
            Group(f"{workshop_id}-g{i}", workshop_id, name, f"System {i}", "production", "", i)
            for i, name in enumerate(("Team A", "Team B"))
        ]  # fmt: skip
        store.create_workshop(workshop, made)
        groups.extend(made)
    return groups


def rows_by_item(fx: SheetsFixture, title: str = TEAM) -> dict[str, list[Any]]:
    """The worksheet as stored in the fake: item id -> [score, note, updated_by]."""
    values = fx.fake.values(fx.key, title)
    header = values[0]
    col = {name: header.index(name) for name in header}

    def at(row: list[Any], name: str) -> Any:
        return row[col[name]] if col[name] < len(row) else ""

    result: dict[str, list[Any]] = {}
    for row in values[1:]:
        item = at(row, "item_id")
        if item:
            assert item not in result, f"{item} appears twice"
            result[item] = [at(row, "score"), at(row, "note"), at(row, "updated_by")]
    return result


def answer_everything(store: SheetsStore, group: Group) -> None:
    """Every item answered: score by position, note naming the item (easy to check)."""
    changes = [
        AnswerChange(item.id, ("0", "0.5", "1")[n % 3], f"note of {item.id}")
        for n, item in enumerate(RUBRIC.items)
    ]
    store.save_answers(group.workshop_id, group.id, changes, updated_by="first", updated_at=AT)


def expected_after(change: dict[str, list[str]]) -> dict[str, list[str]]:
    """The hand-made table: every item as answer_everything left it, plus ``change``."""
    table = {
        item.id: [("0", "0.5", "1")[n % 3], f"note of {item.id}", "first"]
        for n, item in enumerate(RUBRIC.items)
    }
    table.update(change)
    return table


SORTS = {
    "sorted by title, descending": lambda fx: fx.fake.sort_rows(fx.key, TEAM, 2, descending=True),
    "sorted by score, descending": lambda fx: fx.fake.sort_rows(fx.key, TEAM, 3, descending=True),
    "reversed": lambda fx: fx.fake.reverse_rows(fx.key, TEAM),
}


@pytest.mark.parametrize("edit", sorted(SORTS))
def test_rows_moved_after_the_app_read_them_get_the_save_in_the_right_row(
    fx: SheetsFixture, clock: ManualClock, edit: str
) -> None:
    store = open_store(fx, clock)
    group = setup(store)[0]
    answer_everything(store, group)
    store.snapshot("w1")  # the page's copy: data-2 is in row 3 here
    SORTS[edit](fx)  # a person reorders the worksheet a second later
    store.save_answers("w1", group.id, [AnswerChange("data-2", "N/A", "images only")],
                       updated_by="tutor", updated_at=AT)  # fmt: skip
    assert rows_by_item(fx) == expected_after({"data-2": ["N/A", "images only", "tutor"]})


@pytest.mark.parametrize("edit", sorted(SORTS))
def test_rows_moved_between_the_commits_read_and_its_write_are_put_right(
    fx: SheetsFixture, clock: ManualClock, edit: str
) -> None:
    store = open_store(fx, clock)
    group = setup(store)[0]
    answer_everything(store, group)
    # The person's sort lands in the instant between the commit's read and its write:
    fx.fake.before_next("write", lambda: SORTS[edit](fx))
    outcomes = store.apply_patches(
        "w1", group.id, [FieldPatch("data-2", "value", "N/A", "0.5", AT, "tutor")]
    )
    assert [o.result for o in outcomes] == ["written"]
    # The next read (the next page refresh, or the next commit) notices and repairs.
    clock.advance(5)
    store.refresh_now()
    assert store.book.repaired == 1
    expected = expected_after({"data-2": ["N/A", "note of data-2", "tutor"]})
    assert rows_by_item(fx) == expected


def test_a_deleted_row_gets_a_new_row_and_nothing_else_moves(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    group = setup(store)[0]
    answer_everything(store, group)
    store.snapshot("w1")
    fx.fake.delete_rows(fx.key, TEAM, 3, 4)  # data-2 and data-3 deleted by hand
    store.apply_patches("w1", group.id, [FieldPatch("data-2", "note", "back", "note of data-2",
                                                    AT, "tutor")])  # fmt: skip
    table = rows_by_item(fx)
    assert "data-3" not in table  # a row nobody saved stays deleted (reported as missing)
    # data-2 was decided against its row being gone: it is back with the new note only.
    assert table["data-2"] == ["", "back", "tutor"]
    assert {k: v for k, v in table.items() if k != "data-2"} == {
        k: v for k, v in expected_after({}).items() if k not in ("data-2", "data-3")
    }


def test_the_clock_goes_into_its_workshops_row_after_settings_were_sorted(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    setup(store, ("w1", "w2"))
    store.snapshot("w1")
    fx.fake.sort_rows(fx.key, "Settings", 1, descending=True)  # by title: Round 2 first
    running = ClockState(segment=2, status="running", started_at=1_790_000_000.0, updated_at=1.0)
    store.set_clock("w1", running)
    clock.advance(5)
    assert store.snapshot("w1").clock == running
    assert store.snapshot("w2").clock == ClockState()
    values = fx.fake.values(fx.key, "Settings")
    header = values[0]
    by_id = {row[0]: row for row in values[1:]}
    assert by_id["w1"][header.index("clock_segment")] == "2"
    assert by_id["w2"][header.index("clock_segment")] == "0"


def two_groups_patched(store: SheetsStore, team_a: Group, team_b: Group) -> list[list[str]]:
    """One commit for both groups: a note of Team A's data-1, Team B's first answer."""
    results = store.apply_many(
        [
            PatchSet("w1", team_a.id, [FieldPatch("data-1", "note", "n1", "note of data-1",
                                                  AT, "tutor")]),
            PatchSet("w1", team_b.id, [FieldPatch("data-1", "value", "1", "", AT, "tutor")]),
        ]
    )  # fmt: skip
    return [[o.result for o in r] if isinstance(r, list) else [str(r)] for r in results]


def expected_after_both() -> dict[str, list[str]]:
    expected = expected_after({})
    expected["data-1"] = [expected["data-1"][0], "n1", "tutor"]
    return expected


def test_a_repair_survives_a_commit_google_refuses(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    team_a, team_b = setup(store)
    answer_everything(store, team_a)
    fx.fake.before_next("write", lambda: SORTS["reversed"](fx))  # the write lands misplaced
    store.apply_patches("w1", team_a.id, [FieldPatch("data-2", "value", "N/A", "0.5", AT, "tutor")])
    # The next commit finds the misplaced write and carries its repair, but Google refuses
    # the request once: the store sends each part on its own, the repair too.
    clock.advance(5)
    fx.fake.inject(400, kind="write")
    assert two_groups_patched(store, team_a, team_b) == [["written"], ["written"]]
    expected = expected_after_both()
    expected["data-2"] = ["N/A", "note of data-2", "tutor"]
    assert rows_by_item(fx) == expected
    assert store.book.repaired == 1


def test_writes_sent_one_by_one_are_checked_like_any_other(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    team_a, team_b = setup(store)
    answer_everything(store, team_a)
    clock.advance(5)
    # Google refuses the commit's request once; a person sorts Team A just before the
    # store sends Team A's part on its own, so that part lands in another item's row.
    fx.fake.inject(400, kind="write")
    fx.fake.before_next(
        "write", lambda: fx.fake.before_next("write", lambda: SORTS["reversed"](fx))
    )
    assert two_groups_patched(store, team_a, team_b) == [["written"], ["written"]]
    clock.advance(5)
    store.refresh_now()  # the next read notices and repairs
    assert store.book.repaired == 1
    assert rows_by_item(fx) == expected_after_both()
    assert rows_by_item(fx, "Team B")["data-1"] == ["1", "", "tutor"]
