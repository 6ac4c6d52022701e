"""The local votes file, and how its summaries reach the shared record with the sender.

Rounds (open, vote, reveal, vote again) are also checked by a hypothesis state
machine against a plain model: votes stay hidden until the reveal, one vote per
participant per round, nothing is counted after a reveal or on another test,
and what is due for the record is always the last revealed round's summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tests.support.clock import ManualClock
from workshop.models import FieldPatch, Group, VoteRecord, Workshop
from workshop.outbox import Outbox
from workshop.store.sqlite import SqliteStore
from workshop.sync import SyncEngine
from workshop.vote_box import PRESENT_SECONDS, VoteBox, VotingClosed

REC = "test-record"
T1 = "2026-11-23T10:00:01.000000+00:00"


@pytest.fixture
def box(tmp_path: Path) -> Iterator[VoteBox]:
    opened = VoteBox(tmp_path / "votes.sqlite3", REC)
    yield opened
    opened.close()


def test_votes_only_on_the_current_test_and_until_the_reveal(box: VoteBox) -> None:
    with pytest.raises(VotingClosed):  # nothing opened yet
        box.cast("w1", "g0", "data-1", "p_a", "Aki", "1", 1.0)
    box.set_current("w1", "g0", "data-1", 1.0)
    box.cast("w1", "g0", "data-1", "p_a", "Aki", "1", 2.0)
    box.cast("w1", "g0", "data-1", "p_b", "", "0", 3.0)
    box.cast("w1", "g0", "data-1", "p_a", "Aki", "0.5", 4.0)  # changed: still one vote
    with pytest.raises(VotingClosed):
        box.cast("w1", "g0", "data-2", "p_a", "Aki", "1", 5.0)  # not the current test
    state = box.state("w1", "g0", "data-1")
    assert (state.round, state.revealed) == (1, False)
    assert [(v.participant, v.choice) for v in state.votes] == [("p_b", "0"), ("p_a", "0.5")]
    assert state.vote_of("p_a") == "0.5" and state.vote_of("p_c") == ""
    assert box.current("w1", "g1") == ""  # another group has its own current test

    box.reveal("w1", "g0", "data-1", "0=1; 0.5=1; 1=0; ?=0")
    with pytest.raises(VotingClosed):
        box.cast("w1", "g0", "data-1", "p_c", "", "1", 6.0)
    assert box.state("w1", "g0", "data-1").revealed
    assert [o.record for o in box.due()] == [VoteRecord("g0", "data-1", "0=1; 0.5=1; 1=0; ?=0")]

    box.vote_again("w1", "g0", "data-1")
    again = box.state("w1", "g0", "data-1")
    assert (again.round, again.revealed, again.votes) == (2, False, ())
    box.cast("w1", "g0", "data-1", "p_c", "", "1", 7.0)
    assert len(box.state("w1", "g0", "data-1").votes) == 1


def test_a_note_is_queued_with_the_summary_and_a_newer_version_stays_due(box: VoteBox) -> None:
    box.set_current("w1", "g0", "data-1", 1.0)
    box.reveal("w1", "g0", "data-1", "0=2; 1=2")
    taken = box.due()
    box.set_note("w1", "g0", "data-1", "manual runs count?", "0=2; 1=2")  # while sending
    box.sent(taken)
    (left,) = box.due()
    assert left.record == VoteRecord("g0", "data-1", "0=2; 1=2", "manual runs count?")
    box.sent([left])
    assert box.due() == []


def test_presence_and_the_anonymous_setting(box: VoteBox) -> None:
    assert box.anonymous("w1") is True  # names are shown only when the host says so
    box.set_anonymous("w1", False)
    assert box.anonymous("w1") is False and box.anonymous("w2") is True
    box.seen("w1", "g0", "p_a", "Aki", 100.0)
    box.seen("w1", "g0", "p_b", "", 100.0 - PRESENT_SECONDS - 1)
    box.seen("w1", "g1", "p_c", "", 100.0)
    assert box.present("w1", "g0", 100.0) == 1


def test_another_record_never_sees_these_votes(tmp_path: Path) -> None:
    one = VoteBox(tmp_path / "v.sqlite3", "sheets:one")
    other = VoteBox(tmp_path / "v.sqlite3", "local:two")
    one.set_current("w1", "g0", "data-1", 1.0)
    one.reveal("w1", "g0", "data-1", "1=1")
    assert other.current("w1", "g0") == "" and other.due() == []
    one.close()
    other.close()


# --------------------------------------------------------------------------- with the sender


@pytest.fixture
def local(tmp_path: Path) -> Iterator[tuple[SqliteStore, Outbox, VoteBox]]:
    store = SqliteStore(tmp_path / "w.sqlite3")
    workshop = Workshop("w1", "Round", "2026-11-23", "en", "ml-test-score", "standard-60")
    store.create_workshop(
        workshop, [Group(f"g{n}", "w1", f"T{n}", "S", "production", "", n) for n in range(2)]
    )
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    votes = VoteBox(tmp_path / "votes.sqlite3", REC)
    yield store, outbox, votes
    votes.close()
    outbox.close()
    store.close()


def test_the_sender_takes_summaries_with_the_groups_changes_in_one_round(local) -> None:
    store, outbox, votes = local
    engine = SyncEngine(store, outbox, record=REC, clock=ManualClock(), votes=votes)
    for participant, choice in (("p_a", "0"), ("p_b", "1"), ("p_c", "1")):
        votes.set_current("w1", "g0", "data-1", 1.0)
        votes.cast("w1", "g0", "data-1", participant, "", choice, 2.0)
    engine.step()
    assert engine.sends == 0  # votes alone are never sent: only a revealed summary is
    votes.reveal("w1", "g0", "data-1", "0=1; 0.5=0; 1=2; ?=0")
    engine.record("w1", "g0", FieldPatch("data-1", "value", "1", "", T1, "ann"))
    engine.step()
    assert engine.sends == 1  # the answer and the summary in one round
    snap = store.snapshot("w1")
    assert snap.votes["g0"]["data-1"].summary == "0=1; 0.5=0; 1=2; ?=0"
    assert snap.group_answers("g0")["data-1"].value == "1"
    assert votes.due() == []
    engine.step()
    assert engine.sends == 1  # nothing left: no further round


def test_summaries_of_a_closed_workshop_are_dropped_not_retried(local) -> None:
    store, outbox, votes = local
    engine = SyncEngine(store, outbox, record=REC, clock=ManualClock(), votes=votes)
    from dataclasses import replace

    store.update_workshop(replace(store.snapshot("w1").workshop, closed=True))
    votes.set_current("w1", "g1", "data-2", 1.0)
    votes.reveal("w1", "g1", "data-2", "1=1")
    engine.step()
    assert votes.due() == [] and store.snapshot("w1").votes == {}


# --------------------------------------------------------------------------- state machine

ITEMS = ("data-1", "data-2")
PEOPLE = ("p_a", "p_b", "p_c")
CHOICES = ("0", "0.5", "1", "?")


class Rounds(RuleBasedStateMachine):
    """The box against a model of one group's rounds (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.folder = tempfile.TemporaryDirectory()
        self.box = VoteBox(Path(self.folder.name) / "votes.sqlite3", REC)
        self.current = ""
        self.rounds: dict[str, int] = {}
        self.revealed: dict[str, bool] = {}
        self.votes: dict[str, dict[str, str]] = {}
        self.recorded: dict[str, str] = {}  # what the record should end with
        self.now = 0.0

    def teardown(self) -> None:
        self.box.close()
        self.folder.cleanup()

    @rule(item=st.sampled_from(ITEMS))
    def open_test(self, item: str) -> None:
        self.now += 1
        self.box.set_current("w1", "g0", item, self.now)
        self.current = item
        self.rounds.setdefault(item, 1)
        self.revealed.setdefault(item, False)
        self.votes.setdefault(item, {})

    @rule(item=st.sampled_from(ITEMS), who=st.sampled_from(PEOPLE), choice=st.sampled_from(CHOICES))
    def vote(self, item: str, who: str, choice: str) -> None:
        self.now += 1
        allowed = item == self.current and not self.revealed.get(item, False)
        try:
            self.box.cast("w1", "g0", item, who, "", choice, self.now)
        except VotingClosed:
            assert not allowed
            return
        assert allowed
        self.votes[item][who] = choice

    @rule()
    def reveal(self) -> None:
        if not self.current:
            return
        summary = ",".join(sorted(self.votes[self.current].values()))
        self.box.reveal("w1", "g0", self.current, summary)
        self.revealed[self.current] = True
        self.recorded[self.current] = summary

    @rule()
    def vote_again(self) -> None:
        if not self.current:
            return
        self.box.vote_again("w1", "g0", self.current)
        self.rounds[self.current] += 1
        self.revealed[self.current] = False
        self.votes[self.current] = {}

    @rule()
    def send(self) -> None:
        self.box.sent(self.box.due())

    @invariant()
    def matches_the_model(self) -> None:
        for item, number in self.rounds.items():
            state = self.box.state("w1", "g0", item)
            assert (state.round, state.revealed) == (number, self.revealed[item])
            assert {v.participant: v.choice for v in state.votes} == self.votes[item]
        assert self.box.current("w1", "g0") == self.current

    @invariant()
    def the_last_reveal_is_what_is_or_was_sent(self) -> None:
        due = {o.record.item_id: o.record.summary for o in self.box.due()}
        for item, summary in due.items():
            assert self.recorded[item] == summary


TestRounds = Rounds.TestCase
TestRounds.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
