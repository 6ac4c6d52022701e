"""A whole-spreadsheet read, its fixed tables parsed once (group worksheets on demand)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workshop.store.sheets.layout.actions_table import ActionsTable, parse_actions
from workshop.store.sheets.layout.cells import Values
from workshop.store.sheets.layout.columns import ACTIONS, GROUPS, SETTINGS
from workshop.store.sheets.layout.groups_table import GroupsTable, parse_groups
from workshop.store.sheets.layout.settings_table import SettingsTable, parse_settings
from workshop.store.sheets.layout.structure import SheetInfo


@dataclass
class ParsedBook:
    """Every fixed table of the spreadsheet parsed once; group worksheets are parsed on demand."""

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
