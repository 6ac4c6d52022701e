"""The text of a cell, both ways: as the API returns it, and as the store writes a field.

The API leaves out trailing empty cells and returns numbers and booleans when
a person typed them (``1.0``, ``True``); everything is read as the text a
person sees. Fields are written so that they read back exactly: booleans as
``TRUE``/``FALSE``, whole numbers without a decimal point, other floats with
every digit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from workshop.store.records import Record

#: Rows as the API returns a worksheet.
Values = Sequence[Sequence[Any]]


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


def next_free_row(values: Values) -> int:
    """The 1-based row after the last non-blank row (at least 2, below the header)."""
    last = 1
    for index, row in enumerate(values):
        if not is_blank(row):
            last = index + 1
    return max(2, last + 1)


def as_row(cells: Mapping[int, str]) -> list[str]:
    """Cells by column index as one row from column A, gaps left empty."""
    return [cells.get(col, "") for col in range(max(cells) + 1)] if cells else []


def format_float(value: float | None) -> str:
    """Floats as text that reads back to exactly the same float ("" for None)."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def as_text(value: object) -> str:
    """A field's value as the sheet keeps it (see the module docstring)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if value is None or isinstance(value, float):
        return format_float(value)
    return str(value)


def record_texts(record: Record[Any], value: object) -> dict[str, str]:
    """Column name -> text of every field of ``value`` (a ``record.kind``)."""
    return {column: as_text(field) for column, field in record.named(value).items()}


def parse_float(text: str) -> float:
    """A typed number ("1,200.5" too); ValueError for text that is not a finite number."""
    number = float(text.strip().replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def parse_bool(text: str) -> bool | None:
    """TRUE/FALSE as people type them (yes, x, はい, an empty cell); None when unclear."""
    key = text.strip().lower()
    if key in ("", "false", "no", "0", "n", "いいえ"):
        return False
    if key in ("true", "yes", "1", "y", "x", "はい"):
        return True
    return None
