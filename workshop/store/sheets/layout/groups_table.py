"""The ``Groups`` worksheet: one row per group, naming the group's own worksheet.

Groups are found by (``workshop_id``, ``group_id``); a broken row is skipped and
reported. A group's worksheet is titled after the group, or after the group and
the date when another workshop in the same spreadsheet already took the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workshop.models import PHASES, Group
from workshop.store.records import Record
from workshop.store.sheets.layout.cells import Values, next_free_row, record_texts
from workshop.store.sheets.layout.columns import (
    FIXED_SHEETS,
    GROUPS,
    GROUPS_HEADER,
    KEY_COLUMNS,
    MAX_TITLE,
    header_problems,
    read_header,
)
from workshop.store.sheets.layout.rows import CellRule, KeyedRow, KeyedTable, RowReader, keyed_rows

#: Which Groups column holds each field of a group (the worksheet's title is not a field).
GROUP_RECORD = Record(Group, renamed={"id": "group_id"})
#: How a cell is read where it is not plain text (see RowReader.record).
GROUP_CELLS: dict[str, CellRule] = {
    "name": lambda row, column: row.raw(column) or row.text("group_id"),
    "system": RowReader.raw,
    # An unreadable phase becomes "" (unknown) rather than a guess.
    "phase": lambda row, column: row.choice(column, PHASES, ""),
    "tutor": RowReader.raw,
    "link_generation": lambda row, column: max(0, row.integer(column, 0)),
}


@dataclass(frozen=True)
class GroupRow(KeyedRow):
    group: Group
    worksheet: str


@dataclass(frozen=True)
class GroupsTable(KeyedTable[tuple[GroupRow, ...]]):
    def of_workshop(self, workshop_id: str) -> list[GroupRow]:
        """The workshop's groups by position (then row order)."""
        found = [row for row in self.rows if row.group.workshop_id == workshop_id]
        return sorted(found, key=lambda row: (row.group.position, row.row))

    def find(self, workshop_id: str, group_id: str) -> GroupRow | None:
        for row in self.rows:
            if row.group.workshop_id == workshop_id and row.group.id == group_id:
                return row
        return None


def parse_groups(values: Values | None, lang: str = "en") -> GroupsTable:
    """Groups of every workshop; rows without ids or repeating one are skipped."""
    if values is None:
        return GroupsTable.absent(())
    header = read_header(values, GROUPS_HEADER)
    problems = header_problems(GROUPS, header, GROUPS_HEADER, KEY_COLUMNS[GROUPS], lang)
    rows: list[GroupRow] = []
    if header.has(*KEY_COLUMNS[GROUPS]):
        for index, reader, (_workshop_id, group_id) in keyed_rows(
            GROUPS, values, header, ("workshop_id", "group_id"), lang, problems
        ):
            reader.context = {"group_id": group_id}
            rules = {**GROUP_CELLS, "position": _position_after(len(rows))}
            group = reader.record(GROUP_RECORD, rules)
            worksheet = reader.raw("worksheet").strip() or group.name
            rows.append(GroupRow(index, group, worksheet, problems=tuple(reader.problems)))
    return GroupsTable(header, tuple(rows), tuple(problems), next_free_row(values))


def _position_after(count: int) -> CellRule:
    """A row without a readable position goes after the ``count`` rows read before it."""
    return lambda row, column: row.integer(column, count)


def group_values(group: Group, worksheet: str) -> dict[str, str]:
    """The cells of a group's row, by column name."""
    return {**record_texts(GROUP_RECORD, group), "worksheet": worksheet}


def group_worksheet_title(name: str, date: str, taken: Iterable[str]) -> str:
    """The group's worksheet title: its name, or "<name> (<date>)" when that is taken.

    Titles are compared case-insensitively (as Google Sheets does); the fixed
    worksheets' titles count as taken, and a number is added as a last resort.
    """
    used = {title.casefold() for title in taken} | {title.casefold() for title in FIXED_SHEETS}
    base = " ".join(name.split())[:MAX_TITLE] or "Group"
    candidates = [base]
    if date:
        candidates.append(f"{base[: MAX_TITLE - len(date) - 3]} ({date})")
    for candidate in candidates:
        if candidate.casefold() not in used:
            return candidate
    stem = candidates[-1]
    number = 2
    while True:
        suffix = f" {number}"
        candidate = stem[: MAX_TITLE - len(suffix)] + suffix
        if candidate.casefold() not in used:
            return candidate
        number += 1
