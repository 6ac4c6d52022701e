"""The shared read: one whole-spreadsheet read that every page of the process is served.

Why it is built this way:

* **Quota.** One service account shares about 60 requests per minute across
  every session of the app, so a page render never costs its own request: it
  is served from ONE read of every worksheet (``values_batch_get``, a range per
  worksheet), cached per process for ``cache_seconds`` and shared by every
  session, store handle and workshop in the spreadsheet (the book). Only one
  thread reads while the others wait for its result. Worksheet titles come from
  cached metadata, re-read when a range no longer exists, after this process
  adds worksheets, or (at most once a minute) when a group's worksheet is missing.
* **A request budget.** Writes are what tutors do; reads are what the app
  chooses. While this process's requests of the last minute approach
  ``request_budget`` (30, half the quota), the shared read is reused a little
  longer, up to ``max_cache_seconds``, so a burst of saves does not push the
  process over the quota. benchmarks/sheets_quota.py measures the result.
* **Background reads.** With ``background_reads`` pages are served the copy at
  once, however old, and a refresher (:mod:`workshop.sync`) reads the sheet
  while a page asked for it lately; a page reads itself only when there is no
  copy, or one older than ``max_stale_seconds`` with nobody refreshing it.
* **Outages.** After a failed read, reads fail fast for a moment (pages show the
  copy they have) instead of queueing behind another round of retries.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from workshop.sheets_client import status_of
from workshop.store.base import StoreConfigError, StoreUnavailable
from workshop.store.sheets.api import SheetsApi
from workshop.store.sheets.book import BookState, Rows
from workshop.store.sheets.kept import KeptCopy
from workshop.store.sheets.layout.columns import GROUPS
from workshop.store.sheets.layout.groups_table import parse_groups
from workshop.store.sheets.layout.structure import SheetInfo, find_title
from workshop.store.sheets.verify import check_recent_writes

LOG = logging.getLogger(__name__)

#: The shortest interval between two re-reads of the worksheet titles prompted by a
#: group worksheet that is missing from them.
METADATA_SECONDS = 60.0
#: Requests per minute this process aims to stay under (the account's quota is 60,
#: shared with other processes, people's tools and retries).
REQUEST_BUDGET = 30.0
#: The longest a shared read is reused when writes use up the budget.
MAX_CACHE_SECONDS = 15.0
#: Room kept below the budget for writes that arrive before the next read decision.
READ_HEADROOM = 4
#: Tokens an optional re-read leaves in the bucket for the next saves.
READ_RESERVE = 2
#: With background reads, the age after which a page reads the sheet itself when
#: nothing else refreshed the copy (the refresher stopped, or never started).
MAX_STALE_SECONDS = 30.0
#: A page that asked for the copy within this many seconds keeps the refresher reading.
DEMAND_SECONDS = 15.0


@dataclass(frozen=True)
class ReadPolicy:
    """When the shared copy may serve a page instead of a new read (see the module docstring)."""

    cache_seconds: float = 4.0
    metadata_seconds: float = METADATA_SECONDS
    request_budget: float | None = REQUEST_BUDGET
    max_cache_seconds: float = MAX_CACHE_SECONDS
    background_reads: bool = False
    max_stale_seconds: float = MAX_STALE_SECONDS


class SharedReads:
    """Serves the shared copy, and reads the spreadsheet when it is due."""

    def __init__(self, api: SheetsApi, policy: ReadPolicy, kept: KeptCopy | None = None) -> None:
        self.api = api
        self.book = api.book
        self.policy = policy
        self.clock = api.clock
        # The last read on disk, for a process that starts while the sheet cannot be read
        # (workshop.store.sheets.kept); None: nothing is kept (tests, the command line).
        self.kept = kept

    def reuse_cached(self, state: BookState, now: float) -> bool:
        """Whether the shared read may serve one more page instead of reading again.

        Always for ``cache_seconds``. After that, reads are the part of the traffic
        the app controls (writes are what tutors do), so while this process's
        requests of the last minute are at ``request_budget`` minus a little
        headroom for writes, the cached copy is kept a while longer, but never
        beyond ``max_cache_seconds``.
        """
        policy = self.policy
        age = now - state.read_at
        if age < policy.cache_seconds:
            return True
        if not policy.request_budget or age >= policy.max_cache_seconds:
            return False
        pacer = self.api.pacer
        if pacer is not None and pacer.available(now) < READ_RESERVE + 1:
            return True  # the next tokens are the tutors' saves; the copy is young enough
        stats = self.book.stats
        if stats.in_last_minute(now, ("reads", "writes", "metadata")) >= (
            policy.request_budget - READ_HEADROOM
        ):
            return True
        # Pace reads so that, if writes go on as in the last minute, both fit the budget.
        room = policy.request_budget - READ_HEADROOM - stats.in_last_minute(now)
        return age < 60.0 / max(room, 1.0)

    def state(self, *, fresh: bool = False) -> BookState:
        """The whole spreadsheet: the shared cached read, or a new one when ``fresh``.

        One thread reads at a time (``book.fetch_lock``); the others wait for its
        result, or, with background reads, are served the copy they have.
        """
        book = self.book
        background = self.policy.background_reads
        now = self.clock()
        with book.lock:
            state = book.state
            if not fresh:
                book.last_demand = now
            if state is not None and not fresh and self._may_serve(state, now):
                return state
        if state is not None and not fresh and background:
            if not book.fetch_lock.acquire(blocking=False):
                return state  # somebody is reading right now: show the copy meanwhile
        else:
            book.fetch_lock.acquire()
        try:
            with book.lock:
                state = book.state
                now = self.clock()
                if state is not None and not fresh and self.reuse_cached(state, now):
                    return state  # another thread read it while this one waited
                if not fresh and now < book.read_retry_at and book.read_error is not None:
                    # The last read failed a moment ago: do not queue every page behind
                    # another round of retries. Serve the copy if there is one, else say so.
                    if state is not None:
                        return state
                    kept = self._kept_state()
                    if kept is not None:
                        return kept
                    error = book.read_error
                    raise StoreUnavailable(
                        error.message, hint=error.hint, reason=error.reason, status=error.status
                    )
            try:
                return self.read_into_cache()
            except StoreUnavailable:
                # A process with no copy yet (it just started) shows the last read it kept
                # on disk rather than nothing; a commit (fresh) never plans on it.
                kept = None if fresh or state is not None else self._kept_state()
                if kept is None:
                    raise
                return kept
        finally:
            book.fetch_lock.release()

    def _kept_state(self) -> BookState | None:
        """The read kept on disk, made the shared copy (as an old one), when there is none."""
        if self.kept is None:
            return None
        book = self.book
        with book.lock:
            if book.state is not None:
                return book.state
        kept = self.kept.load()
        if kept is None:
            return None
        with book.lock:
            if book.state is None:
                book.set_state(kept)
                book.kept_version = book.version
                LOG.warning(
                    "The sheet cannot be read; pages show the last read kept in %s until it can",
                    self.kept.path,
                )
            return book.state

    def keep(self) -> None:
        """Write the shared copy to disk if its values changed since it was last kept."""
        if self.kept is None:
            return
        book = self.book
        with book.lock:
            state, version = book.state, book.version
            if state is None or version == book.kept_version:
                return
            book.kept_version = version
        self.kept.save(state)

    def _may_serve(self, state: BookState, now: float) -> bool:
        """Whether a page may have the cached copy without anyone reading first."""
        if self.reuse_cached(state, now):
            return True
        if not self.policy.background_reads:
            return False
        if now - state.read_at < self.policy.max_stale_seconds:
            return True
        return now < self.book.read_retry_at  # an outage: the copy is all there is

    def read_into_cache(self) -> BookState:
        """Read every worksheet (one request), make it the shared copy, check recent writes.

        Call with ``book.fetch_lock`` held.
        """
        book = self.book
        now = self.clock()
        try:
            values, sheets = self._read_all()
        except StoreUnavailable as error:
            self.api.note_unreachable(error)
            raise
        with book.lock:
            book.read_retry_at, book.read_error = float("-inf"), None
        if self._titles_look_stale(values, now):
            known = set(sheets)
            sheets = self.api.sheets(force=True)
            if set(sheets) != known:
                values = self.api.batch_get(sheets)
        state = BookState(dict(sheets), values, now)
        book.set_state(state)
        check_recent_writes(book, state)
        self.keep()
        return state

    def _read_all(self) -> tuple[dict[str, Rows], dict[str, SheetInfo]]:
        sheets = self.api.sheets()
        try:
            return self.api.batch_get(sheets), sheets
        except StoreConfigError as error:
            if status_of(error.__cause__ or error) != 400:
                raise
            # A worksheet was renamed or deleted since the titles were read.
            sheets = self.api.sheets(force=True)
            return self.api.batch_get(sheets), sheets

    def _titles_look_stale(self, values: Mapping[str, Rows], now: float) -> bool:
        """A group's worksheet is missing from the cached titles, and they are a minute old.

        Someone may have added or renamed it back (worksheets this process
        adds, renames or finds gone already refresh the titles), so look again,
        at most once a minute.
        """
        if now - self.book.sheets_at < self.policy.metadata_seconds:
            return False
        groups = parse_groups(values.get(GROUPS))
        return any(find_title(values, row.worksheet) is None for row in groups.rows)

    def refresh(self) -> bool:
        """Read the sheet if a page asked for it lately and the copy is due (background reads).

        True when it read, or when repairs found by an earlier read wait to be sent
        (the caller sends them).
        """
        book = self.book
        now = self.clock()
        with book.lock:
            state = book.state
            wanted = now - book.last_demand < DEMAND_SECONDS or bool(book.repairs)
            if not wanted or now < book.read_retry_at:
                return False
            if state is not None and self.reuse_cached(state, now) and not book.repairs:
                return False
        with book.fetch_lock:
            with book.lock:
                state = book.state
                fresh = state is not None and self.reuse_cached(state, self.clock())
                if fresh and not book.repairs:
                    return False  # another thread read it meanwhile
            if not book.repairs:
                self.read_into_cache()
        return True

    def read_age(self) -> float | None:
        state = self.book.state
        return None if state is None else max(0.0, self.clock() - state.read_at)

    def revision(self) -> int:
        """The cached copy's version: it grows with every read that changed something.

        Cheap (no request); also tells the refresher that a page is watching.
        """
        book = self.book
        with book.lock:
            book.last_demand = self.clock()
            if book.state is not None:
                return book.version
        self.state()
        return book.version
