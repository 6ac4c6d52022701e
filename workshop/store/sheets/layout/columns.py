"""The tables of the spreadsheet, their columns, and where a header row has them.

Columns are found by the text in row 1, not by position, so a person may
reorder, rename the case of ("Item ID") or add columns; a missing column is a
Problem, and a missing key column makes the table unreadable (rows could not
be told apart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workshop.models import Problem
from workshop.store.sheets.layout.cells import Values, cell
from workshop.store.sheets.layout.messages import message, where_row

SETTINGS = "Settings"
GROUPS = "Groups"
ACTIONS = "Actions"
#: Host passcode hashes: a worksheet only the app may edit (a protected range).
HOSTS = "Hosts"
FIXED_SHEETS: tuple[str, ...] = (SETTINGS, GROUPS, ACTIONS, HOSTS)
#: Columns of version 0.1 that held secrets; `prepare` empties them (hashes move to Hosts).
RETIRED_SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    SETTINGS: ("passcode_hash", "results_token"),
    GROUPS: ("join_code", "results_token"),
}

SETTINGS_HEADER: tuple[str, ...] = (
    "workshop_id",
    "title",
    "date",
    "language",
    "rubric_id",
    "agenda_id",
    "created_at",
    "archived",
    "previous_id",
    "link_generation",
    "closed",
    "clock_segment",
    "clock_status",
    "clock_started_at",
    "clock_paused_elapsed",
    "clock_extension",
    "clock_updated_at",
    "clock_auto_advance",
    "clock_broadcast",
    "clock_broadcast_at",
)
#: Clock columns added in 0.2 (issue 14): a sheet prepared before them keeps working
#: until one holds something (turning auto-advance on, sending a message).
ROOM_COLUMNS: tuple[str, ...] = ("clock_auto_advance", "clock_broadcast", "clock_broadcast_at")
CLOCK_COLUMNS: tuple[str, ...] = tuple(c for c in SETTINGS_HEADER if c.startswith("clock_"))
WORKSHOP_COLUMNS: tuple[str, ...] = tuple(c for c in SETTINGS_HEADER if c not in CLOCK_COLUMNS)
GROUPS_HEADER: tuple[str, ...] = (
    "workshop_id",
    "group_id",
    "name",
    "system",
    "phase",
    "tutor",
    "position",
    "worksheet",
    "link_generation",
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
    "status",
    "ticket",
    "updated_at",
    "updated_by",
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
#: Participants' vote summary of each test, and the tutor's note on a disagreement.
#: Optional: worksheets made before votes lack them (``sheets prepare`` adds them),
#: and their absence is no problem; new worksheets have them after ANSWERS_HEADER.
VOTE_COLUMNS: tuple[str, ...] = ("votes", "votes_note")
GROUP_SHEET_HEADER: tuple[str, ...] = (*ANSWERS_HEADER, *VOTE_COLUMNS)
HOSTS_HEADER: tuple[str, ...] = ("workshop_id", "passcode_hash")
HEADERS: dict[str, tuple[str, ...]] = {
    SETTINGS: SETTINGS_HEADER,
    GROUPS: GROUPS_HEADER,
    ACTIONS: ACTIONS_HEADER,
    HOSTS: HOSTS_HEADER,
}
#: Columns without which a table cannot be read at all (the row key).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    SETTINGS: ("workshop_id",),
    GROUPS: ("workshop_id", "group_id"),
    ACTIONS: ("action_id", "workshop_id"),
    HOSTS: ("workshop_id",),
    "answers": ("item_id", "score"),
}
#: Spare empty rows a new group worksheet gets below its items (room for hand additions).
SPARE_ROWS = 20
MAX_TITLE = 100  # Google Sheets limits worksheet titles to 100 characters


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
