"""In headless Chromium: follow-through between two rounds, as people do it.

Round 1 has two groups and three action items. Between rounds, group A opens
its results link, is refused with a wrong join code, then moves two of its
items along (one done with a ticket link, one in progress). The host duplicates
round 1 on the Host page (nothing is copied into round 2). In round 2, A's
tutor sees last round's answer beside each test, carries one over with a click,
answers another differently, and leaves the rest alone (nothing is carried
silently). The wrap-up's first prompt and the history page
then count the follow-through, and round 1's Jira CSV and gh script hold the
items still to do. Screenshots for the README are taken in English and Japanese.

Hand-computed expectations (levels per test; unlisted tests 0.5 in both rounds):

* Search (Team A): round 1 data-1 0, monitor-1 0; round 2 data-1 1 (chosen on
  the page), data-2 0.5 (carried over), monitor-1 0. Data 0+6x0.5 = 3 -> 1+6x0.5 = 4.
* Fraud (Team B): 0.5 everywhere in both rounds: no section moves.
* Actions: A data-1 done (raised 0 -> 1), A monitor-1 in progress (0 -> 0),
  B infra-1 open: 1 of 3 done; 1 raised its test; Data rose in 1 of 2 systems.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.browser import (
    field_selector,
    launch,
    save_screenshot,
    scroll_to_top_of,
    wait_for_app,
)
from tests.support.server import KEYS, streamlit_app
from workshop.models import ActionItem, AnswerChange
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

pytestmark = pytest.mark.browser

PASSCODE = "followup-host-passcode"
ITEMS = [f"{s}-{n}" for s in ("data", "model", "infra", "monitor") for n in range(1, 8)]
AT = "2026-11-02T10:00:00+00:00"


def _first_round(db: Path) -> tuple[str, list]:
    """Round 1, scored by both groups, with three action items."""
    store = SqliteStore(db)
    try:
        first, groups = create_workshop(
            store, title="Round one", date="2026-11-02", language="en",
            rubric_id="ml-test-score", agenda_id="standard-60", passcode=PASSCODE,
            groups=[GroupDraft("Team A", "Search", "production", "Aiko"),
                    GroupDraft("Team B", "Fraud", "production", "Ben")],
        )  # fmt: skip
        low = {"data-1": "0", "monitor-1": "0"}
        for group in groups:
            values = low if group.name == "Team A" else {}
            changes = [
                AnswerChange(i, values.get(i, "0.5"), f"round 1 note {i}" if i == "data-2" else "")
                for i in ITEMS
            ]
            store.save_answers(first.id, group.id, changes, updated_by="t", updated_at=AT)
        a, b = groups
        for n, (group, item) in enumerate(((a, "data-1"), (a, "monitor-1"), (b, "infra-1"))):
            store.add_action(
                ActionItem(
                    f"act{n}", first.id, group.id, item, f"Raise {item} for {group.system}",
                    owner="aiko@example.com" if n == 0 else "", priority=n + 1,
                    due="2026-12-01" if n == 0 else "", created_at=f"{AT}{n}", created_by="host",
                )
            )  # fmt: skip
        return first.id, groups
    finally:
        store.close()


def _second_round(db: Path, first_id: str) -> tuple[str, list]:
    """The round the host duplicated from round 1 (on the Host page); Team B scores it
    from the sheet side (0.5 everywhere), Team A is left to its tutor."""
    store = SqliteStore(db)
    try:
        second = next(w for w in store.list_workshops() if w.previous_id == first_id)
        groups = list(store.snapshot(second.id).groups)
        assert store.snapshot(second.id).answers == {} or not any(
            store.snapshot(second.id).answers.values()
        )  # nothing was copied when duplicating
        b2 = next(g for g in groups if g.name == "Team B")
        changes = [AnswerChange(i, "0.5", "") for i in ITEMS]
        store.save_answers(second.id, b2.id, changes, updated_by="t", updated_at=AT)
        return second.id, groups
    finally:
        store.close()


def _snapshot(db: Path, workshop_id: str):
    store = SqliteStore(db)
    try:
        return store.snapshot(workshop_id)
    finally:
        store.close()


def _page(browser, lang: str = "en") -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    return context.new_page()


def _update(page: Page, action_id: str, status: str, ticket: str = "") -> None:
    box = page.locator(f".st-key-followup_action_{action_id}")
    box.get_by_role("combobox").click()
    page.get_by_role("option", name=status, exact=True).click()
    if ticket:
        box.get_by_label("Ticket link").fill(ticket)
    box.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: ")).to_be_visible(timeout=15_000)
    wait_for_app(page)


def _centre(page: Page, item: str) -> None:
    """Scroll so the previous round's line of ``item`` is in the middle of the screen."""
    page.locator(f".st-key-previous_{item}").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(400)


