"""The host's agenda controls: what is offered, and the stored clock's read-modify-write."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clock import ManualClock
from workshop import clock as clk
from workshop.agenda_controls import (
    JUMP,
    NEXT,
    PAUSE,
    PLUS_1,
    PLUS_5,
    PREVIOUS,
    RESUME,
    START,
    apply_control,
    changed_clock,
    is_enabled,
    main_control,
)
from workshop.content.model import Agenda, Segment, Text
from workshop.models import ClockState
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

AGENDA = Agenda(
    id="three",
    title=Text("Three", "Three"),
    segments=tuple(
        Segment(id=name, title=Text(name, name), minutes=minutes, section_id=None)
        for name, minutes in (("intro", 5), ("data", 10), ("wrapup", 15))
    ),
)
T0 = 1_800_000_000.0


def _view(state: ClockState) -> clk.ClockView:
    return clk.view(AGENDA, state, T0)


RUNNING_1 = ClockState(segment=1, status="running", started_at=T0 - 100, updated_at=T0 - 100)
PAUSED_0 = ClockState(segment=0, status="paused", paused_elapsed=42.0, updated_at=T0 - 10)
FINISHED = ClockState(segment=2, status="finished", paused_elapsed=900.0, updated_at=T0 - 5)


def test_the_first_button_starts_pauses_or_resumes() -> None:
    assert main_control(_view(ClockState())) == START
    assert main_control(_view(RUNNING_1)) == PAUSE
    assert main_control(_view(PAUSED_0)) == RESUME
    assert main_control(_view(FINISHED)) == START


def test_previous_next_and_jump_are_offered_only_where_they_move_something() -> None:
    first, middle, done = _view(ClockState()), _view(RUNNING_1), _view(FINISHED)
    assert [is_enabled(v, PREVIOUS) for v in (first, middle, done)] == [False, True, True]
    assert [is_enabled(v, NEXT) for v in (first, middle, done)] == [True, True, False]
    assert [is_enabled(middle, JUMP, target) for target in (0, 1, 2)] == [True, False, True]
    assert all(is_enabled(first, control) for control in (START, PLUS_1, PLUS_5))


def test_each_control_is_the_clock_transition_it_names() -> None:
    now = T0
    assert changed_clock(AGENDA, START, ClockState(), now) == ClockState(
        segment=0, status="running", started_at=now, updated_at=now
    )
    assert changed_clock(AGENDA, PAUSE, RUNNING_1, now) == ClockState(
        segment=1, status="paused", paused_elapsed=100.0, updated_at=now
    )
    assert changed_clock(AGENDA, RESUME, PAUSED_0, now) == ClockState(
        segment=0, status="running", started_at=now - 42.0, updated_at=now
    )
    assert changed_clock(AGENDA, PLUS_1, RUNNING_1, now).extension == 60.0
    assert changed_clock(AGENDA, PLUS_5, RUNNING_1, now).extension == 300.0
    assert changed_clock(AGENDA, NEXT, RUNNING_1, now).segment == 2
    assert changed_clock(AGENDA, PREVIOUS, RUNNING_1, now).segment == 0
    assert changed_clock(AGENDA, PREVIOUS, FINISHED, now) == ClockState(
        segment=2, status="paused", updated_at=now
    )
    assert changed_clock(AGENDA, JUMP, RUNNING_1, now, target=2) == ClockState(
        segment=2, status="running", started_at=now, updated_at=now
    )
    with pytest.raises(ValueError, match="rewind"):
        changed_clock(AGENDA, "rewind", RUNNING_1, now)


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[SqliteStore, str]]:
    store = SqliteStore(tmp_path / "controls.sqlite3")
    workshop, _ = create_workshop(
        store,
        title="Round 1",
        date="2027-01-15",
        language="en",
        rubric_id="ml-test-score",
        agenda_id=AGENDA.id,
        passcode="host-secret-1",
        groups=[GroupDraft("Team A", "Search")],
    )
    try:
        yield store, workshop.id
    finally:
        store.close()


def test_a_control_moves_the_stored_clock_and_logs_the_move(
    stored: tuple[SqliteStore, str], caplog: pytest.LogCaptureFixture
) -> None:
    store, workshop_id = stored
    now = ManualClock(T0)
    caplog.set_level(logging.INFO, logger="workshop.agenda_controls")

    move = apply_control(store, workshop_id, AGENDA, START, now=now)
    assert move.before == ClockState()
    assert move.after == ClockState(segment=0, status="running", started_at=T0, updated_at=T0)
    assert store.snapshot(workshop_id).clock == move.after

    now.advance(30)
    move = apply_control(store, workshop_id, AGENDA, JUMP, target=2, now=now)
    assert move.control == "jump to 2"
    assert store.snapshot(workshop_id).clock == ClockState(
        segment=2, status="running", started_at=T0 + 30, updated_at=T0 + 30
    )
    assert [record.getMessage() for record in caplog.records] == [
        f"workshop {workshop_id}: host control start moved the agenda "
        "from segment 0 (idle) to 0 (running)",
        f"workshop {workshop_id}: host control jump to 2 moved the agenda "
        "from segment 0 (running) to 2 (running)",
    ]


def test_a_control_reads_the_clock_another_host_tab_stored(
    stored: tuple[SqliteStore, str],
) -> None:
    store, workshop_id = stored
    store.set_clock(workshop_id, RUNNING_1)  # another tab pressed Next meanwhile
    apply_control(store, workshop_id, AGENDA, NEXT, now=ManualClock(T0))
    assert store.snapshot(workshop_id).clock.segment == 2
