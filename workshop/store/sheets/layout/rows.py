"""One row of a keyed table read by column name, with a Problem for each unusable cell.

Settings, Groups and Actions hold one record per row, found by the key a row
holds (``workshop_id``, ``group_id``, ``action_id``). A row without its key, or
repeating an earlier row's key, is reported and skipped: which of two rows a
person meant cannot be guessed. A cell that cannot be read (``two`` as a
number, ``maybe`` as TRUE/FALSE) falls back to a default and is reported with
its worksheet and row, while the rest of the row still counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from workshop.models import Problem
from workshop.store.records import Record
from workshop.store.sheets.layout.cells import (
    Values,
    cell,
    format_float,
    is_blank,
    parse_bool,
    parse_float,
)
from workshop.store.sheets.layout.columns import Header
from workshop.store.sheets.layout.messages import message, where_row

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RowsT = TypeVar("RowsT")
R = TypeVar("R", bound="DataclassInstance")
#: How one column is read into its field: ``rule(reader, column)``.
CellRule = Callable[["RowReader", str], object]


@dataclass(frozen=True)
class KeyedRow:
    """A row of a keyed table: its 1-based number and what was wrong in its cells."""

    row: int
    problems: tuple[Problem, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True)
class KeyedTable(Generic[RowsT]):
    """A keyed table as read: where its columns are, its rows, and what is wrong with it."""

    header: Header
    rows: RowsT
    problems: tuple[Problem, ...]  # problems not tied to one record (header, keys)
    next_row: int
    present: bool = True

    @classmethod
    def absent(cls, rows: RowsT) -> Self:
        """The table of a worksheet that is not there: no rows, nothing to report in it."""
        return cls(Header({}, 0), rows, (), 2, present=False)


class RowReader:
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

    def record(self, record: Record[R], rules: Mapping[str, CellRule]) -> R:
        """The row's record: each field's column read by its rule, else as stripped text.

        Fields are read in the dataclass's order, so problems come in column order.
        """
        return record.build(lambda column: rules.get(column, RowReader.text)(self, column))

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
            return parse_float(text)
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
        self.bad_choice(name, text, choices, fallback)
        return fallback

    def bad_choice(self, name: str, text: str, choices: Sequence[str], fallback: str) -> None:
        """Report a cell that names none of ``choices``; the reader goes on with ``fallback``."""
        self._problem(
            "bad_choice",
            text,
            column=name,
            value=text,
            choices=", ".join(choices),
            fallback=fallback or '""',
        )

    def flag(self, name: str) -> bool:
        text = self.text(name)
        parsed = parse_bool(text)
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


def keyed_rows(
    sheet: str,
    values: Values,
    header: Header,
    key_columns: tuple[str, ...],
    lang: str,
    problems: list[Problem],
) -> Iterator[tuple[int, RowReader, tuple[str, ...]]]:
    """Rows whose key is filled in and not seen before: (row number, reader, key).

    A row without its key, or repeating an earlier row's key, is reported in
    ``problems`` and skipped (see the module docstring).
    """
    first_row: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(values[1:], start=2):
        if is_blank(row):
            continue
        reader = RowReader(sheet, index, row, header, lang)
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
