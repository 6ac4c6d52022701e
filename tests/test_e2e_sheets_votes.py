"""In headless Chromium on the Sheets backend: participants vote without spending the quota.

Three phones vote (one changes their mind) on the test the tutor opened: the
app sends nothing to Google while they do (votes stay in the local votes
file); after the reveal the summary, counts only, reaches the group worksheet's
``votes`` cell with the group's commit, beside the tutor's answer, and the
app's requests stay well inside the quota.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import field_selector, launch, wait_for_app
from tests.support.fake_sheets import peak_in_window, spawn_fake
from tests.support.server import KEYS, streamlit_app
from tests.support.sheets_e2e import create_sheets_workshop, sheets_env, wait_until
from tests.test_e2e_votes import open_for_votes

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
WAIT = 20_000


def _vote(page: Page, choice: str) -> None:
    page.get_by_role("button", name=re.compile(rf"^{re.escape(choice)} · ")).click()


def _row(rows: list[list[object]], item_id: str) -> dict[str, str]:
    header = [str(c) for c in rows[0]]
    row = next(r for r in rows[1:] if r and str(r[0]) == item_id)
    return {name: (str(row[i]) if i < len(row) else "") for i, name in enumerate(header)}


def test_votes_cost_no_request_and_the_summary_rides_with_the_commit(tmp_path: Path) -> None:
    with spawn_fake(tmp_path, quota=60) as fake:
        remote = fake.remote
        key = remote.create_spreadsheet("Votes on Sheets")
        workshop = create_sheets_workshop(fake, key, ["Team A"])
        group = workshop.group("Team A")
        title = workshop.worksheets["Team A"]
        app_user = fake.service_account_info()["client_email"]
        with (
            streamlit_app(tmp_path, sheets_env(fake, key), timeout=90) as server,
            sync_playwright() as playwright,
        ):
            browser = launch(playwright)
            tutor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            tutor.goto(workshop.link(server.url, "Team A"))
            wait_for_app(tutor)
            open_for_votes(tutor, "data-1")
            token = KEYS.participant_token(group)
            link = f"{server.url}/votes?w={workshop.workshop_id}&g={group.id}&token={token}&lang=en"
            phones = []
            for _ in range(3):
                phone = browser.new_context(viewport=PHONE).new_page()
                phone.goto(link)
                wait_for_app(phone)
                expect(phone.get_by_text("data-1 · ").first).to_be_visible(timeout=WAIT)
                phones.append(phone)

            started = time.time()
            _vote(phones[0], "0")
            _vote(phones[1], "0.5")
            _vote(phones[1], "1")
            _vote(phones[2], "1")
            expect(tutor.get_by_text("3 of 3 participant(s) voted")).to_be_visible(timeout=WAIT)
            tutor.wait_for_timeout(5_000)  # a send interval and more: nothing goes out
            voted = time.time()
            writes = [
                r
                for r in remote.requests_log()
                if r.user == app_user and r.kind == "write" and started <= r.wall <= voted
            ]
            assert writes == []

            tutor.get_by_role("button", name="Reveal votes").click()
            for phone in phones:
                expect(phone.get_by_text("Votes revealed")).to_be_visible(timeout=WAIT)
            tutor.get_by_role("tab", name="Data").click()
            tutor.locator(field_selector("ans", "data-1")).locator(
                'label[data-testid="stRadioOption"]'
            ).nth(2).click()
            expect(tutor.get_by_text("All changes saved")).to_be_visible(timeout=30_000)
            wait_until(
                lambda: (
                    _row(remote.values(key, title), "data-1").get("votes") == "0=1; 0.5=0; 1=2; ?=0"
                ),
                30,
                lambda: f"the sheet's row is {_row(remote.values(key, title), 'data-1')}",
            )
            row = _row(remote.values(key, title), "data-1")
            assert row["score"] == "1" and row["votes_note"] == ""
            browser.close()
        app = [r for r in remote.requests_log() if r.user == app_user and r.counted]
        assert peak_in_window([r.t for r in app]) <= 45
