"""The room benchmark's instrument: a page without a browser, and how it reads a countdown.

``benchmarks/room.py`` measures a room of 109 live pages with
:class:`tests.support.streamlit_ws.PageClient`; if the client stopped doing what
a browser does (answer the fragments' timers, submit a form, follow the stored
clock), the benchmark would measure an empty server. These tests hold it to
that against the real app under ``streamlit run``, and check the countdown
reader on markup written by hand.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from streamlit.proto.Element_pb2 import Element

from tests.support.countdowns import Reading, countdown_reading
from tests.support.server import KEYS, streamlit_app
from tests.support.streamlit_ws import PageClient, Shown
from workshop import clock
from workshop.content import load_agenda
from workshop.models import ClockState
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

PASSCODE = "ws-client-passcode"


AGENDA = load_agenda("standard-60")  # segment 1 (Data) lasts 600 s


def _markdown(body: str, at: float = 100.0) -> Shown:
    element = Element()
    element.markdown.body = body
    return Shown("markdown", element, "run", at)


def _component(data: dict, at: float) -> Shown:
    element = Element()
    element.bidi_component.json = json.dumps(data)
    return Shown("bidi_component", element, "run", at)


def test_a_countdown_drawn_by_the_server_shows_its_value_until_the_next() -> None:
    shown = _markdown(
        '<p>Now</p><div class="mts-countdown" data-testid="countdown" '
        'data-remaining="536.157" data-rendered-at="1796226207.885">8:57</div>',
        at=1796226207.9,
    )
    reading = countdown_reading(shown, AGENDA)
    assert reading == Reading(536.157, 1796226207.885, 1796226207.9)
    # Two seconds later the screen still says what it was sent.
    assert reading.shown(1796226209.885) == 536.157


def test_a_countdown_ticking_in_the_browser_counts_down_from_the_state_it_got() -> None:
    # The Data segment (600 s) started at 1000; the server sent it at 1100, it
    # arrived at 1100.25 (the browser's clock is then 0.25 s behind the server's).
    data = {"segment": 1, "status": "running", "started_at": 1000.0, "paused_elapsed": 0.0,
            "extension": 60.0, "server_now": 1100.0, "segments": [], "texts": {}}  # fmt: skip
    reading = countdown_reading(_component(data, at=1100.25), AGENDA)
    assert reading is not None
    assert reading.remaining == 560.0  # 600 + 60 - (1100 - 1000)
    assert reading.offset == -0.25
    # At the browser's 1200.25 the server's time is 1200: 660 - 200 s are left.
    assert reading.shown(1200.25) == 460.0


def test_a_paused_countdown_in_the_browser_stays_put() -> None:
    data = {"segment": 1, "status": "paused", "started_at": None, "paused_elapsed": 42.0,
            "extension": 0.0, "server_now": 1100.0}  # fmt: skip
    reading = countdown_reading(_component(data, at=1100.0), AGENDA)
    assert reading is not None
    assert reading.shown(5000.0) == 558.0  # 600 - 42


def test_elements_without_a_countdown_are_not_one() -> None:
    assert countdown_reading(_markdown("**Team A — 3/7**"), AGENDA) is None
    assert countdown_reading(_markdown('<div data-testid="countdown">9:59</div>'), AGENDA) is None
    assert countdown_reading(_component({"value": 3}, at=1.0), AGENDA) is None
    assert countdown_reading(_component({"status": "running"}, at=1.0), AGENDA) is None


def test_pages_without_a_browser_follow_the_stored_clock(tmp_path: Path) -> None:
    """A host and a tutor page over websockets: unlocked, ticking, following "+1 min"."""
    agenda = load_agenda("standard-60")
    store = SqliteStore(tmp_path / "e2e.sqlite3")
    try:
        workshop, groups = create_workshop(
            store, title="Websocket pages", date="2026-12-02", language="en",
            rubric_id="ml-test-score", agenda_id="standard-60", passcode=PASSCODE,
            groups=[GroupDraft("Team A", "Search", "production", "Aiko")],
        )  # fmt: skip
        now = time.time()
        store.set_clock(
            workshop.id,
            ClockState(segment=1, status="running", started_at=now - 10, updated_at=now),
        )
    finally:
        store.close()
    group = groups[0]
    readings: dict[str, list[Reading]] = {"host": [], "tutor": []}

    def keep(role: str):
        def seen(_client: PageClient, shown: Shown) -> None:
            reading = countdown_reading(shown, agenda)
            if reading is not None:
                readings[role].append(reading)

        return seen

    def true_remaining(at: float) -> float:
        store = SqliteStore(tmp_path / "e2e.sqlite3")
        try:
            return clock.view(agenda, store.snapshot(workshop.id).clock, at).remaining
        finally:
            store.close()

    async def room(url: str) -> None:
        host = PageClient(url, "present", {"w": workshop.id}, on_element=keep("host"))
        query = {"w": workshop.id, "g": group.id, "code": KEYS.join_code(group), "lang": "en"}
        tutor = PageClient(url, "tutor", query, on_element=keep("tutor"))
        try:
            await host.open(60)
            assert "Host passcode" in [w.widget.label for w in host.shown("text_input")]
            with pytest.raises(LookupError):
                host.widget("button", "No such button")
            await host.submit_form({"Host passcode": PASSCODE}, "Unlock")
            await host.wait_for(
                lambda page: any("Team A — 0/7" in text for text in page.texts("progress")),
                60,
                "the unlocked presenter's board",
            )
            await tutor.open(60)
            assert any("Team A" in text for text in tutor.texts("markdown"))

            await asyncio.sleep(3.5)
            now = time.time()
            for role in ("host", "tutor"):
                assert readings[role], f"the {role} page showed no countdown"
                assert abs(readings[role][-1].shown(now) - true_remaining(now)) < 2.5, role

            before = readings["tutor"][-1].shown(time.time())
            await host.click("+1 min")
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                if readings["tutor"][-1].shown(time.time()) > before + 50:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the tutor page did not follow the host's +1 min")
            assert not host.received.exceptions and not tutor.received.exceptions
        finally:
            await host.close()
            await tutor.close()

    with streamlit_app(tmp_path) as server:
        asyncio.run(room(server.url))
        assert "Traceback" not in server.log()
