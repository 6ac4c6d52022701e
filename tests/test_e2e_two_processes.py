"""Two app processes on one machine, as behind a proxy with sticky sessions (README, Deploying).

Both ``streamlit run`` processes use the same data folder, so they share the
outbox, the quota bucket and the send slot through files there.

* One Google Sheet: two tutors on each process answer the Data section over a
  minute; a second screen on Team A's link, served by the other process,
  follows what Team A's tutor does. The fake counts every request of the app's
  service account against Google's 60 per minute.
* One SQLite file: the host on one process starts the clock, moves on and adds a
  minute, a tutor on the other follows, both countdowns agree, and the tutor's
  answer shows on the host's board.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.browser import launch, wait_for_app
from tests.support.fake_sheets import spawn_fake
from tests.support.rehearsal import ExceptionWatch, request_figures
from tests.support.server import KEYS, streamlit_app
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
from workshop import links
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

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


# --------------------------------------------------------------------------- one SQLite file

#: How soon a change made through one process shows on a page of the other: pages ask the
#: store's revision every 1 s (3 s once the countdown ticks in the browser), plus a
#: loaded machine's slack.
CROSS_SECONDS = 6.0


def _countdown_seconds(page) -> int:
    """The countdown a person reads (``9:58``, ``+0:03`` in overtime), in whole seconds."""
    text = page.locator('[data-testid="countdown"]').first.inner_text().strip()
    sign = -1 if text.startswith("+") else 1
    minutes, seconds = text.lstrip("+").split(":")
    return sign * (int(minutes) * 60 + int(seconds))


def _seen_within(check, seconds: float, what: str) -> float:
    """Poll ``check`` until it holds; the seconds it took (fails after ``seconds`` + 10)."""
    started = time.monotonic()
    wait_until(check, seconds + 10, lambda: f"not seen in {seconds + 10:.0f} s: {what}")
    return time.monotonic() - started


def test_two_app_processes_share_one_sqlite_file_and_clock(tmp_path: Path) -> None:
    """Host on process A, Team A's tutor on process B, one SQLite file (one data folder).

    The host starts the clock, moves to the Data segment and adds a minute; the
    tutor on B sees each within a few seconds, and both countdowns agree. The
    tutor's answer on B shows on the host's board on A.
    """
    passcode = "two-process-passcode"
    store = SqliteStore(tmp_path / "e2e.sqlite3")  # the file both streamlit_app use
    try:
        workshop, groups = create_workshop(
            store, title="Two processes, one file", date="2026-12-02", language="en",
            rubric_id="ml-test-score", agenda_id="standard-60", passcode=passcode,
            groups=[GroupDraft("Team A", "Search", "production", "Aiko"),
                    GroupDraft("Team B", "Fraud", "validation", "Ben")],
        )  # fmt: skip
    finally:
        store.close()
    team_a = groups[0]
    seen: dict[str, float] = {}
    with (
        streamlit_app(tmp_path, timeout=90) as app_a,
        streamlit_app(tmp_path, timeout=90) as app_b,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        watch = ExceptionWatch()
        host = watch.attach(browser.new_context(viewport={"width": 1280, "height": 720}), "host")
        host = host.new_page()
        tutor_context = browser.new_context(viewport={"width": 1280, "height": 900})
        tutor = TutorPage(watch.attach(tutor_context, "tutor").new_page(), "tutor")
        pages = {"host on A": host, "tutor on B": tutor.page}
        try:
            with artifacts_on_failure("two-processes-sqlite", pages):
                host.goto(f"{app_a.url}/present?w={workshop.id}")
                wait_for_app(host)
                host.get_by_label("Host passcode").fill(passcode)
                host.get_by_role("button", name="Unlock").click()
                expect(host.get_by_role("button", name="Start")).to_be_visible(timeout=30_000)
                tutor.open(links.join_link(app_b.url, workshop, team_a, KEYS.join_code(team_a)))
                badge = tutor.page.locator(".mts-badge").first
                expect(badge).to_have_text("Not started", timeout=15_000)

                # Each change is timed from when process A shows it (its own run done).
                host.get_by_role("button", name="Start").click()
                expect(host.get_by_role("button", name="Pause")).to_be_visible(timeout=30_000)
                seen["start"] = _seen_within(
                    lambda: badge.inner_text().strip() == "Running",
                    CROSS_SECONDS,
                    "the clock started on A, running on B",
                )
                host.get_by_role("button", name="Next").click()
                expect(host.get_by_text("Scoring: Features and Data")).to_be_visible(timeout=30_000)
                seen["next"] = _seen_within(
                    lambda: tutor.page.get_by_text("Now: Features and Data").count() > 0,
                    CROSS_SECONDS,
                    "the host moved to Data on A, the tutor's segment on B",
                )

                # The same stored clock: both countdowns agree to the second, or nearly
                # (each page redraws on its own tick; a late tick may show a second more).
                time.sleep(2)
                differences = []
                for _sample in range(5):
                    differences.append(_countdown_seconds(host) - _countdown_seconds(tutor.page))
                    time.sleep(1)
                assert sum(abs(d) <= 1 for d in differences) >= 4, differences
                assert all(abs(d) <= 2 for d in differences), differences

                before = _countdown_seconds(tutor.page)
                host_before = _countdown_seconds(host)
                host.get_by_role("button", name="+1 min").click()
                wait_until(lambda: _countdown_seconds(host) >= host_before + 50, 30, "+1 min on A")
                seen["plus1"] = _seen_within(
                    lambda: _countdown_seconds(tutor.page) >= before + 50,
                    CROSS_SECONDS,
                    "a minute added on A, on B's countdown",
                )

                tutor.answer("data-1", "1")
                seen["answer"] = _seen_within(
                    lambda: host.get_by_text("Team A — 1/7").count() > 0,
                    CROSS_SECONDS,
                    "Team A's answer on B, on A's board",
                )
                tutor.expect_answer("data-1", "1")
                expect(tutor.page.get_by_text("All changes saved")).to_be_visible(timeout=15_000)
        finally:
            keep_log("two-processes-sqlite", tmp_path)
            browser.close()
    print(f"\ntwo processes, one SQLite file: seen on the other process after {seen}")
    late = {what: round(s, 1) for what, s in seen.items() if s > CROSS_SECONDS}
    assert not late, f"later than {CROSS_SECONDS} s on the other process: {late}"
    assert not watch.seen, watch.seen
    for log in tmp_path.glob("streamlit-*.log"):
        assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")
