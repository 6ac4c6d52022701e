"""The worksheets a workshop needs, planned against a fresh read: never touching answers.

Creating a workshop, adding a group and "Prepare the sheet" all come down to
the same steps: add what is missing (the Settings, Groups and Actions
worksheets, a group's worksheet with one row per rubric item, the score
dropdown, frozen header rows), add header cells after the last one a person
left (nothing is overwritten), and add the rows of items a worksheet lacks.
A :class:`StructurePlan` collects them, to be sent as at most two requests:
the structure first (new worksheets must exist before values go in), then
the values. Running a plan twice changes nothing the second time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workshop.content.model import Rubric
from workshop.models import ClockState, Group, Workshop
from workshop.scoring import normalize_item_id
from workshop.store.sheets.book import BookState
from workshop.store.sheets.layout.a1 import row_updates
from workshop.store.sheets.layout.answer_sheet import (
    answer_sheet_values,
    item_row_values,
    score_choices,
)
from workshop.store.sheets.layout.cells import as_row, cell, next_free_row
from workshop.store.sheets.layout.columns import (
    ACTIONS,
    ANSWERS_HEADER,
    GROUP_SHEET_HEADER,
    GROUPS,
    HEADERS,
    HOSTS,
    HOSTS_HEADER,
    RETIRED_SECRET_COLUMNS,
    SETTINGS,
    SPARE_ROWS,
    Header,
    read_header,
)
from workshop.store.sheets.layout.groups_table import GroupRow, group_values, group_worksheet_title
from workshop.store.sheets.layout.parsed import ParsedBook
from workshop.store.sheets.layout.settings_table import clock_values, workshop_values
from workshop.store.sheets.layout.structure import (
    add_sheet_request,
    find_title,
    freeze_header_request,
    grow_request,
    protect_sheet_request,
    score_validation_request,
)

#: A row to append, with the key (workshop, group or item id) that finds it again.
NewRow = tuple[str, list[str]]


@dataclass
class PrepareReport:
    """What :meth:`SheetsStore.prepare` created; empty lists mean all was in place."""

    worksheets: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # "worksheet: column" added to row 1
    item_rows: dict[str, list[str]] = field(default_factory=dict)  # worksheet -> item ids
    hosts_reprotected: bool = False  # Hosts had lost its protection: protected, hashes emptied
    secrets_emptied: int = 0  # cells of version 0.1's secret columns emptied

    @property
    def changed(self) -> bool:
        return bool(
            self.worksheets
            or self.headers
            or self.item_rows
            or self.hosts_reprotected
            or self.secrets_emptied
        )


@dataclass
class StructurePlan:
    """Structure requests and value writes of one change, sent as two requests at most."""

    state: BookState  # the fresh read this plan is made against
    account: str = ""  # the app's account: the only editor of the Hosts worksheet
    requests: list[dict[str, Any]] = field(default_factory=list)
    new_titles: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)

    def write(self, title: str, row: int, cells: dict[int, str]) -> None:
        self.data.extend(row_updates(title, row, cells))

    def taken_titles(self) -> set[str]:
        return set(self.state.sheets) | set(self.new_titles)

    def new_sheet_id(self) -> int:
        used = {info.sheet_id for info in self.state.sheets.values()}
        used |= {r["addSheet"]["properties"]["sheetId"] for r in self.requests if "addSheet" in r}
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def fixed_sheets(
        self, tables: ParsedBook, report: PrepareReport | None = None
    ) -> dict[str, Header]:
        """Settings/Groups/Actions with their headers; returns where each column is."""
        headers: dict[str, Header] = {}
        found = {
            SETTINGS: tables.settings.header,
            GROUPS: tables.groups.header,
            ACTIONS: tables.actions.header,
            HOSTS: read_header(
                tables.values.get(find_title(tables.values, HOSTS) or "") or [], HOSTS_HEADER
            ),
        }
        for title, expected in HEADERS.items():
            stored = find_title(self.state.sheets, title)
            if stored is None:
                sheet_id = self.new_sheet_id()
                request = add_sheet_request(title, sheet_id, 100, len(expected))
                self.requests.append(request)
                if title == HOSTS:  # hidden, and only the app may edit it
                    request["addSheet"]["properties"]["hidden"] = True
                    self.requests.append(protect_sheet_request(sheet_id, self.account))
                self.new_titles.append(title)
                self.write(title, 1, dict(enumerate(expected)))
                headers[title] = Header({n: i for i, n in enumerate(expected)}, len(expected))
                if report is not None:
                    report.worksheets.append(title)
                continue
            header = self.complete_header(stored, found[title], expected, report)
            self.requests.append(freeze_header_request(self.state.sheets[stored].sheet_id))
            headers[title] = header
        return headers

    def complete_header(
        self, title: str, header: Header, expected: Sequence[str], report: PrepareReport | None
    ) -> Header:
        """Add missing column names after the last header cell (nothing is overwritten)."""
        missing = [name for name in expected if not header.has(name)]
        if not missing:
            return header
        start = header.width
        cells = {start + i: name for i, name in enumerate(missing)}
        info = self.state.sheets[title]
        needed = start + len(missing)
        if needed > info.column_count:
            self.requests.append(grow_request(info.sheet_id, "COLUMNS", needed - info.column_count))
        self.write(title, 1, cells)
        if report is not None:
            report.headers.extend(f"{title}: {name}" for name in missing)
        columns = dict(header.columns)
        columns.update({name: col for col, name in cells.items()})
        return Header(columns, needed)

    def group_sheet(self, title: str, rubric: Rubric | None, lang: str) -> None:
        """A new group worksheet: header, one row per item, dropdown, frozen header."""
        sheet_id = self.new_sheet_id()
        rows = answer_sheet_values(rubric, lang) if rubric else [list(GROUP_SHEET_HEADER)]
        total = len(rows) + SPARE_ROWS
        self.requests.append(add_sheet_request(title, sheet_id, total, len(GROUP_SHEET_HEADER)))
        score_col = ANSWERS_HEADER.index("score")
        choices = score_choices(rubric)
        self.requests.append(score_validation_request(sheet_id, score_col, total, choices))
        self.new_titles.append(title)
        for number, row in enumerate(rows, start=1):
            self.write(title, number, dict(enumerate(row)))

    def complete_group_sheet(
        self, title: str, rubric: Rubric | None, lang: str, report: PrepareReport
    ) -> None:
        """An existing group worksheet: missing header cells and item rows, dropdown, frozen row."""
        values = self.state.values.get(title, [])
        header = read_header(values, GROUP_SHEET_HEADER)
        header = self.complete_header(title, header, GROUP_SHEET_HEADER, report)
        info = self.state.sheets[title]
        next_row = next_free_row(values)
        if rubric is not None:
            present = {normalize_item_id(cell(row, header.col("item_id"))) for row in values[1:]}
            added = []
            for item in rubric.items:
                if item.id in present:
                    continue
                self.write(title, next_row, header.cells(item_row_values(rubric, item.id, lang)))
                next_row += 1
                added.append(item.id)
            if added:
                report.item_rows[title] = added
        end_row = max(info.row_count, next_row - 1 + SPARE_ROWS)
        if end_row > info.row_count:
            self.requests.append(grow_request(info.sheet_id, "ROWS", end_row - info.row_count))
        self.requests.append(freeze_header_request(info.sheet_id))
        score_col = header.col("score")
        if score_col is not None:
            choices = score_choices(rubric)
            self.requests.append(
                score_validation_request(info.sheet_id, score_col, end_row, choices)
            )


def new_workshop(
    state: BookState,
    tables: ParsedBook,
    workshop: Workshop,
    groups: Sequence[Group],
    rubric: Rubric | None,
    account: str,
) -> tuple[StructurePlan, list[NewRow], list[NewRow]]:
    """The worksheets of a new workshop, and its Settings and Groups rows to append."""
    plan = StructurePlan(state, account)
    headers = plan.fixed_sheets(tables)
    taken = plan.taken_titles()
    group_rows = []
    for group in groups:
        title = group_worksheet_title(group.name, workshop.date, taken)
        taken.add(title)
        plan.group_sheet(title, rubric, workshop.language)
        group_rows.append((group.id, as_row(headers[GROUPS].cells(group_values(group, title)))))
    values = {**workshop_values(workshop), **clock_values(ClockState())}
    settings_rows = [(workshop.id, as_row(headers[SETTINGS].cells(values)))]
    return plan, settings_rows, group_rows


def new_group(
    state: BookState,
    tables: ParsedBook,
    workshop: Workshop,
    group: Group,
    rubric: Rubric | None,
    account: str,
) -> tuple[StructurePlan, NewRow]:
    """A new group's worksheet (and the fixed ones, if missing), and its Groups row."""
    plan = StructurePlan(state, account)
    headers = plan.fixed_sheets(tables)
    title = group_worksheet_title(group.name, workshop.date, plan.taken_titles())
    plan.group_sheet(title, rubric, workshop.language)
    return plan, (group.id, as_row(headers[GROUPS].cells(group_values(group, title))))


