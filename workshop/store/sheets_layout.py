"""How a workshop is laid out in a Google Sheet, as pure functions over cell values.

The spreadsheet is meant to be read and edited by people, so everything here
is tolerant: columns are found by their header text (not their position),
rows by the ``item_id`` / ``workshop_id`` / ``group_id`` / ``action_id`` they
hold (not their order), and anything a person broke becomes a
:class:`~workshop.models.Problem` that names the worksheet and row, while the
valid rows next to it still count. Nothing here does I/O: the store reads all
values in one request and hands them to these functions, which keeps parsing
unit-testable without HTTP.

Layout (one spreadsheet may hold several workshops, e.g. successive rounds):

* ``Settings``: one row per workshop, including the agenda clock.
* ``Groups``: one row per group, with the title of the group's worksheet.
* ``Actions``: one row per action item.
* one worksheet per group (titled after the group), with one row per rubric
  item: ``item_id, section, title, score, note, updated_at, updated_by``.

Hand-typed scores: a score the scoring rules reject (``yes``, ``0.7``) is kept
as typed in the group's answers, so :mod:`workshop.scoring` reports it where the
score is shown (and counts it as unanswered), and it is ALSO reported here as a
Problem naming the worksheet and row, so the host can find the cell to fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workshop.answers import NA_TEXT, AnswerError, parse_answer
from workshop.content.model import Rubric, Text, level_key
from workshop.models import PHASES, ActionItem, Answer, ClockState, Group, Problem, Workshop
from workshop.scoring import normalize_item_id

SETTINGS = "Settings"
GROUPS = "Groups"
ACTIONS = "Actions"
FIXED_SHEETS: tuple[str, ...] = (SETTINGS, GROUPS, ACTIONS)

SETTINGS_HEADER: tuple[str, ...] = (
    "workshop_id",
    "title",
    "date",
    "language",
    "rubric_id",
    "agenda_id",
    "passcode_hash",
    "results_token",
    "created_at",
    "archived",
    "previous_id",
    "clock_segment",
    "clock_status",
    "clock_started_at",
    "clock_paused_elapsed",
    "clock_extension",
    "clock_updated_at",
)
WORKSHOP_COLUMNS: tuple[str, ...] = SETTINGS_HEADER[:11]
CLOCK_COLUMNS: tuple[str, ...] = SETTINGS_HEADER[11:]
GROUPS_HEADER: tuple[str, ...] = (
    "workshop_id",
    "group_id",
    "name",
    "system",
    "phase",
    "tutor",
    "join_code",
    "results_token",
    "position",
    "worksheet",
)
ACTIONS_HEADER: tuple[str, ...] = (
    "action_id",
    "workshop_id",
    "group_id",
    "item_id",
    "what",
    "owner",
    "priority",
    "due",
    "created_at",
    "created_by",
)
ANSWERS_HEADER: tuple[str, ...] = (
    "item_id",
    "section",
    "title",
    "score",
    "note",
    "updated_at",
    "updated_by",
)
HEADERS: dict[str, tuple[str, ...]] = {
    SETTINGS: SETTINGS_HEADER,
    GROUPS: GROUPS_HEADER,
    ACTIONS: ACTIONS_HEADER,
}
#: Columns without which a table cannot be read at all (the row key).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    SETTINGS: ("workshop_id",),
    GROUPS: ("workshop_id", "group_id"),
    ACTIONS: ("action_id", "workshop_id"),
    "answers": ("item_id", "score"),
}
#: Spare empty rows a new group worksheet gets below its items (room for hand additions).
SPARE_ROWS = 20
MAX_TITLE = 100  # Google Sheets limits worksheet titles to 100 characters
CLOCK_STATUSES: tuple[str, ...] = ("idle", "running", "paused", "finished")

Values = Sequence[Sequence[Any]]

# --------------------------------------------------------------------------- messages

_MESSAGES: dict[str, Text] = {
    "where_row": Text(
        en="worksheet '{sheet}', row {row}", ja="ワークシート「{sheet}」の {row} 行目"
    ),
    "where_sheet": Text(en="worksheet '{sheet}'", ja="ワークシート「{sheet}」"),
    "missing_sheet": Text(
        en="worksheet '{sheet}' of group {group} not found (renamed or deleted?); "
        "the group's answers count as unanswered until it is renamed back or prepared again",
        ja="グループ {group} のワークシート「{sheet}」が見つかりません（名前の変更または削除？）。"
        "名前を戻すか「シートを準備」を押すまで、このグループの回答は未回答として扱います",
    ),
    "missing_table": Text(
        en="worksheet '{sheet}' not found; press “Prepare the sheet” to create it",
        ja="ワークシート「{sheet}」が見つかりません。「シートを準備」を押すと作成されます",
    ),
    "missing_header": Text(
        en="column '{column}' not found in the header row (row 1); expected the columns {expected}",
        ja="見出し行（1 行目）に列「{column}」がありません。必要な列: {expected}",
    ),
    "missing_header_ignored": Text(
        en="column '{column}' not found in the header row (row 1), so this worksheet cannot "
        "be read; expected the columns {expected}",
        ja="見出し行（1 行目）に列「{column}」がないため、このワークシートを読めません。"
        "必要な列: {expected}",
    ),
    "missing_item": Text(
        en="item {item} has no row; it counts as unanswered",
        ja="項目 {item} の行がありません。未回答として扱います",
    ),
    "duplicate_item": Text(
        en="item {item} appears again (first in row {first}); only row {first} counts",
        ja="項目 {item} が重複しています（最初は {first} 行目）。{first} 行目だけを使います",
    ),
    "unknown_item": Text(
        en="unknown item id '{item}'; this row is ignored",
        ja="項目 ID「{item}」はこのルーブリックにありません。この行は無視します",
    ),
    "no_item_id": Text(
        en="this row has a score or note but no item_id; it is ignored",
        ja="この行にはスコアかメモがありますが item_id がありません。この行は無視します",
    ),
    "bad_score": Text(
        en="{reason}; it counts as unanswered until it is corrected",
        ja="{reason}。修正されるまで未回答として扱います",
    ),
    "no_key": Text(
        en="this row has no {column}; it is ignored",
        ja="この行には {column} がありません。この行は無視します",
    ),
    "duplicate_key": Text(
        en="{column} {value} appears again (first in row {first}); this row is ignored",
        ja="{column} {value} が重複しています（最初は {first} 行目）。この行は無視します",
    ),
    "bad_number": Text(
        en="{column} '{value}' is not a number; {fallback} is used instead",
        ja="{column} の「{value}」は数値ではありません。代わりに {fallback} を使います",
    ),
    "bad_choice": Text(
        en="{column} '{value}' is not one of {choices}; {fallback} is used instead",
        ja="{column} の「{value}」は {choices} のいずれでもありません。"
        "代わりに {fallback} を使います",
    ),
}


def message(lang: str, code: str, **values: object) -> str:
    """One of this module's texts in ``lang`` (English for an unknown language)."""
    return _MESSAGES[code].get(lang).format(**values)


