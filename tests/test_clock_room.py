"""Auto-advance, the one-minute warning and the broadcast: expected times worked out by hand.

Agenda: intro 5 min (300 s), data 10 min (600 s), wrap-up 15 min (900 s); a
segment whose time is up shows "moving on" for MOVING_ON_SECONDS (5 s), then
the next one starts. Started at T0, auto-advance on:

* intro ends at T0 + 300 + 5 = T0 + 305 (data starts counting there),
* data ends at T0 + 305 + 600 + 5 = T0 + 910,
* wrap-up ends at T0 + 910 + 900 + 5 = T0 + 1815: the agenda is finished.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from workshop import broadcast
from workshop import clock as clk
from workshop.agenda_controls import (
    NEXT,
    PAUSE,
    PLUS_1,
    PREVIOUS,
    RESUME,
    START,
    changed_clock,
    shortcut_control,
)
from workshop.content.model import Agenda, Segment, Text
from workshop.models import ClockState
from workshop.workshops import InputError

T0 = 1_000_000.0
AGENDA = Agenda(
    id="t",
    title=Text("t", "t"),
    segments=tuple(
        Segment(id=name, title=Text(name, name), minutes=minutes, section_id=section)
        for name, minutes, section in (
            ("intro", 5, None),
            ("data", 10, "data"),
            ("wrapup", 15, None),
        )
    ),
)
AUTO = ClockState(segment=0, status="running", started_at=T0, updated_at=T0, auto_advance=True)


def test_the_constants_the_hand_computations_use() -> None:
    assert clk.MOVING_ON_SECONDS == 5.0 and clk.WARNING_SECONDS == 60.0


@pytest.mark.parametrize(
    ("at", "index", "remaining"),
    [
        (T0 + 299, 0, 1),
        (T0 + 304.9, 0, -4.9),  # moving on, still the intro
        (T0 + 305, 1, 600),  # data starts exactly when the notice ends
        (T0 + 900, 1, 5),
        (T0 + 905, 1, 0),  # data's time is up: moving on
        (T0 + 909.9, 1, -4.9),
        (T0 + 910, 2, 900),
        (T0 + 1814.9, 2, -4.9),
    ],
)
def test_auto_advance_moves_on_when_time_and_notice_are_up(
    at: float, index: int, remaining: float
) -> None:
    view = clk.view(AGENDA, AUTO, at)
    assert view.index == index and view.status == "running"
    assert view.remaining == pytest.approx(remaining)


def test_after_the_last_segment_the_agenda_is_finished_at_its_full_time() -> None:
    state = clk.effective(AGENDA, AUTO, T0 + 1815)
    assert (state.segment, state.status, state.started_at, state.paused_elapsed) == (
        2,
        "finished",
        None,
        900.0,
    )
    assert clk.effective(AGENDA, AUTO, T0 + 99_999) == state


def test_an_extension_of_an_earlier_segment_is_not_shown_on_the_finished_agenda() -> None:
    # Intro extended by a minute: intro ends T0 + 365, data T0 + 970, wrap-up T0 + 1875.
    extended = clk.extend(AUTO, 60, T0 + 10)
    finished = clk.view(AGENDA, extended, T0 + 1875)
    assert (finished.index, finished.status, finished.duration, finished.extension) == (
        2,
        "finished",
        900.0,
        0.0,
    )
    # Stored while data runs (what any control does), the finished screen is the same.
    stored = clk.effective(AGENDA, extended, T0 + 365)
    assert clk.view(AGENDA, stored, T0 + 1875) == finished


def test_moving_on_replaces_overtime_and_shows_zero() -> None:
    at_zero = clk.view(AGENDA, AUTO, T0 + 300)
    assert at_zero.moving_on and not at_zero.overtime and at_zero.display == "0:00"
    late = clk.view(AGENDA, AUTO, T0 + 303)
    assert late.moving_on and not late.overtime and late.display == "0:00"
    manual = clk.view(AGENDA, replace(AUTO, auto_advance=False), T0 + 303)
    assert manual.overtime and not manual.moving_on and manual.display == "+0:03"


def test_without_auto_advance_the_stored_segment_runs_over() -> None:
    manual = replace(AUTO, auto_advance=False)
    assert clk.effective(AGENDA, manual, T0 + 5000) == manual
    view = clk.view(AGENDA, manual, T0 + 400)
    assert (view.index, view.remaining) == (0, -100)


def test_an_extension_delays_only_the_segment_it_was_given_to() -> None:
    extended = clk.extend(AUTO, 60, T0 + 10)  # intro: 360 s, ends at T0 + 365
    assert clk.view(AGENDA, extended, T0 + 364.9).index == 0
    data = clk.view(AGENDA, extended, T0 + 365)
    assert (data.index, data.remaining, data.extension) == (1, 600, 0)
    assert clk.view(AGENDA, extended, T0 + 970).index == 2  # 365 + 600 + 5


def test_a_paused_clock_waits_for_the_host() -> None:
    paused = clk.pause(AUTO, T0 + 100)
    view = clk.view(AGENDA, paused, T0 + 10_000)
    assert (view.index, view.remaining, view.moving_on) == (0, 200, False)


def test_one_minute_warning_only_in_the_last_running_minute() -> None:
    assert not clk.view(AGENDA, AUTO, T0 + 239).warning  # 61 s left
    assert clk.view(AGENDA, AUTO, T0 + 240).warning  # 60 s left
    assert clk.view(AGENDA, AUTO, T0 + 299.5).warning
    assert not clk.view(AGENDA, AUTO, T0 + 300).warning  # time is up: moving on instead
    assert not clk.view(AGENDA, clk.pause(AUTO, T0 + 250), T0 + 250).warning
    assert not clk.view(AGENDA, ClockState(), T0).warning  # idle


def test_controls_apply_to_the_segment_on_screen() -> None:
    # At T0 + 400 the screens show data (started T0 + 305, 95 s counted).
    paused = changed_clock(AGENDA, PAUSE, AUTO, T0 + 400)
    assert (paused.segment, paused.status, paused.paused_elapsed) == (1, "paused", 95)
    assert paused.auto_advance
    nxt = changed_clock(AGENDA, NEXT, AUTO, T0 + 400)
    assert (nxt.segment, nxt.started_at) == (2, T0 + 400)
    back = changed_clock(AGENDA, PREVIOUS, AUTO, T0 + 400)
    assert (back.segment, back.started_at) == (0, T0 + 400)
    more = changed_clock(AGENDA, PLUS_1, AUTO, T0 + 400)
    assert (more.segment, more.started_at, more.extension) == (1, T0 + 305, 60)
    again = changed_clock(AGENDA, START, AUTO, T0 + 2000)  # finished by then: starts over
    assert (again.segment, again.status, again.started_at) == (0, "running", T0 + 2000)
    assert again.auto_advance


def test_turning_auto_advance_off_keeps_the_segment_on_screen() -> None:
    off = clk.set_auto_advance(AGENDA, AUTO, False, T0 + 400)
    assert (off.segment, off.started_at, off.auto_advance, off.updated_at) == (
        1,
        T0 + 305,
        False,
        T0 + 400,
    )
    view = clk.view(AGENDA, off, T0 + 2000)
    assert (view.index, view.remaining, view.overtime) == (1, 600 - 1695, True)
    on = clk.set_auto_advance(AGENDA, ClockState(), True, T0)
    assert on == ClockState(updated_at=T0, auto_advance=True)


def test_transitions_keep_the_room_settings_and_the_message() -> None:
    room = ClockState(auto_advance=True, broadcast="Finish Infra", broadcast_at=T0 - 5)
    for state in (
        clk.start(AGENDA, room, T0),
        clk.jump(AGENDA, clk.start(AGENDA, room, T0), 2, T0 + 1),
        clk.next_segment(AGENDA, clk.start(AGENDA, room, T0), T0 + 1),
        clk.previous_segment(AGENDA, replace(room, status="finished", segment=2), T0 + 1),
    ):
        assert (state.auto_advance, state.broadcast, state.broadcast_at) == (
            True,
            "Finish Infra",
            T0 - 5,
        )


def test_shortcuts_press_the_control_they_name_when_it_can_act() -> None:
    idle = clk.view(AGENDA, ClockState(), T0)
    running = clk.view(AGENDA, AUTO, T0 + 10)
    paused = clk.view(AGENDA, clk.pause(AUTO, T0 + 10), T0 + 20)
    finished = clk.view(AGENDA, AUTO, T0 + 2000)
    assert [shortcut_control(v, "toggle") for v in (idle, running, paused, finished)] == [
        START,
        PAUSE,
        RESUME,
        START,
    ]
    assert shortcut_control(running, "next") == NEXT
    assert shortcut_control(running, "plus1") == PLUS_1
    assert shortcut_control(running, "previous") is None  # already on the first segment
    assert shortcut_control(finished, "next") is None
    assert shortcut_control(finished, "previous") == PREVIOUS
    assert shortcut_control(running, "delete everything") is None


# -- broadcast -------------------------------------------------------------------------------


def test_a_broadcast_is_checked_stored_and_dismissed_per_screen() -> None:
    sent = broadcast.send(ClockState(), "  5 minutes left: finish Infra  ", T0)
    assert (sent.broadcast, sent.broadcast_at, sent.updated_at) == (
        "5 minutes left: finish Infra",
        T0,
        T0,
    )
    assert broadcast.shown(sent, set()) == broadcast.Broadcast("5 minutes left: finish Infra", T0)
    assert broadcast.shown(sent, {T0}) is None  # this screen dismissed it
    again = broadcast.send(sent, "5 minutes left: finish Infra", T0 + 60)
    assert broadcast.shown(again, {T0}) == broadcast.Broadcast(
        "5 minutes left: finish Infra", T0 + 60
    )  # the same words sent again show again
    assert broadcast.shown(broadcast.withdraw(again, T0 + 61), set()) is None


@pytest.mark.parametrize(
    ("text", "key"), [("   ", "required"), ("x" * 161, "too_long"), ("a\x07b", "control_chars")]
)
def test_a_bad_broadcast_is_refused(text: str, key: str) -> None:
    with pytest.raises(InputError) as caught:
        broadcast.send(ClockState(), text, T0)
    assert caught.value.key == key


def test_a_hand_emptied_or_unstamped_message_is_none() -> None:
    assert broadcast.current(ClockState(broadcast="  ", broadcast_at=T0)) is None
    assert broadcast.current(ClockState(broadcast="hello", broadcast_at=0.0)) is None
    assert len("x" * broadcast.MAX_MESSAGE) == 160


# -- stateful: controls and time in any order -------------------------------------------------

CONTROLS = (START, PAUSE, RESUME, PLUS_1, PREVIOUS, NEXT)


class RoomClock(RuleBasedStateMachine):
    """The host presses controls and toggles auto-advance while time passes.

    Whatever happens, storing the effective state at any moment (what a control
    does) never changes what a screen shows later, time only moves a segment
    forward, and a running auto-advancing clock never shows overtime.
    """

    @initialize()
    def begin(self) -> None:
        self.now = T0
        self.state = ClockState(auto_advance=True)
        self.last_index = 0

    @rule(seconds=st.floats(min_value=0, max_value=1200, allow_nan=False))
    def time_passes(self, seconds: float) -> None:
        self.now += seconds

    @rule(control=st.sampled_from(CONTROLS))
    def press(self, control: str) -> None:
        self.state = changed_clock(AGENDA, control, self.state, self.now)
        self.last_index = clk.view(AGENDA, self.state, self.now).index

    @rule(on=st.booleans())
    def toggle(self, on: bool) -> None:
        self.state = clk.set_auto_advance(AGENDA, self.state, on, self.now)
        self.last_index = clk.view(AGENDA, self.state, self.now).index

    @precondition(lambda self: self.state.status == "running")
    @rule(later=st.floats(min_value=0, max_value=3000, allow_nan=False))
    def storing_now_changes_nothing_later(self, later: float) -> None:
        stored = clk.effective(AGENDA, self.state, self.now)
        for at in (self.now, self.now + later):
            assert clk.view(AGENDA, stored, at) == clk.view(AGENDA, self.state, at)

    @invariant()
    def time_only_moves_forward(self) -> None:
        view = clk.view(AGENDA, self.state, self.now)
        assert view.index >= self.last_index or view.status == "finished"
        self.last_index = view.index
        if self.state.auto_advance and view.status == "running":
            assert not view.overtime and view.remaining > -clk.MOVING_ON_SECONDS


TestRoomClock = RoomClock.TestCase
TestRoomClock.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
