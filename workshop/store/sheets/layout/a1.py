"""Cell addresses in A1 notation, made by ``gspread.utils``.

A save writes only the cells it changed, never a whole row, so a cell a person
typed next to them is never touched: each run of adjacent columns of one row is
one range of a ``values_batch_update``. Worksheet titles are quoted as the API
needs them (``'Bob''s team'!D5:G5``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gspread.exceptions import IncorrectCellLabel
from gspread.utils import a1_to_rowcol, absolute_range_name, rowcol_to_a1


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    return rowcol_to_a1(1, index + 1)[:-1]


def quote_title(title: str) -> str:
    """A worksheet title as A1 notation needs it: in single quotes, inner quotes doubled."""
    return absolute_range_name(title)


def a1_range(title: str, row: int, first_col: int, last_col: int | None = None) -> str:
    """``'Team A'!D5:G5`` for 1-based ``row`` and 0-based columns."""
    cells = rowcol_to_a1(row, first_col + 1)
    if last_col is not None and last_col != first_col:
        cells += ":" + rowcol_to_a1(row, last_col + 1)
    return absolute_range_name(title, cells)


def table_start(title: str) -> str:
    """The range ``values:append`` is given: the table starting at A1 of the worksheet."""
    return absolute_range_name(title, "A1")


def row_updates(title: str, row: int, cells: Mapping[int, str]) -> list[dict[str, Any]]:
    """``values_batch_update`` data for some cells of one row, contiguous columns merged."""
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


def appended_row(reply: Mapping[str, Any], fallback: int) -> int:
    """The 1-based row a ``values:append`` wrote, from its reply's ``updatedRange``."""
    updated = str((reply.get("updates") or {}).get("updatedRange", ""))
    first_cell = updated.rpartition("!")[2].partition(":")[0]
    try:
        return a1_to_rowcol(first_cell)[0]
    except IncorrectCellLabel:
        return fallback
