"""End to end in Chromium: every page opened cold without its key, and a guesser slowed down.

A stranger who has the app's address (and maybe a stale or guessed link)
opens each page in a fresh browser: each says what it needs, and none shows a
group, a system, a note or a code. Then a guesser reloads a tutor link with
wrong codes, each time in a new browser context (a new session, so the
session's own count never grows): the client address's count does. An address
has 20 free failures (a room behind one NAT shares it); here the refused
results link was the first, so after 20 wrong codes the page says when to try
again, and even the right code is not checked until then. After the wait the
right code opens the group.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.browser import launch, save_screenshot, wait_for_app
from tests.support.server import streamlit_app
from workshop import keys
from workshop.access import Keys
from workshop.models import AnswerChange
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

pytestmark = pytest.mark.browser

SECRET = "browser-access-app-secret-0123456789abcdef"
KEYS = Keys(keys.secret_bytes(SECRET))
PASSCODE = "e2e-host-passcode"


def _cold(browser: Browser, url: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(url)
    wait_for_app(page)
    return page


def test_every_page_without_its_key_refuses_and_guessing_is_slowed(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "e2e.sqlite3")
    workshop, groups = create_workshop(
        store,
        title="Private round",
        date="2026-11-23",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode=PASSCODE,
        groups=[GroupDraft("Team Falcon", "Fraud scoring"), GroupDraft("Team Heron", "Search")],
    )
    for group in groups:
        store.save_answers(
            workshop.id,
            group.id,
            [AnswerChange("data-1", "1", f"runbook of {group.name}")],
            updated_by="tutor",
            updated_at="2026-11-23T10:00:00+00:00",
        )
    store.close()
    guarded = [
        *(g.name for g in groups),
        *(g.system for g in groups),
        "runbook of",
        *(KEYS.join_code(g) for g in groups),
    ]
    w, g = workshop.id, groups[0].id
    pages = {  # path -> what the page says instead
        f"/host?w={w}": "Host controls are locked",
        f"/present?w={w}": "Host controls are locked",
        f"/wrapup?w={w}": "Host controls are locked",
        f"/tutor?w={w}&g={g}": "Join your group",
        f"/results?w={w}": "Open the results link the host shared with you",
        f"/results?w={w}&token=guessed-token-123": "This results link is not valid",
        "/history": "Every system's history is private to the organisation",
    }
    env = {"WORKSHOP_APP_SECRET": SECRET}
    with streamlit_app(tmp_path, env=env) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        for path, refusal in pages.items():
            page = _cold(browser, server.url + path)
            expect(page.get_by_text(refusal).first).to_be_visible(timeout=20_000)
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert [text for text in guarded if text in body] == [], path
            name = re.sub(r"[^a-z]+", "-", path.split("?")[0]).strip("-") or "home"
            save_screenshot(page, f"refused-{name}-1280x720.png", readme=False)
            page.context.close()

        # A guesser: one wrong code per fresh browser context (each a new session).
        wrong = f"{server.url}/tutor?w={w}&g={g}&code="
        for n in range(20):
            page = _cold(browser, wrong + f"WRONG{n:03d}")
            expect(page.get_by_text("That join code does not belong").first).to_be_visible()
            page.context.close()
        started = time.monotonic()
        page = _cold(browser, wrong + KEYS.join_code(groups[0]))
        notice = page.get_by_text("Too many wrong attempts").first
        expect(notice).to_be_visible(timeout=20_000)
        seconds = int(re.search(r"Try again in (\d+) s", notice.inner_text()).group(1))
        assert 25 <= seconds <= 30  # 30 s after the 21st failure, minus the time since
        save_screenshot(page, "refused-throttled-1280x720.png", readme=False)
        assert "runbook of" not in page.locator('[data-testid="stMain"]').inner_text()
        page.context.close()

        time.sleep(max(0.0, seconds + 1 - (time.monotonic() - started)))
        page = _cold(browser, wrong + KEYS.join_code(groups[0]))
        expect(page.get_by_text("Team Falcon · Fraud scoring").first).to_be_visible(timeout=20_000)
        expect(page.get_by_text("Too many wrong attempts")).to_have_count(0)
        browser.close()
