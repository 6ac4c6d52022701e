"""The worksheets of the spreadsheet, and the ``batch_update`` requests that shape them.

What the store may change besides values: add a worksheet (with its header
row frozen), rename one, add rows or columns, freeze a header row, and put the
score dropdown on a group's score column. Worksheet titles are matched as
Google Sheets does, case-insensitively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gspread.utils import a1_range_to_grid_range

from workshop.store.sheets.layout.a1 import column_letter


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


def find_title(sheets: Mapping[str, Any], title: str) -> str | None:
    """The worksheet title as stored, matched exactly first, then case-insensitively."""
    if title in sheets:
        return title
    folded = title.casefold()
    for existing in sheets:
        if existing.casefold() == folded:
            return existing
    return None


def add_sheet_request(title: str, sheet_id: int, rows: int, columns: int) -> dict[str, Any]:
    grid = {"rowCount": rows, "columnCount": columns, "frozenRowCount": 1}
    return {
        "addSheet": {"properties": {"title": title, "sheetId": sheet_id, "gridProperties": grid}}
    }


def added_title(request: Mapping[str, Any]) -> str | None:
    """The title of the worksheet an ``addSheet`` request adds (None for other requests)."""
    title = request.get("addSheet", {}).get("properties", {}).get("title")
    return None if title is None else str(title)


def rename_sheet_request(sheet_id: int, title: str) -> dict[str, Any]:
    properties = {"sheetId": sheet_id, "title": title}
    return {"updateSheetProperties": {"properties": properties, "fields": "title"}}


def freeze_header_request(sheet_id: int) -> dict[str, Any]:
    properties = {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}}
    return {
        "updateSheetProperties": {
            "properties": properties,
            "fields": "gridProperties.frozenRowCount",
        }
    }


def grow_request(sheet_id: int, dimension: str, length: int) -> dict[str, Any]:
    """Add ``length`` ROWS or COLUMNS at the end of a worksheet."""
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def score_validation_request(
    sheet_id: int, column: int, end_row: int, choices: Sequence[str]
) -> dict[str, Any]:
    """A dropdown on the score column below the header; not strict, so a typed variant is
    kept (and reported) rather than refused."""
    letter = column_letter(column)
    cells = a1_range_to_grid_range(f"{letter}2:{letter}{end_row}", sheet_id)
    condition = {
        "type": "ONE_OF_LIST",
        "values": [{"userEnteredValue": choice} for choice in choices],
    }
    rule = {"condition": condition, "strict": False, "showCustomUi": True}
    return {"setDataValidation": {"range": cells, "rule": rule}}


#: What the protection of the Hosts worksheet says to a person who looks at it.
HOSTS_PROTECTION = "ML Test Score Workshop: host passcodes. Only the app edits this worksheet."


def protect_sheet_request(sheet_id: int, account: str) -> dict[str, Any]:
    """A protected range over a whole worksheet whose only editor is the app's account.

    Google adds the spreadsheet's owner to the editors by itself; nobody else may
    change the worksheet, and people who are only editors of the spreadsheet
    cannot lift the protection.
    """
    return {
        "addProtectedRange": {
            "protectedRange": {
                "range": {"sheetId": sheet_id},
                "description": HOSTS_PROTECTION,
                "warningOnly": False,
                "editors": {"users": [account], "domainUsersCanEdit": False},
            }
        }
    }


def protection_problem(metadata: Mapping[str, Any], title: str, account: str) -> str:
    """Why the worksheet ``title`` is not protected as the app needs ("" when it is).

    Needed: a protected range over the whole worksheet, not a warning only, that
    the app's account may edit, and that at most one other person may edit (the
    owner, whom Google always keeps). Google lets a person edit a cell only if
    every protected range over it allows them, so one such range is enough
    whatever else is there. A range someone opened to more people, or no range
    at all, means the hashes in it may have been changed by anybody.
    """
    for sheet in metadata.get("sheets", []):
        properties = sheet.get("properties", {})
        if str(properties.get("title", "")).casefold() != title.casefold():
            continue
        problem = "unprotected"
        for protection in sheet.get("protectedRanges", []) or []:
            grid = protection.get("range", {})
            whole = not any(
                key in grid
                for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
            )
            if not whole or protection.get("warningOnly"):
                continue
            editors = protection.get("editors", {}) or {}
            users = set(editors.get("users", []) or [])
            too_many = account not in users or len(users - {account}) > 1
            if too_many or editors.get("groups") or editors.get("domainUsersCanEdit"):
                problem = "editors"
                continue
            return ""
        return problem
    return "missing"


def protection_ids(metadata: Mapping[str, Any], title: str) -> list[int]:
    """The ids of every protected range of the worksheet ``title`` (to replace them)."""
    for sheet in metadata.get("sheets", []):
        if str(sheet.get("properties", {}).get("title", "")).casefold() == title.casefold():
            return [
                int(p["protectedRangeId"])
                for p in sheet.get("protectedRanges", []) or []
                if "protectedRangeId" in p
            ]
    return []