def renamed_worksheet(
    state: BookState, current: GroupRow, group: Group, workshop: Workshop
) -> tuple[int, str] | None:
    """(sheet id, new title) when a renamed group's worksheet should follow its name.

    Only a worksheet still named after the group is renamed, and only to a title
    that is free; a worksheet a person named otherwise keeps its name.
    """
    stored = find_title(state.sheets, current.worksheet)
    if group.name == current.group.name or stored is None:
        return None
    others = {t for t in state.sheets if t != stored}
    wanted = group_worksheet_title(group.name, workshop.date, others)
    if wanted != stored and stored == group_worksheet_title(
        current.group.name, workshop.date, others
    ):
        return state.sheets[stored].sheet_id, wanted
    return None


def prepared(
    state: BookState, tables: ParsedBook, workshop: Workshop, rubric: Rubric | None, account: str
) -> tuple[StructurePlan, PrepareReport]:
    """Whatever the workshop is missing in the sheet (see the module docstring)."""
    report = PrepareReport()
    plan = StructurePlan(state, account)
    plan.fixed_sheets(tables, report)
    taken = plan.taken_titles()
    for group_row in tables.groups.of_workshop(workshop.id):
        stored = find_title(state.sheets, group_row.worksheet)
        if stored is not None:
            plan.complete_group_sheet(stored, rubric, workshop.language, report)
            continue
        title = group_row.worksheet
        if title.casefold() in {t.casefold() for t in taken}:
            title = group_worksheet_title(group_row.group.name, workshop.date, taken)
            cells = tables.groups.header.cells({"worksheet": title})
            if cells:
                plan.write(GROUPS, group_row.row, cells)
        taken.add(title)
        plan.group_sheet(title, rubric, workshop.language)
        report.worksheets.append(title)
    return plan, report


def retired_secrets(state: BookState) -> list[dict[str, Any]]:
    """The value updates that empty version 0.1's secrets (every non-empty cell of
    the retired columns of Settings and Groups).

    Nothing of them moves on: a passcode hash that sat in a worksheet anyone with
    edit access could change cannot be trusted, so a host sets a new passcode
    (``workshop sheets prepare --passcode``) or uses the app's own.
    """
    emptied: list[dict[str, Any]] = []
    for table, columns in RETIRED_SECRET_COLUMNS.items():
        title = find_title(state.values, table)
        if title is None:
            continue
        values = state.values[title]
        header = read_header(values, (*HEADERS[table], *columns))
        for name in columns:
            col = header.col(name)
            if col is None:
                continue
            for number, row in enumerate(values[1:], start=2):
                if cell(row, col).strip():
                    emptied.extend(row_updates(title, number, {col: ""}))
    return emptied
