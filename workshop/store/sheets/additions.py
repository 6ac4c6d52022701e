"""Writes that add rows or worksheets: a workshop, a group, an action item, "Prepare the sheet".

These cannot ride in a group commit of cells: they add worksheets (planned by
:mod:`.prepare` against a fresh read) or rows. New rows are appended, so
Google picks the row and two app processes adding at the same moment never
write into the same one; a retry after a lost answer first looks whether the
row arrived, so nothing is added twice. Each runs holding ``book.fetch_lock``,
so no read or commit of this process comes in between.
"""

from __future__ import annotations

from collections.abc import Sequence

from workshop.models import ActionItem, Group, Workshop
from workshop.store.base import NotFound, StoreError
from workshop.store.sheets.api import SheetsApi
from workshop.store.sheets.book import Rows
from workshop.store.sheets.hosts import HostPasscodes
from workshop.store.sheets.layout.a1 import appended_row
from workshop.store.sheets.layout.actions_table import action_values, parse_actions
from workshop.store.sheets.layout.cells import as_row
from workshop.store.sheets.layout.columns import (
    ACTIONS,
    ACTIONS_HEADER,
    GROUPS,
    GROUPS_HEADER,
    HEADERS,
    HOSTS,
    SETTINGS,
)
from workshop.store.sheets.layout.structure import find_title, rename_sheet_request
from workshop.store.sheets.lookup import parsed, require_table_columns, require_workshop
from workshop.store.sheets.prepare import (
    PrepareReport,
    StructurePlan,
    new_group,
    new_workshop,
    prepared,
    renamed_worksheet,
    retired_secrets,
)
from workshop.store.sheets.reads import SharedReads
from workshop.store.sheets.rubrics import Rubrics


class Additions:
    """The store's writes that add rows or worksheets (see the module docstring)."""

    def __init__(
        self, api: SheetsApi, reads: SharedReads, rubrics: Rubrics, *, write_through: bool = True
    ) -> None:
        self.api = api
        self.reads = reads
        self.rubrics = rubrics
        self.book = api.book
        self.write_through = write_through

    def create_workshop(
        self, workshop: Workshop, groups: Sequence[Group], passcode_hash: str = ""
    ) -> None:
        for group in groups:
            if group.workshop_id != workshop.id:
                raise ValueError(
                    f"Group {group.id} belongs to {group.workshop_id}, not {workshop.id}."
                )
        with self.book.fetch_lock:
            state = self.reads.state(fresh=True)
            tables = parsed(state)
            if workshop.id in tables.settings.rows:
                raise StoreError(f"Workshop {workshop.id} already exists.")
            rubric = self.rubrics.get(workshop.rubric_id)
            plan, settings_rows, group_rows = new_workshop(
                state, tables, workshop, groups, rubric, self.api.account
            )
            self.api.apply(plan)
            self.api.append_once(SETTINGS, settings_rows, HEADERS[SETTINGS], "workshop_id")
            self.api.append_once(GROUPS, group_rows, HEADERS[GROUPS], "group_id")
            if passcode_hash:  # into the protected worksheet, never next to the workshop
                hosts_row = [(workshop.id, [workshop.id, passcode_hash])]
                self.api.append_once(HOSTS, hosts_row, HEADERS[HOSTS], "workshop_id")

    def add_or_rename_group(self, group: Group) -> str | None:
        """A new group gets its worksheet and row (None); for an existing one, its worksheet
        follows a new name when it can, and the title its row should hold is returned."""
        with self.book.fetch_lock:
            state = self.reads.state(fresh=True)
            tables = parsed(state)
            workshop = require_workshop(tables, group.workshop_id)
            for existing in tables.groups.rows:
                if existing.group.id == group.id and existing.group.workshop_id != workshop.id:
                    raise NotFound(f"Group {group.id} does not belong to workshop {workshop.id}.")
            current = tables.groups.find(workshop.id, group.id)
            if current is None:
                rubric = self.rubrics.get(workshop.rubric_id)
                plan, row = new_group(state, tables, workshop, group, rubric, self.api.account)
                self.api.apply(plan)
                self.api.append_once(GROUPS, [row], HEADERS[GROUPS], "group_id")
                return None
            require_table_columns(
                GROUPS, tables.groups.header, [c for c in GROUPS_HEADER if c != "link_generation"]
            )
            rename = renamed_worksheet(state, current, group, workshop)
            if rename is None:
                return current.worksheet
            self.api.structure_update([rename_sheet_request(*rename)], [])
            return rename[1]

    def add_action(self, action: ActionItem) -> None:
        """Append the action's row once, even after a lost answer, and show it at once."""
        with self.book.fetch_lock:
            state = self.reads.state()
            tables = parsed(state)
            require_workshop(tables, action.workshop_id)
            if not tables.actions.present:
                plan = StructurePlan(state, self.api.account)
                plan.fixed_sheets(tables)
                self.api.apply(plan)
                state = self.reads.state(fresh=True)
            spreadsheet = self.api.spreadsheet()
            title = find_title(state.values, ACTIONS) or ACTIONS

            def attempt(retry: bool) -> tuple[Rows, int, dict[int, str]] | None:
                # The first try trusts the shared copy (a failed write drops it, so it is
                # never older than this process's own writes). A retry inside this call
                # reads the sheet first: if the lost attempt's append did land, the action
                # is already there and is not appended twice.
                if not retry and title in state.values:
                    rows = state.values[title]
                else:
                    rows = self.api.values_get(spreadsheet, ACTIONS)
                table = parse_actions(rows)
                require_table_columns(ACTIONS, table.header, ACTIONS_HEADER)
                existing = table.find(action.id)
                if existing is not None:
                    if existing.action == action:
                        return None
                    raise StoreError(f"Action item {action.id} already exists.")
                cells = table.header.cells(action_values(action))
                reply = self.api.append(spreadsheet, title, [as_row(cells)])
                return rows, appended_row(reply, len(rows) + 1), cells

            try:
                appended = self.api.call_retrying(attempt)
            except BaseException:
                self.book.invalidate()
                raise
            if appended is not None and self.write_through:
                rows, number, cells = appended
                self.book.patch(ACTIONS, [(number, cells)], rows)
            else:
                self.book.invalidate()

    def prepare(self, workshop_id: str) -> PrepareReport:
        """Create whatever the workshop is missing in the sheet (see :mod:`.prepare`).

        Also the move to version 0.2: the secrets of 0.1 (join codes, results tokens,
        passcode hashes in Settings and Groups) are emptied, hashes included (anyone
        could have changed them: hosts set a new passcode); and a Hosts worksheet that
        lost its protection is protected again with its hashes emptied, for the same
        reason.
        """
        with self.book.fetch_lock:
            state = self.reads.state(fresh=True)
            tables = parsed(state)
            workshop = require_workshop(tables, workshop_id)
            rubric = self.rubrics.get(workshop.rubric_id)
            had_hosts = find_title(state.sheets, HOSTS) is not None
            plan, report = prepared(state, tables, workshop, rubric, self.api.account)
            self.api.apply(plan)
            hosts = HostPasscodes(self.api)
            if had_hosts:
                report.hosts_reprotected = hosts.protect_again()
            emptied = retired_secrets(state)
            if emptied:
                self.api.values_batch_update(emptied)
                report.secrets_emptied = len(emptied)
            self.book.invalidate()
            return report
