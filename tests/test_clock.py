"""The agenda clock: transitions and display, with an injected clock (no sleeps)."""

from __future__ import annotations

import pytest

from workshop import clock as clk
from workshop.content.model import Agenda, Segment, Text
from workshop.models import ClockState


def _segment(seg_id: str, minutes: float, section: str | None) -> Segment:
    return Segment(id=seg_id, title=Text(seg_id, seg_id), minutes=minutes, section_id=section)


AGENDA = Agenda(
    id="t",
    title=Text("t", "t"),
    segments=(
        _segment("intro", 5, None),
        _segment("data", 10, "data"),
        _segment("wrapup", 15, None),
    ),
)
T0 = 1_000_000.0


def test_idle_clock_shows_full_first_segment() -> None:
    view = clk.view(AGENDA, ClockState(), T0)
    assert view.index == 0
    assert view.remaining == 300
    assert view.display == "5:00"
    assert not view.overtime


def test_start_counts_down_from_the_store_not_the_caller() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    assert state.status == "running"
    assert clk.view(AGENDA, state, T0 + 61).display == "3:59"
    # Two screens computing at the same instant agree exactly.
    assert clk.view(AGENDA, state, T0 + 61.4).display == clk.view(AGENDA, state, T0 + 61.4).display


def test_pause_freezes_and_resume_continues() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    paused = clk.pause(state, T0 + 100)
    assert paused.status == "paused"
    assert clk.view(AGENDA, paused, T0 + 1000).remaining == 200
    resumed = clk.resume(paused, T0 + 1000)
    assert clk.view(AGENDA, resumed, T0 + 1010).remaining == 190


def test_extend_adds_time_running_and_paused() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    state = clk.extend(state, 60, T0 + 10)
    assert clk.view(AGENDA, state, T0 + 10).remaining == 350
    state = clk.pause(state, T0 + 20)
    state = clk.extend(state, 300, T0 + 30)
    assert clk.view(AGENDA, state, T0 + 30).remaining == 640
    assert clk.view(AGENDA, state, T0 + 30).extension == 360


def test_overtime_shows_plus_and_keeps_counting() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    view = clk.view(AGENDA, state, T0 + 300 + 37.2)
    assert view.overtime
    assert view.display == "+0:37"
    assert clk.view(AGENDA, state, T0 + 300 + 125).display == "+2:05"
    assert view.progress == 1.0


def test_display_at_exact_boundaries() -> None:
    assert clk.format_remaining(0) == "0:00"
    assert clk.format_remaining(0.2) == "0:01"
    assert clk.format_remaining(-0.2) == "+0:00"
    assert clk.format_remaining(599.5) == "10:00"


def test_next_and_previous_reset_the_segment_time() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    state = clk.extend(state, 60, T0 + 5)
    state = clk.next_segment(AGENDA, state, T0 + 200)
    assert state.segment == 1 and state.status == "running" and state.extension == 0
    assert clk.view(AGENDA, state, T0 + 200).remaining == 600
    assert clk.current_section_id(AGENDA, state, T0) == "data"
    state = clk.previous_segment(AGENDA, state, T0 + 210)
    assert state.segment == 0
    assert clk.view(AGENDA, state, T0 + 210).remaining == 300


def test_paused_clock_stays_paused_when_moving() -> None:
    state = clk.pause(clk.start(AGENDA, ClockState(), T0), T0 + 10)
    moved = clk.jump(AGENDA, state, 2, T0 + 20)
    assert moved.status == "paused"
    assert clk.view(AGENDA, moved, T0 + 500).remaining == 900


def test_jump_is_clamped_to_the_agenda() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    assert clk.jump(AGENDA, state, 99, T0).segment == 2
    assert clk.jump(AGENDA, state, -3, T0).segment == 0


def test_next_after_last_segment_finishes_and_start_restarts() -> None:
    state = clk.jump(AGENDA, clk.start(AGENDA, ClockState(), T0), 2, T0)
    finished = clk.next_segment(AGENDA, state, T0 + 50)
    assert finished.status == "finished"
    assert not clk.view(AGENDA, finished, T0 + 5000).overtime
    assert clk.previous_segment(AGENDA, finished, T0 + 60).segment == 2
    restarted = clk.start(AGENDA, finished, T0 + 70)
    assert restarted.segment == 0 and restarted.status == "running"


@pytest.mark.parametrize("control", [clk.pause, clk.resume])
def test_controls_that_do_not_apply_change_nothing(control) -> None:
    idle = ClockState()
    assert control(idle, T0) == idle


def test_start_while_running_keeps_the_time() -> None:
    state = clk.start(AGENDA, ClockState(), T0)
    assert clk.start(AGENDA, state, T0 + 30) == state


def test_start_when_paused_resumes() -> None:
    state = clk.pause(clk.start(AGENDA, ClockState(), T0), T0 + 40)
    assert clk.view(AGENDA, clk.start(AGENDA, state, T0 + 90), T0 + 90).remaining == 260