def where_row(sheet: str, row: int, lang: str = "en") -> str:
    return message(lang, "where_row", sheet=sheet, row=row)


def where_sheet(sheet: str, lang: str = "en") -> str:
    return message(lang, "where_sheet", sheet=sheet)


# --------------------------------------------------------------------------- cells and A1


def cell(row: Sequence[Any], index: int | None) -> str:
    """The text of one cell; the API leaves out trailing empty cells, so pad with ""."""
    if index is None or index >= len(row):
        return ""
    value = row[index]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_blank(row: Sequence[Any]) -> bool:
    return all(not cell(row, i).strip() for i in range(len(row)))


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def quote_title(title: str) -> str:
    """A worksheet title as A1 notation needs it: in single quotes, inner quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


def a1_range(title: str, row: int, first_col: int, last_col: int | None = None) -> str:
    """``'Team A'!D5:G5`` for 1-based ``row`` and 0-based columns."""
    last = first_col if last_col is None else last_col
    start = f"{column_letter(first_col)}{row}"
    if last == first_col:
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{column_letter(last)}{row}"


def row_updates(title: str, row: int, cells: Mapping[int, str]) -> list[dict[str, Any]]:
    """``values_batch_update`` data for some cells of one row, contiguous columns merged.

    Writing only the given columns (not the whole row) is what keeps a save from
    touching a cell a person typed next to it.
    """
    data: list[dict[str, Any]] = []
    run: list[int] = []
    for col in sorted(cells):
        if run and col != run[-1] + 1:
            data.append(_run_update(title, row, run, cells))
            run = []
        run.append(col)
    if run:
        data.append(_run_update(title, row, run, cells))
    return data


def _run_update(title: str, row: int, run: list[int], cells: Mapping[int, str]) -> dict[str, Any]:
    return {
        "range": a1_range(title, row, run[0], run[-1]),
        "values": [[cells[col] for col in run]],
    }


# --------------------------------------------------------------------------- headers


def _header_key(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class Header:
    """Where each expected column is, found by the header text in row 1."""

    columns: dict[str, int]
    width: int  # number of cells in the header row as read

    def col(self, name: str) -> int | None:
        return self.columns.get(name)

    def has(self, *names: str) -> bool:
        return all(name in self.columns for name in names)

    def cells(self, values: Mapping[str, str]) -> dict[int, str]:
        """Column index -> text for the named values whose column exists."""
        return {self.columns[name]: text for name, text in values.items() if name in self.columns}


def read_header(values: Values, expected: Sequence[str]) -> Header:
    """Map expected column names to positions; the first matching header cell wins."""
    first = values[0] if values else []
    wanted = set(expected)
    columns: dict[str, int] = {}
    for index in range(len(first)):
        key = _header_key(cell(first, index))
        if key in wanted and key not in columns:
            columns[key] = index
    return Header(columns=columns, width=len(first))


def header_problems(
    sheet: str, header: Header, expected: Sequence[str], required: Sequence[str], lang: str
) -> list[Problem]:
    """A Problem per missing column; required ones say the worksheet cannot be read."""
    problems = []
    shown = ", ".join(expected)
    for name in expected:
        if header.has(name):
            continue
        code = "missing_header_ignored" if name in required else "missing_header"
        problems.append(
            Problem(
                where=where_row(sheet, 1, lang),
                what=message(lang, code, column=name, expected=shown),
                value=name,
            )
        )
    return problems


def next_free_row(values: Values) -> int:
    """The 1-based row after the last non-blank row (at least 2, below the header)."""
    last = 1
    for index, row in enumerate(values):
        if not is_blank(row):
            last = index + 1
    return max(2, last + 1)


# --------------------------------------------------------------------------- value helpers


def format_float(value: float | None) -> str:
    """Floats as text that reads back to exactly the same float ("" for None)."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _parse_float(text: str) -> float:
    number = float(text.strip().replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _parse_bool(text: str) -> bool | None:
    key = text.strip().lower()
    if key in ("", "false", "no", "0", "n", "いいえ"):
        return False
    if key in ("true", "yes", "1", "y", "x", "はい"):
        return True
    return None


class _RowReader:
    """Reads one row's cells by column name, collecting Problems for bad values."""

    def __init__(
        self, sheet: str, row_number: int, row: Sequence[Any], header: Header, lang: str
    ) -> None:
        self.sheet = sheet
        self.row_number = row_number
        self.row = row
        self.header = header
        self.lang = lang
        self.problems: list[Problem] = []
        self.context: dict[str, str] = {}

    def text(self, name: str) -> str:
        return cell(self.row, self.header.col(name)).strip()

    def raw(self, name: str) -> str:
        """The cell exactly as stored (user text keeps its blanks)."""
        return cell(self.row, self.header.col(name))

    def _problem(self, code: str, typed: str, **params: object) -> None:
        self.problems.append(
            Problem(
                where=where_row(self.sheet, self.row_number, self.lang),
                what=message(self.lang, code, **params),
                value=typed,
                **self.context,
            )
        )

    def number(self, name: str, fallback: float | None) -> float | None:
        text = self.text(name)
        if not text:
            return fallback
        try:
            return _parse_float(text)
        except ValueError:
            shown = "(empty)" if fallback is None else format_float(fallback)
            self._problem("bad_number", text, column=name, value=text, fallback=shown)
            return fallback

    def integer(self, name: str, fallback: int) -> int:
        number = self.number(name, float(fallback))
        if number is None or not float(number).is_integer():
            text = self.text(name)
            self._problem("bad_number", text, column=name, value=text, fallback=fallback)
            return fallback
        return int(number)

    def choice(self, name: str, choices: Sequence[str], fallback: str) -> str:
        text = self.text(name)
        if not text:
            return fallback
        if text.lower() in choices:
            return text.lower()
        self._problem(
            "bad_choice",
            text,
            column=name,
            value=text,
            choices=", ".join(choices),
            fallback=fallback or '""',
        )
        return fallback

    def flag(self, name: str) -> bool:
        text = self.text(name)
        parsed = _parse_bool(text)
        if parsed is None:
            self._problem(
                "bad_choice", text, column=name, value=text, choices="TRUE, FALSE", fallback="FALSE"
            )
            return False
        return parsed


def _key_problem(sheet: str, row: int, lang: str, code: str, **params: object) -> Problem:
    return Problem(
        where=where_row(sheet, row, lang),
        what=message(lang, code, **params),
        value=str(params.get("value", "")),
    )


def _keyed_rows(
    sheet: str,
    values: Values,
    header: Header,
    key_columns: tuple[str, ...],
    lang: str,
    problems: list[Problem],
) -> Iterator[tuple[int, _RowReader, tuple[str, ...]]]:
    """Rows whose key is filled in and not seen before: (row number, reader, key).

    A row without its key, or repeating an earlier row's key, is reported in
    ``problems`` and skipped: which of two rows a person meant cannot be guessed.
    """
    first_row: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(values[1:], start=2):
        if is_blank(row):
            continue
        reader = _RowReader(sheet, index, row, header, lang)
        key = tuple(reader.text(column) for column in key_columns)
        missing = next((col for col, value in zip(key_columns, key, strict=True) if not value), "")
        if missing:
            problems.append(_key_problem(sheet, index, lang, "no_key", column=missing))
            continue
        if key in first_row:
            problems.append(
                _key_problem(
                    sheet,
                    index,
                    lang,
                    "duplicate_key",
                    column=key_columns[-1],
                    value=key[-1],
                    first=first_row[key],
                )
            )
            continue
        first_row[key] = index
        yield index, reader, key


# --------------------------------------------------------------------------- Settings


@dataclass(frozen=True)
class SettingsRow:
    row: int
    workshop: Workshop
    clock: ClockState
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class SettingsTable:
    header: Header
    rows: dict[str, SettingsRow]  # workshop id -> first row with it
    problems: tuple[Problem, ...]  # problems not tied to one workshop
    next_row: int
    present: bool = True


def parse_settings(values: Values | None, lang: str = "en") -> SettingsTable:
    """Workshops and their clocks; a row without a workshop_id or a repeated one is skipped."""
    if values is None:
        return SettingsTable(Header({}, 0), {}, (), 2, present=False)
    header = read_header(values, SETTINGS_HEADER)
    problems = header_problems(SETTINGS, header, SETTINGS_HEADER, KEY_COLUMNS[SETTINGS], lang)
    rows: dict[str, SettingsRow] = {}
    if header.has(*KEY_COLUMNS[SETTINGS]):
        for _index, reader, (workshop_id,) in _keyed_rows(
            SETTINGS, values, header, ("workshop_id",), lang, problems
        ):
            rows[workshop_id] = _settings_row(reader, workshop_id)
    return SettingsTable(header, rows, tuple(problems), next_free_row(values))


def _settings_row(reader: _RowReader, workshop_id: str) -> SettingsRow:
    language = reader.choice("language", ("en", "ja"), "en")
    workshop = Workshop(
        id=workshop_id,
        title=reader.raw("title"),
        date=reader.text("date"),
        language=language,
        rubric_id=reader.text("rubric_id"),
        agenda_id=reader.text("agenda_id"),
        passcode_hash=reader.text("passcode_hash"),
        results_token=reader.text("results_token"),
        created_at=reader.text("created_at"),
        archived=reader.flag("archived"),
        previous_id=reader.text("previous_id"),
    )
    clock = ClockState(
        segment=max(0, reader.integer("clock_segment", 0)),
        status=reader.choice("clock_status", CLOCK_STATUSES, "idle"),
        started_at=reader.number("clock_started_at", None),
        paused_elapsed=reader.number("clock_paused_elapsed", 0.0) or 0.0,
        extension=reader.number("clock_extension", 0.0) or 0.0,
        updated_at=reader.number("clock_updated_at", 0.0) or 0.0,
    )
    return SettingsRow(reader.row_number, workshop, clock, tuple(reader.problems))


def workshop_values(workshop: Workshop) -> dict[str, str]:
    return {
        "workshop_id": workshop.id,
        "title": workshop.title,
        "date": workshop.date,
        "language": workshop.language,
        "rubric_id": workshop.rubric_id,
        "agenda_id": workshop.agenda_id,
        "passcode_hash": workshop.passcode_hash,
        "results_token": workshop.results_token,
        "created_at": workshop.created_at,
        "archived": "TRUE" if workshop.archived else "FALSE",
        "previous_id": workshop.previous_id,
    }


def clock_values(clock: ClockState) -> dict[str, str]:
    return {
        "clock_segment": str(int(clock.segment)),
        "clock_status": clock.status,
        "clock_started_at": format_float(clock.started_at),
        "clock_paused_elapsed": format_float(clock.paused_elapsed),
        "clock_extension": format_float(clock.extension),
        "clock_updated_at": format_float(clock.updated_at),
    }


# --------------------------------------------------------------------------- Groups


@dataclass(frozen=True)
class GroupRow:
    row: int
    group: Group
    worksheet: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class GroupsTable:
    header: Header
    rows: tuple[GroupRow, ...]
    problems: tuple[Problem, ...]
    next_row: int
    present: bool = True

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
        return GroupsTable(Header({}, 0), (), (), 2, present=False)
    header = read_header(values, GROUPS_HEADER)
    problems = header_problems(GROUPS, header, GROUPS_HEADER, KEY_COLUMNS[GROUPS], lang)
    rows: list[GroupRow] = []
    if header.has(*KEY_COLUMNS[GROUPS]):
        for index, reader, (workshop_id, group_id) in _keyed_rows(
            GROUPS, values, header, ("workshop_id", "group_id"), lang, problems
        ):
            reader.context = {"group_id": group_id}
            name = reader.raw("name") or group_id
            group = Group(
                id=group_id,
                workshop_id=workshop_id,
                name=name,
                system=reader.raw("system"),
                # An unreadable phase becomes "" (unknown) rather than a guess.
                phase=reader.choice("phase", PHASES, ""),
                tutor=reader.raw("tutor"),
                join_code=reader.text("join_code"),
                results_token=reader.text("results_token"),
                position=reader.integer("position", len(rows)),
            )
            worksheet = reader.raw("worksheet").strip() or name
            rows.append(GroupRow(index, group, worksheet, tuple(reader.problems)))
    return GroupsTable(header, tuple(rows), tuple(problems), next_free_row(values))


def group_values(group: Group, worksheet: str) -> dict[str, str]:
    return {
        "workshop_id": group.workshop_id,
        "group_id": group.id,
        "name": group.name,
        "system": group.system,
        "phase": group.phase,
        "tutor": group.tutor,
        "join_code": group.join_code,
        "results_token": group.results_token,
        "position": str(int(group.position)),
        "worksheet": worksheet,
    }


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


# --------------------------------------------------------------------------- Actions


@dataclass(frozen=True)
class ActionRow:
    row: int
    action: ActionItem
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ActionsTable:
    header: Header
    rows: tuple[ActionRow, ...]
    problems: tuple[Problem, ...]
    next_row: int
    present: bool = True

    def find(self, action_id: str) -> ActionRow | None:
        for row in self.rows:
            if row.action.id == action_id:
                return row
        return None


def parse_actions(values: Values | None, lang: str = "en") -> ActionsTable:
    """Action items of every workshop; a cleared row (deleted action) is simply blank."""
    if values is None:
        return ActionsTable(Header({}, 0), (), (), 2, present=False)
    header = read_header(values, ACTIONS_HEADER)
    problems = header_problems(ACTIONS, header, ACTIONS_HEADER, KEY_COLUMNS[ACTIONS], lang)
    rows: list[ActionRow] = []
    if header.has(*KEY_COLUMNS[ACTIONS]):
        for index, reader, (action_id,) in _keyed_rows(
            ACTIONS, values, header, ("action_id",), lang, problems
        ):
            reader.context = {"group_id": reader.text("group_id")}
            action = ActionItem(
                id=action_id,
                workshop_id=reader.text("workshop_id"),
                group_id=reader.text("group_id"),
                item_id=reader.raw("item_id"),
                what=reader.raw("what"),
                owner=reader.raw("owner"),
                priority=reader.integer("priority", 1),
                due=reader.text("due"),
                created_at=reader.text("created_at"),
                created_by=reader.raw("created_by"),
            )
            rows.append(ActionRow(index, action, tuple(reader.problems)))
    return ActionsTable(header, tuple(rows), tuple(problems), next_free_row(values))


def action_values(action: ActionItem) -> dict[str, str]:
    return {
        "action_id": action.id,
        "workshop_id": action.workshop_id,
        "group_id": action.group_id,
        "item_id": action.item_id,
        "what": action.what,
        "owner": action.owner,
        "priority": str(int(action.priority)),
        "due": action.due,
        "created_at": action.created_at,
        "created_by": action.created_by,
    }


# --------------------------------------------------------------------------- group worksheets


@dataclass(frozen=True)
class AnswerSheet:
    """One group's worksheet as read: answers by item id and where each item's row is."""

    title: str
    header: Header
    answers: dict[str, Answer]
    rows: dict[str, int]  # item id -> 1-based row (the first one when repeated)
    problems: tuple[Problem, ...]
    next_row: int
    present: bool = True

    @property
    def readable(self) -> bool:
        return self.present and self.header.has(*KEY_COLUMNS["answers"])


@dataclass(frozen=True)
class SheetRow:
    """A group-worksheet row as typed, for scoring straight from the sheet (CLI)."""

    row: int
    item_id: str
    score: str
    note: str


def missing_worksheet(
    title: str, group: Group, lang: str = "en", *, rubric: Rubric | None = None
) -> AnswerSheet:
    """The group's worksheet is gone: one Problem, and no answers (all unanswered)."""
    problem = Problem(
        where=where_sheet(title, lang),
        what=message(lang, "missing_sheet", sheet=title, group=group.name),
        group_id=group.id,
        value=title,
    )
    return AnswerSheet(title, Header({}, 0), {}, {}, (problem,), 2, present=False)


def sheet_rows(values: Values) -> tuple[Header, list[SheetRow]]:
    """Every non-blank data row of a group worksheet as typed (no validation)."""
    header = read_header(values, ANSWERS_HEADER)
    rows = []
    for index, row in enumerate(values[1:], start=2):
        if is_blank(row):
            continue
        rows.append(
            SheetRow(
                row=index,
                item_id=cell(row, header.col("item_id")).strip(),
                score=cell(row, header.col("score")),
                note=cell(row, header.col("note")),
            )
        )
    return header, rows


def parse_answer_sheet(
    values: Values,
    *,
    title: str,
    group: Group,
    rubric: Rubric | None,
    lang: str = "en",
) -> AnswerSheet:
    """One group's answers from its worksheet, with a Problem for each broken row.

    Rows are matched by their ``item_id`` cell, so reordering rows changes
    nothing. The first row of a repeated item counts. ``rubric`` None (an
    unknown rubric id) accepts every item id and checks no scores.
    """
    header, rows = sheet_rows(values)
    problems = header_problems(title, header, ANSWERS_HEADER, KEY_COLUMNS["answers"], lang)
    problems = [_with_group(problem, group.id) for problem in problems]
    next_row = next_free_row(values)
    if not header.has(*KEY_COLUMNS["answers"]):
        return AnswerSheet(title, header, {}, {}, tuple(problems), next_row)

    known = {item.id: item for item in rubric.items} if rubric else None
    answers: dict[str, Answer] = {}
    item_rows: dict[str, int] = {}
    for sheet_row in rows:
        full = values[sheet_row.row - 1]
        where = where_row(title, sheet_row.row, lang)
        item_id = normalize_item_id(sheet_row.item_id)
        if not item_id:
            if sheet_row.score.strip() or sheet_row.note.strip():
                problems.append(
                    Problem(
                        where=where,
                        what=message(lang, "no_item_id"),
                        group_id=group.id,
                        value=sheet_row.score,
                    )
                )
            continue
        if known is not None and item_id not in known:
            problems.append(
                Problem(
                    where=where,
                    what=message(lang, "unknown_item", item=sheet_row.item_id),
                    group_id=group.id,
                    item_id=item_id,
                    value=sheet_row.score,
                )
            )
            continue
        if item_id in item_rows:
            first = item_rows[item_id]
            problems.append(
                Problem(
                    where=where,
                    what=message(lang, "duplicate_item", item=item_id, first=first),
                    group_id=group.id,
                    item_id=item_id,
                    value=sheet_row.score,
                )
            )
            continue
        item_rows[item_id] = sheet_row.row
        answers[item_id] = Answer(
            group_id=group.id,
            item_id=item_id,
            value=sheet_row.score,
            note=sheet_row.note,
            updated_at=cell(full, header.col("updated_at")).strip(),
            updated_by=cell(full, header.col("updated_by")).strip(),
        )
        if rubric is not None and known is not None:
            reason = score_error(sheet_row.score, rubric, known[item_id].na_allowed, item_id, lang)
            if reason:
                problems.append(
                    Problem(
                        where=where,
                        what=message(lang, "bad_score", reason=reason),
                        group_id=group.id,
                        item_id=item_id,
                        value=sheet_row.score,
                    )
                )
    if rubric is not None:
        for item in rubric.items:
            if item.id not in item_rows:
                problems.append(
                    Problem(
                        where=where_sheet(title, lang),
                        what=message(lang, "missing_item", item=item.id),
                        group_id=group.id,
                        item_id=item.id,
                    )
                )
    return AnswerSheet(title, header, answers, item_rows, tuple(problems), next_row)


def score_error(text: str, rubric: Rubric, na_allowed: bool, item_id: str, lang: str) -> str:
    """The scoring rules' complaint about a typed score, or "" when it is usable."""
    try:
        parse_answer(text, rubric.levels, item_id=item_id, na_allowed=na_allowed)
    except AnswerError as error:
        return error.localized(lang)
    return ""


def _with_group(problem: Problem, group_id: str) -> Problem:
    return Problem(problem.where, problem.what, group_id, problem.item_id, problem.value)


def appended_row(reply: Mapping[str, Any], fallback: int) -> int:
    """The 1-based row a ``values:append`` wrote, from its reply's ``updatedRange``."""
    updated = str((reply.get("updates") or {}).get("updatedRange", ""))
    match = re.search(r"![A-Z]+(\d+)", updated)
    return int(match.group(1)) if match else fallback


def answer_values(value: str, note: str, updated_at: str, updated_by: str) -> dict[str, str]:
    return {"score": value, "note": note, "updated_at": updated_at, "updated_by": updated_by}


def item_row_values(rubric: Rubric, item_id: str, lang: str) -> dict[str, str]:
    """The fixed, informational cells of an item's row (id, section, title)."""
    item = rubric.item(item_id)
    return {
        "item_id": item.id,
        "section": rubric.section(item.section_id).short.get(lang),
        "title": item.title.get(lang),
    }


def answer_sheet_values(rubric: Rubric, lang: str) -> list[list[str]]:
    """A new group worksheet: the header row and one row per rubric item, unanswered."""
    rows = [list(ANSWERS_HEADER)]
    for item in rubric.items:
        base = item_row_values(rubric, item.id, lang)
        rows.append([base.get(name, "") for name in ANSWERS_HEADER])
    return rows


def score_choices(rubric: Rubric | None) -> list[str]:
    """The dropdown's values: the rubric's levels, and N/A ("0", "0.5", "1", "N/A")."""
    levels = rubric.levels if rubric else (0.0, 0.5, 1.0)
    return [level_key(level) for level in levels] + [NA_TEXT]


# --------------------------------------------------------------------------- formatting requests


@dataclass(frozen=True)
class SheetInfo:
    """A worksheet as listed in the spreadsheet metadata."""

    title: str
    sheet_id: int
    row_count: int = 1000
    column_count: int = 26


def sheets_from_metadata(metadata: Mapping[str, Any]) -> dict[str, SheetInfo]:
    """Title -> worksheet, from a ``spreadsheets.get`` answer."""
    found: dict[str, SheetInfo] = {}
    for sheet in metadata.get("sheets", []) or []:
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {}) or {}
        title = str(props.get("title", ""))
        found[title] = SheetInfo(
            title=title,
            sheet_id=int(props.get("sheetId", 0)),
            row_count=int(grid.get("rowCount", 1000)),
            column_count=int(grid.get("columnCount", 26)),
        )
    return found


