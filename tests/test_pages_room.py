"""The room on the pages (AppTest, injected clock): auto-advance, broadcast, shortcuts, display.

standard-60 starts with a 5 min intro (300 s) and a 10 min Data segment; with
auto-advance the intro ends 5 s after its time, at 305 s.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import PASSCODE, PageEnv, texts
from tests.support.room_clock import clock_data, shown
from tests.test_pages_tutor import _tutor


def _presenter(page_env: PageEnv, workshop_id: str, **params: str) -> AppTest:
    at = page_env.app("views/present.py", w=workshop_id, **params)
    at.text_input(key=f"host_pass_present_{workshop_id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert not at.exception
    return at


def _press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    return at


def _send(at: AppTest, text: str) -> AppTest:
    at.text_input(key="room_broadcast_text").input(text)
    return _press(at, "Send to every tutor screen")


def test_auto_advance_is_stored_and_every_page_moves_on_without_a_write(
    page_env: PageEnv,
) -> None:
    workshop, groups = page_env.make_workshop()
    host = _presenter(page_env, workshop.id)
    assert page_env.store.snapshot(workshop.id).clock.auto_advance is False  # off by default
    host.toggle(key="room_auto_advance").set_value(True).run()
    assert page_env.store.snapshot(workshop.id).clock.auto_advance is True
    _press(host, "Start")
    tutor = _tutor(page_env, workshop, groups[0])
    page_env.clock.advance(302)
    host.run()
    tutor.run()
    for view in (shown(host, "present_clock"), shown(tutor, "tutor_clock")):
        assert (view.index, view.moving_on, view.overtime, view.display) == (0, True, False, "0:00")
    assert clock_data(host, "present_clock")["texts"]["moving_on"] == (
        "Time is up: moving on to {next}"
    )
    page_env.clock.advance(3)  # 305 s: the Data segment, everywhere, nobody pressed Next
    host.run()
    tutor.run()
    assert shown(host, "present_clock").index == shown(tutor, "tutor_clock").index == 1
    assert shown(host, "present_clock").display == "10:00"
    assert "Scoring: Features and Data · 7 tests" in texts(host)
    assert page_env.store.snapshot(workshop.id).clock.segment == 0  # computed, not written
    _press(host, "Pause")  # pauses the segment on screen
    stored = page_env.store.snapshot(workshop.id).clock
    assert (stored.segment, stored.status, stored.paused_elapsed) == (1, "paused", 0)


def test_the_broadcast_reaches_the_tutor_until_dismissed_there(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    host = _presenter(page_env, workshop.id)
    first, second = (_tutor(page_env, workshop, group) for group in groups[:2])
    _send(host, "  5 minutes left: finish **Infra** <b>now</b>  ")
    stored = page_env.store.snapshot(workshop.id).clock
    assert stored.broadcast == "5 minutes left: finish **Infra** <b>now</b>"
    assert stored.broadcast_at == page_env.clock()
    assert host.text_input(key="room_broadcast_text").value == ""  # ready for the next one
    for tutor in (first, second):
        tutor.run()
        assert "From the host" in texts(tutor)
        shown_text = texts(tutor)
        assert "finish \\*\\*Infra\\*\\*" in shown_text or "finish **Infra**" in shown_text
        assert "<b>now</b>" not in "".join(m.value for m in tutor.markdown if "<b>" in m.value)
    first.button(key=f"room_dismiss_{stored.broadcast_at}").click().run()
    assert "From the host" not in texts(first)
    page_env.clock.advance(10)
    first.run()
    second.run()
    assert "From the host" not in texts(first)  # dismissed on this screen only
    assert "From the host" in texts(second)
    # The same words sent again are a new message: they show again where dismissed.
    _send(host, "5 minutes left: finish **Infra** <b>now</b>")
    first.run()
    assert "From the host" in texts(first)
    _press(host, "Take it back")
    first.run()
    second.run()
    assert "From the host" not in texts(first) + texts(second)
    assert page_env.store.snapshot(workshop.id).clock.broadcast == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("   ", "is required"),
        ("bell\x07", "U+0007"),
    ],
)
def test_a_bad_broadcast_is_refused_with_a_message(
    page_env: PageEnv, typed: str, message: str
) -> None:
    workshop, _ = page_env.make_workshop()
    host = _presenter(page_env, workshop.id)
    _send(host, typed)
    errors = " ".join(e.value for e in host.error)
    assert "Message" in errors and message in errors
    assert page_env.store.snapshot(workshop.id).clock.broadcast == ""


def test_display_mode_shows_the_room_without_buttons(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _presenter(page_env, workshop.id, display="1")
    labels = [b.label for b in at.button]
    assert "Start" not in labels and "Next" not in labels
    assert shown(at, "present_clock").display == "5:00"
    assert any("stSidebar" in m.value and "display: none" in m.value for m in at.markdown)
    assert "Leave display mode" in [link.label for link in at.get("page_link")]
    assert not [e for e in at.get("toggle")]  # no settings on the shared screen


def test_japanese_room_texts(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    host = page_env.app("views/present.py", w=workshop.id, lang="ja")
    host.text_input(key=f"host_pass_present_{workshop.id}").input(PASSCODE)
    next(b for b in host.get("form_submit_button")).click().run()
    data = clock_data(host, "present_clock")
    assert data["texts"]["warning"] == "残り1分"
    assert data["texts"]["moving_on"] == "時間です。次は「{next}」です"
