"""End to end in Chromium: a tutor and three participants on phones vote on one test.

The tutor opens ``data-1`` for votes from the tutor page; three participants
(375x667 viewports, one of them in Japanese) open the group's participant link.
Votes stay hidden until the reveal (each phone shows only its own vote, and a
reload keeps it), the tutor's count follows, the reveal reaches every phone
with the spread and the disagreement flag, without names (the default). The
tutor sets the group's answer as usual: it is stored once, and the summary
(counts only) rides along into the record. The participant link opens no
door to the answers: used as a join code on the tutor page it is refused, on
the server. Screenshots of the phone page in both languages go to the README.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import field_selector, launch, save_screenshot, wait_for_app
from tests.support.server import KEYS, streamlit_app
from workshop.links import participant_link
from workshop.store.sqlite import SqliteStore
from workshop.vote_box import VoteBox
from workshop.workshops import GroupDraft, create_workshop

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
WAIT = 15_000


def _votes_shown(page: Page) -> None:
    expect(page.get_by_text("Votes revealed")).to_have_count(0)
    expect(page.locator("code", has_text="█")).to_have_count(0)


def _recorded(folder: Path, workshop_id: str, group_id: str) -> tuple[str, str]:
    """data-1's vote summary and note in the record, once the sender wrote them (5 s)."""
    deadline = time.monotonic() + 5
    while True:
        store = SqliteStore(folder / "e2e.sqlite3")
        try:
            record = store.snapshot(workshop_id).votes.get(group_id, {}).get("data-1")
        finally:
            store.close()
        if (record is not None and record.note) or time.monotonic() > deadline:
            return (record.summary, record.note) if record else ("", "")
        time.sleep(0.2)


def open_for_votes(tutor: Page, item_id: str) -> None:
    """The tutor opens ``item_id`` for votes (the page may rerun under the first click)."""
    tutor.get_by_text("Participants' votes").click()
    picker = tutor.get_by_label("Test the group votes on")
    option = tutor.get_by_role("option", name=f"{item_id} · ").first
    for _ in range(3):
        expect(picker).to_be_visible(timeout=15_000)
        picker.click()
        try:
            option.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            tutor.keyboard.press("Escape")
    raise AssertionError(f"could not open {item_id} for votes")


def _vote(page: Page, choice: str) -> None:
    """Press the vote button of ``choice`` ("0", "0.5", "1"): its label starts with it."""
    page.get_by_role("button", name=re.compile(rf"^{re.escape(choice)} · ")).click()


