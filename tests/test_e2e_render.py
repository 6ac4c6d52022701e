"""End to end in Chromium (issue 11): notes as typed, images on request, the viewer's day.

A participant opens a group's results link: the note with an evidence URL reads
exactly as typed and its link goes to exactly that URL in a new tab; HTML and
Markdown in the note stay text. "Prepare PNG" gives a real PNG, made by a
worker process: the server process itself never loads vl-convert. The home
page's band table reads "> 5", and the host's date field starts on today in
the browser's time zone. Screenshots (English and Japanese) go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import launch, save_screenshot, wait_for_app
from tests.support.server import KEYS, streamlit_app
from workshop.models import ActionItem, AnswerChange
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

pytestmark = pytest.mark.browser

URL = "https://example.com/x_y_z"
NOTE = (
    f"Evidence: {URL} (see the runbook).\n"
    "**not bold** <b>not html</b> [x](javascript:alert(1)) :smile: $x$ C:\\temp\\a_b\n"
    "手順: https://example.com/runbook。確認済み"
)
ACTION = "Add a schema check, ticket https://jira.example/ML-7."
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VIEWPORT = {"width": 1280, "height": 720}


def _seed(db_path: Path):
    store = SqliteStore(db_path)
    try:
        workshop, groups = create_workshop(
            store,
            title="November round",
            date="2026-11-23",
            language="en",
            rubric_id="ml-test-score",
            agenda_id="standard-60",
            passcode="host-secret-1",
            groups=[
                GroupDraft("Team A", "Search ranking", "production", "Aiko"),
                GroupDraft("Team B", "Fraud", "validation", "Ben"),
            ],
        )
        for group, level in zip(groups, ("1", "0.5"), strict=True):
            store.save_answers(
                workshop.id,
                group.id,
                [
                    AnswerChange(item.id, level, NOTE if item.id == "data-1" else "")
                    for item in _rubric().items
                ],
                updated_by="Aiko",
                updated_at="2026-11-23T10:00:00+00:00",
            )
        store.add_action(
            ActionItem(
                id="a_e2e",
                workshop_id=workshop.id,
                group_id=groups[0].id,
                item_id="data-1",
                what=ACTION,
                owner="Ben",
                priority=1,
                created_at="2026-11-23T10:50:00+00:00",
                created_by="host",
            )
        )
        return workshop, groups
    finally:
        store.close()


def _rubric():
    from workshop.content import load_rubric

    return load_rubric("ml-test-score")


def _mapped_files(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _open_section(page: Page, title: str) -> None:
    page.locator('[data-testid="stExpander"] summary').filter(has_text=title).first.click()
    page.wait_for_timeout(300)


def test_results_note_link_png_and_the_viewers_day(tmp_path: Path) -> None:
    workshop, groups = _seed(tmp_path / "e2e.sqlite3")
    results = f"/results?w={workshop.id}&token={KEYS.results_token(workshop, groups[0])}"
    with streamlit_app(tmp_path) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(viewport=VIEWPORT, accept_downloads=True).new_page()
        page.goto(f"{server.url}{results}")
        wait_for_app(page)
        expect(page.get_by_text("Team A · Search ranking")).to_be_visible(timeout=20_000)

        # ---- the note, exactly as typed, with its link
        _open_section(page, "Features and Data")
        note = page.locator(".mts-user-text").filter(has_text="Evidence:").first
        expect(note).to_be_visible()
        assert note.inner_text() == NOTE
        links = note.locator("a")
        assert links.count() == 2
        assert links.nth(0).get_attribute("href") == URL
        assert links.nth(0).inner_text() == URL
        assert links.nth(0).get_attribute("target") == "_blank"
        assert links.nth(0).get_attribute("rel") == "noopener noreferrer"
        assert links.nth(1).get_attribute("href") == "https://example.com/runbook"  # no "。"
        # Nothing in the note became markup: no bold, no HTML, no emoji, no math.
        assert note.locator("strong, b, em, img, script, .katex").count() == 0
        note.scroll_into_view_if_needed()
        save_screenshot(page, "results-note-1280x720.png", readme=False)

        action = page.locator(".mts-user-text").filter(has_text="Add a schema check").first
        assert action.inner_text().startswith(f"P1 · {ACTION} — data-1 · ")
        assert action.locator("a").get_attribute("href") == "https://jira.example/ML-7"

        # ---- the chart image, made on request in the worker process
        assert page.get_by_role("button", name="Chart (PNG)").count() == 0
        page.get_by_role("button", name="Prepare PNG").click()
        download_png = page.get_by_role("button", name="Chart (PNG)")
        expect(download_png).to_be_visible(timeout=60_000)
        with page.expect_download() as info:
            download_png.click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        assert info.value.suggested_filename.endswith(".png")
        download_png.scroll_into_view_if_needed()
        save_screenshot(page, "results-downloads-1280x720.png", readme=False)

        if Path("/proc/self/maps").exists():
            pid = server.process.pid
            assert "vl_convert" not in _mapped_files(pid)  # the server never loads it ...
            workers = [child for child in _children(pid) if "vl_convert" in _mapped_files(child)]
            assert workers, "... a worker process does"

        # ---- the same page in Japanese
        page.goto(f"{server.url}{results}&lang=ja")
        wait_for_app(page)
        expect(page.get_by_text("回答とメモ")).to_be_visible(timeout=20_000)
        _open_section(page, "特徴量とデータ")
        note = page.locator(".mts-user-text").filter(has_text="Evidence:").first
        assert note.inner_text() == NOTE
        note.scroll_into_view_if_needed()
        save_screenshot(page, "results-note-ja-1280x720.png", readme=False)
        # The PNG made above is the English chart; the Japanese one is another image.
        expect(page.get_by_role("button", name="PNG を作成")).to_be_visible()
        page.get_by_role("button", name="PNG を作成").scroll_into_view_if_needed()
        save_screenshot(page, "results-downloads-ja-1280x720.png", readme=False)

        # ---- the home page's band table
        page.goto(server.url)
        wait_for_app(page)
        table = page.locator('[data-testid="stTable"]').first
        expect(table).to_contain_text("> 5", timeout=20_000)
        assert table.locator("blockquote").count() == 0
        assert "(0, 1]" in table.inner_text()

        # ---- the host's date field starts on today where the browser is
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
            context = browser.new_context(viewport=VIEWPORT, timezone_id=zone)
            host = context.new_page()
            host.goto(f"{server.url}/host")
            wait_for_app(host)
            host.get_by_role("tab", name="Create a workshop").click()
            field = host.locator('[data-testid="stDateInput"] input').first
            expect(field).to_be_visible(timeout=20_000)
            expected = dt.datetime.now(ZoneInfo(zone)).date()
            assert field.input_value().replace("/", "-") == expected.isoformat(), zone
            context.close()
        browser.close()
    assert "Traceback" not in server.log()
    assert os.path.exists(tmp_path / "e2e.sqlite3")
