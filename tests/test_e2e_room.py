"""The room in headless Chromium against ``streamlit run``: an agenda that runs itself.

An injected short agenda (segments of 8 s, 8 s and 30 s) runs with
auto-advance on: the host's presenter page and three tutor pages must move
to the next segment within 1 s of each other (their countdowns tick in the
browser from the stored clock; nobody presses Next). The host's broadcast must
appear on the three tutor screens within 5 s, stay dismissed where it was
dismissed and survive a reload. The presenter's keyboard shortcuts drive the
stored clock, but not while the host types, and the display mode is
photographed at 1280x720 and 1920x1080. A finished agenda shows no minute
that the host gave an earlier segment, also when the presenter opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import launch, save_screenshot, wait_for_app
from tests.support.server import KEYS, AppServer, streamlit_app
from workshop.models import ClockState, Group, Workshop
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

pytestmark = pytest.mark.browser

PASSCODE = "room-host-passcode"
AGENDA_ID = "room-short"
AGENDA = """
id: room-short
title: {en: "Room test (under a minute)", ja: "進行テスト（1分未満）"}
segments:
  - id: intro
    kind: intro
    title: {en: "Welcome", ja: "ようこそ"}
    minutes: 0.1333333333
    section: null
  - id: data
    kind: section
    title: {en: "Features and Data", ja: "特徴量とデータ"}
    minutes: 0.1333333333
    section: data
  - id: wrapup
    kind: wrapup
    title: {en: "Wrap-up", ja: "振り返り"}
    minutes: 0.5
    section: null