def add_sheet_request(title: str, sheet_id: int, rows: int, columns: int) -> dict[str, Any]:
    return {
        "addSheet": {
            "properties": {
                "title": title,
                "sheetId": sheet_id,
                "gridProperties": {"rowCount": rows, "columnCount": columns, "frozenRowCount": 1},
            }
        }
    }


def freeze_header_request(sheet_id: int) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}},
            "fields": "gridProperties.frozenRowCount",
        }
    }


def score_validation_request(
    sheet_id: int, column: int, end_row: int, choices: Sequence[str]
) -> dict[str, Any]:
    """A dropdown on the score column; not strict, so a typed variant is kept and reported."""
    return {
        "setDataValidation": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": 1,
                "endRowIndex": end_row,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "rule": {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": choice} for choice in choices],
                },
                "strict": False,
                "showCustomUi": True,
            },
        }
    }


@dataclass
class ParsedBook:
    """Every table of the spreadsheet parsed once; group worksheets are parsed on demand."""

    settings: SettingsTable
    groups: GroupsTable
    actions: ActionsTable
    values: Mapping[str, Values]
    sheets: Mapping[str, SheetInfo] = field(default_factory=dict)


def parse_book(
    values: Mapping[str, Values], sheets: Mapping[str, SheetInfo], lang: str = "en"
) -> ParsedBook:
    """The fixed tables of a whole-spreadsheet read (``values``: title -> rows)."""
    return ParsedBook(
        settings=parse_settings(values.get(SETTINGS), lang),
        groups=parse_groups(values.get(GROUPS), lang),
        actions=parse_actions(values.get(ACTIONS), lang),
        values=values,
        sheets=sheets,
    )


def find_title(sheets: Mapping[str, Any], title: str) -> str | None:
    """The worksheet title as stored, matched exactly first, then case-insensitively."""
    if title in sheets:
        return title
    folded = title.casefold()
    for existing in sheets:
        if existing.casefold() == folded:
            return existing
    return None
