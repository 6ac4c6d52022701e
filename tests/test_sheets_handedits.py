"""A tutor or host typed straight into the sheet: the app reads it back and reports what broke.

Each case edits the fake's cells the way a person would (typed values are
parsed like Google Sheets does, USER_ENTERED), then checks that the snapshot
names the worksheet and row of each broken cell, that nothing crashes, and
that the valid rows next to it still count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.rubric_factory import make_rubric
from tests.support.clock import ManualClock
from tests.support.sheets_backend import SheetsFixture, sheets_fixture
from workshop.models import ActionItem, AnswerChange, Group, Snapshot, Workshop
from workshop.scoring import score_answers
from workshop.store.base import StoreConfigError
from workshop.store.sheets import SheetsStore

RUBRIC = make_rubric(na_allowed={"data-2"}, rubric_id="ml-test-score")
AT = "2026-11-23T10:15:00+00:00"


@pytest.fixture
def env() -> Iterator[tuple[SheetsFixture, SheetsStore, list[Group]]]:
    with sheets_fixture() as fx:
        clock = ManualClock(0.0)
        store = fx.open_store(clock=clock, rubric_loader=lambda _id: RUBRIC)
        store.test_clock = clock  # type: ignore[attr-defined]
        groups = [
            Group(f"g{n}", "w1", name, f"System {n}", "production", "", n)
            for n, name in enumerate(("Team A", "Team B"))
        ]
        workshop = Workshop("w1", "Round", "2026-11-23", "en", "ml-test-score", "standard-60")
        store.create_workshop(workshop, groups)
        for group in groups:
            store.save_answers(
                "w1",
                group.id,
                [AnswerChange("data-1", "1", f"{group.name} note")],
                updated_by="tutor",
                updated_at=AT,
            )
        yield fx, store, groups


def fresh(store: SheetsStore) -> Snapshot:
    """The snapshot after the cache expired (what the next page refresh shows)."""
    store.test_clock.now += 5  # type: ignore[attr-defined]
    return store.snapshot("w1")


def texts(snapshot: Snapshot) -> list[str]:
    return [f"{p.where}: {p.what}" for p in snapshot.problems]


def values_of(snapshot: Snapshot, group: Group) -> dict[str, str]:
    return {item: answer.value for item, answer in snapshot.group_answers(group.id).items()}


def team_b_intact(snapshot: Snapshot, groups: list[Group]) -> None:
    assert values_of(snapshot, groups[1]) == {"data-1": "1"}
    assert not [p for p in snapshot.problems if p.group_id == groups[1].id]


def delete_rows(fx: SheetsFixture, title: str, start: int, end: int) -> None:
    """A person selects rows start..end-1 (0-based) and deletes them."""
    spreadsheet = fx.fake.gspread_client().open_by_key(fx.key)
    sheet_id = spreadsheet.worksheet(title).id
    spreadsheet.batch_update(
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "ROWS",
                            "startIndex": start,
                            "endIndex": end,
                        }
                    }
                }
            ]
        }
    )


Env = tuple[SheetsFixture, SheetsStore, list[Group]]


def test_typed_scores_in_the_right_form_count_without_problems(env: Env) -> None:
    fx, store, groups = env
    fx.fake.set_values(fx.key, "Team A", [["N/A"], [0.5], [1], ["0"]], start="D3")
    snap = fresh(store)
    assert snap.problems == ()
    assert values_of(snap, groups[0]) == {
        "data-1": "1",
        "data-2": "N/A",
        "data-3": "0.5",
        "data-4": "1",
        "data-5": "0",
    }


@pytest.mark.parametrize(("typed", "shown"), [("yes", "yes"), (0.7, "0.7"), ("1 point", "1 point")])
def test_an_invalid_score_is_kept_for_scoring_and_reported_with_its_row(
    env: Env, typed: Any, shown: str
) -> None:
    fx, store, groups = env
    fx.fake.set_values(fx.key, "Team A", [[typed]], start="D5")  # data-4
    snap = fresh(store)
    assert values_of(snap, groups[0]) == {"data-1": "1", "data-4": shown}
    (problem,) = snap.problems
    assert problem.where == "worksheet 'Team A', row 5"
    assert problem.item_id == "data-4" and problem.group_id == "g0" and problem.value == shown
    assert f"'{shown}' is not a valid answer" in problem.what
    score = score_answers(RUBRIC, values_of(snap, groups[0]))
    assert score.sections["data"].raw == 1.0  # data-1 still counts
    assert [e.item_id for e in score.errors] == ["data-4"]
    team_b_intact(snap, groups)


def test_a_deleted_item_row_counts_as_unanswered_and_a_save_brings_it_back(env: Env) -> None:
    fx, store, groups = env
    delete_rows(fx, "Team A", 3, 4)  # row 4 = data-3
    snap = fresh(store)
    assert texts(snap) == ["worksheet 'Team A': item data-3 has no row; it counts as unanswered"]
    assert values_of(snap, groups[0]) == {"data-1": "1"}
    team_b_intact(snap, groups)

    store.save_answers(
        "w1", "g0", [AnswerChange("data-3", "0.5", "")], updated_by="t", updated_at=AT
    )
    rows = fx.fake.values(fx.key, "Team A")
    assert rows[-1][0] == "data-3" and rows[-1][3] == "0.5"
    snap = fresh(store)
    assert snap.problems == () and values_of(snap, groups[0])["data-3"] == "0.5"


def test_reordered_rows_still_map_by_item_id_and_saves_find_the_right_row(env: Env) -> None:
    fx, store, groups = env
    rows = [row + [""] * (7 - len(row)) for row in fx.fake.values(fx.key, "Team A")]
    fx.fake.set_values(fx.key, "Team A", [rows[0], *reversed(rows[1:])])  # sorted Z to A
    snap = fresh(store)
    assert snap.problems == ()
    assert snap.group_answers("g0")["data-1"].note == "Team A note"

    store.save_answers(
        "w1", "g0", [AnswerChange("data-2", "0", "after sort")], updated_by="t", updated_at=AT
    )
    after = fx.fake.values(fx.key, "Team A")
    assert after[-2][0] == "data-2" and after[-2][3:5] == ["0", "after sort"]
    assert after[-1][0] == "data-1" and after[-1][3] == "1"
    assert values_of(fresh(store), groups[0]) == {"data-1": "1", "data-2": "0"}


def test_a_duplicated_item_row_is_reported_and_the_first_one_counts(env: Env) -> None:
    fx, store, _groups = env
    fx.fake.set_values(fx.key, "Team A", [["data-1", "", "copy", "0", "pasted twice"]], start="A30")
    snap = fresh(store)
    assert texts(snap) == [
        "worksheet 'Team A', row 30: item data-1 appears again (first in row 2); only row 2 counts"
    ]
    assert snap.group_answers("g0")["data-1"].note == "Team A note"


def test_an_unknown_item_id_is_reported_and_ignored(env: Env) -> None:
    fx, store, groups = env
    fx.fake.set_values(fx.key, "Team A", [["data-8", "", "", 1]], start="A30")
    snap = fresh(store)
    assert texts(snap) == [
        "worksheet 'Team A', row 30: unknown item id 'data-8'; this row is ignored"
    ]
    assert values_of(snap, groups[0]) == {"data-1": "1"}


def test_a_renamed_score_column_names_the_expected_header(env: Env) -> None:
    fx, store, groups = env
    fx.fake.set_values(fx.key, "Team A", [["Points"]], start="D1")
    snap = fresh(store)
    (problem,) = snap.problems
    assert problem.where == "worksheet 'Team A', row 1"
    assert problem.what.startswith("column 'score' not found in the header row (row 1)")
    assert values_of(snap, groups[0]) == {}  # unreadable: every item counts as unanswered
    team_b_intact(snap, groups)


def test_a_renamed_worksheet_is_reported_and_comes_back_when_renamed_back(env: Env) -> None:
    fx, store, groups = env
    fx.fake.rename_sheet(fx.key, "Team A", "Team A (old)")
    snap = fresh(store)
    assert [p.what.split(";")[0] for p in snap.problems] == [
        "worksheet 'Team A' of group Team A not found (renamed or deleted?)"
    ]
    assert snap.problems[0].where == "worksheet 'Team A'"
    assert values_of(snap, groups[0]) == {}
    team_b_intact(snap, groups)

    fx.fake.rename_sheet(fx.key, "Team A (old)", "Team A")
    snap = fresh(store)
    assert snap.problems == () and values_of(snap, groups[0]) == {"data-1": "1"}


def test_a_deleted_worksheet_is_reported_and_prepare_recreates_it(env: Env) -> None:
    fx, store, groups = env
    fx.fake.delete_sheet(fx.key, "Team A")
    snap = fresh(store)
    assert len(snap.problems) == 1 and snap.problems[0].group_id == "g0"
    team_b_intact(snap, groups)
    report = store.prepare("w1")
    assert report.worksheets == ["Team A"]
    snap = fresh(store)
    assert snap.problems == () and values_of(snap, groups[0]) == {}
    team_b_intact(snap, groups)


def test_broken_settings_and_groups_rows_are_reported_not_fatal(env: Env) -> None:
    fx, store, groups = env
    fx.fake.set_values(fx.key, "Settings", [["two"]], start="L2")  # clock_segment
    fx.fake.set_values(fx.key, "Settings", [["", "a title without an id"]], start="A3")
    fx.fake.set_values(fx.key, "Groups", [["w1", "", "Team C"]], start="A4")
    fx.fake.set_values(fx.key, "Groups", [["Expert"]], start="E2")  # Team A's phase
    snap = fresh(store)
    assert snap.clock.segment == 0
    assert sorted(texts(snap)) == sorted(
        [
            "worksheet 'Settings', row 2: clock_segment 'two' is not a number; 0 is used instead",
            "worksheet 'Settings', row 3: this row has no workshop_id; it is ignored",
            "worksheet 'Groups', row 4: this row has no group_id; it is ignored",
            "worksheet 'Groups', row 2: phase 'Expert' is not one of poc, validation, "
            'production; "" is used instead',
        ]
    )
    assert [g.name for g in snap.groups] == ["Team A", "Team B"]
    assert snap.group("g0").phase == ""
    team_b_intact(snap, groups)


def test_a_cleared_worksheet_does_not_crash_anything(env: Env) -> None:
    fx, store, groups = env
    rows = fx.fake.values(fx.key, "Team A")
    fx.fake.set_values(fx.key, "Team A", [[""] * 7 for _ in rows])
    snap = fresh(store)
    assert values_of(snap, groups[0]) == {}
    assert {p.value for p in snap.problems} == {
        "item_id",
        "section",
        "title",
        "score",
        "note",
        "updated_at",
        "updated_by",
    }
    team_b_intact(snap, groups)


def test_problems_are_in_japanese_for_a_japanese_workshop(env: Env) -> None:
    fx, store, _groups = env
    fx.fake.set_values(fx.key, "Settings", [["ja"]], start="D2")
    fx.fake.set_values(fx.key, "Team A", [["はい"]], start="D3")
    snap = fresh(store)
    (problem,) = snap.problems
    assert problem.where == "ワークシート「Team A」の 3 行目"
    assert "修正されるまで未回答として扱います" in problem.what


def test_hand_edited_action_statuses_come_back_and_a_bad_one_is_reported(env: Env) -> None:
    """The Actions worksheet is two-way: statuses typed by hand count, in any spelling
    people use; an unknown one is reported with its row, and the row still counts (open)."""
    fx, store, _groups = env
    for n in range(3):
        store.add_action(
            ActionItem(f"a{n}", "w1", "g0", "data-1", f"Action {n}", created_at=f"{n}")
        )
    fx.fake.set_values(fx.key, "Actions", [["Done"]], start="K2")  # status column
    fx.fake.set_values(fx.key, "Actions", [["in progress"]], start="K3")
    fx.fake.set_values(fx.key, "Actions", [["finished"]], start="K4")
    fx.fake.set_values(fx.key, "Actions", [["ML-12"]], start="L4")  # ticket
    snap = fresh(store)
    assert [(a.id, a.status, a.ticket) for a in snap.actions] == [
        ("a0", "done", ""),
        ("a1", "in_progress", ""),
        ("a2", "open", "ML-12"),
    ]
    assert texts(snap) == [
        "worksheet 'Actions', row 4: status 'finished' is not one of open, in_progress, "
        "done, dropped; open is used instead"
    ]


def test_a_sheet_without_the_follow_up_columns_says_so_and_prepare_adds_them(env: Env) -> None:
    """A sheet made before 0.2 has no status, ticket or updated columns: items still read
    (as open), the missing columns are named, an update is refused with how to fix it
    rather than written half, and "Prepare the sheet" adds the columns."""
    fx, store, _groups = env
    action = ActionItem("a0", "w1", "g0", "data-1", "Schema check", created_at="0")
    store.add_action(action)
    fx.fake.set_values(fx.key, "Actions", [["", "", "", ""]], start="K1")  # an old header
    fx.fake.set_values(fx.key, "Actions", [["", "", "", ""]], start="K2")
    snap = fresh(store)
    assert [(a.id, a.status) for a in snap.actions] == [("a0", "open")]
    missing = [p.value for p in snap.problems if p.where == "worksheet 'Actions', row 1"]
    assert missing == ["status", "ticket", "updated_at", "updated_by"]
    with pytest.raises(StoreConfigError, match="status, ticket, updated_at, updated_by"):
        store.update_action(replace(action, status="done"))
    store.prepare("w1")
    store.update_action(replace(action, status="done", ticket="ML-1"))
    snap = fresh(store)
    assert [(a.status, a.ticket) for a in snap.actions] == [("done", "ML-1")]
    assert not snap.problems
