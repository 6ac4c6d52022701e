"""A workshop the host closed takes no more answers from tutors, on every backend.

The refusal is made where the answer is written (inside the store's write, as
the record is then), not only on the page: a change that waited in the outbox
while the host closed the workshop is refused too, and its tutor is told.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from tests.test_store_contract import BACKENDS
from workshop.models import AnswerChange, FieldPatch, Group, Workshop
from workshop.outbox import Outbox
from workshop.outbox_entry import DROPPED_CLOSED
from workshop.store.base import PatchSet, Store, WorkshopClosed
from workshop.store.sqlite import SqliteStore
from workshop.sync import SyncEngine
from workshop.workshops import set_closed

T1 = "2026-11-23T10:00:01.000000+00:00"
T2 = "2026-11-23T10:00:02.000000+00:00"
REC = "closing-record"


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with BACKENDS[request.param](tmp_path) as opened:
        yield opened


def _round(store: Store) -> None:
    workshop = Workshop("w1", "Round", "2026-11-23", "en", "ml-test-score", "standard-60")
    groups = [Group(f"g{n}", "w1", f"Team {n}", f"System {n}", "production", "", n) for n in (0, 1)]
    store.create_workshop(workshop, groups)
    store.save_answers(
        "w1", "g0", [AnswerChange("data-1", "0.5", "wiki")], updated_by="ann", updated_at=T1
    )


def test_a_closed_workshop_refuses_patches_and_keeps_its_answers(store: Store) -> None:
    _round(store)
    set_closed(store, "w1", True)
    assert store.get_workshop("w1").closed is True  # type: ignore[union-attr]
    with pytest.raises(WorkshopClosed):
        store.apply_patches("w1", "g0", [FieldPatch("data-1", "value", "1", "0.5", T2, "ann")])
    (result,) = store.apply_many(
        [PatchSet("w1", "g1", [FieldPatch("data-2", "value", "1", "", T2, "bo")])]
    )
    assert isinstance(result, WorkshopClosed)
    answers = store.snapshot("w1").group_answers("g0")
    assert (answers["data-1"].value, answers["data-1"].note) == ("0.5", "wiki")
    assert "data-2" not in store.snapshot("w1").group_answers("g1")

    set_closed(store, "w1", False)  # reopened: the same change goes through
    outcomes = store.apply_patches(
        "w1", "g0", [FieldPatch("data-1", "value", "1", "0.5", T2, "ann")]
    )
    assert [o.result for o in outcomes] == ["written"]


def test_a_change_waiting_when_the_host_closes_is_refused_and_its_tutor_told(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "w.sqlite3")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    try:
        _round(store)
        engine = SyncEngine(store, outbox, record=REC, clock=ManualClock())
        waiting = engine.record(
            "w1", "g0", FieldPatch("data-1", "note", "CI job", "wiki", T2, "ann"), origin="ann-tab"
        )
        set_closed(store, "w1", True)  # before the sender's next round
        engine.step()

        (entry,) = outbox.entries([waiting])
        assert (entry.status, entry.error_reason) == ("dropped", DROPPED_CLOSED)
        assert entry.failure is None  # not "not saved yet, retrying": it never will be
        assert engine.group("w1", "g0").count == 0
        assert store.snapshot("w1").group_answers("g0")["data-1"].note == "wiki"
        # The tab that made it is told, and so is the same person after a reload.
        assert [n.id for n in engine.notices("ann-tab")] == [waiting]
        assert [n.id for n in engine.notices("new-tab", "w1", "g0", "ann")] == [waiting]
        assert engine.notices("someone-else") == []
        engine.acknowledge([waiting])
        assert engine.notices("ann-tab") == []
    finally:
        outbox.close()
        store.close()