"""

# Records, per page, the wall-clock time (ms) at which the countdown first showed each segment.
_WATCH = """() => {
  window.__segmentSeen = {};
  const note = () => {
    const element = document.querySelector('[data-testid="countdown"]');
    if (!element) return;
    const segment = element.dataset.segment;
    if (segment !== undefined && !(segment in window.__segmentSeen)) {
      window.__segmentSeen[segment] = Date.now();
    }
  };
  if (window.__watcher) clearInterval(window.__watcher);
  window.__watcher = setInterval(note, 20);
}"""


@dataclass
class Room:
    server: AppServer
    store: SqliteStore
    workshop: Workshop
    groups: list[Group]

    def tutor_url(self, group: Group) -> str:
        return (
            f"{self.server.url}/tutor?w={self.workshop.id}&g={group.id}"
            f"&code={KEYS.join_code(group)}"
        )

    def clock(self) -> ClockState:
        return self.store.snapshot(self.workshop.id).clock


@pytest.fixture
def room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Room]:
    content = tmp_path / "content"
    (content / "agendas").mkdir(parents=True)
    (content / "agendas" / f"{AGENDA_ID}.yaml").write_text(AGENDA, encoding="utf-8")
    monkeypatch.setenv("WORKSHOP_CONTENT_DIRS", str(content))
    store = SqliteStore(tmp_path / "e2e.sqlite3")
    workshop, groups = create_workshop(
        store,
        title="Room round",
        date="2026-12-02",
        language="en",
        rubric_id="ml-test-score",
        agenda_id=AGENDA_ID,
        passcode=PASSCODE,
        groups=[GroupDraft(f"Team {name}", f"System {name}") for name in "ABC"],
    )
    with streamlit_app(tmp_path, env={"WORKSHOP_CONTENT_DIRS": str(content)}) as server:
        yield Room(server, store, workshop, groups)


def _presenter(page: Page, room: Room, query: str = "") -> None:
    page.goto(f"{room.server.url}/present?w={room.workshop.id}{query}")
    wait_for_app(page)
    page.get_by_label("Host passcode").fill(PASSCODE)
    page.get_by_role("button", name="Unlock").click()
    page.wait_for_selector('[data-testid="countdown"]', timeout=30_000)


def _tutor(page: Page, room: Room, group: Group) -> None:
    page.goto(room.tutor_url(group))
    wait_for_app(page)
    page.wait_for_selector('[data-testid="countdown"]', timeout=30_000)


def test_the_agenda_moves_on_by_itself_on_every_screen_and_the_host_is_heard(
    room: Room,
) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        _presenter(host, room)
        tutors = []
        for group in room.groups:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            _tutor(page, room, group)
            tutors.append(page)
        pages = [host, *tutors]

        host.get_by_text("Move on automatically").click()
        deadline = time.monotonic() + 10
        while not room.clock().auto_advance:
            assert time.monotonic() < deadline, "auto-advance was not stored"
            time.sleep(0.2)
        host.get_by_text("Chime on this screen").click()  # muted by default
        host.wait_for_timeout(1_000)
        host.get_by_role("button", name="Start").click()
        expect(host.get_by_role("button", name="Pause")).to_be_visible(timeout=10_000)
        for page in pages:
            page.evaluate(_WATCH)
        started = room.clock().started_at
        assert started is not None

        # The intro's 8 s, then "moving on" for 5 s, then the data segment, everywhere.
        for page in tutors:
            expect(page.get_by_test_id("room-note")).to_contain_text("1 minute left")
        expect(host.get_by_test_id("room-note")).to_contain_text(
            "Time is up: moving on to Features and Data", timeout=15_000
        )
        for page in pages:
            page.wait_for_function(
                "() => '1' in window.__segmentSeen", timeout=(started + 20 - time.time()) * 1000
            )
        seen = [page.evaluate("window.__segmentSeen['1']") / 1000 for page in pages]
        assert max(seen) - min(seen) < 1.0, seen
        # The chime rang when time was up, on the presenter only (WebAudio, nothing fetched).
        assert host.evaluate("window.__mtsChimes || 0") >= 1
        assert [page.evaluate("window.__mtsChimes || 0") for page in tutors] == [0, 0, 0]
        # Computed, not stored: nobody wrote the move, and it came at 8 s + 5 s.
        assert room.clock().segment == 0
        assert abs(min(seen) - (started + 8 + 5)) < 1.0
        # The pages themselves follow within a poll: the tutors' tabs open the Data section.
        for page in tutors:
            expect(page.get_by_role("tab", name="Data", selected=True)).to_be_visible(timeout=8_000)
        expect(host.get_by_text("Scoring: Features and Data")).to_be_visible(timeout=8_000)

        # The host's broadcast reaches every tutor screen within 5 s.
        host.get_by_role("button", name="Message to every group").click()
        host.get_by_label("Message", exact=True).fill("5 minutes left: finish Infra")
        sent = time.monotonic()
        host.get_by_role("button", name="Send to every tutor screen").click()
        for page in tutors:
            expect(page.locator(".st-key-room_broadcast")).to_contain_text(
                "5 minutes left: finish Infra",
                timeout=max(100, (sent + 5 - time.monotonic()) * 1000),
            )
        assert time.monotonic() - sent < 5.0
        assert room.clock().broadcast == "5 minutes left: finish Infra"
        save_screenshot(tutors[0], "tutor-broadcast-1280x720.png")

        tutors[0].locator(".st-key-room_broadcast").get_by_role("button", name="Dismiss").click()
        expect(tutors[0].locator(".st-key-room_broadcast")).to_have_count(0, timeout=5_000)
        tutors[0].wait_for_timeout(4_000)  # a poll later it stays dismissed on this screen
        expect(tutors[0].locator(".st-key-room_broadcast")).to_have_count(0)
        expect(tutors[1].locator(".st-key-room_broadcast")).to_be_visible()
        tutors[2].reload()
        wait_for_app(tutors[2])
        expect(tutors[2].locator(".st-key-room_broadcast")).to_contain_text(
            "5 minutes left: finish Infra", timeout=10_000
        )
        browser.close()


def test_keyboard_shortcuts_drive_the_clock_and_the_display_mode_fits_the_screen(
    room: Room,
) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        _presenter(host, room)
        expect(host.get_by_text("Keyboard: Space start / pause / resume")).to_be_visible()

        def stored_after(key: str, check) -> ClockState:
            host.keyboard.press(key)
            deadline = time.monotonic() + 8
            while not check(room.clock()):
                assert time.monotonic() < deadline, f"{key} did not move the clock: {room.clock()}"
                time.sleep(0.1)
            host.wait_for_timeout(500)
            return room.clock()

        stored_after("Space", lambda c: c.status == "running")
        stored_after("ArrowRight", lambda c: c.segment == 1)
        expect(host.get_by_text("Scoring: Features and Data")).to_be_visible(timeout=8_000)
        stored_after("+", lambda c: c.extension == 60)
        stored_after("Space", lambda c: c.status == "paused")
        stored_after("Space", lambda c: c.status == "running")
        stored_after("ArrowLeft", lambda c: c.segment == 0 and c.extension == 0)

        # Typing a message is typing, not driving the clock.
        host.get_by_role("button", name="Message to every group").click()
        host.get_by_label("Message", exact=True).fill("")
        host.get_by_label("Message", exact=True).press_sequentially("+1 more minute? ")
        host.wait_for_timeout(1_500)
        assert (room.clock().segment, room.clock().extension, room.clock().status) == (
            0,
            0,
            "running",
        )
        host.keyboard.press("Escape")

        for width, height in ((1280, 720), (1920, 1080)):
            screen = browser.new_context(viewport={"width": width, "height": height}).new_page()
            _presenter(screen, room, "&display=1")
            expect(screen.get_by_test_id("stSidebar")).to_be_hidden()
            expect(screen.get_by_role("button", name="Next")).to_have_count(0)
            countdown = screen.get_by_test_id("countdown").bounding_box()
            assert countdown is not None and countdown["y"] + countdown["height"] <= height
            assert countdown["height"] > height * 0.2  # sized from the screen, not fixed
            stored_after_screen = room.clock().segment
            screen.keyboard.press("ArrowRight")
            deadline = time.monotonic() + 8
            while room.clock().segment == stored_after_screen:
                assert time.monotonic() < deadline, "the display mode takes no shortcut"
                time.sleep(0.1)
            screen.wait_for_timeout(3_500)
            save_screenshot(screen, f"present-display-{width}x{height}.png")
            screen.context.close()
        browser.close()


def test_the_broadcast_reaches_a_screen_served_by_another_app_process(
    room: Room, tmp_path: Path
) -> None:
    """Two ``streamlit run`` processes on one record: the host on one, a tutor on the other."""
    content = tmp_path / "content"
    with (
        streamlit_app(tmp_path, env={"WORKSHOP_CONTENT_DIRS": str(content)}) as other,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        _presenter(host, room)
        tutor = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        group = room.groups[1]
        tutor.goto(room.tutor_url(group).replace(room.server.url, other.url))
        wait_for_app(tutor)
        tutor.wait_for_selector('[data-testid="countdown"]', timeout=30_000)

        host.get_by_role("button", name="Message to every group").click()
        host.get_by_label("Message", exact=True).fill("Wrap up Data in 2 minutes")
        sent = time.monotonic()
        host.get_by_role("button", name="Send to every tutor screen").click()
        expect(tutor.locator(".st-key-room_broadcast")).to_contain_text(
            "Wrap up Data in 2 minutes", timeout=5_000
        )
        assert time.monotonic() - sent < 5.0
        # The clock too: started on one process, ticking on the other's page.
        host.keyboard.press("Escape")
        host.get_by_role("button", name="Start").click()
        expect(tutor.locator('[data-testid="countdown"]')).to_have_attribute(
            "data-status", "running", timeout=5_000
        )
        browser.close()


def test_a_finished_agenda_does_not_carry_a_minute_given_to_an_earlier_segment(
    room: Room,
) -> None:
    # By hand: intro 8 s + 60 s added, data 8 s, wrap-up 30 s, 5 s "moving on" after each:
    # the agenda is finished 68 + 5 + 8 + 5 + 30 + 5 = 121 s after the start.
    started = time.time() - 125
    room.store.set_clock(
        room.workshop.id,
        ClockState(
            segment=0,
            status="running",
            started_at=started,
            updated_at=started + 3,
            extension=60.0,
            auto_advance=True,
        ),
    )
    with sync_playwright() as playwright:
        browser = launch(playwright)
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        for _ in range(2):  # as it opens, and opened again (a reload asks for the passcode)
            _presenter(host, room)
            expect(host.get_by_text("The agenda is finished")).to_be_visible(timeout=10_000)
            expect(host.get_by_test_id("countdown")).to_have_attribute("data-segment", "2")
            expect(host.get_by_test_id("countdown")).to_have_text("0:00")
            host.wait_for_timeout(3_500)  # a poll of the clock panel later
            expect(host.get_by_text("min added")).to_have_count(0)
        save_screenshot(host, "present-finished-after-extension.png", readme=False)
        # Nothing was written: the finish is computed from the stored clock and the time.
        assert (room.clock().segment, room.clock().extension) == (0, 60.0)
        browser.close()
