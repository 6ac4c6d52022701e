"""The outbox keeps every change on disk until the shared record has it, and says how it ended."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop.models import FieldPatch, PatchOutcome
from workshop.outbox import Outbox
from workshop.store.base import StoreConfigError, StoreUnavailable

REC = "local:/tmp/workshop.sqlite3"
T1 = "2026-11-23T10:00:01.000000+00:00"
T2 = "2026-11-23T10:00:02.000000+00:00"


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    box = Outbox(tmp_path / "outbox.sqlite3")
    yield box
    box.close()


def change(item: str = "data-1", field: str = "value", text: str = "1", base: str = "", at=T1):
    return FieldPatch(item, field, text, base, at, "ann")


def test_a_change_is_pending_until_settled_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    first = Outbox(path)
    entry_id = first.record(REC, "w1", "g1", change(), origin="s1", now=100.0)
    first.close()  # the app stops before sending

    again = Outbox(path)
    (entry,) = again.pending(REC, "w1", "g1")
    assert (entry.id, entry.patch, entry.origin, entry.status) == (
        entry_id,
        change(),
        "s1",
        "pending",
    )
    again.settle(entry, PatchOutcome(entry.patch, "written", "1", "ann", T1), now=101.0)
    assert again.pending(REC) == []
    assert again.last_written(REC, "w1", "g1") == 101.0
    again.close()


def test_a_newer_change_of_the_same_field_takes_the_older_ones_place(outbox: Outbox) -> None:
    first = outbox.record(REC, "w1", "g1", change(text="0", base="0.5"), now=1.0)
    second = outbox.record(REC, "w1", "g1", change(text="1", base="0", at=T2), now=2.0)
    other_field = outbox.record(REC, "w1", "g1", change(field="note", text="wiki"), now=3.0)
    pending = outbox.pending(REC, "w1", "g1")
    assert [e.id for e in pending] == [second, other_field]
    # Decided against what the record held before the first: the screen's own "0" is no
    # change of anybody else's.
    assert pending[0].patch.base == "0.5"
    assert [e.status for e in outbox.entries([first])] == ["replaced"]


def test_a_claimed_change_is_not_taken_twice_until_its_lease_runs_out(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    one, two = Outbox(path), Outbox(path)  # two app processes on one machine
    one.record(REC, "w1", "g1", change(), now=10.0)
    assert [e.patch.text for e in one.claim(REC, "process-1", lease=30, now=10.0)] == ["1"]
    assert two.claim(REC, "process-2", lease=30, now=20.0) == []
    # process-1 died while sending: after the lease the change is sent again (harmless).
    assert [e.attempts for e in two.claim(REC, "process-2", lease=30, now=41.0)] == [1]
    one.close()
    two.close()


def test_a_change_recorded_while_an_older_one_is_in_flight_keeps_its_own_base(
    outbox: Outbox,
) -> None:
    outbox.record(REC, "w1", "g1", change(text="0", base=""), now=1.0)
    outbox.claim(REC, "me", lease=30, now=1.0)  # being sent right now
    outbox.record(REC, "w1", "g1", change(text="1", base="0", at=T2), now=2.0)
    pending = outbox.pending(REC, "w1", "g1")
    assert [(e.patch.text, e.patch.base) for e in pending] == [("0", ""), ("1", "0")]


def test_a_failure_is_kept_with_its_reason_and_the_change_stays(outbox: Outbox) -> None:
    outbox.record(REC, "w1", "g1", change(), now=1.0)
    claimed = outbox.claim(REC, "me", lease=30, now=1.0)
    outbox.fail(claimed, StoreUnavailable("Sheets answered 503", reason="server", status=503))
    (entry,) = outbox.pending(REC)
    assert isinstance(entry.failure, StoreUnavailable)
    assert (entry.failure.reason, entry.failure.status) == ("server", 503)
    assert outbox.claim(REC, "me", lease=30, now=2.0)  # free to be taken again at once

    outbox.fail(claimed, StoreConfigError("Worksheet 'Team A' was not found."))
    (entry,) = outbox.pending(REC)
    assert type(entry.failure).__name__ == "StoreError"
    assert "Team A" in str(entry.failure)


def test_the_field_log_knows_when_the_app_wrote_a_text_and_when_a_hand_edit_appeared(
    outbox: Outbox,
) -> None:
    entry_id = outbox.record(REC, "w1", "g1", change(text="0.5", at=T1), now=1.0)
    (entry,) = outbox.entries([entry_id])
    outbox.settle(entry, PatchOutcome(entry.patch, "written", "0.5", "ann", T1))
    known = outbox.known_at(REC, "w1", "g1")
    probe = change(text="1", base="0", at=T2)
    assert known(probe, "0.5") == T1  # the app wrote 0.5 at T1
    assert known(probe, "N/A") is None  # nobody knows where N/A came from

    seen = "2026-11-23T10:05:00.000000+00:00"
    fields = [("g1", "data-1", "value", "N/A"), ("g1", "data-2", "note", "typed")]
    assert outbox.observe(REC, "w1", fields, seen) == 2
    assert known(probe, "N/A") == seen
    # Looking again at the same texts changes nothing (the first sighting counts).
    assert outbox.observe(REC, "w1", fields, "2026-11-23T10:09:00.000000+00:00") == 0
    assert known(probe, "N/A") == seen


def test_notices_are_for_the_session_that_made_the_change_until_acknowledged(
    outbox: Outbox,
) -> None:
    mine = outbox.record(REC, "w1", "g1", change(), origin="s1", now=1.0)
    outbox.record(REC, "w1", "g1", change(item="data-2"), origin="s2", now=1.0)
    for entry in outbox.claim(REC, "me", lease=30, now=1.0):
        outbox.settle(entry, PatchOutcome(entry.patch, "superseded", "0", "ben", T2))
    (notice,) = outbox.notices("s1")
    assert (notice.id, notice.current, notice.current_by, notice.current_at) == (
        mine,
        "0",
        "ben",
        T2,
    )
    outbox.acknowledge([mine])
    assert outbox.notices("s1") == []
    assert [n.patch.item_id for n in outbox.notices("s2")] == ["data-2"]


def test_old_settled_changes_are_pruned_and_pending_ones_never(outbox: Outbox) -> None:
    outbox.record(REC, "w1", "g1", change(item="data-1"), now=1.0)
    outbox.record(REC, "w1", "g1", change(item="data-2"), now=1.0)
    first = outbox.claim(REC, "me", lease=30, now=1.0)[0]
    outbox.settle(first, PatchOutcome(first.patch, "written", "1"), now=2.0)
    assert outbox.prune(now=2.0 + 8 * 24 * 3600) == 1
    assert [e.patch.item_id for e in outbox.pending(REC)] == ["data-2"]


def test_changes_of_another_record_are_never_taken(outbox: Outbox) -> None:
    outbox.record("sheets:other", "w1", "g1", change(), now=1.0)
    assert outbox.claim(REC, "me", lease=30, now=1.0) == []
    assert outbox.pending(REC) == []
