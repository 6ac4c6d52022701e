"""The room's cells in the Settings worksheet, edited by hand: reported, never fatal.

Columns R, S, T of the Settings row are clock_auto_advance, clock_broadcast and
clock_broadcast_at (tests/test_store_sheets.py checks the header).
"""

from __future__ import annotations

from tests.support.sheets_backend import SheetsFixture
from tests.test_sheets_handedits import env, fresh, team_b_intact, texts
from workshop import broadcast
from workshop.models import ClockState, Group
from workshop.store.sheets import SheetsStore

__all__ = ["env"]  # the fixture, shared with the hand-edit tests
Env = tuple[SheetsFixture, SheetsStore, list[Group]]


def test_typed_room_cells_count_and_a_bad_one_is_reported(env: Env) -> None:
    fx, store, groups = env
    fx.fake.set_values(fx.key, "Settings", [["yes", "Finish <b>Infra</b> now", "1790000000"]],
                       start="R2")  # fmt: skip
    snap = fresh(store)
    assert (snap.clock.auto_advance, snap.clock.broadcast, snap.clock.broadcast_at) == (
        True,
        "Finish <b>Infra</b> now",
        1_790_000_000.0,
    )
    assert broadcast.current(snap.clock) == broadcast.Broadcast(
        "Finish <b>Infra</b> now", 1_790_000_000.0
    )  # shown as typed (the page makes it inert)
    assert texts(snap) == []

    fx.fake.set_values(fx.key, "Settings", [["perhaps", "", "yesterday"]], start="R2")
    snap = fresh(store)
    assert (snap.clock.auto_advance, snap.clock.broadcast, snap.clock.broadcast_at) == (
        False,
        "",
        0.0,
    )
    assert broadcast.current(snap.clock) is None
    assert sorted(texts(snap)) == [
        "worksheet 'Settings', row 2: clock_auto_advance 'perhaps' is not one of TRUE, FALSE; "
        "FALSE is used instead",
        "worksheet 'Settings', row 2: clock_broadcast_at 'yesterday' is not a number; "
        "0 is used instead",
    ]
    team_b_intact(snap, groups)


def test_the_app_writes_the_room_cells_back_in_a_form_people_can_read(env: Env) -> None:
    fx, store, _ = env
    state = broadcast.send(ClockState(auto_advance=True), "=1+1 is text", 1_790_000_000.5)
    store.set_clock("w1", state)
    row = fx.fake.values(fx.key, "Settings")[1]
    assert row[17:20] == ["TRUE", "=1+1 is text", "1790000000.5"]
    assert fresh(store).clock == state
