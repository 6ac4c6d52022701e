"""The per-process memo of charts and exports, and the fingerprints that key it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workshop.fingerprints import answers_fingerprint, snapshot_fingerprint
from workshop.memo import BoundedMemo
from workshop.models import ActionItem, Answer, ClockState, Group, Snapshot, Workshop


def test_a_value_is_built_once_per_key() -> None:
    memo: BoundedMemo[str, str] = BoundedMemo(4)
    built: list[str] = []

    def build(text: str) -> str:
        built.append(text)
        return text.upper()

    assert memo.get_or_build("a", lambda: build("a")) == "A"
    assert memo.get_or_build("a", lambda: build("again")) == "A"
    assert memo.get_or_build("b", lambda: build("b")) == "B"
    assert built == ["a", "b"]
    assert (memo.get("a"), memo.get("zzz")) == ("A", None)


def test_the_least_recently_used_entry_goes_first() -> None:
    memo: BoundedMemo[int, int] = BoundedMemo(2)
    memo.put(1, 10)
    memo.put(2, 20)
    assert memo.get(1) == 10  # 1 is now the most recent, 2 the oldest
    memo.put(3, 30)
    assert (memo.get(1), memo.get(2), memo.get(3)) == (10, None, 30)
    assert len(memo) == 2
    memo.clear()
    assert len(memo) == 0


def test_a_memo_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError):
        BoundedMemo(0)


WORKSHOP = Workshop("w1", "Round 1", "2027-01-15", "en", "ml-test-score", "standard-60")
GROUP = Group("g1", "w1", "Team A", "Search", "production", "", 0)


def _snapshot(value: str = "1", note: str = "", actions: tuple[ActionItem, ...] = ()) -> Snapshot:
    answer = Answer("g1", "data-1", value, note)
    return Snapshot(WORKSHOP, (GROUP,), {"g1": {"data-1": answer}}, ClockState(), actions=actions)


def test_fingerprints_change_with_what_they_cover_and_nothing_else() -> None:
    base = _snapshot()
    assert answers_fingerprint(base) == answers_fingerprint(_snapshot())
    assert snapshot_fingerprint(base) == snapshot_fingerprint(_snapshot())
    # A new answer value changes both.
    assert answers_fingerprint(_snapshot("0.5")) != answers_fingerprint(base)
    assert snapshot_fingerprint(_snapshot("0.5")) != snapshot_fingerprint(base)
    # A note, an action item or a renamed group change the exports, not the charts.
    action = ActionItem("a1", "w1", "g1", "data-1", "Add a schema check")
    renamed = replace(base, groups=(replace(GROUP, name="Team Z"),))
    for changed in (_snapshot(note="see the runbook"), _snapshot(actions=(action,)), renamed):
        assert answers_fingerprint(changed) == answers_fingerprint(base)
        assert snapshot_fingerprint(changed) != snapshot_fingerprint(base)
    # The clock moving changes neither: charts and exports stay cached while time passes.
    ticking = replace(base, clock=ClockState(segment=1, status="running", started_at=5.0))
    assert answers_fingerprint(ticking) == answers_fingerprint(base)
    assert snapshot_fingerprint(ticking) == snapshot_fingerprint(base)
