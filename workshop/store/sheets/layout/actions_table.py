"""The ``Actions`` worksheet: one row per action item, of every workshop.

Items are found by ``action_id``; a deleted item is a blanked row (rows are
never removed, so no other item moves). Texts are kept exactly as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.action_status import OPEN, parse_status
from workshop.models import ACTION_STATUSES, ActionItem
from workshop.store.records import Record
from workshop.store.sheets.layout.cells import Values, next_free_row, record_texts
from workshop.store.sheets.layout.columns import (
    ACTIONS,
    ACTIONS_HEADER,
    KEY_COLUMNS,
    header_problems,
    read_header,
)
from workshop.store.sheets.layout.rows import CellRule, KeyedRow, KeyedTable, RowReader, keyed_rows

#: Which Actions column holds each field of an action item.
ACTION_RECORD = Record(ActionItem, renamed={"id": "action_id"})
#: How a cell is read where it is not plain text (see RowReader.record): what people wrote
#: is kept exactly as typed.
ACTION_CELLS: dict[str, CellRule] = {
    "item_id": RowReader.raw,
    "what": RowReader.raw,
    "owner": RowReader.raw,
    "priority": lambda row, column: row.integer(column, 1),
    "created_by": RowReader.raw,
    "ticket": RowReader.raw,
    "updated_by": RowReader.raw,
    "status": lambda row, column: _status(row, column),
}


def _status(row: RowReader, column: str) -> str:
    """A status as typed (any case, blanks or dashes); an unknown one is reported, kept open."""
    typed = row.text(column)
    status = parse_status(typed)
    if status is None:
        row.bad_choice(column, typed, ACTION_STATUSES, OPEN)
        return OPEN
    return status


@dataclass(frozen=True)
class ActionRow(KeyedRow):
    action: ActionItem


@dataclass(frozen=True)
class ActionsTable(KeyedTable[tuple[ActionRow, ...]]):
    def find(self, action_id: str) -> ActionRow | None:
        for row in self.rows:
            if row.action.id == action_id:
                return row
        return None


def parse_actions(values: Values | None, lang: str = "en") -> ActionsTable:
    """Action items of every workshop; a cleared row (deleted action) is simply blank."""
    if values is None:
        return ActionsTable.absent(())
    header = read_header(values, ACTIONS_HEADER)
    problems = header_problems(ACTIONS, header, ACTIONS_HEADER, KEY_COLUMNS[ACTIONS], lang)
    rows: list[ActionRow] = []
    if header.has(*KEY_COLUMNS[ACTIONS]):
        for index, reader, _key in keyed_rows(
            ACTIONS, values, header, ("action_id",), lang, problems
        ):
            reader.context = {"group_id": reader.text("group_id")}
            action = reader.record(ACTION_RECORD, ACTION_CELLS)
            rows.append(ActionRow(index, action, problems=tuple(reader.problems)))
    return ActionsTable(header, tuple(rows), tuple(problems), next_free_row(values))


def action_values(action: ActionItem) -> dict[str, str]:
    """The cells of an action item's row, by column name."""
    return record_texts(ACTION_RECORD, action)
