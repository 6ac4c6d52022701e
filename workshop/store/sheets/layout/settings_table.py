"""The ``Settings`` worksheet: one row per workshop, with its agenda clock.

A row without a ``workshop_id``, or repeating one, is skipped and reported; a
cell that cannot be read (a clock segment ``two``, a language ``fr``) falls back
to its default and is reported, the rest of the workshop still counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.models import ClockState, Workshop
from workshop.store.records import Record
from workshop.store.sheets.layout.cells import Values, next_free_row, record_texts
from workshop.store.sheets.layout.columns import (
    KEY_COLUMNS,
    SETTINGS,
    SETTINGS_HEADER,
    header_problems,
    read_header,
)
from workshop.store.sheets.layout.rows import CellRule, KeyedRow, KeyedTable, RowReader, keyed_rows

CLOCK_STATUSES: tuple[str, ...] = ("idle", "running", "paused", "finished")
#: Which Settings column holds each field of a workshop, and of its clock.
WORKSHOP_RECORD = Record(Workshop, renamed={"id": "workshop_id"})
CLOCK_RECORD = Record(ClockState, prefix="clock_")
#: How a cell is read where it is not plain text (see RowReader.record).
WORKSHOP_CELLS: dict[str, CellRule] = {
    "title": RowReader.raw,
    "language": lambda row, column: row.choice(column, ("en", "ja"), "en"),
    "archived": RowReader.flag,
    "closed": RowReader.flag,
    "link_generation": lambda row, column: max(0, row.integer(column, 0)),
}
CLOCK_CELLS: dict[str, CellRule] = {
    "clock_segment": lambda row, column: max(0, row.integer(column, 0)),
    "clock_status": lambda row, column: row.choice(column, CLOCK_STATUSES, "idle"),
    "clock_started_at": lambda row, column: row.number(column, None),
    "clock_paused_elapsed": lambda row, column: row.number(column, 0.0) or 0.0,
    "clock_extension": lambda row, column: row.number(column, 0.0) or 0.0,
    "clock_updated_at": lambda row, column: row.number(column, 0.0) or 0.0,
    "clock_auto_advance": RowReader.flag,
    "clock_broadcast": RowReader.raw,
    "clock_broadcast_at": lambda row, column: row.number(column, 0.0) or 0.0,
}


@dataclass(frozen=True)
class SettingsRow(KeyedRow):
    workshop: Workshop
    clock: ClockState


@dataclass(frozen=True)
class SettingsTable(KeyedTable[dict[str, SettingsRow]]):
    """Rows by workshop id (the first row with it)."""


def parse_settings(values: Values | None, lang: str = "en") -> SettingsTable:
    """Workshops and their clocks; a row without a workshop_id or a repeated one is skipped."""
    if values is None:
        return SettingsTable.absent({})
    header = read_header(values, SETTINGS_HEADER)
    problems = header_problems(SETTINGS, header, SETTINGS_HEADER, KEY_COLUMNS[SETTINGS], lang)
    rows: dict[str, SettingsRow] = {}
    if header.has(*KEY_COLUMNS[SETTINGS]):
        for _index, reader, (workshop_id,) in keyed_rows(
            SETTINGS, values, header, ("workshop_id",), lang, problems
        ):
            rows[workshop_id] = _settings_row(reader, workshop_id)
    return SettingsTable(header, rows, tuple(problems), next_free_row(values))


def _settings_row(reader: RowReader, workshop_id: str) -> SettingsRow:
    workshop = reader.record(WORKSHOP_RECORD, WORKSHOP_CELLS)
    clock = reader.record(CLOCK_RECORD, CLOCK_CELLS)
    return SettingsRow(reader.row_number, workshop, clock, problems=tuple(reader.problems))


def workshop_values(workshop: Workshop) -> dict[str, str]:
    """The cells of a workshop's row, by column name (the clock's are separate)."""
    return record_texts(WORKSHOP_RECORD, workshop)


def clock_values(clock: ClockState) -> dict[str, str]:
    return record_texts(CLOCK_RECORD, clock)
