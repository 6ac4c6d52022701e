"""Two app processes on one machine and one Google Sheet, as behind a proxy with sticky sessions.

Both ``streamlit run`` processes use the same data folder, so they share the
outbox, the quota bucket and the send slot through files there. Two tutors on
each process answer the Data section over a minute; a second screen on Team A's link, served
by the other process, follows what Team A's tutor does. The fake counts every
request of the app's service account against Google's 60 per minute.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support.browser import launch
from tests.support.fake_sheets import spawn_fake
from tests.support.rehearsal import ExceptionWatch, request_figures
from tests.support.server import streamlit_app
from tests.support.sheets_e2e import (
    TutorPage,
    artifacts_on_failure,
    create_sheets_workshop,
    keep_log,
    rubric,
    section_items,
    sheet_problems,
    sheets_env,
    wait_until,
)

pytestmark = pytest.mark.browser

DATA = section_items("data")
ALL = [item.id for item in rubric().items]
#: Which process serves each tutor, and what the tutor answers for data-1 ... data-7.
TUTORS = {
    "Team A": ("A", ("1", "0", "0.5", "1", "N/A", "0", "0.5")),
    "Team B": ("A", ("0.5", "N/A", "1", "0", "0.5", "1", "N/A")),
    "Team C": ("B", ("0", "1", "0.5", "0.5", "1", "N/A", "0")),
    "Team D": ("B", ("1", "0.5", "0", "1", "0", "0.5", "1")),
}
WATCHED = "Team A"  # its tutor is on process A; a second screen on its link is on B
SHOW_SECONDS = 15.0
#: A round of answers (one item per tutor) takes at least this long: the section lasts
#: a minute, so the quota's 60 s window sees both processes at work.
ROUND_SECONDS = 9.0
#: The app's share of the account's quota (workshop.store.sheets: 80 % of 60 per minute).
APP_PEAK = 48
SEND_INTERVAL = 4.0  # WORKSHOP_SEND_INTERVAL's default


def test_two_app_processes_share_one_sheet(tmp_path: Path) -> None:
    started = time.monotonic()
    with spawn_fake(tmp_path, quota=60) as fake:
        remote = fake.remote
        key = remote.create_spreadsheet("Two processes")
        workshop = create_sheets_workshop(fake, key, list(TUTORS))
        env = sheets_env(fake, key)
        watch = ExceptionWatch()
        seen_on_b: dict[str, float] = {}
        with sync_playwright() as playwright:
            browser = launch(playwright)

            def page(role: str) -> TutorPage:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                return TutorPage(watch.attach(context, role).new_page(), role)

            tutors = {team: page(team) for team in TUTORS}
            screen = page("second screen")
            pages = {**{t: p.page for t, p in tutors.items()}, "second screen": screen.page}
            try:
                with (
                    artifacts_on_failure("two-processes", pages),
                    streamlit_app(tmp_path, env, timeout=90) as app_a,
                    streamlit_app(tmp_path, env, timeout=90) as app_b,
                ):
                    served = {"A": app_a.url, "B": app_b.url}
                    for team, (process, _answers) in TUTORS.items():
                        tutors[team].open(workshop.link(served[process], team))
                    screen.open(workshop.link(app_b.url, WATCHED))
                    answered_at: dict[str, float] = {}

                    def look() -> bool:
                        for item, at in answered_at.items():
                            answer = TUTORS[WATCHED][1][DATA.index(item)]
                            if item not in seen_on_b and screen.shows_answer(item, answer):
                                seen_on_b[item] = time.monotonic() - at
                        return len(seen_on_b) == len(DATA)

                    for number, item in enumerate(DATA):
                        round_ends = time.monotonic() + ROUND_SECONDS
                        for team, (_process, answers) in TUTORS.items():
                            tutors[team].answer(item, answers[number])
                            if team == WATCHED:
                                answered_at[item] = time.monotonic()
                            tutors[team].note(item, _note(team, item))
                            look()
                        while time.monotonic() < round_ends:  # people take their time
                            look()
                            time.sleep(0.25)
                    wait_until(
                        look,
                        SHOW_SECONDS + 5,
                        lambda: (
                            f"{WATCHED}'s answers not on process B: "
                            f"{sorted(set(DATA) - set(seen_on_b))}"
                        ),
                    )
                    for tutor in tutors.values():
                        tutor.expect_saved(timeout=60_000)
                    for team, (_process, answers) in TUTORS.items():
                        for item, answer in zip(DATA, answers, strict=True):
                            tutors[team].expect_answer(item, answer)
                            tutors[team].expect_note(item, _note(team, item))
                    wait_until(
                        lambda: not any(_problems(remote, key, workshop).values()),
                        30,
                        lambda: f"the sheet is not right: {_problems(remote, key, workshop)}",
                    )
            finally:
                keep_log("two-processes", tmp_path)
                browser.close()

        problems = _problems(remote, key, workshop)
        app_user = fake.service_account_info()["client_email"]
        figures = request_figures(remote.requests_log(), app_user)
    print(
        f"\ntwo processes: {time.monotonic() - started:.0f} s; the app's peak "
        f"{figures.peak_app} requests in 60 s, {figures.requests_by_user.get(app_user)} in all, "
        f"{figures.quota_refusals} refused for quota; Team A's answers on process B after "
        f"at most {max(seen_on_b.values()):.1f} s"
    )
    assert not any(problems.values()), problems
    assert figures.quota_refusals == 0, figures
    assert figures.peak_app["all"] <= APP_PEAK, figures
    # One send slot for both processes: at most one commit (one write) per 4 s between them.
    assert figures.peak_app["write"] <= 60 / SEND_INTERVAL + 1, figures
    late = {item: round(s, 1) for item, s in seen_on_b.items() if s > SHOW_SECONDS}
    assert not late, f"shown on process B later than {SHOW_SECONDS} s: {late}"
    assert not watch.seen, watch.seen
    for log in tmp_path.glob("streamlit-*.log"):
        assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def _note(team: str, item: str) -> str:
    return f"{team}: evidence for {item}"


def _problems(remote, key: str, workshop) -> dict[str, list[str]]:
    return {
        team: sheet_problems(
            remote.values(key, workshop.worksheets[team]),
            {item: (answer, _note(team, item)) for item, answer in zip(DATA, answers, strict=True)},
            ALL,
        )
        for team, (_process, answers) in TUTORS.items()
    }
