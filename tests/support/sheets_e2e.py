"""Helpers for the browser tests of the Sheets backend's outbox, sender and shared copy.

``tests/test_e2e_sheets_outbox.py``, ``tests/test_e2e_sheets_soak.py`` and
``tests/test_e2e_two_processes.py`` share what is here:

* a workshop created straight on the fake through the store (fast, and charged
  to a *setup* user of the fake, not to the app's service account, whose
  requests the tests count);
* the environment that points ``streamlit run`` at the fake;
* a tutor's page: answers, notes, and what the page shows of them;
* the sheet's rows by item id, to see a value that is missing or there twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.support.browser import ARTIFACTS, field_selector, wait_for_app
from tests.support.fake_sheets import FakeProcess
from tests.support.rehearsal import options_of, other_user
from tests.support.server import KEYS
from workshop import clock as clk
from workshop.content import load_catalog
from workshop.content.model import Rubric
from workshop.models import Group
from workshop.store.sheets import SheetsStore, clear_shared_books
from workshop.workshops import GroupDraft, create_workshop

PASSCODE = "sheets-e2e-passcode"
AGENDA_ID = "standard-60"
#: The agenda's segment index of each rubric section (standard-60: 0 is the introduction).
SEGMENT = {"data": 1, "model": 2, "infra": 3, "monitor": 4}
NOT_SAVED = "not saved yet"
SAVED = "All changes saved"


def rubric() -> Rubric:
    return load_catalog().rubrics["ml-test-score"]


def section_items(section: str) -> list[str]:
    return [item.id for item in rubric().items if item.id.startswith(f"{section}-")]


def sheets_env(fake: FakeProcess, key: str, **extra: str) -> dict[str, str]:
    """What ``streamlit run`` needs to use the fake as its Google Sheet."""
    return {
        "WORKSHOP_STORE": "sheets",
        "WORKSHOP_SHEET": key,
        "GOOGLE_APPLICATION_CREDENTIALS": str(fake.service_account_file),
        "WORKSHOP_SHEETS_ENDPOINT": fake.base_url,
        **extra,
    }


@dataclass(frozen=True)
class SheetsWorkshop:
    key: str
    workshop_id: str
    groups: tuple[Group, ...]
    worksheets: Mapping[str, str]  # group name -> worksheet title

    def group(self, name: str) -> Group:
        return next(g for g in self.groups if g.name == name)

    def link(self, base: str, name: str) -> str:
        group = self.group(name)
        return f"{base}/tutor?w={self.workshop_id}&g={group.id}&code={KEYS.join_code(group)}"


def create_sheets_workshop(
    fake: FakeProcess, key: str, names: Sequence[str], *, section: str = "data"
) -> SheetsWorkshop:
    """A workshop on the fake's spreadsheet with its clock running in ``section``.

    Written by a user of its own (``setup``), so none of it counts against the
    app's service account in the fake's quota and figures.
    """
    clear_shared_books()
    info = other_user(fake.service_account_info(), "setup")
    store = SheetsStore(key, info, endpoint=fake.base_url)
    try:
        workshop, groups = create_workshop(
            store, title="Sheets round", date="2026-12-02", language="en",
            rubric_id="ml-test-score", agenda_id=AGENDA_ID, passcode=PASSCODE,
            groups=[GroupDraft(name, f"System of {name}", "production", f"Tutor {name}")
                    for name in names],
        )  # fmt: skip
        agenda = load_catalog().agendas[AGENDA_ID]
        state = clk.start(agenda, store.snapshot(workshop.id).clock, time.time())
        store.set_clock(workshop.id, clk.jump(agenda, state, SEGMENT[section], time.time()))
        titles = store.group_worksheets(workshop.id)
        return SheetsWorkshop(
            key, workshop.id, tuple(groups), {g.name: titles[g.id] for g in groups}
        )
    finally:
        store.close()
        clear_shared_books()


# --------------------------------------------------------------------------- the sheet


def sheet_fields(rows: Sequence[Sequence[Any]]) -> dict[str, list[tuple[str, str]]]:
    """Item id -> every (score, note) found for it in a group worksheet (duplicates show)."""
    if not rows:
        return {}
    header = [str(name).strip().lower() for name in rows[0]]
    item_col, score_col, note_col = (header.index(c) for c in ("item_id", "score", "note"))

    def cell(row: Sequence[Any], col: int) -> str:
        return str(row[col]) if col < len(row) and row[col] is not None else ""

    found: dict[str, list[tuple[str, str]]] = {}
    for row in rows[1:]:
        item = cell(row, item_col).strip()
        if item:
            found.setdefault(item, []).append((cell(row, score_col), cell(row, note_col)))
    return found


def sheet_problems(
    rows: Sequence[Sequence[Any]], expected: Mapping[str, tuple[str, str]], items: Sequence[str]
) -> list[str]:
    """What is wrong with a worksheet: each of ``items`` once, with ``expected`` (or blank)."""
    found = sheet_fields(rows)
    problems = []
    for item in items:
        values = found.get(item, [])
        want = expected.get(item, ("", ""))
        if values != [want]:
            problems.append(f"{item}: the sheet has {values}, expected [{want}]")
    extra = sorted(set(found) - set(items))
    if extra:
        problems.append(f"rows for unknown items {extra}")
    return problems


# --------------------------------------------------------------------------- a tutor's page


@dataclass
class TutorPage:
    """One tutor's page: clicks answers, writes notes, checks what the page shows."""

    page: Page
    name: str = ""
    tab_retries: int = 0

    def open(self, link: str) -> None:
        self.page.goto(link)
        wait_for_app(self.page, timeout=60_000)
        expect(self.page.locator(field_selector("ans", "data-1"))).to_be_visible(timeout=60_000)

    def _field(self, kind: str, item: str):
        return self.page.locator(field_selector(kind, item))

    def answer(self, item: str, value: str) -> None:
        index = options_of(rubric(), item).index(value)
        self._field("ans", item).locator('label[data-testid="stRadioOption"]').nth(index).click(
            timeout=30_000
        )

    def note(self, item: str, text: str) -> None:
        box = self._field("note", item).locator("textarea")
        box.click(timeout=30_000)
        box.fill(text)
        box.press("Control+Enter")  # Streamlit sends a text area's value on Ctrl+Enter or blur

    def expect_answer(self, item: str, value: str, timeout: float = 15_000) -> None:
        index = options_of(rubric(), item).index(value)
        radio = self._field("ans", item).locator("input[type=radio]").nth(index)
        expect(radio).to_be_checked(timeout=timeout)

    def expect_note(self, item: str, text: str, timeout: float = 15_000) -> None:
        expect(self._field("note", item).locator("textarea")).to_have_value(text, timeout=timeout)

    def open_tab(self, label: str, first_item: str) -> None:
        """Click a section's tab until its items show.

        A click that lands while the page reruns can be undone by that run
        (the tab bar is drawn again with the section it had); a person clicks
        again, and so does this helper, counting it in ``tab_retries``.
        """
        tab = self.page.get_by_role("tab", name=label)
        for _attempt in range(3):
            tab.click(timeout=30_000)
            try:
                expect(self._field("ans", first_item)).to_be_visible(timeout=5_000)
                return
            except AssertionError:
                self.tab_retries += 1
        expect(self._field("ans", first_item)).to_be_visible(timeout=1_000)

    def shows_answer(self, item: str, value: str) -> bool:
        """Whether the page shows ``value`` checked for ``item`` now (no waiting)."""
        index = options_of(rubric(), item).index(value)
        return self.page.evaluate(
            """([selector, index]) => [...document.querySelectorAll(selector)].some(field => {
                const radios = field.querySelectorAll('input[type=radio]');
                return radios.length > index && radios[index].checked;
            })""",
            [field_selector("ans", item), index],
        )

    def shows_note(self, item: str, text: str) -> bool:
        """Whether the page shows ``text`` as the note of ``item`` now (no waiting)."""
        return self.page.evaluate(
            """([selector, text]) => [...document.querySelectorAll(selector)].some(
                field => [...field.querySelectorAll('textarea')].some(t => t.value === text))""",
            [field_selector("note", item), text],
        )

    def expect_text(self, text: str, timeout: float = 15_000) -> None:
        expect(self.page.get_by_text(text).first).to_be_visible(timeout=timeout)

    def expect_saved(self, timeout: float = 30_000) -> None:
        self.expect_text(SAVED, timeout)

    def rendered_at(self) -> float:
        """When the server last rendered the page's countdown (epoch seconds)."""
        found = self.page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="countdown"]')]
                .map(e => parseFloat(e.getAttribute('data-rendered-at') || '0'))"""
        )
        return max(found, default=0.0)


def wait_until(
    condition: Callable[[], object],
    timeout: float,
    message: str | Callable[[], str],
    interval: float = 0.25,
) -> None:
    """Poll ``condition`` until it is true; fail with ``message`` (or what it returns)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


@contextmanager
def artifacts_on_failure(name: str, pages: Mapping[str, Page]):
    """On failure, keep a screenshot and the text of every page in test-artifacts/."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        for role, page in pages.items():
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-failed-{role}.png"))
                text = page.evaluate("() => document.body.innerText")
                (ARTIFACTS / f"{name}-failed-{role}.txt").write_text(
                    f"url: {page.url}\n\n{text}", encoding="utf-8"
                )
            except Exception:  # a closed page cannot be photographed; the others still are
                pass
        raise


def keep_log(name: str, workdir: Path) -> None:
    """Copy the app's logs next to the artifacts (for whoever reads a failure)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for log in sorted(workdir.glob("streamlit-*.log")):
        (ARTIFACTS / f"{name}-{log.name}").write_text(
            log.read_text(encoding="utf-8", errors="replace"), encoding="utf-8"
        )
