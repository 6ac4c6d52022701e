"""The sender: what waits in the outbox reaches the record once, in one go, after any outage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.rubric_factory import make_rubric
from tests.support.clock import ManualClock
from tests.support.fake_sheets import gspread_client
from tests.support.rehearsal import other_user
from tests.support.sheets_backend import SheetsFixture, sheets_fixture
from workshop.coordination import Coordination, SendSlots
from workshop.models import FieldPatch, Group, Workshop
from workshop.outbox import Outbox
from workshop.store.base import StoreUnavailable
from workshop.store.sqlite import SqliteStore
from workshop.sync import SyncEngine

REC = "test-record"
T1 = "2026-11-23T10:00:01.000000+00:00"
T2 = "2026-11-23T10:00:02.000000+00:00"
RUBRIC = make_rubric(rubric_id="ml-test-score")


def workshop_with_groups(store, count: int = 2) -> list[Group]:
    workshop = Workshop("w1", "Round", "2026-11-23", "en", "ml-test-score", "standard-60")
    groups = [
        Group(f"g{n}", "w1", f"Team {n}", f"System {n}", "production", "", n) for n in range(count)
    ]
    store.create_workshop(workshop, groups)
    return groups


def patch(item: str, text: str, base: str = "", at: str = T1, field: str = "value"):
    return FieldPatch(item, field, text, base, at, "ann")


@pytest.fixture
def local(tmp_path: Path) -> Iterator[tuple[SqliteStore, Outbox, ManualClock]]:
    store = SqliteStore(tmp_path / "w.sqlite3")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    yield store, outbox, ManualClock()
    outbox.close()
    store.close()


def test_a_recorded_change_is_written_and_its_outcome_kept(local) -> None:
    store, outbox, clock = local
    workshop_with_groups(store)
    engine = SyncEngine(store, outbox, record=REC, clock=clock)
    entry_id = engine.record("w1", "g0", patch("data-1", "0.5"), origin="s1")
    assert engine.group("w1", "g0").count == 1
    engine.step()
    assert store.snapshot("w1").group_answers("g0")["data-1"].value == "0.5"
    assert [e.status for e in outbox.entries([entry_id])] == ["written"]
    status = engine.group("w1", "g0")
    assert status.count == 0 and status.failure is None and status.last_written > 0


def test_an_outage_keeps_the_changes_and_backs_off_then_sends_them_once(local, monkeypatch) -> None:
    store, outbox, clock = local
    workshop_with_groups(store)
    engine = SyncEngine(store, outbox, record=REC, clock=clock)
    real = SqliteStore.apply_patches
    calls: list[str] = []

    def down(self, *args, **kwargs):
        calls.append("down")
        raise StoreUnavailable("503", reason="server", status=503)

    monkeypatch.setattr(SqliteStore, "apply_patches", down)
    engine.record("w1", "g0", patch("data-1", "1"))
    engine.record("w1", "g1", patch("data-2", "0"))
    assert engine.step() == pytest.approx(1.0)  # the first pause is a second
    assert engine.group("w1", "g0").failure.reason == "server"
    engine.step()  # too early: nothing is sent
    assert calls == ["down"]
    clock.now += 1.0
    assert engine.step() == pytest.approx(2.0)  # then two
    assert calls == ["down", "down"]

    monkeypatch.setattr(SqliteStore, "apply_patches", real)
    clock.now += 2.0
    engine.step()
    snapshot = store.snapshot("w1")
    assert snapshot.group_answers("g0")["data-1"].value == "1"
    assert snapshot.group_answers("g1")["data-2"].value == "0"
    assert outbox.pending(REC) == []


def test_changes_of_a_deleted_group_are_dropped_not_retried_forever(local) -> None:
    store, outbox, clock = local
    workshop_with_groups(store)
    engine = SyncEngine(store, outbox, record=REC, clock=clock)
    gone = engine.record("w1", "g-deleted", patch("data-1", "1"))
    kept = engine.record("w1", "g0", patch("data-1", "1"))
    engine.step()
    assert [e.status for e in outbox.entries([gone, kept])] == ["dropped", "written"]


def test_a_later_change_wins_and_the_earlier_screen_is_told(local) -> None:
    store, outbox, clock = local
    workshop_with_groups(store)
    engine = SyncEngine(store, outbox, record=REC, clock=clock)
    # Two devices showed "" for data-3. Ben chose 1 at T2 and it was written first;
    # Ann's 0 was chosen at T1 but reaches the record afterwards.
    engine.record("w1", "g0", FieldPatch("data-3", "value", "1", "", T2, "ben"), origin="ben")
    engine.step()
    annes = engine.record("w1", "g0", patch("data-3", "0", at=T1), origin="ann")
    engine.step()
    assert store.snapshot("w1").group_answers("g0")["data-3"].value == "1"
    (notice,) = engine.notices("ann")
    assert (notice.id, notice.current, notice.current_by) == (annes, "1", "ben")
    assert engine.notices("ben") == []


def test_a_change_left_by_a_stopped_process_is_sent_by_the_next_one(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.sqlite3")
    workshop_with_groups(store)
    path = tmp_path / "outbox.sqlite3"
    before = SyncEngine(store, Outbox(path), record=REC)
    before.record("w1", "g0", patch("data-4", "N/A"))
    before.outbox.close()  # stopped (restart, crash) before its thread sent it

    after = SyncEngine(store, Outbox(path), record=REC)
    after.step()
    assert store.snapshot("w1").group_answers("g0")["data-4"].value == "N/A"
    after.outbox.close()
    store.close()


@pytest.fixture
def fx() -> Iterator[SheetsFixture]:
    with sheets_fixture() as fixture:
        yield fixture


def test_every_groups_changes_go_to_the_sheet_in_one_read_and_one_write(
    fx: SheetsFixture, tmp_path: Path
) -> None:
    clock = ManualClock()
    store = fx.open_store(clock=clock, rubric_loader=lambda _id: RUBRIC)
    groups = workshop_with_groups(store, 4)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    engine = SyncEngine(store, outbox, record=REC, clock=clock, send_interval=4.0)
    for n, group in enumerate(groups):
        engine.record("w1", group.id, patch("data-1", "1", at=T1))
        engine.record("w1", group.id, patch("data-1", f"note {n}", field="note", at=T2))
    store.snapshot("w1")  # worksheet titles known (creating the workshop changed them)
    fx.fake.reset_log()
    assert engine.step() == pytest.approx(4.0)  # a read just happened: the commit waits
    assert [r.kind for r in fx.fake.requests_log() if r.kind != "token"] == []
    clock.now += 4.0
    engine.step()
    kinds = [r.kind for r in fx.fake.requests_log() if r.kind != "token"]
    assert kinds == ["read", "write"]
    answers = store.snapshot("w1").answers
    assert [(answers[g.id]["data-1"].value, answers[g.id]["data-1"].note) for g in groups] == [
        ("1", "note 0"), ("1", "note 1"), ("1", "note 2"), ("1", "note 3")
    ]  # fmt: skip

    # The next change waits for the send interval (quota), then goes out.
    engine.record("w1", groups[0].id, patch("data-2", "0", at=T2))
    fx.fake.reset_log()
    assert engine.step() == pytest.approx(4.0)
    assert [r.kind for r in fx.fake.requests_log() if r.kind != "token"] == []
    clock.now += 4.0
    engine.step()
    assert [r.kind for r in fx.fake.requests_log() if r.kind != "token"] == ["read", "write"]
    outbox.close()


def test_two_processes_share_one_send_slot(tmp_path: Path) -> None:
    wall = ManualClock()
    shared = Coordination(tmp_path / "coordination.sqlite3")
    first, second = SendSlots(shared, clock=wall), SendSlots(shared, clock=wall)
    assert first.take("sheets:x", 4.0) == 0.0
    assert second.take("sheets:x", 4.0) == pytest.approx(4.0)
    wall.now += 4.0
    assert second.take("sheets:x", 4.0) == 0.0
    assert first.take("sheets:y", 4.0) == 0.0  # another record has its own slot
    shared.close()


def test_hand_edits_are_noted_with_when_they_were_first_seen(
    fx: SheetsFixture, tmp_path: Path
) -> None:
    clock = ManualClock()
    store = fx.open_store(clock=clock, rubric_loader=lambda _id: RUBRIC, background_reads=True)
    groups = workshop_with_groups(store, 1)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    engine = SyncEngine(store, outbox, record=REC, clock=clock, observe_edits=True)
    engine.watch("w1")
    store.snapshot("w1")  # a page is looking
    title = "Team 0"
    values = fx.fake.values(fx.key, title)
    row = next(i for i, r in enumerate(values, start=1) if r and r[0] == "data-5")
    person = gspread_client(other_user(fx.fake.service_account_info(), "person"), fx.fake.base_url)
    person.open_by_key(fx.key).worksheet(title).update(
        [["対象外"]], f"D{row}", value_input_option="USER_ENTERED"
    )
    clock.now += 5.0  # the copy is due for a refresh
    store.snapshot("w1")
    engine.step()
    known = outbox.known_at(REC, "w1", groups[0].id)
    assert known(patch("data-5", "1"), "対象外") is not None
    outbox.close()
