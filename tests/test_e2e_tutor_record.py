"""In headless Chromium: a tutor's record survives what people really do with the page.

* Going back to a section (a tab switch, or the host moving back a segment with
  the tutor following) shows every stored answer and note, and the next change
  writes only the field that changed.
* Two devices on one group's link (the tutor and a participant) editing
  different items keep both; on the same item the later one wins and the
  other screen shows the winner's value, who made it and when.

The workshop is created through the store the app uses (same SQLite file) and
the record is checked by reading that file directly, not through the page.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import field_selector, launch, wait_for_app
from tests.support.server import KEYS, streamlit_app
from workshop import clock as clk
from workshop.content import load_agenda
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

pytestmark = pytest.mark.browser

PASSCODE = "record-host-passcode"
DATA = [f"data-{n}" for n in range(1, 8)]
# What the tutor chooses for Data (option index in 0 / 0.5 / 1 [/ N/A]) and writes as notes.
CHOICES = {item: n % 3 for n, item in enumerate(DATA)}
TEXT = {0: "0", 1: "0.5", 2: "1"}
NOTES = {item: f"evidence for {item}: https://example.com/{item}" for item in DATA}


def _workshop(db: Path) -> tuple[str, list]:
    store = SqliteStore(db)
    try:
        workshop, groups = create_workshop(
            store, title="Record round", date="2026-12-02", language="en",
            rubric_id="ml-test-score", agenda_id="standard-60", passcode=PASSCODE,
            groups=[GroupDraft("Team A", "Search", "production", "Aiko"),
                    GroupDraft("Team B", "Fraud", "production", "Ben")],
        )  # fmt: skip
        agenda = load_agenda("standard-60")
        state = clk.start(agenda, store.snapshot(workshop.id).clock, time.time())
        store.set_clock(workshop.id, clk.jump(agenda, state, 1, time.time()))  # Data
        return workshop.id, groups
    finally:
        store.close()


def _stored(db: Path, workshop_id: str, group_id: str) -> dict[str, tuple[str, str, str]]:
    store = SqliteStore(db)
    try:
        answers = store.snapshot(workshop_id).group_answers(group_id)
        return {k: (a.value, a.note, a.updated_by) for k, a in answers.items()}
    finally:
        store.close()


def _link(base: str, workshop_id: str, group) -> str:
    return f"{base}/tutor?w={workshop_id}&g={group.id}&code={KEYS.join_code(group)}"


def _radio(page: Page, item: str, index: int):
    return (
        page.locator(field_selector("ans", item))
        .locator('label[data-testid="stRadioOption"]')
        .nth(index)
    )


def _checked(page: Page, item: str, index: int):
    return page.locator(field_selector("ans", item)).locator("input[type=radio]").nth(index)


def _note(page: Page, item: str):
    return page.locator(field_selector("note", item)).locator("textarea")


def _write_note(page: Page, item: str, text: str) -> None:
    box = _note(page, item)
    box.click()
    box.fill(text)
    box.press("Control+Enter")  # Streamlit sends a text area's value on Ctrl+Enter or blur


def _wait_saved(page: Page) -> None:
    expect(page.get_by_text("All changes saved")).to_be_visible(timeout=20_000)
    page.wait_for_timeout(300)


def _expect_data_shown(page: Page, changes: dict[str, tuple[int, str]] | None = None) -> None:
    """Every Data answer and note on screen is what the tutor chose (with ``changes``)."""
    changes = changes or {}
    for item in DATA:
        index, note = changes.get(item, (CHOICES[item], NOTES[item]))
        expect(_checked(page, item, index)).to_be_checked(timeout=15_000)
        expect(_note(page, item)).to_have_value(note, timeout=15_000)


def _answer_data(page: Page) -> None:
    for item in DATA:
        _radio(page, item, CHOICES[item]).click()
        expect(_checked(page, item, CHOICES[item])).to_be_checked(timeout=15_000)
        _write_note(page, item, NOTES[item])
        expect(page.get_by_text(f"{DATA.index(item) + 1} of 7 answered")).to_be_visible(
            timeout=15_000
        )
    _wait_saved(page)


def test_going_back_to_a_section_keeps_every_answer_and_note(tmp_path: Path) -> None:
    db = tmp_path / "e2e.sqlite3"
    workshop_id, groups = _workshop(db)
    expected = {item: (TEXT[CHOICES[item]], NOTES[item], "Aiko") for item in DATA}
    with streamlit_app(tmp_path) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(_link(server.url, workshop_id, groups[0]))
        wait_for_app(page)
        _answer_data(page)
        assert _stored(db, workshop_id, groups[0].id) == expected

        # Model, then Data again: everything is still there, on screen and in the record.
        page.get_by_role("tab", name="Model").click()
        expect(page.get_by_text("model-1 ·").first).to_be_visible(timeout=15_000)
        page.get_by_role("tab", name="Data").click()
        _expect_data_shown(page)
        # One note and one answer change: each writes its own field, nothing else moves.
        _write_note(page, "data-3", "moved to the CI pipeline")
        _radio(page, "data-5", 0).click()
        _wait_saved(page)
        changed = {"data-3": (CHOICES["data-3"], "moved to the CI pipeline"),
                   "data-5": (0, NOTES["data-5"])}  # fmt: skip
        _expect_data_shown(page, changed)
        expected["data-3"] = (TEXT[CHOICES["data-3"]], "moved to the CI pipeline", "Aiko")
        expected["data-5"] = ("0", NOTES["data-5"], "Aiko")
        assert _stored(db, workshop_id, groups[0].id) == expected

        # The host moves on to Model and back to Data; the tutor follows both ways.
        host = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        host.goto(f"{server.url}/present?w={workshop_id}")
        wait_for_app(host)
        host.get_by_label("Host passcode").fill(PASSCODE)
        host.get_by_role("button", name="Unlock").click()
        host.get_by_role("button", name="Next").click()
        expect(page.get_by_text("Now: Model Development")).to_be_visible(timeout=15_000)
        host.get_by_role("button", name="Previous").click()
        expect(page.get_by_text("Now: Features and Data")).to_be_visible(timeout=15_000)
        _expect_data_shown(page, changed)
        _write_note(page, "data-1", "owner: platform team")
        _wait_saved(page)
        expected["data-1"] = (TEXT[CHOICES["data-1"]], "owner: platform team", "Aiko")
        assert _stored(db, workshop_id, groups[0].id) == expected
        # Ticks of the clock after all this write nothing more.
        page.wait_for_timeout(3_000)
        assert _stored(db, workshop_id, groups[0].id) == expected
        browser.close()
    assert "Traceback" not in server.log()


def test_two_devices_on_one_link_keep_both_and_the_later_change_wins(tmp_path: Path) -> None:
    db = tmp_path / "e2e.sqlite3"
    workshop_id, groups = _workshop(db)
    with streamlit_app(tmp_path) as server, sync_playwright() as playwright:
        browser = launch(playwright)
        tutor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        laptop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        for page in (tutor, laptop):
            page.goto(_link(server.url, workshop_id, groups[1]))
            wait_for_app(page)
        laptop.get_by_label("Your name (shown as who updated an answer)").fill("Dana")
        laptop.get_by_label("Your name (shown as who updated an answer)").press("Enter")
        laptop.wait_for_timeout(500)

        # Different items: both are kept.
        _radio(tutor, "data-1", 2).click()
        _write_note(laptop, "data-2", "checked by Dana")
        _wait_saved(tutor)
        _wait_saved(laptop)
        stored = _stored(db, workshop_id, groups[1].id)
        assert stored["data-1"][:1] == ("1",) and stored["data-1"][2] == "Ben"
        assert stored["data-2"][1:] == ("checked by Dana", "Dana")
        # Each screen shows the other's change within seconds.
        expect(_checked(laptop, "data-1", 2)).to_be_checked(timeout=10_000)
        expect(_note(tutor, "data-2")).to_have_value("checked by Dana", timeout=10_000)

        # The same item: the tutor picks 0.5, then the laptop picks 0; the later one wins.
        _radio(tutor, "data-4", 1).click()
        _wait_saved(tutor)
        expect(_checked(laptop, "data-4", 1)).to_be_checked(timeout=10_000)
        _radio(laptop, "data-4", 0).click()
        _wait_saved(laptop)
        assert _stored(db, workshop_id, groups[1].id)["data-4"][0::2] == ("0", "Dana")
        # The tutor's screen shows the winner's value and who made it, never a silent revert.
        expect(_checked(tutor, "data-4", 0)).to_be_checked(timeout=10_000)
        expect(
            tutor.locator(field_selector("ans", "data-4")).locator("xpath=../..")
            .get_by_text("Last changed by Dana")
        ).to_be_visible(timeout=10_000)  # fmt: skip
        tutor.wait_for_timeout(3_000)  # ticks of both pages write nothing back
        assert _stored(db, workshop_id, groups[1].id)["data-4"][0::2] == ("0", "Dana")
        browser.close()
    assert "Traceback" not in server.log()
