"""Presenter view: every clock control, overtime and the live board, with an injected clock."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support.apptest import PASSCODE, PageEnv, texts
from tests.support.room_clock import clock_data, shown
from workshop.models import AnswerChange


def _unlocked(page_env: PageEnv, workshop_id: str) -> AppTest:
    at = page_env.app("views/present.py", w=workshop_id)
    at.text_input(key=f"host_pass_present_{workshop_id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert not at.exception
    return at


def _press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    return at


def _countdown(at: AppTest) -> str:
    return shown(at, "present_clock").display


def test_presenter_needs_the_host_passcode(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = page_env.app("views/present.py", w=workshop.id)
    assert "Host controls are locked" in texts(at)
    assert not [b for b in at.button if b.label == "Start"]


def test_start_pause_resume_and_extend(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _unlocked(page_env, workshop.id)
    assert _countdown(at) == "5:00"
    assert shown(at, "present_clock").status == "idle"
    assert clock_data(at, "present_clock")["texts"]["status_idle"] == "Not started"
    _press(at, "Start")
    assert page_env.store.snapshot(workshop.id).clock.status == "running"
    page_env.clock.advance(61)
    at.run()
    assert _countdown(at) == "3:59"
    _press(at, "Pause")
    page_env.clock.advance(500)
    at.run()
    assert _countdown(at) == "3:59"
    assert shown(at, "present_clock").status == "paused"
    _press(at, "Resume")
    page_env.clock.advance(9)
    _press(at, "+1 min")
    assert _countdown(at) == "4:50"
    _press(at, "+5 min")
    assert _countdown(at) == "9:50"
    assert "+6 min added" in texts(at)


def test_overtime_turns_red_and_counts_up(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _press(_unlocked(page_env, workshop.id), "Start")
    page_env.clock.advance(300 + 37.4)
    at.run()
    assert _countdown(at) == "+0:37"
    assert shown(at, "present_clock").overtime
    assert clock_data(at, "present_clock")["texts"]["overtime"] == "Overtime"


def test_next_previous_and_jump_move_the_shared_clock(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _press(_unlocked(page_env, workshop.id), "Start")
    _press(at, "Next")
    clock = page_env.store.snapshot(workshop.id).clock
    assert (clock.segment, clock.status) == (1, "running")
    assert _countdown(at) == "10:00"
    body = texts(at)
    assert "Scoring: Features and Data · 7 tests" in body
    assert "**data-1**" in body
    _press(at, "Previous")
    assert page_env.store.snapshot(workshop.id).clock.segment == 0
    at.button(key="c_jump_5").click().run()
    assert page_env.store.snapshot(workshop.id).clock.segment == 5
    _press(at, "Next")
    assert page_env.store.snapshot(workshop.id).clock.status == "finished"
    assert "The agenda is finished" in texts(at)


def test_a_second_host_tab_continues_where_the_first_is(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    first = _press(_unlocked(page_env, workshop.id), "Start")
    _press(first, "Next")
    page_env.clock.advance(125)
    second = _unlocked(page_env, workshop.id)
    assert _countdown(second) == "7:55"
    first.run()
    assert _countdown(first) == _countdown(second)


def test_board_shows_each_groups_progress_in_the_section(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    at = _press(_unlocked(page_env, workshop.id), "Start")
    _press(at, "Next")
    page_env.store.save_answers(
        workshop.id,
        groups[0].id,
        [AnswerChange(f"data-{n}", "1", "") for n in range(1, 8)],
        updated_by="t",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    page_env.store.save_answers(
        workshop.id,
        groups[1].id,
        [AnswerChange("data-1", "0.5", ""), AnswerChange("data-2", "yes", "")],
        updated_by="t",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    page_env.clock.advance(3)
    at.run()
    body = texts(at)
    assert "Team A — 7/7 ✓" in body
    assert "Team B — 1/7" in body  # "yes" is not an answer
    assert "Team C — 0/7" in body
