"""End to end in headless Chromium against ``streamlit run app.py``: a live Data segment.

A host creates a workshop with three groups and starts the Data segment; three
tutors in separate browser contexts answer the section; the host's board shows
7/7 for each without a reload, and the tutors' countdown agrees with the host's.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import launch, save_screenshot, scroll_to_top_of, wait_for_app
from tests.support.server import streamlit_app

pytestmark = pytest.mark.browser

PASSCODE = "e2e-host-passcode"
GROUPS = ["Team A; Search ranking; production; Aiko", "Team B; Fraud; validation; Ben",
          "Team C; Photo search; poc; Chie"]  # fmt: skip


def _seconds(display: str) -> int:
    sign = -1 if display.startswith("+") else 1
    minutes, seconds = display.lstrip("+").split(":")
    return sign * (int(minutes) * 60 + int(seconds))


def _countdown(page: Page) -> tuple[str, float, float]:
    element = page.locator('[data-testid="countdown"]').first
    return (
        element.inner_text().strip(),
        float(element.get_attribute("data-remaining")),
        float(element.get_attribute("data-rendered-at")),
    )


def _create_workshop(page: Page, base: str) -> list[str]:
    page.goto(f"{base}/host")
    wait_for_app(page)
    page.get_by_role("tab", name="Create a workshop").click()
    page.get_by_label("Title").first.fill("E2E round")
    page.get_by_label("Host passcode").fill(PASSCODE)
    page.locator(".st-key-create_groups textarea").fill("\n".join(GROUPS))
    page.get_by_role("button", name="Create workshop").click()
    expect(page.get_by_text("Workshop “E2E round” created")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Join links for the tutors")).to_be_visible(timeout=20_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stCode\"]')]"
        ".filter(e => e.innerText.includes('/tutor?')).length >= 3",
        timeout=20_000,
    )
    links = page.locator('[data-testid="stCode"]').all_inner_texts()
    # The list stays in front through the next rerun (the create tab once came back).
    page.get_by_text("Show archived", exact=True).click()
    page.wait_for_timeout(1_500)
    expect(page.get_by_role("tab", name="Workshops")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Join links for the tutors")).to_be_visible()
    return [link.strip() for link in links if "/tutor?" in link]


def test_three_tutors_score_the_data_segment_live(tmp_path: Path) -> None:
    with streamlit_app(tmp_path) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        join_links = _create_workshop(host, server.url)
        assert len(join_links) == 3
        scroll_to_top_of(host, "Join links for the tutors")
        save_screenshot(host, "host-setup-1280x720.png")

        host.locator('[data-testid="stPageLink-NavLink"]', has_text="Present").click()
        wait_for_app(host)
        host.get_by_role("button", name="Start").click()
        expect(host.get_by_role("button", name="Pause")).to_be_visible(timeout=10_000)
        host.get_by_role("button", name="Next").click()
        expect(host.get_by_text("Scoring: Features and Data")).to_be_visible(timeout=10_000)

        tutors = []
        for link in join_links:
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            page.goto(link)
            wait_for_app(page)
            expect(page.get_by_text("data-1 ·").first).to_be_visible(timeout=20_000)
            tutors.append(page)

        for index, page in enumerate(tutors):
            for number in range(1, 8):
                option = 2 if (number + index) % 2 else 1  # a mix of 1 and 0.5
                radio = page.locator(f".st-key-ans_data-{number} label").nth(option)
                radio.click()
                try:
                    expect(page.get_by_text(f"{number} of 7 answered")).to_be_visible(
                        timeout=15_000
                    )
                except AssertionError:
                    page.screenshot(path=str(tmp_path / f"lost-click-{index}-{number}.png"))
                    raise
            expect(page.get_by_text("All changes saved")).to_be_visible(timeout=15_000)

        for name in ("Team A", "Team B", "Team C"):
            expect(host.get_by_text(re.compile(f"{name} — 7/7"))).to_be_visible(timeout=15_000)

        # The same stored clock gives the same remaining time on every screen. Each
        # browser ticks the countdown itself from the server's time as it last
        # received it, so two screens may differ by a reply's one-way delay (tenths
        # of a second on a busy machine), well inside the second the screens show.
        time.sleep(1.2)
        host_text, host_remaining, host_at = _countdown(host)
        tutor_text, tutor_remaining, tutor_at = _countdown(tutors[0])
        projected_host = host_remaining - (tutor_at - host_at)
        assert abs(projected_host - tutor_remaining) < 0.5
        assert abs(_seconds(host_text) - _seconds(tutor_text)) <= 1

        save_screenshot(host, "presenter-1280x720.png")
        scroll_to_top_of(tutors[0], "Now: Features and Data")
        save_screenshot(tutors[0], "tutor-1280x720.png")
        host.context.close()
        for page in tutors:
            page.context.close()
        browser.close()
    assert "Traceback" not in server.log()
