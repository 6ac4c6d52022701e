"""Soak on the Sheets backend: four tutors and a person typing into the sheet, side by side.

Four tutors, each in their own browser, answer the Data section item after
item (answer, note, Ctrl+Enter) while a person, another Google user, types into
the same worksheets: Japanese variants (``0,5``, ``対象外``) into the score of an
item its tutor already finished, and scores with notes into Model items no
tutor touches. An auditor, a third user, reads the whole sheet every 1.5 s
(40 requests a minute, under the fake's 60 per user) and checks every sample:

* a cell, once filled, is never blanked, and changes only along what its
  writers typed, in order (a tutor's note may be replaced by the same tutor's
  later edit; a score by the person's);
* no item's row is ever there twice.

Afterwards: the person's cells hold exactly what the person typed, their values
showed on the tutor's page within 15 s, and every tutor answer and note is in
the sheet once. The scenario runs three times with a fresh app and fake, and
once more with two processes keeping both CPUs busy.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.browser import launch, save_screenshot, scroll_to_top_of
from tests.support.fake_sheets import gspread_client, spawn_fake
from tests.support.rehearsal import ExceptionWatch, other_user
from tests.support.server import streamlit_app
from tests.support.sheets_e2e import (
    TutorPage,
    artifacts_on_failure,
    create_sheets_workshop,
    keep_log,
    rubric,
    section_items,
    sheet_fields,
    sheet_problems,
    sheets_env,
    wait_until,
)
from workshop.store.sheets.layout.a1 import quote_title

pytestmark = pytest.mark.browser

TEAMS = ("Team A", "Team B", "Team C", "Team D")
DATA = section_items("data")
ALL = [item.id for item in rubric().items]
ANSWERS = {
    "Team A": ("1", "0", "0.5", "1", "N/A", "0", "0.5"),
    "Team B": ("0.5", "N/A", "1", "0", "0.5", "1", "N/A"),
    "Team C": ("0", "1", "0.5", "0.5", "1", "N/A", "0"),
    "Team D": ("1", "0.5", "0", "1", "0", "0.5", "1"),
}
#: What each tutor writes (item -> (answer, note)); Team C writes in Japanese.
PLAN = {
    team: {
        item: (
            answer,
            f"{item}: スキーマで検証 ({team})"
            if team == "Team C"
            else f"{team} evidence for {item}: https://example.com/{item}",
        )
        for item, answer in zip(DATA, answers, strict=True)
    }
    for team, answers in ANSWERS.items()
}
#: At the end each tutor rewrites the note of data-1 (the only allowed change of a note).
REVISED = {team: f"revised by {team}: owner is the platform team" for team in TEAMS}
#: The person types a score into an item its tutor finished: (item, typed, the page's radio).
OVERRIDE = {
    "Team A": ("data-2", "対象外", "N/A"),
    "Team B": ("data-3", "0,5", "0.5"),
    "Team C": ("data-5", "対象外", "N/A"),
    "Team D": ("data-1", "0,5", "0.5"),  # the tutor later edits data-1's note: score stays
}
#: Model items no tutor touches: typed early in the run, and while the tutor looks at them.
EARLY = {team: ("model-2", "0,5", "0.5", f"手作業で確認済み — {team}") for team in TEAMS}
LATE = {team: ("model-7", "対象外", "N/A", f"本番では対象外 — {team}") for team in TEAMS}
SAMPLE_SECONDS = 1.5
SHOW_SECONDS = 15.0


def _allowed() -> dict[tuple[str, str, str], list[str]]:
    """(team, item, "score"/"note") -> the values the cell may hold, in the order written."""
    allowed: dict[tuple[str, str, str], list[str]] = {}
    for team in TEAMS:
        for item in ALL:
            allowed[(team, item, "score")] = []
            allowed[(team, item, "note")] = []
        for item, (answer, note) in PLAN[team].items():
            allowed[(team, item, "score")] = [answer]
            allowed[(team, item, "note")] = [note]
        allowed[(team, "data-1", "note")].append(REVISED[team])
        item, typed, _shown = OVERRIDE[team]
        allowed[(team, item, "score")].append(typed)
        for item, typed, _shown, note in (EARLY[team], LATE[team]):
            allowed[(team, item, "score")] = [typed]
            allowed[(team, item, "note")] = [note]
    return allowed


def _expected_end(team: str) -> dict[str, tuple[str, str]]:
    expected = dict(PLAN[team])
    expected["data-1"] = (expected["data-1"][0], REVISED[team])
    item, typed, _shown = OVERRIDE[team]
    expected[item] = (typed, expected[item][1])
    for item, typed, _shown, note in (EARLY[team], LATE[team]):
        expected[item] = (typed, note)
    return expected


class Auditor(threading.Thread):
    """Reads every group worksheet in one request every 1.5 s and checks each sample."""

    def __init__(self, info: dict, base_url: str, key: str, worksheets: dict[str, str]) -> None:
        super().__init__(name="auditor", daemon=True)
        self.book = gspread_client(info, base_url).open_by_key(key)
        self.worksheets = worksheets
        self.allowed = _allowed()
        self.position: dict[tuple[str, str, str], int] = {}
        self.violations: list[str] = []
        self.errors: list[str] = []
        self.samples = 0
        self.latest: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self.stop = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        teams = list(self.worksheets)
        ranges = [quote_title(self.worksheets[team]) for team in teams]
        while not self.stop.is_set():
            began = time.monotonic()
            try:
                reply = self.book.values_batch_get(ranges)
            except Exception as error:  # a failed sample is reported, not a reason to stop
                self.errors.append(f"{type(error).__name__}: {error}"[:300])
            else:
                for team, found in zip(teams, reply.get("valueRanges", []), strict=True):
                    self._check(team, sheet_fields(found.get("values", [])))
                self.samples += 1
            self.stop.wait(max(0.0, SAMPLE_SECONDS - (time.monotonic() - began)))

    def _check(self, team: str, fields: dict[str, list[tuple[str, str]]]) -> None:
        self.latest[team] = fields
        at = f"{time.monotonic() - self.started_at:.1f} s"
        for item in ALL:
            rows = fields.get(item, [])
            if len(rows) != 1:
                self.violations.append(f"{at} {team} {item}: {len(rows)} rows {rows}")
                continue
            for name, value in zip(("score", "note"), rows[0], strict=True):
                key = (team, item, name)
                seen = self.position.get(key, -1)
                if value == "":
                    if seen >= 0:
                        self.violations.append(
                            f"{at} {team} {item} {name} blanked (was {self.allowed[key][seen]!r})"
                        )
                    continue
                if value not in self.allowed[key]:
                    self.violations.append(f"{at} {team} {item} {name} = {value!r}: never typed")
                    continue
                index = self.allowed[key].index(value)
                if index < seen:
                    self.violations.append(
                        f"{at} {team} {item} {name} went back to {value!r} from "
                        f"{self.allowed[key][seen]!r}"
                    )
                self.position[key] = max(seen, index)

    def finished(self, team: str, item: str, done: tuple[str, str]) -> bool:
        """The last sample holds the tutor's answer and a note of the tutor's for ``item``."""
        rows = self.latest.get(team, {}).get(item, [])
        notes = self.allowed[(team, item, "note")]
        return len(rows) == 1 and rows[0][0] == done[0] and rows[0][1] in notes


class Person:
    """Somebody typing into the sheet (USER_ENTERED, as in the browser)."""

    def __init__(self, info: dict, base_url: str, key: str, worksheets: dict[str, str]) -> None:
        book = gspread_client(info, base_url).open_by_key(key)
        self.sheets = {team: book.worksheet(title) for team, title in worksheets.items()}
        header = self.sheets[TEAMS[0]].row_values(1)
        self.score_col = chr(ord("A") + header.index("score"))
        self.note_col = chr(ord("A") + header.index("note"))
        self.rows = {
            team: {item: n for n, item in enumerate(sheet.col_values(1), start=1)}
            for team, sheet in self.sheets.items()
        }
        self.typed: list[tuple[str, str, str, str, float]] = []  # team, item, radio, note, at
        self.untimed: list[tuple[str, str, str, str]] = []  # typed before the page could show it

    def type(
        self,
        team: str,
        item: str,
        score: str,
        shown: str,
        note: str | None = None,
        *,
        timed: bool = True,
    ) -> None:
        row = self.rows[team][item]
        cells = f"{self.score_col}{row}" + (f":{self.note_col}{row}" if note is not None else "")
        values = [[score] if note is None else [score, note]]
        self.sheets[team].update(values, cells, value_input_option="USER_ENTERED")
        if timed:
            self.typed.append((team, item, shown, note or "", time.monotonic()))
        else:
            self.untimed.append((team, item, shown, note or ""))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.mark.parametrize("run", ["1", "2", "3", "busy-cpu"])
def test_tutors_and_a_person_in_the_sheet_never_overwrite_each_other(
    run: str, browser: Browser, tmp_path: Path
) -> None:
    busy = []
    if run == "busy-cpu":  # both cores of the machine taken by something else
        busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        _scenario(browser, tmp_path, f"soak-{run}")
    finally:
        for process in busy:
            process.kill()
            process.wait()


def _scenario(browser: Browser, tmp_path: Path, name: str) -> None:
    started = time.monotonic()
    with spawn_fake(tmp_path, quota=60) as fake:
        remote = fake.remote
        key = remote.create_spreadsheet("Soak")
        workshop = create_sheets_workshop(fake, key, TEAMS)
        worksheets = {team: workshop.worksheets[team] for team in TEAMS}
        info = fake.service_account_info()
        person = Person(other_user(info, "person"), fake.base_url, key, worksheets)
        auditor = Auditor(other_user(info, "auditor"), fake.base_url, key, worksheets)
        watch = ExceptionWatch()
        contexts = [
            watch.attach(browser.new_context(viewport={"width": 1280, "height": 900}), team)
            for team in TEAMS
        ]
        tutors = {
            team: TutorPage(c.new_page(), team) for team, c in zip(TEAMS, contexts, strict=True)
        }
        pages = {team: tutor.page for team, tutor in tutors.items()}
        shown_after: dict[tuple[str, str], float] = {}
        overridden: set[str] = set()
        timeline: list[str] = []

        def look() -> bool:
            """Note when each value the person typed first shows on its tutor's page."""
            for team, item, radio, note, at in person.typed:
                if (team, item) in shown_after:
                    continue
                page = tutors[team]
                if page.shows_answer(item, radio) and (not note or page.shows_note(item, note)):
                    shown_after[(team, item)] = time.monotonic() - at
            return len(shown_after) == len(person.typed)

        def end_problems() -> dict[str, list[str]]:
            return {
                team: sheet_problems(remote.values(key, worksheets[team]), _expected_end(team), ALL)
                for team in TEAMS
            }

        def mark(what: str) -> None:
            timeline.append(f"{time.monotonic() - started:.0f} s {what}")

        def unseen() -> str:
            return ", ".join(f"{t} {i}" for t, i, *_ in person.typed if (t, i) not in shown_after)

        def override_finished() -> bool:
            """The person types into the score of an item once its tutor's work is in the sheet."""
            for team in TEAMS:
                target, typed, radio = OVERRIDE[team]
                if team not in overridden and auditor.finished(team, target, PLAN[team][target]):
                    person.type(team, target, typed, radio)
                    overridden.add(team)
            return len(overridden) == len(TEAMS)

        try:
            with (
                artifacts_on_failure(name, pages),
                streamlit_app(tmp_path, sheets_env(fake, key), timeout=90) as server,
            ):
                for team, tutor in tutors.items():
                    tutor.open(workshop.link(server.url, team))
                auditor.start()
                mark("pages open")
                for number, item in enumerate(DATA, start=1):
                    for team, tutor in tutors.items():
                        answer, note = PLAN[team][item]
                        tutor.answer(item, answer)
                        tutor.note(item, note)
                        look()
                    if number == 2:  # never touched by the tutors; on their pages' Model tab
                        for team in TEAMS:
                            model_item, typed, radio, note = EARLY[team]
                            person.type(team, model_item, typed, radio, note, timed=False)
                    override_finished()
                for team, tutor in tutors.items():
                    tutor.note("data-1", REVISED[team])
                    look()
                mark("section done")
                wait_until(override_finished, 30, "the tutors' answers did not all reach the sheet")
                wait_until(look, SHOW_SECONDS + 5, lambda: f"not shown on Data: {unseen()}")

                # The tutors look at the Model tab; the person types into an item there.
                mark("person's edits shown")
                for tutor in tutors.values():
                    tutor.open_tab("Model", "model-7")
                for team in TEAMS:
                    model_item, typed, radio, note = LATE[team]
                    person.type(team, model_item, typed, radio, note)
                wait_until(look, SHOW_SECONDS + 5, lambda: f"not shown on Model: {unseen()}")
                for team, tutor in tutors.items():  # typed early, there all along
                    model_item, _typed, radio, note = EARLY[team]
                    tutor.expect_answer(model_item, radio)
                    tutor.expect_note(model_item, note)
                scroll_to_top_of(tutors["Team D"].page, "model-7 ·")
                save_screenshot(tutors["Team D"].page, f"{name}-team-d-model.png", readme=False)

                # Each page shows what its tutor and the person wrote, all saved.
                for team, tutor in tutors.items():
                    tutor.open_tab("Data", "data-1")
                    for item, (answer, note) in _expected_end(team).items():
                        if item.startswith("data-"):
                            radio = OVERRIDE[team][2] if item == OVERRIDE[team][0] else answer
                            tutor.expect_answer(item, radio)
                            tutor.expect_note(item, note)
                mark("pages checked")
                for tutor in tutors.values():
                    tutor.expect_saved(timeout=60_000)
                wait_until(
                    lambda: not any(end_problems().values()),
                    30,
                    lambda: f"the sheet does not hold what everyone wrote: {end_problems()}",
                )
                mark("all saved")
                time.sleep(2 * SAMPLE_SECONDS)  # the auditor sees the final state too
        finally:
            auditor.stop.set()
            auditor.join(10)
            for line in auditor.violations[:40]:  # shown with any failure, the first cause
                print(f"auditor: {line}")
            keep_log(name, tmp_path)
            for context in contexts:
                context.close()

        problems = end_problems()
    took = time.monotonic() - started
    slowest = max(shown_after.values(), default=0.0)
    print(
        f"\n{name}: {took:.0f} s, {auditor.samples} samples, person's values shown after "
        f"at most {slowest:.1f} s, {len(auditor.errors)} failed samples, "
        f"{sum(t.tab_retries for t in tutors.values())} tab clicks repeated; " + ", ".join(timeline)
    )
    assert not auditor.violations, "\n".join(auditor.violations[:40])
    assert not any(problems.values()), problems
    assert auditor.samples >= took / (SAMPLE_SECONDS * 2), (auditor.samples, auditor.errors)
    assert len(shown_after) == len(person.typed) == 2 * len(TEAMS)
    late = {key: round(s, 1) for key, s in shown_after.items() if s > SHOW_SECONDS}
    assert not late, f"shown on the tutor's page later than {SHOW_SECONDS} s: {late}"
    assert not watch.seen, watch.seen
