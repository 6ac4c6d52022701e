"""Finding a workshop, a group and the group's worksheet in one read, or saying what is missing.

Reads and planners both start here: the fixed tables of a read are parsed
(:func:`parsed`), and what a write needs but a person removed (a worksheet, a
header cell) becomes a :class:`StoreConfigError` that says how to put it back,
while the group's changes wait on the tutor's page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workshop.content.model import Rubric
from workshop.models import Workshop
from workshop.store.base import NotFound, StoreConfigError
from workshop.store.sheets.book import BookState, Rows, SharedBook
from workshop.store.sheets.layout.answer_sheet import (
    AnswerSheet,
    item_row_values,
    missing_worksheet,
    parse_answer_sheet,
)
from workshop.store.sheets.layout.columns import ANSWERS_HEADER, Header
from workshop.store.sheets.layout.groups_table import GroupRow
from workshop.store.sheets.layout.parsed import ParsedBook, parse_book
from workshop.store.sheets.layout.structure import find_title
from workshop.store.sheets.rubrics import Rubrics


def parsed(state: BookState, lang: str = "en") -> ParsedBook:
    """The fixed tables of ``state``; problems worded in ``lang``."""
    return parse_book(state.values, state.sheets, lang)


def require_workshop(book: ParsedBook, workshop_id: str) -> Workshop:
    row = book.settings.rows.get(workshop_id)
    if row is None:
        raise NotFound(f"Workshop {workshop_id} does not exist in the spreadsheet.")
    return row.workshop


def require_group(book: ParsedBook, workshop_id: str, group_id: str) -> GroupRow:
    group_row = book.groups.find(workshop_id, group_id)
    if group_row is None:
        raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")
    return group_row


def require_table_columns(title: str, header: Header, needed: Sequence[str]) -> None:
    missing = [name for name in needed if not header.has(name)]
    if missing:
        raise StoreConfigError(
            f"Worksheet '{title}' has no column {', '.join(missing)} in its header row.",
            hint="Put the column name back in row 1, or press “Prepare the sheet” on the host "
            "page to add it.",
        )


def require_answer_columns(sheet: AnswerSheet, group_row: GroupRow) -> None:
    """The group's worksheet is there with the columns a save writes (section and title
    are only for people)."""
    if not sheet.present:
        raise StoreConfigError(
            f"Worksheet '{sheet.title}' of group {group_row.group.name} was not found "
            "(renamed or deleted?).",
            hint="Rename it back, or press “Prepare the sheet” on the host page to create it "
            "again; the answers are kept on this page until then.",
        )
    needed = [name for name in ANSWERS_HEADER if name not in ("section", "title")]
    require_table_columns(sheet.title, sheet.header, needed)


def answer_sheet(
    book: SharedBook, state: BookState, group_row: GroupRow, rubric: Rubric | None, lang: str = "en"
) -> AnswerSheet:
    """The group's worksheet in ``state``, parsed once while its cells stay the same."""
    title = find_title(state.values, group_row.worksheet)
    if title is None:
        return missing_worksheet(group_row.worksheet, group_row.group, lang)
    rows = state.values[title]
    key = (title, group_row.group, lang)
    cached = book.parsed.get(key)
    # Re-reads mostly return unchanged worksheets: compare the cells, skip parsing.
    if cached is not None and cached[1] is rubric and cached[0] == rows:
        return cached[2]
    sheet = parse_answer_sheet(rows, title=title, group=group_row.group, rubric=rubric, lang=lang)
    book.parsed[key] = (rows, rubric, sheet)
    return sheet


@dataclass(frozen=True)
class GroupSheet:
    """A group's worksheet as a commit found it: parsed, its cells, and its items' fixed cells."""

    sheet: AnswerSheet
    values: Rows
    new_row: Callable[[str], dict[str, str]]  # item id -> the cells of a new row for it


#: Finds a group's worksheet in a commit's read (see :func:`group_finder`).
GroupFinder = Callable[[BookState], GroupSheet]


def group_finder(
    book: SharedBook, rubrics: Rubrics, workshop_id: str, group_id: str
) -> GroupFinder:
    """What a save of the group's answers looks up in its commit's read."""
    return lambda state: group_sheet(book, state, workshop_id, group_id, rubrics)


def group_sheet(
    book: SharedBook, state: BookState, workshop_id: str, group_id: str, rubrics: Rubrics
) -> GroupSheet:
    """The group's worksheet, ready for a save; raises what stops the save."""
    tables = parsed(state)
    workshop = require_workshop(tables, workshop_id)
    group_row = require_group(tables, workshop_id, group_id)
    rubric = rubrics.get(workshop.rubric_id)
    sheet = answer_sheet(book, state, group_row, rubric)
    require_answer_columns(sheet, group_row)
    known = {item.id for item in rubric.items} if rubric is not None else set()

    def new_row(item_id: str) -> dict[str, str]:
        if rubric is not None and item_id in known:
            return item_row_values(rubric, item_id, workshop.language)
        return {"item_id": item_id}

    return GroupSheet(sheet, list(state.values.get(sheet.title, [])), new_row)