def test_votes_hidden_until_reveal_then_everywhere_and_the_answer_stays_the_tutors(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "e2e.sqlite3")
    workshop, (group,) = create_workshop(
        store,
        title="Voting round",
        date="2026-11-23",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode="e2e-host-passcode",
        groups=[GroupDraft("Team Falcon", "Fraud scoring")],
    )
    store.close()
    with streamlit_app(tmp_path) as server, sync_playwright() as pw:
        browser = launch(pw)
        base = server.url
        token = KEYS.participant_token(group)
        link = participant_link(base, workshop, group, token)

        tutor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        tutor.goto(f"{base}/tutor?w={workshop.id}&g={group.id}&code={KEYS.join_code(group)}")
        wait_for_app(tutor)

        phones = []
        for n, url in enumerate((link, link, link.replace("lang=en", "lang=ja"))):
            phone = browser.new_context(viewport=PHONE).new_page()
            phone.goto(url)
            wait_for_app(phone)
            if n < 2:
                name = phone.get_by_role("textbox", name="Your name (optional)")
                name.fill(("Aki", "Ben")[n])
                name.press("Enter")
            phones.append(phone)
        expect(phones[0].get_by_text("Waiting for your tutor")).to_be_visible(timeout=WAIT)

        # The tutor opens data-1: every phone shows it within a poll.
        open_for_votes(tutor, "data-1")
        for phone in phones:
            expect(phone.get_by_text("data-1 · ").first).to_be_visible(timeout=WAIT)
        expect(tutor.get_by_text("0 of 3 participant(s) voted")).to_be_visible(timeout=WAIT)

        _vote(phones[0], "0")
        expect(phones[0].get_by_text("Your vote: 0 · Not done")).to_be_visible(timeout=WAIT)
        _vote(phones[1], "0.5")
        _vote(phones[1], "1")  # changed before the reveal: still one vote
        expect(phones[1].get_by_text("Your vote: 1 · Automated")).to_be_visible(timeout=WAIT)
        _vote(phones[2], "1")
        expect(phones[2].get_by_text("あなたの投票: 1 · 自動化")).to_be_visible(timeout=WAIT)
        expect(tutor.get_by_text("3 of 3 participant(s) voted")).to_be_visible(timeout=WAIT)
        # Hidden until the reveal: a phone knows its own vote and the count, nothing else.
        expect(phones[0].get_by_text("3 vote(s) so far")).to_be_visible(timeout=WAIT)
        for phone in phones:
            _votes_shown(phone)
        phones[0].reload()
        wait_for_app(phones[0])
        expect(phones[0].get_by_text("Your vote: 0 · Not done")).to_be_visible(timeout=WAIT)
        name = phones[0].get_by_role("textbox", name="Your name (optional)")
        expect(name).to_have_value("Aki")  # kept in the address, like the participant id
        expect(tutor.get_by_text("3 of 3 participant(s) voted")).to_be_visible(timeout=WAIT)
        save_screenshot(phones[0], "participant-vote-en.png")
        phones[2].wait_for_timeout(300)
        save_screenshot(phones[2], "participant-vote-ja.png")

        tutor.get_by_role("button", name="Reveal votes").click()
        for phone in phones[:2]:
            expect(phone.get_by_text("Votes revealed")).to_be_visible(timeout=WAIT)
            expect(phone.get_by_text("The group disagrees")).to_be_visible(timeout=WAIT)
            expect(phone.get_by_text("Votes are anonymous in this workshop.")).to_be_visible()
            expect(phone.get_by_text("Aki")).to_have_count(0)  # anonymous by default
            expect(phone.get_by_role("button", name=re.compile(r"^1 · "))).to_have_count(0)
        expect(phones[2].get_by_text("投票結果")).to_be_visible(timeout=WAIT)
        expect(phones[2].get_by_text("0×1 · 1×2")).to_be_visible(timeout=WAIT)
        expect(tutor.get_by_text("0×1 · 1×2")).to_be_visible(timeout=WAIT)
        tutor.get_by_label("Why did the group disagree?").fill("manual runs count as 0?")
        tutor.get_by_label("Why did the group disagree?").press("Enter")
        tutor.wait_for_timeout(500)
        save_screenshot(tutor, "tutor-votes-en.png")

        # The tutor sets the group's answer, as today.
        tutor.get_by_role("tab", name="Data").click()
        tutor.locator(field_selector("ans", "data-1")).locator(
            'label[data-testid="stRadioOption"]'
        ).nth(2).click()
        expect(tutor.get_by_text("All changes saved")).to_be_visible(timeout=20_000)
        expect(phones[0].get_by_text("The group's answer: 1")).to_be_visible(timeout=WAIT)
        expect(phones[0].get_by_text("manual runs count as 0?")).to_be_visible(timeout=WAIT)
        expect(tutor.get_by_text("All changes saved")).to_be_visible(timeout=20_000)
        phones[0].wait_for_timeout(500)
        save_screenshot(phones[0], "participant-revealed-en.png")
        phones[2].wait_for_timeout(2500)
        save_screenshot(phones[2], "participant-revealed-ja.png")

        # In the record: the revealed spread (counts only) and the tutor's note.
        assert _recorded(tmp_path, workshop.id, group.id) == (
            "0=1; 0.5=0; 1=2; ?=0",
            "manual runs count as 0?",
        )

        # The host turns anonymity off; a second round shows who voted what.
        votes = VoteBox(tmp_path / "votes.sqlite3", f"local:{(tmp_path / 'e2e.sqlite3').resolve()}")
        votes.set_anonymous(workshop.id, False)
        votes.close()
        tutor.get_by_role("button", name="Vote again").click()
        for phone in phones:
            expect(
                phone.get_by_text("You have not voted on this test yet.").or_(
                    phone.get_by_text("このテストにはまだ投票していません。")
                )
            ).to_be_visible(timeout=WAIT)
        _vote(phones[0], "0.5")
        _vote(phones[1], "0.5")
        expect(tutor.get_by_text("2 of 3 participant(s) voted")).to_be_visible(timeout=WAIT)
        tutor.get_by_role("button", name="Reveal votes").click()
        expect(phones[1].get_by_text("Aki, Ben")).to_be_visible(timeout=WAIT)
        expect(phones[1].get_by_text("The votes are close")).to_be_visible(timeout=WAIT)
        expect(phones[1].get_by_text("Votes are anonymous")).to_have_count(0)

        # The participant link is no join code: the tutor page refuses it, on the server.
        intruder = phones[1]
        intruder.goto(f"{base}/tutor?w={workshop.id}&g={group.id}&code={token}")
        wait_for_app(intruder)
        expect(intruder.get_by_text("That join code does not belong")).to_be_visible(timeout=WAIT)
        expect(intruder.locator(field_selector("ans", "data-1"))).to_have_count(0)
        # A wrong voting token opens nothing either.
        stranger = browser.new_context(viewport=PHONE).new_page()
        stranger.goto(link.replace(token, "x" * len(token)))
        wait_for_app(stranger)
        expect(stranger.get_by_text("This voting link is not valid")).to_be_visible(timeout=WAIT)
        expect(stranger.get_by_text("data-1")).to_have_count(0)
        browser.close()

    with sqlite3.connect(tmp_path / "outbox.sqlite3") as outbox:
        sent = outbox.execute(
            "SELECT text, status FROM changes WHERE item_id = 'data-1' AND field = 'value'"
        ).fetchall()
    assert sent == [("1", "written")]  # the tutor's answer, stored once
    store = SqliteStore(tmp_path / "e2e.sqlite3")
    snapshot = store.snapshot(workshop.id)
    store.close()
    assert snapshot.group_answers(group.id)["data-1"].value == "1"
    record = snapshot.votes[group.id]["data-1"]
    # the last revealed round, counts only; the note belonged to the first round
    assert (record.summary, record.note) == ("0=0; 0.5=2; 1=0; ?=0", "")
