"""The Google Sheets store: the :class:`Store` interface on a spreadsheet people can edit.

This module only wires the parts together and keeps each public method short:
reads are served from the shared read (:mod:`.reads`), cell writes are planners
(:mod:`.writes`) sent in group commits (:mod:`.commit`), new worksheets are
planned by :mod:`.prepare`, and every request goes through :mod:`.api`. What
people may do to the sheet by hand, and how it is read back, is
:mod:`.layout`'s business.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from workshop.config import Settings
from workshop.content.model import Rubric
from workshop.models import (
    ActionItem,
    ClockState,
    Group,
    PatchOutcome,
    Snapshot,
    VoteRecord,
    Workshop,
)
from workshop.scoring import AnswerRow
from workshop.sheets_client import DEFAULT_TIMEOUT, RetryPolicy
from workshop.store.base import (
    Changes,
    KnownAt,
    Patches,
    PatchSet,
    Store,
    StoreConfigError,
    StoreError,
    StoreUnavailable,
)
from workshop.store.sheets import writes
from workshop.store.sheets.additions import Additions
from workshop.store.sheets.api import SheetsApi
from workshop.store.sheets.book import BookState, clear_books
from workshop.store.sheets.commit import GroupCommit
from workshop.store.sheets.hosts import HostPasscodes
from workshop.store.sheets.kept import KeptCopy
from workshop.store.sheets.layout.answer_sheet import sheet_rows
from workshop.store.sheets.layout.columns import (
    CLOCK_COLUMNS,
    KEY_COLUMNS,
    ROOM_COLUMNS,
    WORKSHOP_COLUMNS,
)
from workshop.store.sheets.layout.settings_table import clock_values, workshop_values
from workshop.store.sheets.layout.structure import find_title
from workshop.store.sheets.lookup import (
    GroupFinder,
    group_finder,
    parsed,
    require_group,
    require_table_columns,
    require_workshop,
)
from workshop.store.sheets.pacing import QUOTA_PER_MINUTE, QUOTA_SHARE, clear_pacers
from workshop.store.sheets.prepare import PrepareReport
from workshop.store.sheets.reads import (
    MAX_CACHE_SECONDS,
    MAX_STALE_SECONDS,
    METADATA_SECONDS,
    REQUEST_BUDGET,
    ReadPolicy,
    SharedReads,
)
from workshop.store.sheets.rubrics import Rubrics
from workshop.store.sheets.snapshot import build_snapshot

#: How long the app's store keeps retrying one request before it gives up and the
#: page keeps the change pending (it tries again every few seconds by itself).
RETRY_BUDGET_SECONDS = 5.0
#: The cells of a clock that was never given the room's settings (no auto-advance, no message).
_UNSET = clock_values(ClockState())


def clear_shared_books() -> None:
    """Forget every cached spreadsheet and pacer of this process (tests start from scratch)."""
    clear_books()
    clear_pacers()


class SheetsStore(Store):
    """The :class:`Store` on a Google Sheet through gspread (see the package docstring)."""

    backend = "sheets"

    def __init__(
        self,
        spreadsheet: str,
        service_account_info: Mapping[str, Any],
        *,
        endpoint: str = "",
        cache_seconds: float = 4.0,
        metadata_seconds: float = METADATA_SECONDS,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        rubric_loader: Callable[[str], Rubric] | None = None,
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        request_budget: float | None = REQUEST_BUDGET,
        max_cache_seconds: float = MAX_CACHE_SECONDS,
        write_through: bool = True,
        quota_per_minute: float | None = None,
        quota_share: float = QUOTA_SHARE,
        read_backoff_seconds: float = 0.0,
        pace_sleep: Callable[[float], None] = time.sleep,
        background_reads: bool = False,
        max_stale_seconds: float = MAX_STALE_SECONDS,
        kept_copy: str | Path | None = None,
    ) -> None:
        # Pacing (quota_per_minute) is on for the app and the CLI (from_settings); the
        # constructor leaves it off so tests can freeze the clock.
        self.api = SheetsApi(
            spreadsheet,
            service_account_info,
            endpoint=endpoint,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            clock=clock,
            quota_per_minute=quota_per_minute,
            quota_share=quota_share,
            pace_sleep=pace_sleep,
            read_backoff_seconds=read_backoff_seconds,
        )
        cache_seconds = max(0.0, cache_seconds)
        policy = ReadPolicy(
            cache_seconds=cache_seconds,
            metadata_seconds=metadata_seconds,
            request_budget=request_budget,
            max_cache_seconds=max(max_cache_seconds, cache_seconds),
            background_reads=background_reads,
            max_stale_seconds=max_stale_seconds,
        )
        kept = KeptCopy(kept_copy, self.api.key) if kept_copy else None
        self.reads = SharedReads(self.api, policy, kept)
        self.commits = GroupCommit(self.api, self.reads, write_through=write_through)
        self.rubrics = Rubrics(rubric_loader, clock)
        self.additions = Additions(self.api, self.reads, self.rubrics, write_through=write_through)
        self.key = self.api.key
        self.account = self.api.account
        self.book = self.api.book
        self.pacer = self.api.pacer
        self.wall = wall

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> SheetsStore:
        """The store as the app and the CLI use it: paced to the account's quota.

        A failed read is not repeated for ``cache_seconds`` (at least 2 s), so a
        minute of outage does not turn every page render into a round of retries,
        and one request is retried for at most ``RETRY_BUDGET_SECONDS`` before the
        caller hears that it did not go through (the tutor page keeps the change
        pending and tries again).
        """
        options.setdefault("quota_per_minute", QUOTA_PER_MINUTE)
        options.setdefault("read_backoff_seconds", max(2.0, settings.cache_seconds))
        options.setdefault("retry", RetryPolicy(budget=RETRY_BUDGET_SECONDS))
        return cls(
            settings.spreadsheet,
            settings.service_account_info or {},
            endpoint=settings.sheets_endpoint,
            cache_seconds=settings.cache_seconds,
            **options,
        )

    def __repr__(self) -> str:
        # Never the credentials: only where the data is and who may open it.
        return f"SheetsStore(key={self.key!r}, account={self.account!r})"

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.key}/edit"

    @property
    def cache_seconds(self) -> float:
        return self.reads.policy.cache_seconds

    def _group(self, workshop_id: str, group_id: str) -> GroupFinder:
        return group_finder(self.book, self.rubrics, workshop_id, group_id)

    # -- reads ------------------------------------------------------------------------------

    def list_workshops(self, include_archived: bool = False) -> list[Workshop]:
        rows = list(parsed(self.reads.state()).settings.rows.values())
        rows.sort(key=lambda r: (r.workshop.date, r.workshop.created_at, r.row), reverse=True)
        return [r.workshop for r in rows if include_archived or not r.workshop.archived]

    def get_workshop(self, workshop_id: str) -> Workshop | None:
        row = parsed(self.reads.state()).settings.rows.get(workshop_id)
        return None if row is None else row.workshop

    def snapshot(self, workshop_id: str) -> Snapshot:
        """Served from the shared read; built once per read and workshop for all sessions.

        The returned snapshot is shared: callers must not modify its ``answers``.
        """
        state = self.reads.state()
        key = (workshop_id, self.rubrics.loader, self.url)
        return self.book.memoized(state, key, lambda: self._snapshot(state, workshop_id))

    def snapshots(self, workshop_ids: Sequence[str]) -> list[Snapshot]:
        state = self.reads.state()
        return [self._snapshot(state, workshop_id) for workshop_id in workshop_ids]

    def _snapshot(self, state: BookState, workshop_id: str) -> Snapshot:
        return build_snapshot(self.book, state, workshop_id, self.rubrics, self.url, self.wall)

    def host_passcode_hash(self, workshop_id: str) -> str:
        require_workshop(parsed(self.reads.state()), workshop_id)
        return HostPasscodes(self.api).get(workshop_id)

    def set_host_passcode_hash(self, workshop_id: str, passcode_hash: str) -> None:
        require_workshop(parsed(self.reads.state()), workshop_id)
        with self.book.fetch_lock:
            HostPasscodes(self.api).set(workshop_id, passcode_hash)

    def group_worksheets(self, workshop_id: str) -> dict[str, str]:
        """Group id -> title of its worksheet (for messages and links)."""
        tables = parsed(self.reads.state())
        return {row.group.id: row.worksheet for row in tables.groups.of_workshop(workshop_id)}

    def group_rows(self, workshop_id: str, group_id: str) -> list[AnswerRow]:
        """One group's worksheet rows exactly as typed, for scoring straight from the sheet."""
        state = self.reads.state()
        tables = parsed(state)
        require_workshop(tables, workshop_id)
        group_row = require_group(tables, workshop_id, group_id)
        title = find_title(state.values, group_row.worksheet)
        if title is None:
            raise StoreConfigError(
                f"Worksheet '{group_row.worksheet}' of group {group_row.group.name} was not "
                "found (renamed or deleted?).",
                hint="Rename it back, or run `workshop sheets prepare` to create it again.",
            )
        header, rows = sheet_rows(state.values[title])
        require_table_columns(title, header, KEY_COLUMNS["answers"])
        return [AnswerRow(r.row, r.item_id, r.score, r.note) for r in rows]

    def read_age(self) -> float | None:
        return self.reads.read_age()

    def revision(self, workshop_id: str) -> object:
        """The cached copy's version (no request); also tells the refresher a page watches."""
        return self.reads.revision()

    def refresh(self) -> bool:
        """Read the sheet if a page asked for it lately and the copy is due (background reads).

        Called by the refresher of :mod:`workshop.sync`, never by a page. Also sends
        the repairs a read found. True when it read.
        """
        if not self.reads.refresh():
            return False
        self._send_repairs()
        return True

    def refresh_now(self) -> None:
        """Read the sheet now and send any repair that read found (tests, the command line)."""
        with self.book.fetch_lock:
            self.reads.read_into_cache()
        self._send_repairs()

    def _send_repairs(self) -> None:
        if self.book.repairs:
            self.commits.commit(writes.nothing)  # the commit carries the repairs

    # -- writes: answers, clock, workshop fields, action items ------------------------------

    def apply_patches(
        self, workshop_id: str, group_id: str, patches: Patches, *, known_at: KnownAt | None = None
    ) -> list[PatchOutcome]:
        """Decide each patch against the worksheet read inside the commit, then write."""
        if not patches:
            require_workshop(parsed(self.reads.state()), workshop_id)
            return []
        planner = writes.patched_answers(
            workshop_id, self._group(workshop_id, group_id), patches, known_at
        )
        outcomes: list[PatchOutcome] = self.commits.commit(planner)
        return outcomes

    def apply_many(self, sets: Sequence[PatchSet]) -> list[list[PatchOutcome] | StoreError]:
        """Every group's patches in one commit: one read and one write for all of them."""
        planners = [
            writes.patched_answers(
                each.workshop_id,
                self._group(each.workshop_id, each.group_id),
                each.patches,
                each.known_at,
                each.votes,
            )
            for each in sets
        ]
        tickets = self.commits.commit_many(planners)
        results: list[list[PatchOutcome] | StoreError] = []
        for ticket in tickets:
            if isinstance(ticket.error, StoreUnavailable):
                raise ticket.error
            if ticket.error is not None:
                if not isinstance(ticket.error, StoreError):
                    raise ticket.error
                results.append(ticket.error)
            else:
                results.append(ticket.result)
        return results

    def save_answers(
        self, workshop_id: str, group_id: str, changes: Changes, *, updated_by: str, updated_at: str
    ) -> None:
        """Whole answers written as given, each in its item's row as found at commit time."""
        if not changes:
            require_workshop(parsed(self.reads.state()), workshop_id)
            return
        group = self._group(workshop_id, group_id)
        self.commits.commit(writes.whole_answers(group, changes, updated_at, updated_by))

    def save_votes(self, workshop_id: str, group_id: str, votes: Sequence[VoteRecord]) -> None:
        """Vote summaries in the next group commit (the sender sends them with patches)."""
        if votes:
            self.commits.commit(
                writes.vote_summaries(workshop_id, self._group(workshop_id, group_id), votes)
            )

    def set_clock(self, workshop_id: str, clock: ClockState) -> None:
        values = clock_values(clock)
        # A sheet prepared before the room's columns keeps its clock working: those
        # columns are required only once they hold something (the page then says
        # "Prepare the sheet"), and written wherever they exist.
        required = [c for c in CLOCK_COLUMNS if c not in ROOM_COLUMNS or values[c] != _UNSET[c]]
        self.commits.commit(writes.settings_cells(workshop_id, required, values))

    def update_workshop(self, workshop: Workshop) -> None:
        values = workshop_values(workshop)
        self.commits.commit(writes.settings_cells(workshop.id, WORKSHOP_COLUMNS, values))

    def update_action(self, action: ActionItem) -> None:
        self.commits.commit(writes.action_cells(action))

    def delete_action(self, workshop_id: str, action_id: str) -> None:
        """Blank the action's row, found by its id; blanking twice is harmless."""
        self.commits.commit(writes.blank_action(workshop_id, action_id))

    # -- writes that add rows or worksheets (see additions) --------------------------------

    def create_workshop(
        self, workshop: Workshop, groups: Sequence[Group], passcode_hash: str = ""
    ) -> None:
        self.additions.create_workshop(workshop, groups, passcode_hash)

    def upsert_group(self, group: Group) -> None:
        title = self.additions.add_or_rename_group(group)
        if title is not None:  # an existing group: its row is written like any other cells
            self.commits.commit(writes.group_cells(group, title))

    def add_action(self, action: ActionItem) -> None:
        self.additions.add_action(action)

    def prepare(self, workshop_id: str) -> PrepareReport:
        """Create whatever the workshop is missing in the sheet, never touching answers.

        Missing worksheets (Settings, Groups, Actions, a group's), missing header
        cells, missing item rows, the score dropdown and frozen header rows.
        Running it twice changes nothing the second time.
        """
        return self.additions.prepare(workshop_id)

    # -- cache ------------------------------------------------------------------------------

    def invalidate(self) -> None:
        self.book.invalidate(metadata=True)

    def close(self) -> None:
        """Nothing to release: the HTTP session is shared by the process's store handles."""
