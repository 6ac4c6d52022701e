"""End to end in Chromium: the demo's wrap-up and history, and a results link opened cold.

A participant opens a group's results link in a fresh browser context (no
session, no passcode), downloads the CSV and the Markdown report and finds the
group's answers in them.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import launch, save_screenshot, scroll_to_top_of, wait_for_app
from tests.support.server import KEYS, streamlit_app
from workshop.store.sqlite import SqliteStore

pytestmark = pytest.mark.browser


def _nav_link(page: Page, index: int) -> None:
    page.locator('[data-testid="stPageLink-NavLink"]').nth(index).click()
    wait_for_app(page)


def test_demo_wrapup_history_and_a_results_link(tmp_path: Path) -> None:
    with streamlit_app(tmp_path) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        host.goto(server.url)
        wait_for_app(host)
        host.get_by_role("button", name="Open the demo workshop").click()
        expect(host.get_by_text("The demo workshop is ready.")).to_be_visible(timeout=20_000)

        _nav_link(host, 2)  # wrap-up (the demo grants this session the host role)
        expect(host.get_by_text("Wrap-up: compare the groups")).to_be_visible(timeout=20_000)
        # Round 2 of the demo opens its prompts with the follow-through since round 1:
        # of 4 round-1 actions 2 are done and both raised their test (0 -> 0.5, 0.5 -> 1),
        # and Infra rose in all 4 systems of both rounds (content/demo/demo.yaml).
        expect(host.get_by_text("Did last round's actions pay off?").first).to_be_visible(
            timeout=20_000
        )
        sentence = "2 of 4 actions done; 2 raised their test; Infra rose in 4 of 4 systems"
        expect(host.get_by_text(sentence).first).to_be_visible()
        host.wait_for_selector("canvas, svg.marks", timeout=20_000)
        save_screenshot(host, "wrapup-1280x720.png")
        host.get_by_role("button", name="Next prompt").click()
        expect(host.get_by_text("Weakest section overall")).to_be_visible(timeout=20_000)
        scroll_to_top_of(host, "What to talk about")
        save_screenshot(host, "wrapup-prompts-1280x720.png")

        host.goto(server.url + "/history")
        wait_for_app(host)
        expect(host.get_by_text("2 rounds, 5 systems")).to_be_visible(timeout=20_000)
        host.wait_for_selector("canvas, svg.marks", timeout=20_000)
        save_screenshot(host, "history-1280x720.png")
        scroll_to_top_of(host, "The whole organisation")
        save_screenshot(host, "history-org-1280x720.png")

        store = SqliteStore(tmp_path / "e2e.sqlite3")
        current = next(w for w in store.list_workshops() if w.previous_id)
        group = store.snapshot(current.id).groups[0]
        store.close()

        participant = browser.new_context(
            viewport={"width": 1280, "height": 720}, accept_downloads=True
        ).new_page()
        token = KEYS.results_token(current, group)
        participant.goto(f"{server.url}/results?w={current.id}&token={token}")
        wait_for_app(participant)
        expect(participant.get_by_text(f"{group.name} · {group.system}")).to_be_visible(
            timeout=20_000
        )
        save_screenshot(participant, "results-1280x720.png")

        with participant.expect_download() as download_info:
            participant.get_by_role("button", name="Answers (CSV)").click()
        csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(csv_text)))
        assert len(rows) == 28
        assert {row["group"] for row in rows} == {group.name}
        assert {row["item_id"] for row in rows} == {
            f"{s}-{n}" for s in ("data", "model", "infra", "monitor") for n in range(1, 8)
        }
        assert all(row["value"] in {"0", "0.5", "1", "N/A"} for row in rows)

        with participant.expect_download() as download_info:
            participant.get_by_role("button", name="Report (Markdown)").click()
        report = Path(download_info.value.path()).read_text(encoding="utf-8")
        assert group.name in report
        assert re.search(r"Final score \d", report)

        # The results link alone edits nothing: at most a join code is asked for, before
        # a group may move its action items along (see test_e2e_followup.py).
        assert participant.locator("textarea").count() == 0
        assert participant.get_by_label("Ticket link").count() == 0
        assert participant.locator("input[type=text]").count() <= 1
        browser.close()
    assert "Traceback" not in server.log()