def _unlock_host(page: Page) -> None:
    """Give the host passcode (a page loaded anew is a new session: it asks again)."""
    expect(page.get_by_label("Host passcode", exact=True)).to_be_visible(timeout=20_000)
    page.get_by_label("Host passcode", exact=True).fill(PASSCODE)
    page.get_by_role("button", name="Unlock").click()
    wait_for_app(page)


def test_two_rounds_followed_through(tmp_path: Path) -> None:
    db = tmp_path / "e2e.sqlite3"
    first_id, groups = _first_round(db)
    first = _snapshot(db, first_id)
    team_a = groups[0]
    with streamlit_app(tmp_path) as server, sync_playwright() as playwright:
        browser = launch(playwright)

        # -- between rounds: group A updates two items from its results link
        group_page = _page(browser)
        token = KEYS.results_token(first.workshop, team_a)
        group_page.goto(f"{server.url}/results?w={first_id}&token={token}")
        wait_for_app(group_page)
        expect(group_page.get_by_text("Update your action items")).to_be_visible(timeout=20_000)
        # Team B's item is not on A's page, and nothing is editable before the join code.
        expect(group_page.get_by_text("Raise infra-1 for Fraud")).to_have_count(0)
        assert group_page.get_by_label("Ticket link").count() == 0
        group_page.get_by_label("Join code").fill("WRONG-CODE")
        group_page.get_by_role("button", name="Unlock").click()
        expect(group_page.get_by_text("That join code is not right")).to_be_visible(timeout=15_000)
        group_page.get_by_label("Join code").fill(KEYS.join_code(team_a))
        group_page.get_by_role("button", name="Unlock").click()
        wait_for_app(group_page)
        expect(group_page.get_by_label("Ticket link").first).to_be_visible(timeout=15_000)
        _update(group_page, "act0", "Done", "https://tracker.example/ML-1")
        _update(group_page, "act1", "In progress")
        expect(group_page.get_by_text("https://tracker.example/ML-1")).to_be_visible()
        scroll_to_top_of(group_page, "Update your action items")
        save_screenshot(group_page, "followup-results-update-1280x720.png")
        stored = {a.id: (a.status, a.ticket, a.updated_by) for a in _snapshot(db, first_id).actions}
        assert stored == {
            "act0": ("done", "https://tracker.example/ML-1", "Aiko"),
            "act1": ("in_progress", "", "Aiko"),
            "act2": ("open", "", ""),
        }

        # -- the host duplicates round 1 for the next round on the Host page
        host = _page(browser)
        host.goto(f"{server.url}/host?w={first_id}")
        wait_for_app(host)
        _unlock_host(host)
        host.get_by_text("Next round", exact=True).click()
        host.locator('input[aria-label="Title"][value="Round one"]').fill("Round two")
        host.get_by_role("button", name="Duplicate for the next round").click()
        expect(host.get_by_text("Created “Round two”")).to_be_visible(timeout=20_000)
        second_id, groups_2 = _second_round(db, first_id)

        # -- round 2: A's tutor carries data-2 over and answers data-1 anew
        a2 = next(g for g in groups_2 if g.name == "Team A")
        tutor = _page(browser)
        tutor.goto(f"{server.url}/tutor?w={second_id}&g={a2.id}&code={KEYS.join_code(a2)}")
        wait_for_app(tutor)
        expect(tutor.get_by_text("This round follows “Round one”")).to_be_visible(timeout=20_000)
        data_1 = tutor.locator(".st-key-previous_data-1")
        expect(data_1.get_by_text("Previous round (2026-11-02): 0")).to_be_visible()
        expect(data_1.get_by_text("Open action:")).to_have_count(0)  # act0 is done
        monitor_open = tutor.locator(".st-key-previous_monitor-1")
        data_2 = tutor.locator(".st-key-previous_data-2")
        expect(data_2.get_by_text("round 1 note data-2")).to_be_visible()
        data_2.get_by_role("button", name="Carry over 0.5").click()
        wait_for_app(tutor)
        expect(tutor.get_by_text("All changes saved")).to_be_visible(timeout=20_000)
        expect(data_2.get_by_role("button")).to_have_count(0)  # answered now: nothing to carry
        expect(data_2.get_by_text("Same as last round.")).to_be_visible()
        checked = tutor.locator(field_selector("ans", "data-2")).locator("input[type=radio]")
        expect(checked.nth(1)).to_be_checked(timeout=15_000)
        tutor.locator(field_selector("ans", "data-1")).locator(
            'label[data-testid="stRadioOption"]'
        ).nth(2).click()
        expect(data_1.get_by_text("Changed since last round (+1).")).to_be_visible(timeout=15_000)
        expect(tutor.get_by_text("All changes saved")).to_be_visible(timeout=20_000)
        _centre(tutor, "data-3")  # a test still to answer, with its carry-over button
        save_screenshot(tutor, "followup-tutor-previous-1280x720.png")
        ja_tutor = _page(browser)
        ja_tutor.goto(
            f"{server.url}/tutor?w={second_id}&g={a2.id}&code={KEYS.join_code(a2)}&lang=ja"
        )
        wait_for_app(ja_tutor)
        expect(ja_tutor.get_by_text("この回は「Round one」")).to_be_visible(timeout=20_000)
        _centre(ja_tutor, "data-3")
        expect(ja_tutor.get_by_role("button", name="0.5 を引き継ぐ")).to_have_count(5)
        save_screenshot(ja_tutor, "followup-tutor-previous-ja-1280x720.png")
        # The Monitoring tab shows the open action that targets monitor-1.
        tutor.get_by_role("tab", name="Monitoring").click()
        expect(
            monitor_open.get_by_text("Open action: Raise monitor-1 for Search (In progress)")
        ).to_be_visible(timeout=15_000)

        answers = _snapshot(db, second_id).group_answers(a2.id)
        assert (answers["data-2"].value, answers["data-2"].note) == ("0.5", "round 1 note data-2")
        assert answers["data-2"].updated_by == "Aiko"
        assert answers["data-1"].value == "1"
        assert "data-3" not in answers or answers["data-3"].value == ""  # nothing silently
        # The rest of A's round 2 is scored as in round 1 (monitor-1 still 0).
        store = SqliteStore(db)
        rest = [
            AnswerChange(i, "0" if i == "monitor-1" else "0.5", "")
            for i in ITEMS
            if i not in ("data-1", "data-2")
        ]
        store.save_answers(second_id, a2.id, rest, updated_by="t", updated_at=AT)
        store.close()

        # -- the wrap-up of round 2 opens with the follow-through prompt
        host.goto(f"{server.url}/wrapup?w={second_id}")  # a new session: the passcode again
        wait_for_app(host)
        _unlock_host(host)
        sentence = "1 of 3 actions done; 1 raised their test; Data rose in 1 of 2 systems"
        expect(host.get_by_text("Did last round's actions pay off?").first).to_be_visible(
            timeout=20_000
        )
        expect(host.get_by_text(sentence).first).to_be_visible()
        scroll_to_top_of(host, "What to talk about")
        save_screenshot(host, "followup-wrapup-prompt-1280x720.png")

        # -- the history page counts the same
        host.goto(f"{server.url}/history?token={KEYS.history_token()}")
        wait_for_app(host)
        expect(host.get_by_text("Follow-through between rounds")).to_be_visible(timeout=20_000)
        expect(host.get_by_text(sentence)).to_be_visible()
        expect(
            host.get_by_text(
                "Done 1 · dropped 0 · still open 2 · of 3; done and raised their test: 1"
            )
        ).to_be_visible()
        scroll_to_top_of(host, "Follow-through between rounds")
        save_screenshot(host, "followup-history-1280x720.png")

        # -- round 1's tracker files hold the two items still to do
        host.goto(f"{server.url}/wrapup?w={first_id}")
        wait_for_app(host)
        _unlock_host(host)
        expect(host.get_by_text("Wrap-up: compare the groups")).to_be_visible(timeout=20_000)
        with host.expect_download() as download:
            host.get_by_role("button", name="Jira CSV (open actions)").click()
        jira = Path(download.value.path()).read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(jira)))
        assert rows[0] == [
            "Summary", "Description", "Priority", "Due date", "Assignee", "Labels", "Labels",
            "Labels",
        ]  # fmt: skip
        assert [(r[0], r[2], r[5:]) for r in rows[1:]] == [
            (
                "[monitor-1] Raise monitor-1 for Search",
                "High",
                ["ml-test-score", "monitor-1", "monitor"],
            ),
            ("[infra-1] Raise infra-1 for Fraud", "Medium", ["ml-test-score", "infra-1", "infra"]),
        ]
        assert "Level now: 0; target level: 0.5" in rows[1][1]
        assert "Done when (level 0.5):" in rows[1][1]
        with host.expect_download() as download:
            host.get_by_role("button", name="GitHub issues script (gh)").click()
        script = Path(download.value.path()).read_text(encoding="utf-8")
        assert script.count("\ngh issue create ") == 2
        assert "--title '[monitor-1] Raise monitor-1 for Search'" in script

        # -- the same pages in Japanese, for the README
        ja_group = _page(browser)
        ja_group.goto(f"{server.url}/results?w={first_id}&token={token}&lang=ja")
        wait_for_app(ja_group)
        expect(ja_group.get_by_text("アクションの進み具合を更新")).to_be_visible(timeout=20_000)
        ja_group.get_by_label("参加コード").fill(KEYS.join_code(team_a))
        ja_group.get_by_role("button", name="ロック解除").click()
        wait_for_app(ja_group)
        expect(ja_group.get_by_label("チケットのリンク").first).to_be_visible(timeout=15_000)
        expect(ja_group.get_by_text("https://tracker.example/ML-1")).to_be_visible()
        scroll_to_top_of(ja_group, "アクションの進み具合を更新")
        save_screenshot(ja_group, "followup-results-update-ja-1280x720.png")
        ja_host = _page(browser)
        ja_host.goto(f"{server.url}/history?token={KEYS.history_token()}&lang=ja")
        wait_for_app(ja_host)
        expect(ja_host.get_by_text("回ごとの取り組みの振り返り")).to_be_visible(timeout=20_000)
        expect(
            ja_host.get_by_text(
                "3 件中 1 件のアクションが完了、1 件で対象の項目のスコアが上昇、"
                "データは 2 システム中 1 システムで上昇"
            )
        ).to_be_visible()
        scroll_to_top_of(ja_host, "回ごとの取り組みの振り返り")
        save_screenshot(ja_host, "followup-history-ja-1280x720.png")
        browser.close()
    assert "Traceback" not in server.log()
