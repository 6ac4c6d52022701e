"""Vote summaries in the Google Sheet: one commit with the answers, hand edits, old worksheets.

Against the local fake Sheets API through real gspread, like test_store_sheets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clock import ManualClock
from tests.support.sheets_backend import SheetsFixture, sheets_fixture
from tests.test_store_sheets import calls, make_groups, make_workshop, open_store
from workshop.models import FieldPatch, VoteRecord
from workshop.store.base import PatchSet
from workshop.store.sheets import SheetsStore
from workshop.store.sheets.layout.columns import ANSWERS_HEADER

T1 = "2026-11-23T10:20:01.000000+00:00"


@pytest.fixture
def fx() -> Iterator[SheetsFixture]:
    with sheets_fixture() as fixture:
        yield fixture


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def _values(fx: SheetsFixture, title: str) -> list[list[Any]]:
    return next(s["values"] for s in fx.fake.dump(fx.key)["sheets"] if s["title"] == title)


def _row(values: list[list[Any]], item_id: str) -> dict[str, Any]:
    header = values[0]
    row = next(r for r in values[1:] if r and r[0] == item_id)
    return {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}


def _setup(fx: SheetsFixture, clock: ManualClock) -> tuple[SheetsStore, str]:
    store = open_store(fx, clock)
    groups = make_groups()
    store.create_workshop(make_workshop(), groups)
    return store, groups[0].id


def test_a_summary_and_an_answer_go_in_one_write(fx: SheetsFixture, clock: ManualClock) -> None:
    store, gid = _setup(fx, clock)
    store.snapshot("w1")  # after creating worksheets: metadata and values re-read once
    clock.advance(10)
    fx.fake.reset_log()
    patch = FieldPatch("data-1", "value", "0.5", "", T1, "ann")
    store.apply_many(
        [PatchSet("w1", gid, [patch], votes=[VoteRecord(gid, "data-1", "0=2; 1=2", "=why")])]
    )
    assert calls(fx) == [("read", "batchGet"), ("write", "batchUpdate")]
    row = _row(_values(fx, "Team A"), "data-1")
    assert (row["score"], row["votes"], row["votes_note"]) == ("0.5", "0=2; 1=2", "=why")


def test_a_hand_broken_summary_is_reported_and_kept(fx: SheetsFixture, clock: ManualClock) -> None:
    store, gid = _setup(fx, clock)
    values = _values(fx, "Team A")
    header = values[0]
    row = next(i for i, r in enumerate(values) if r and r[0] == "data-1")
    values[row] = values[row] + [""] * (len(header) - len(values[row]))
    values[row][header.index("votes")] = "lots of 1s"
    fx.fake.set_values(fx.key, "Team A", values)
    clock.advance(10)
    store.invalidate()
    snap = store.snapshot("w1")
    assert snap.votes[gid]["data-1"].summary == "lots of 1s"  # nothing lost
    (problem,) = [p for p in snap.problems if p.item_id == "data-1"]
    assert "lots of 1s" in problem.what and "Team A" in problem.where


def test_an_old_worksheet_without_vote_columns_skips_them_until_prepared(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store, gid = _setup(fx, clock)
    width = len(ANSWERS_HEADER)
    old = [row[:width] + [""] * 2 for row in _values(fx, "Team A")]
    fx.fake.set_values(fx.key, "Team A", old)  # as made by version 0.1: no vote columns
    clock.advance(10)
    store.invalidate()
    assert store.snapshot("w1").problems == ()  # no vote columns is no problem
    vote = VoteRecord(gid, "data-1", "1=3", "")
    result = store.apply_many([PatchSet("w1", gid, [], votes=[vote])])
    assert result == [[]]  # the answers' commit is not failed by a summary it cannot place
    assert "votes" not in _values(fx, "Team A")[0]
    store.prepare("w1")
    clock.advance(10)
    store.apply_many([PatchSet("w1", gid, [], votes=[vote])])
    assert _row(_values(fx, "Team A"), "data-1")["votes"] == "1=3"
