"""The Google Sheets store: the workshop lives in a spreadsheet people can read and edit.

Why it is built this way:

* **Quota.** One service account shares about 60 requests per minute across
  every session of the app. A page render therefore never costs its own
  request: :meth:`SheetsStore.snapshot` is served from ONE whole-spreadsheet
  read (``values_batch_get`` with a range per worksheet) that is cached per
  process for ``cache_seconds`` and shared by every session, every store
  handle and every workshop in the spreadsheet (:class:`SharedBook`). Only one
  thread fetches while the others wait for its result, and the snapshot built
  from a read is built once for everyone. Worksheet titles come from cached
  metadata, re-read when a range no longer exists, after this process adds
  worksheets, or (at most once a minute) when a group's worksheet is missing.
* **A request budget.** Writes are what tutors do; reads are what the app
  chooses. While this process's requests of the last minute approach
  ``request_budget`` (30, half the quota), the shared read is reused a little
  longer, up to ``max_cache_seconds``, so a burst of saves does not push the
  process over the quota. benchmarks/sheets_quota.py measures the result.
* **Small, idempotent writes.** A save is one ``values_batch_update`` (RAW, so
  a note like ``=HYPERLINK(...)`` stays text) of just the changed cells of one
  group's rows, located by ``item_id``; other groups' cells are never
  written. Writing fixed cells twice gives the same result, so a retry after a
  lost response cannot duplicate anything; an action item is appended only
  after checking that its id is not there yet (re-read from the sheet when an
  earlier attempt may have landed).
* **Paced and coalesced writes.** Tutors click faster than the quota allows
  (four tutors answering a section in a minute are over 60 saves). Every request
  this process sends takes a token from a bucket per service account
  (:class:`QuotaPacer`), so no minute ever holds more than ``quota_share`` of
  ``quota_per_minute`` of them, however they bunch up. Saves and clock changes
  go through a group commit: while one ``values_batch_update`` is being sent
  (or waits for its token), the saves that arrive queue up and the next one
  carries them all, each still writing only its own group's cells. The page
  waits a little longer under load; the quota is never exceeded. Pacing is on
  for the app and the CLI (:meth:`SheetsStore.from_settings`); the constructor
  leaves it off so tests can freeze the clock.
* **Write-through cache.** After a successful write, the cached copy is
  patched with exactly the cells written, so this process's pages show the
  change at once without another read. (Clearing the cache after every write,
  as first planned, costs a read per save: peak 43/min instead of 30 at 12
  groups in the benchmark.) Anything uncertain (a failed write, new
  worksheets) drops the cached copy instead.
* **Hand edits.** Parsing lives in :mod:`workshop.store.sheets_layout`; what a
  person broke becomes a :class:`~workshop.models.Problem` in the snapshot.
"""

from __future__ import annotations

import copy
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import gspread

from workshop.config import Settings
from workshop.content.model import Rubric
from workshop.models import (
    ActionItem,
    Answer,
    AnswerChange,
    ClockState,
    FieldPatch,
    Group,
    PatchOutcome,
    Problem,
    Snapshot,
    Workshop,
)
from workshop.scoring import AnswerRow, normalize_item_id
from workshop.sheets_client import (
    API_ERRORS,
    DEFAULT_TIMEOUT,
    RetryPolicy,
    Spreadsheet,
    client_email,
    connect,
    make_client,
    spreadsheet_key,
    status_of,
    to_store_error,
)
from workshop.store import sheets_layout as layout
from workshop.store import sheets_plans as plans
from workshop.store.base import (
    KnownAt,
    NotFound,
    PatchSet,
    Store,
    StoreConfigError,
    StoreError,
    StoreUnavailable,
)
from workshop.store.sheets_book import (
    BookState,
    clear_books,
    shared_book,
)
from workshop.store.sheets_pacing import Pacer, QuotaPacer, clear_pacers, shared_pacer
from workshop.store.sheets_plans import CommitWrites, Planner

LOG = logging.getLogger(__name__)
__all__ = ["BookState", "PrepareReport", "QuotaPacer", "SheetsStore", "clear_shared_books"]

T = TypeVar("T")

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
#: Google's limit for one service account: requests per minute per user.
QUOTA_PER_MINUTE = 60.0
#: The share of that quota this process may use in any minute; the rest is left for
#: other processes on the same account (a CLI run, a second app instance).
QUOTA_SHARE = 0.8
#: Requests that may go out at once after a quiet spell (the bucket's size).
QUOTA_BURST = 8
#: How long the app's store keeps retrying one request before it gives up and the
#: page keeps the change pending (it tries again every few seconds by itself).
RETRY_BUDGET_SECONDS = 5.0
#: Tokens an optional re-read leaves in the bucket for the next saves.
READ_RESERVE = 2
#: With background reads, the age after which a page reads the sheet itself when
#: nothing else refreshed the copy (the refresher stopped, or never started).
MAX_STALE_SECONDS = 30.0
#: How long a rubric that failed to load is remembered as missing before trying again
#: (a content file being fixed while the app runs).
RUBRIC_RETRY_SECONDS = 10.0
#: How long a write is remembered for the check that it landed in its item's row.
VERIFY_SECONDS = 120.0
#: A page that asked for the copy within this many seconds keeps the refresher reading.
DEMAND_SECONDS = 15.0
Rows = list[list[Any]]


@dataclass
class _Ticket:
    """One caller's change in a group commit, and how its write ended."""

    planner: Planner
    done: bool = False
    error: BaseException | None = None
    result: Any = None


def clear_shared_books() -> None:
    """Forget every cached spreadsheet and pacer of this process (tests start from scratch)."""
    clear_books()
    clear_pacers()


def _default_rubric_loader(rubric_id: str) -> Rubric:
    from workshop.content import load_rubric

    return load_rubric(rubric_id)


# --------------------------------------------------------------------------- prepare report


@dataclass
class PrepareReport:
    """What :meth:`SheetsStore.prepare` created; empty lists mean all was in place."""

    worksheets: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # "worksheet: column" added to row 1
    item_rows: dict[str, list[str]] = field(default_factory=dict)  # worksheet -> item ids

    @property
    def changed(self) -> bool:
        return bool(self.worksheets or self.headers or self.item_rows)


@dataclass
class _Plan:
    """Structure requests and value writes of one change, sent as two requests at most."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    new_titles: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)

    def write(self, title: str, row: int, cells: Mapping[int, str]) -> None:
        self.data.extend(layout.row_updates(title, row, cells))


# --------------------------------------------------------------------------- the store


class SheetsStore(Store):
    """The :class:`Store` on a Google Sheet through gspread (see the module docstring)."""

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
    ) -> None:
        self.key = spreadsheet_key(spreadsheet)
        self._info = dict(service_account_info or {})
        self.account = client_email(self._info)
        self.endpoint = endpoint
        self.cache_seconds = max(0.0, cache_seconds)
        self.metadata_seconds = metadata_seconds
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.wall = wall
        self.timeout = timeout
        self.request_budget = request_budget
        self.max_cache_seconds = max(max_cache_seconds, self.cache_seconds)
        self.write_through = write_through
        self._rubric_loader = rubric_loader or _default_rubric_loader
        # rubric id -> (rubric or None when it failed to load, when it was loaded)
        self._rubrics: dict[str, tuple[Rubric | None, float]] = {}
        self._rubrics_lock = threading.Lock()
        self.book = shared_book(self.key, endpoint, self.account)
        # None: requests go out as they come (tests with a frozen clock); see the docstring.
        self.pacer: Pacer | None = (
            shared_pacer(endpoint, self.account, quota_per_minute * quota_share, QUOTA_BURST)
            if quota_per_minute
            else None
        )
        self.read_backoff_seconds = max(0.0, read_backoff_seconds)
        self.pace_sleep = pace_sleep
        # Background reads: pages are served the cached copy at once, however old, and a
        # refresher (workshop.sync) reads the sheet; only a page with no copy at all, or
        # one older than ``max_stale_seconds`` with nobody refreshing it, reads itself.
        self.background_reads = background_reads
        self.max_stale_seconds = max_stale_seconds

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

    # -- plumbing ---------------------------------------------------------------------------

    def _pace(self, kind: str) -> None:
        """Before every request (retries too): wait for a token, then count the request."""
        if self.pacer is not None:
            while True:
                wait = self.pacer.take(self.clock())
                if wait <= 0.0:
                    break
                self.pace_sleep(min(wait, 1.0))
        self.book.stats.count(kind, self.clock())

    def _call(self, fn: Callable[[], T]) -> T:
        """Run one API call with retries; failures become StoreUnavailable/StoreConfigError."""
        try:
            return self.retry.run(fn)
        except API_ERRORS as error:  # anything else is a bug and must surface as one
            raise to_store_error(error, email=self.account, key=self.key) from error

    def _spreadsheet(self) -> gspread.Spreadsheet:
        book = self.book
        with book.fetch_lock:
            if book.spreadsheet is None:
                client = make_client(self._info, self.endpoint, self.timeout)

                def open_it() -> Spreadsheet:
                    self._pace("metadata")
                    return connect(client, self.key)

                opened = self._call(open_it)
                book.spreadsheet = opened
                if book.sheets is None:  # opening read the worksheet list already
                    book.sheets = layout.sheets_from_metadata(opened.metadata)
                    book.sheets_at = self.clock()
            return book.spreadsheet

    def _sheets(self, *, force: bool = False) -> dict[str, layout.SheetInfo]:
        """Worksheet titles and ids: fetched once, then only when something asks for it."""
        book = self.book
        with book.fetch_lock:
            spreadsheet = self._spreadsheet()  # the first open reads the titles too
            if force or book.sheets is None:

                def fetch() -> Any:
                    self._pace("metadata")
                    return spreadsheet.fetch_sheet_metadata()

                book.sheets = layout.sheets_from_metadata(self._call(fetch))
                book.sheets_at = self.clock()
            return book.sheets

    def _titles_look_stale(self, values: Mapping[str, Rows], now: float) -> bool:
        """A group's worksheet is missing from the cached titles, and they are a minute old.

        Someone may have added or renamed it back (worksheets this process
        adds, renames or finds gone already refresh the titles), so look again,
        at most once a minute.
        """
        if now - self.book.sheets_at < self.metadata_seconds:
            return False
        groups = layout.parse_groups(values.get(layout.GROUPS))
        return any(layout.find_title(values, row.worksheet) is None for row in groups.rows)

    def _batch_get(self, sheets: Mapping[str, layout.SheetInfo]) -> dict[str, Rows]:
        spreadsheet = self._spreadsheet()
        titles = list(sheets)
        if not titles:
            return {}

        def fetch() -> Any:
            self._pace("reads")
            return spreadsheet.values_batch_get([layout.quote_title(t) for t in titles])

        reply = self._call(fetch)
        ranges = reply.get("valueRanges", []) or []
        values: dict[str, Rows] = {}
        for index, title in enumerate(titles):
            entry = ranges[index] if index < len(ranges) else {}
            values[title] = [list(row) for row in entry.get("values", []) or []]
        return values

    def reuse_cached(self, state: BookState, now: float) -> bool:
        """Whether the shared read may serve one more page instead of reading again.

        Always for ``cache_seconds``. After that, reads are the part of the traffic
        the app controls (writes are what tutors do), so while this process's
        requests of the last minute are at ``request_budget`` minus a little
        headroom for writes, the cached copy is kept a while longer, but never
        beyond ``max_cache_seconds``.
        """
        age = now - state.read_at
        if age < self.cache_seconds:
            return True
        if not self.request_budget or age >= self.max_cache_seconds:
            return False
        if self.pacer is not None and self.pacer.available(now) < READ_RESERVE + 1:
            return True  # the next tokens are the tutors' saves; the copy is young enough
        stats = self.book.stats
        if stats.in_last_minute(now, ("reads", "writes", "metadata")) >= (
            self.request_budget - READ_HEADROOM
        ):
            return True
        # Pace reads so that, if writes go on as in the last minute, both fit the budget.
        room = self.request_budget - READ_HEADROOM - stats.in_last_minute(now)
        return age < 60.0 / max(room, 1.0)

    def _state(self, *, fresh: bool = False) -> BookState:
        """The whole spreadsheet: the shared cached read, or a new one when ``fresh``.

        One thread reads at a time (``book.fetch_lock``); the others wait for its
        result, or, with background reads, are served the copy they have.
        """
        book = self.book
        now = self.clock()
        with book.lock:
            state = book.state
            if not fresh:
                book.last_demand = now
            if state is not None and not fresh and self._may_serve(state, now):
                return state
        if (
            state is not None
            and not fresh
            and self.background_reads
            and not book.fetch_lock.acquire(blocking=False)
        ):
            return state  # somebody is reading right now: show the copy meanwhile
        if not (state is not None and not fresh and self.background_reads):
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
                    error = book.read_error
                    raise StoreUnavailable(
                        error.message, hint=error.hint, reason=error.reason, status=error.status
                    )
            return self._read_into_cache()
        finally:
            book.fetch_lock.release()

    def _may_serve(self, state: BookState, now: float) -> bool:
        """Whether a page may have the cached copy without anyone reading first."""
        if self.reuse_cached(state, now):
            return True
        if not self.background_reads:
            return False
        if now - state.read_at < self.max_stale_seconds:
            return True
        return now < self.book.read_retry_at  # an outage: the copy is all there is

    def _read_into_cache(self) -> BookState:
        """Read every worksheet (one request), make it the shared copy, check recent writes.

        Call with ``book.fetch_lock`` held.
        """
        book = self.book
        now = self.clock()
        try:
            values, sheets = self._read_all()
        except StoreUnavailable as error:
            self._note_unreachable(error)
            raise
        with book.lock:
            book.read_retry_at, book.read_error = float("-inf"), None
        if self._titles_look_stale(values, now):
            known = set(sheets)
            sheets = self._sheets(force=True)
            if set(sheets) != known:
                values = self._batch_get(sheets)
        state = BookState(dict(sheets), values, now)
        book.set_state(state)
        self._check_recent_writes(state)
        return state

    def refresh(self) -> bool:
        """Read the sheet if a page asked for it lately and the copy is due (background reads).

        Called by the refresher of :mod:`workshop.sync`, never by a page. Also sends
        the repairs a read found. True when it read.
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
                self._read_into_cache()
        if book.repairs:
            self._commit(lambda _state: CommitWrites())  # the commit sends the repairs
        return True

    def read_age(self) -> float | None:
        state = self.book.state
        return None if state is None else max(0.0, self.clock() - state.read_at)

    def refresh_now(self) -> None:
        """Read the sheet now and send any repair that read found (tests, the command line)."""
        with self.book.fetch_lock:
            self._read_into_cache()
        if self.book.repairs:
            self._commit(lambda _state: CommitWrites())

    def revision(self, workshop_id: str) -> object:
        """The cached copy's version: it grows with every read that changed something.

        Cheap (no request); also tells the refresher that a page is watching.
        """
        book = self.book
        with book.lock:
            book.last_demand = self.clock()
            if book.state is not None:
                return book.version
        self._state()
        return book.version

    def _note_unreachable(self, error: StoreUnavailable) -> None:
        """Google did not answer (read or write): reads fail fast for a moment.

        The pages then show what they last had, and the tutor page its pending
        changes, at once instead of after another round of retries.
        """
        if self.read_backoff_seconds:
            with self.book.lock:
                self.book.read_retry_at = self.clock() + self.read_backoff_seconds
                self.book.read_error = error

    def _read_all(self) -> tuple[dict[str, Rows], dict[str, layout.SheetInfo]]:
        sheets = self._sheets()
        try:
            return self._batch_get(sheets), sheets
        except StoreConfigError as error:
            if status_of(error.__cause__ or error) != 400:
                raise
            # A worksheet was renamed or deleted since the titles were read.
            sheets = self._sheets(force=True)
            return self._batch_get(sheets), sheets

    def _fresh_state(self) -> BookState:
        return self._state(fresh=True)

    def _rubric(self, rubric_id: str) -> Rubric | None:
        """The workshop's rubric; one that failed to load is tried again after a while.

        Remembering a failure for the life of the process would keep a fixed
        content file unused until a restart.
        """
        with self._rubrics_lock:
            known = self._rubrics.get(rubric_id)
            now = self.clock()
            if known is None or (known[0] is None and now - known[1] >= RUBRIC_RETRY_SECONDS):
                try:
                    rubric: Rubric | None = self._rubric_loader(rubric_id)
                except Exception:  # an unknown or broken rubric: read the sheet without it
                    rubric = None
                known = self._rubrics[rubric_id] = (rubric, now)
            return known[0]

    def _values_batch_update(self, data: list[dict[str, Any]]) -> None:
        if not data:
            return
        spreadsheet = self._spreadsheet()
        body = {"valueInputOption": "RAW", "data": data}

        def send() -> Any:
            self._pace("writes")
            return spreadsheet.values_batch_update(body)

        try:
            self._call(send)
        except BaseException as error:
            # The write may or may not have happened: the copy is due for a read, but pages
            # keep it meanwhile (what waits in the outbox is shown on top of it).
            self.book.expire()
            if isinstance(error, StoreUnavailable):
                self._note_unreachable(error)
            raise

    def _structure_update(self, requests: list[dict[str, Any]], new_titles: list[str]) -> None:
        """One ``batch_update``; a retry after a lost response skips worksheets now present."""
        if not requests:
            return
        spreadsheet = self._spreadsheet()
        attempt = {"n": 0}

        def send() -> Any:
            attempt["n"] += 1
            pending = requests
            if attempt["n"] > 1 and new_titles:
                self._pace("metadata")
                present = layout.sheets_from_metadata(spreadsheet.fetch_sheet_metadata())
                pending = [
                    request
                    for request in requests
                    if request.get("addSheet", {}).get("properties", {}).get("title") not in present
                ]
            self._pace("writes")
            return spreadsheet.batch_update({"requests": pending})

        try:
            self._call(send)
        finally:
            self.book.invalidate(metadata=True)  # titles, ids or grid sizes changed

    def _book(self, state: BookState, lang: str = "en") -> layout.ParsedBook:
        return layout.parse_book(state.values, state.sheets, lang)

    # -- reads ------------------------------------------------------------------------------

    def list_workshops(self, include_archived: bool = False) -> list[Workshop]:
        rows = list(self._book(self._state()).settings.rows.values())
        rows.sort(key=lambda r: (r.workshop.date, r.workshop.created_at, r.row), reverse=True)
        return [r.workshop for r in rows if include_archived or not r.workshop.archived]

    def get_workshop(self, workshop_id: str) -> Workshop | None:
        row = self._book(self._state()).settings.rows.get(workshop_id)
        return None if row is None else row.workshop

    def snapshot(self, workshop_id: str) -> Snapshot:
        """Served from the shared read; built once per read and workshop for all sessions.

        The returned snapshot is shared: callers must not modify its ``answers``.
        """
        state = self._state()
        key = (workshop_id, self._rubric_loader, self.url)
        book = self.book
        with book.lock:
            if book.memo_state is state and key in book.memo:
                return book.memo[key]
        snapshot = self._snapshot(state, workshop_id)
        with book.lock:
            if book.memo_state is not state:
                book.memo, book.memo_state = {}, state
            book.memo[key] = snapshot
        return snapshot

    def snapshots(self, workshop_ids: Sequence[str]) -> list[Snapshot]:
        state = self._state()
        return [self._snapshot(state, workshop_id) for workshop_id in workshop_ids]

    def find_token(self, token: str) -> tuple[str, str | None] | None:
        if not token:
            return None
        book = self._book(self._state())
        for row in book.settings.rows.values():
            if row.workshop.results_token == token:
                return row.workshop.id, None
        for group_row in book.groups.rows:
            group = group_row.group
            if group.results_token == token and group.workshop_id in book.settings.rows:
                return group.workshop_id, group.id
        return None

    def _snapshot(self, state: BookState, workshop_id: str) -> Snapshot:
        book = self._book(state)
        settings_row = book.settings.rows.get(workshop_id)
        if settings_row is None:
            raise NotFound(f"Workshop {workshop_id} does not exist in the spreadsheet.")
        lang = settings_row.workshop.language
        if lang != "en":  # problems are worded in the workshop's language
            book = self._book(state, lang)
            settings_row = book.settings.rows[workshop_id]
        workshop = settings_row.workshop
        rubric = self._rubric(workshop.rubric_id)

        problems: list[Problem] = [*book.settings.problems, *settings_row.problems]
        for title, table in ((layout.GROUPS, book.groups), (layout.ACTIONS, book.actions)):
            if not table.present:
                problems.append(
                    Problem(
                        where=layout.where_sheet(title, lang),
                        what=layout.message(lang, "missing_table", sheet=title),
                    )
                )
        problems.extend(book.groups.problems)
        groups: list[Group] = []
        answers: dict[str, dict[str, Answer]] = {}
        extra = {"spreadsheet_url": self.url}
        for group_row in book.groups.of_workshop(workshop_id):
            group = group_row.group
            groups.append(group)
            problems.extend(group_row.problems)
            sheet = self._answer_sheet(state, group_row, rubric, lang)
            problems.extend(sheet.problems)
            answers[group.id] = {
                item_id: answer
                for item_id, answer in sheet.answers.items()
                if answer.value or answer.note or answer.updated_at or answer.updated_by
            }
            info = state.sheets.get(sheet.title)
            if info is not None:
                extra[f"worksheet_url:{group.id}"] = f"{self.url}#gid={info.sheet_id}"

        actions = [r for r in book.actions.rows if r.action.workshop_id == workshop_id]
        actions.sort(key=lambda r: (r.action.priority, r.row))
        problems.extend(book.actions.problems)
        for action_row in actions:
            problems.extend(action_row.problems)
        return Snapshot(
            workshop=workshop,
            groups=tuple(groups),
            answers=answers,
            clock=settings_row.clock,
            actions=tuple(r.action for r in actions),
            problems=tuple(problems),
            fetched_at=self.wall(),
            extra=extra,
        )

    def _answer_sheet(
        self,
        state: BookState,
        group_row: layout.GroupRow,
        rubric: Rubric | None,
        lang: str = "en",
    ) -> layout.AnswerSheet:
        title = layout.find_title(state.values, group_row.worksheet)
        if title is None:
            return layout.missing_worksheet(group_row.worksheet, group_row.group, lang)
        rows = state.values[title]
        key = (title, group_row.group, lang)
        cached = self.book.parsed.get(key)
        # Re-reads mostly return unchanged worksheets: compare the cells, skip parsing.
        if cached is not None and cached[1] is rubric and cached[0] == rows:
            return cached[2]
        sheet = layout.parse_answer_sheet(
            rows, title=title, group=group_row.group, rubric=rubric, lang=lang
        )
        self.book.parsed[key] = (rows, rubric, sheet)
        return sheet

    def group_worksheets(self, workshop_id: str) -> dict[str, str]:
        """Group id -> title of its worksheet (for messages and links)."""
        book = self._book(self._state())
        return {row.group.id: row.worksheet for row in book.groups.of_workshop(workshop_id)}

    def group_rows(self, workshop_id: str, group_id: str) -> list[AnswerRow]:
        """One group's worksheet rows exactly as typed, for scoring straight from the sheet."""
        state = self._state()
        book = self._book(state)
        self._require_workshop(book, workshop_id)
        group_row = book.groups.find(workshop_id, group_id)
        if group_row is None:
            raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")
        title = layout.find_title(state.values, group_row.worksheet)
        if title is None:
            raise StoreConfigError(
                f"Worksheet '{group_row.worksheet}' of group {group_row.group.name} was not "
                "found (renamed or deleted?).",
                hint="Rename it back, or run `workshop sheets prepare` to create it again.",
            )
        header, rows = layout.sheet_rows(state.values[title])
        self._require_table_columns(title, header, layout.KEY_COLUMNS["answers"])
        return [AnswerRow(r.row, r.item_id, r.score, r.note) for r in rows]

    # -- writes: answers and clock ----------------------------------------------------------

    def _group_sheet(
        self, state: BookState, workshop_id: str, group_id: str
    ) -> tuple[layout.AnswerSheet, Rows, Callable[[str], dict[str, str]]]:
        """A group's worksheet as found in ``state``, its cells, and new-row cells per item."""
        book = self._book(state)
        workshop = self._require_workshop(book, workshop_id)
        group_row = book.groups.find(workshop_id, group_id)
        if group_row is None:
            raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")
        rubric = self._rubric(workshop.rubric_id)
        sheet = self._answer_sheet(state, group_row, rubric)
        self._require_columns(sheet, layout.ANSWERS_HEADER, group_row)
        known = {item.id for item in rubric.items} if rubric is not None else set()

        def new_row(item_id: str) -> dict[str, str]:
            if rubric is not None and item_id in known:
                return layout.item_row_values(rubric, item_id, workshop.language)
            return {"item_id": item_id}

        return sheet, list(state.values.get(sheet.title, [])), new_row

    def apply_patches(
        self,
        workshop_id: str,
        group_id: str,
        patches: Sequence[FieldPatch],
        *,
        known_at: KnownAt | None = None,
    ) -> list[PatchOutcome]:
        """Decide each patch against the worksheet read inside the commit, then write."""
        if not patches:
            self._require_workshop(self._book(self._state()), workshop_id)
            return []

        def planner(state: BookState) -> CommitWrites:
            sheet, values, new_row = self._group_sheet(state, workshop_id, group_id)
            return plans.answer_writes(sheet, values, patches, known_at, new_row)

        outcomes: list[PatchOutcome] = self._commit(planner)
        return outcomes

    def save_answers(
        self,
        workshop_id: str,
        group_id: str,
        changes: Sequence[AnswerChange],
        *,
        updated_by: str,
        updated_at: str,
    ) -> None:
        """Whole answers written as given, each in its item's row as found at commit time."""
        if not changes:
            self._require_workshop(self._book(self._state()), workshop_id)
            return
        triples = [(c.item_id, c.value, c.note) for c in changes]

        def planner(state: BookState) -> CommitWrites:
            sheet, values, new_row = self._group_sheet(state, workshop_id, group_id)
            return plans.forced_writes(sheet, values, triples, updated_at, updated_by, new_row)

        self._commit(planner)

    def set_clock(self, workshop_id: str, clock: ClockState) -> None:
        def planner(state: BookState) -> CommitWrites:
            book = self._book(state)
            self._require_workshop(book, workshop_id)
            header = book.settings.header
            self._require_table_columns(layout.SETTINGS, header, layout.CLOCK_COLUMNS)
            row = book.settings.rows[workshop_id].row
            return plans.row_writes(layout.SETTINGS, row, header.cells(layout.clock_values(clock)))

        self._commit(planner)

    # -- group commit -----------------------------------------------------------------------

    def _commit(self, planner: Planner) -> Any:
        """Plan ``planner`` against a fresh read and write it in the next group commit.

        The calling thread either sends the next batch itself (with everything
        queued by then) or waits for the thread that does; it gets the planner's
        result, or its error. Call it without holding ``book.lock``.
        """
        (ticket,) = self._commit_many([planner])
        if ticket.error is None:
            return ticket.result
        raise ticket.error

    def _commit_many(self, planners: Sequence[Planner]) -> list[_Ticket]:
        """Several planners in the same group commit; each ticket has its result or error."""
        book = self.book
        tickets = [_Ticket(planner) for planner in planners]
        with book.commit:
            book.queue.extend(tickets)
            while book.sending and not all(t.done for t in tickets):
                book.commit.wait()
            sender = not all(t.done for t in tickets)
            if sender:
                book.sending = True
        if sender:
            try:
                self._send_queued()
            finally:
                with book.commit:
                    book.sending = False
                    book.commit.notify_all()
        for ticket in tickets:
            error = ticket.error
            if error is not None and not sender and isinstance(error, StoreError):
                # One object per thread, with the reason and status a page words it from.
                ticket.error = copy.copy(error)
        return tickets

    def apply_many(self, sets: Sequence[PatchSet]) -> list[list[PatchOutcome] | StoreError]:
        """Every group's patches in one commit: one read and one write for all of them."""

        def planner_for(patch_set: PatchSet) -> Planner:
            def planner(state: BookState) -> CommitWrites:
                sheet, values, new_row = self._group_sheet(
                    state, patch_set.workshop_id, patch_set.group_id
                )
                return plans.answer_writes(
                    sheet, values, patch_set.patches, patch_set.known_at, new_row
                )

            return planner

        tickets = self._commit_many([planner_for(patch_set) for patch_set in sets])
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

    def _send_queued(self) -> None:
        """One read, every queued change planned against it, one write for all of them."""
        if self.pacer is not None:
            # Saves that arrive while this thread waits ride along in the same request.
            while (wait := self.pacer.until_available(self.clock())) > 0.0:
                self.pace_sleep(min(wait, 1.0))
        book = self.book
        with book.commit:
            batch, book.queue = book.queue, []
        try:
            with book.fetch_lock:
                self._send_batch(batch)
        except BaseException as error:  # interrupted: nobody may believe their cells landed
            for ticket in batch:
                ticket.error = ticket.error or error
            raise
        finally:
            with book.commit:
                for ticket in batch:
                    ticket.done = True
                book.commit.notify_all()

    def _send_batch(self, batch: Sequence[_Ticket]) -> None:
        """Read, plan, write (call with ``book.fetch_lock`` held)."""
        try:
            state = self._read_into_cache()
        except StoreError as error:
            for ticket in batch:
                ticket.error = error
            return
        planned: list[tuple[_Ticket, CommitWrites]] = []
        for ticket in batch:
            try:
                planned.append((ticket, ticket.planner(state)))
            except StoreError as error:
                ticket.error = error
        repairs, found = self._planned_repairs(state)
        merged = CommitWrites()
        for plan in [repairs, *(plan for _ticket, plan in planned)]:
            merged.merge(plan)
        try:
            self._write_cells(state, merged)
        except StoreUnavailable as error:
            for ticket, _plan in planned:
                ticket.error = error
            with self.book.lock:
                self.book.repairs.extend(found)  # the next commit tries them again
            return
        except Exception as error:
            if len(planned) <= 1:
                for ticket, _plan in planned:
                    ticket.error = error
                if not planned:
                    raise
                return
            # Google refused the request: find whose cells it was, one by one.
            for ticket, plan in planned:
                try:
                    self._write_cells(state, plan)
                except Exception as single:
                    ticket.error = single
                else:
                    ticket.result = plan.result
            return
        now = self.clock()
        with self.book.lock:
            self.book.repaired += len(found) if repairs.cells else 0
            for _ticket, plan in planned:
                self.book.unverified.extend(plan.records)
            self.book.unverified = [
                r for r in self.book.unverified if now - state.read_at < VERIFY_SECONDS
            ]
        for ticket, plan in planned:
            ticket.result = plan.result

    def _write_cells(self, state: BookState, plan: CommitWrites) -> None:
        """Send a plan's cells (one request) and its new rows (one append per worksheet)."""
        data: list[dict[str, Any]] = []
        for title, rows in plan.cells.items():
            for row, cells in sorted(rows.items()):
                data.extend(layout.row_updates(title, row, cells))
        self._values_batch_update(data)  # drops the cached copy if it fails
        if plan.cells:
            with self.book.lock:
                for title, rows in plan.cells.items():
                    if self.write_through:
                        self.book.patch(title, sorted(rows.items()))
                    else:  # the spec's original rule: re-read after every write
                        self.book.invalidate()
        for title, rows in plan.appends.items():
            self._append_rows(title, rows)

    def _append_rows(self, title: str, rows: Sequence[tuple[str, list[str]]]) -> None:
        """Add rows for items that have none (a person deleted them), once each.

        ``values:append`` lets Google choose the row, so two processes never take
        the same one. A retry after a lost answer first looks whether the rows
        arrived, so nothing is added twice.
        """
        spreadsheet = self._spreadsheet()
        tries = {"n": 0}

        def attempt() -> Any:
            tries["n"] += 1
            pending = list(rows)
            if tries["n"] > 1:
                self._pace("reads")
                reply = spreadsheet.values_get(layout.quote_title(title))
                present = layout.read_header(reply.get("values", []) or [], layout.ANSWERS_HEADER)
                item_col = present.col("item_id")
                there = {
                    normalize_item_id(layout.cell(row, item_col))
                    for row in (reply.get("values", []) or [])[1:]
                }
                pending = [
                    (item, row) for item, row in rows if normalize_item_id(item) not in there
                ]
                if not pending:
                    return None
            self._pace("writes")
            return spreadsheet.values_append(
                f"{layout.quote_title(title)}!A1",
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                body={"values": [row for _item, row in pending]},
            )

        try:
            self._call(attempt)
        finally:
            self.book.invalidate()  # new rows: the next page reads them back

    def _append_keyed(
        self, title: str, key_column: str, rows: Sequence[tuple[str, Mapping[int, str]]]
    ) -> None:
        """Append rows to a keyed table (Settings, Groups), each once even after a lost answer."""
        if not rows:
            return
        spreadsheet = self._spreadsheet()
        tries = {"n": 0}

        def attempt() -> Any:
            tries["n"] += 1
            pending = list(rows)
            if tries["n"] > 1:  # a lost answer: look whether the rows arrived first
                self._pace("reads")
                reply = spreadsheet.values_get(layout.quote_title(title))
                values = [list(row) for row in reply.get("values", []) or []]
                col = layout.read_header(values, layout.HEADERS[title]).col(key_column)
                there = {layout.cell(row, col).strip() for row in values[1:]}
                pending = [(key, cells) for key, cells in rows if key not in there]
                if not pending:
                    return None
            self._pace("writes")
            return spreadsheet.values_append(
                f"{layout.quote_title(title)}!A1",
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                body={
                    "values": [
                        [cells.get(col, "") for col in range(max(cells) + 1)]
                        for _key, cells in pending
                    ]
                },
            )

        try:
            self._call(attempt)
        finally:
            self.book.invalidate()

    def _check_recent_writes(self, state: BookState) -> None:
        """Did the last commits' cells land in their items' rows? Misplaced ones get repaired."""
        book = self.book
        with book.lock:
            records, book.unverified = book.unverified, []
        for record in records:
            values = state.values.get(record.title)
            if values is None:
                continue
            repair = plans.misplaced(record, list(values))
            if repair is not None:
                LOG.warning(
                    "A write for %s landed in the row of %s in worksheet '%s' (rows moved "
                    "while it was sent); putting both rows right.",
                    repair.item_id, repair.victim, repair.title,
                )  # fmt: skip
                with book.lock:
                    book.repairs.append(repair)

    def _planned_repairs(self, state: BookState) -> tuple[CommitWrites, list[plans.Repair]]:
        """The repairs found by reads, planned against this commit's read."""
        book = self.book
        with book.lock:
            repairs, book.repairs = book.repairs, []
        merged = CommitWrites()
        for repair in repairs:
            values = state.values.get(repair.title)
            if values is not None:
                merged.merge(plans.repair_writes(repair, list(values)))
        return merged, repairs

    # -- writes: workshops and groups -------------------------------------------------------

    def create_workshop(self, workshop: Workshop, groups: Sequence[Group]) -> None:
        for group in groups:
            if group.workshop_id != workshop.id:
                raise ValueError(
                    f"Group {group.id} belongs to {group.workshop_id}, not {workshop.id}."
                )
        with self.book.fetch_lock:
            state = self._fresh_state()
            book = self._book(state)
            if workshop.id in book.settings.rows:
                raise StoreError(f"Workshop {workshop.id} already exists.")
            plan = _Plan()
            headers = self._plan_fixed_sheets(state, book, plan)
            values = {**layout.workshop_values(workshop), **layout.clock_values(ClockState())}
            taken = set(state.sheets) | set(plan.new_titles)
            rubric = self._rubric(workshop.rubric_id)
            group_rows = []
            for group in groups:
                title = layout.group_worksheet_title(group.name, workshop.date, taken)
                taken.add(title)
                self._plan_group_sheet(state, plan, title, rubric, workshop.language)
                group_rows.append(
                    (group.id, headers[layout.GROUPS].cells(layout.group_values(group, title)))
                )
            self._apply(plan)
            # The new rows are appended, so Google picks the row: two app processes creating
            # workshops at the same moment never write into the same row.
            settings_cells = headers[layout.SETTINGS].cells(values)
            self._append_keyed(layout.SETTINGS, "workshop_id", [(workshop.id, settings_cells)])
            self._append_keyed(layout.GROUPS, "group_id", group_rows)

    def update_workshop(self, workshop: Workshop) -> None:
        def planner(state: BookState) -> CommitWrites:
            book = self._book(state)
            self._require_workshop(book, workshop.id)
            header = book.settings.header
            self._require_table_columns(layout.SETTINGS, header, layout.WORKSHOP_COLUMNS)
            row = book.settings.rows[workshop.id].row
            cells = header.cells(layout.workshop_values(workshop))
            return plans.row_writes(layout.SETTINGS, row, cells)

        self._commit(planner)

    def upsert_group(self, group: Group) -> None:
        with self.book.fetch_lock:
            state = self._fresh_state()
            book = self._book(state)
            workshop = self._require_workshop(book, group.workshop_id)
            for existing in book.groups.rows:
                if existing.group.id == group.id and existing.group.workshop_id != workshop.id:
                    raise NotFound(f"Group {group.id} does not belong to workshop {workshop.id}.")
            current = book.groups.find(workshop.id, group.id)
            plan = _Plan()
            if current is None:
                headers = self._plan_fixed_sheets(state, book, plan)
                taken = set(state.sheets) | set(plan.new_titles)
                title = layout.group_worksheet_title(group.name, workshop.date, taken)
                rubric = self._rubric(workshop.rubric_id)
                self._plan_group_sheet(state, plan, title, rubric, workshop.language)
                self._apply(plan)
                cells = headers[layout.GROUPS].cells(layout.group_values(group, title))
                self._append_keyed(layout.GROUPS, "group_id", [(group.id, cells)])
                return
            self._require_table_columns(layout.GROUPS, book.groups.header, layout.GROUPS_HEADER[:9])
            stored = layout.find_title(state.sheets, current.worksheet)
            rename = None
            if group.name != current.group.name and stored is not None:
                # Keep the worksheet named after the group when the new name is free.
                others = {t for t in state.sheets if t != stored}
                wanted = layout.group_worksheet_title(group.name, workshop.date, others)
                if wanted != stored and stored == layout.group_worksheet_title(
                    current.group.name, workshop.date, others
                ):
                    rename = (state.sheets[stored].sheet_id, wanted)
            if rename is not None:
                plan.requests.append(
                    {
                        "updateSheetProperties": {
                            "properties": {"sheetId": rename[0], "title": rename[1]},
                            "fields": "title",
                        }
                    }
                )
                self._structure_update(plan.requests, [])
        title = rename[1] if rename is not None else current.worksheet

        def planner(state: BookState) -> CommitWrites:
            book = self._book(state)
            found = book.groups.find(group.workshop_id, group.id)
            if found is None:
                raise NotFound(f"Group {group.id} does not exist in workshop {group.workshop_id}.")
            cells = book.groups.header.cells(layout.group_values(group, title))
            return plans.row_writes(layout.GROUPS, found.row, cells)

        self._commit(planner)

    # -- writes: action items ---------------------------------------------------------------

    def add_action(self, action: ActionItem) -> None:
        with self.book.fetch_lock:
            state = self._state()
            book = self._book(state)
            self._require_workshop(book, action.workshop_id)
            if not book.actions.present:
                plan = _Plan()
                self._plan_fixed_sheets(state, book, plan)
                self._apply(plan)
                state = self._fresh_state()
            spreadsheet = self._spreadsheet()

            title = layout.find_title(state.values, layout.ACTIONS) or layout.ACTIONS
            tries = {"n": 0}

            def attempt() -> tuple[Rows, int, dict[int, str]] | None:
                # The first try trusts the shared copy (a failed write drops it, so it is
                # never older than this process's own writes). A retry inside this call
                # reads the sheet first: if the lost attempt's append did land, the action
                # is already there and is not appended twice.
                tries["n"] += 1
                if tries["n"] == 1 and title in state.values:
                    rows = state.values[title]
                    table = layout.parse_actions(rows)
                else:
                    table, rows = self._read_actions_raw(spreadsheet)
                self._require_table_columns(layout.ACTIONS, table.header, layout.ACTIONS_HEADER)
                existing = table.find(action.id)
                if existing is not None:
                    if existing.action == action:
                        return None
                    raise StoreError(f"Action item {action.id} already exists.")
                cells = table.header.cells(layout.action_values(action))
                row = [cells.get(col, "") for col in range(max(cells) + 1)]
                self._pace("writes")
                reply = spreadsheet.values_append(
                    f"{layout.quote_title(title)}!A1",
                    params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                    body={"values": [row]},
                )
                return rows, layout.appended_row(reply, len(rows) + 1), cells

            try:
                appended = self._call(attempt)
            except BaseException:
                self.book.invalidate()
                raise
            if appended is not None and self.write_through:
                rows, number, cells = appended
                self.book.patch(layout.ACTIONS, [(number, cells)], rows)
            else:
                self.book.invalidate()

    def _read_actions_raw(
        self, spreadsheet: gspread.Spreadsheet
    ) -> tuple[layout.ActionsTable, Rows]:
        self._pace("reads")
        reply = spreadsheet.values_get(layout.quote_title(layout.ACTIONS))
        rows = [list(row) for row in reply.get("values", []) or []]
        return layout.parse_actions(rows), rows

    def update_action(self, action: ActionItem) -> None:
        def planner(state: BookState) -> CommitWrites:
            book = self._book(state)
            self._require_workshop(book, action.workshop_id)
            existing = book.actions.find(action.id)
            if existing is None or existing.action.workshop_id != action.workshop_id:
                raise NotFound(
                    f"Action item {action.id} does not exist in workshop {action.workshop_id}."
                )
            header = book.actions.header
            self._require_table_columns(layout.ACTIONS, header, layout.ACTIONS_HEADER)
            cells = header.cells(layout.action_values(action))
            return plans.row_writes(layout.ACTIONS, existing.row, cells)

        self._commit(planner)

    def delete_action(self, workshop_id: str, action_id: str) -> None:
        """Blank the action's row, found by its id; blanking twice is harmless."""

        def planner(state: BookState) -> CommitWrites:
            book = self._book(state)
            self._require_workshop(book, workshop_id)
            existing = book.actions.find(action_id)
            if existing is None or existing.action.workshop_id != workshop_id:
                return CommitWrites()
            rows = state.values.get(layout.find_title(state.values, layout.ACTIONS) or "", [])
            width = max(book.actions.header.width, len(rows[existing.row - 1]), 1)
            return plans.row_writes(layout.ACTIONS, existing.row, {col: "" for col in range(width)})

        self._commit(planner)

    # -- prepare ----------------------------------------------------------------------------

    def prepare(self, workshop_id: str) -> PrepareReport:
        """Create whatever the workshop is missing in the sheet, never touching answers.

        Missing worksheets (Settings, Groups, Actions, a group's), missing header
        cells, missing item rows, the score dropdown and frozen header rows.
        Running it twice changes nothing the second time.
        """
        with self.book.fetch_lock:
            state = self._fresh_state()
            book = self._book(state)
            workshop = self._require_workshop(book, workshop_id)
            rubric = self._rubric(workshop.rubric_id)
            report = PrepareReport()
            plan = _Plan()
            self._plan_fixed_sheets(state, book, plan, report)
            taken = set(state.sheets) | set(plan.new_titles)
            for group_row in book.groups.of_workshop(workshop_id):
                stored = layout.find_title(state.sheets, group_row.worksheet)
                if stored is None:
                    title = group_row.worksheet
                    if title.casefold() in {t.casefold() for t in taken}:
                        title = layout.group_worksheet_title(
                            group_row.group.name, workshop.date, taken
                        )
                        cells = book.groups.header.cells({"worksheet": title})
                        if cells:
                            plan.write(layout.GROUPS, group_row.row, cells)
                    taken.add(title)
                    self._plan_group_sheet(state, plan, title, rubric, workshop.language)
                    report.worksheets.append(title)
                    continue
                self._plan_existing_group_sheet(
                    state, plan, stored, rubric, workshop.language, report
                )
            self._apply(plan)
            return report

    # -- planning helpers -------------------------------------------------------------------

    def _new_sheet_id(self, state: BookState, plan: _Plan) -> int:
        used = {info.sheet_id for info in state.sheets.values()}
        used |= {r["addSheet"]["properties"]["sheetId"] for r in plan.requests if "addSheet" in r}
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def _plan_fixed_sheets(
        self,
        state: BookState,
        book: layout.ParsedBook,
        plan: _Plan,
        report: PrepareReport | None = None,
    ) -> dict[str, layout.Header]:
        """Settings/Groups/Actions with their headers; returns where each column is."""
        headers: dict[str, layout.Header] = {}
        tables = {
            layout.SETTINGS: book.settings.header,
            layout.GROUPS: book.groups.header,
            layout.ACTIONS: book.actions.header,
        }
        for title, expected in layout.HEADERS.items():
            stored = layout.find_title(state.sheets, title)
            if stored is None:
                sheet_id = self._new_sheet_id(state, plan)
                plan.requests.append(layout.add_sheet_request(title, sheet_id, 100, len(expected)))
                plan.new_titles.append(title)
                plan.write(title, 1, dict(enumerate(expected)))
                headers[title] = layout.Header(
                    {n: i for i, n in enumerate(expected)}, len(expected)
                )
                if report is not None:
                    report.worksheets.append(title)
                continue
            header = tables[title]
            header = self._complete_header(state, plan, stored, header, expected, report)
            plan.requests.append(layout.freeze_header_request(state.sheets[stored].sheet_id))
            headers[title] = header
        return headers

    def _complete_header(
        self,
        state: BookState,
        plan: _Plan,
        title: str,
        header: layout.Header,
        expected: Sequence[str],
        report: PrepareReport | None,
    ) -> layout.Header:
        """Add missing column names after the last header cell (nothing is overwritten)."""
        missing = [name for name in expected if not header.has(name)]
        if not missing:
            return header
        start = header.width
        cells = {start + i: name for i, name in enumerate(missing)}
        info = state.sheets[title]
        needed = start + len(missing)
        if needed > info.column_count:
            plan.requests.append(
                {
                    "appendDimension": {
                        "sheetId": info.sheet_id,
                        "dimension": "COLUMNS",
                        "length": needed - info.column_count,
                    }
                }
            )
        plan.write(title, 1, cells)
        if report is not None:
            report.headers.extend(f"{title}: {name}" for name in missing)
        columns = dict(header.columns)
        columns.update({name: col for col, name in cells.items()})
        return layout.Header(columns, needed)

    def _plan_group_sheet(
        self, state: BookState, plan: _Plan, title: str, rubric: Rubric | None, lang: str
    ) -> None:
        """A new group worksheet: header, one row per item, dropdown, frozen header."""
        sheet_id = self._new_sheet_id(state, plan)
        rows = layout.answer_sheet_values(rubric, lang) if rubric else [list(layout.ANSWERS_HEADER)]
        total = len(rows) + layout.SPARE_ROWS
        plan.requests.append(
            layout.add_sheet_request(title, sheet_id, total, len(layout.ANSWERS_HEADER))
        )
        plan.requests.append(
            layout.score_validation_request(
                sheet_id, layout.ANSWERS_HEADER.index("score"), total, layout.score_choices(rubric)
            )
        )
        plan.new_titles.append(title)
        for number, row in enumerate(rows, start=1):
            plan.write(title, number, dict(enumerate(row)))

    def _plan_existing_group_sheet(
        self,
        state: BookState,
        plan: _Plan,
        title: str,
        rubric: Rubric | None,
        lang: str,
        report: PrepareReport,
    ) -> None:
        values = state.values.get(title, [])
        header = layout.read_header(values, layout.ANSWERS_HEADER)
        header = self._complete_header(state, plan, title, header, layout.ANSWERS_HEADER, report)
        info = state.sheets[title]
        next_row = layout.next_free_row(values)
        if rubric is not None:
            present = {
                normalize_item_id(layout.cell(row, header.col("item_id"))) for row in values[1:]
            }
            added = []
            for item in rubric.items:
                if item.id in present:
                    continue
                cells = header.cells(layout.item_row_values(rubric, item.id, lang))
                plan.write(title, next_row, cells)
                next_row += 1
                added.append(item.id)
            if added:
                report.item_rows[title] = added
        end_row = max(info.row_count, next_row - 1 + layout.SPARE_ROWS)
        if end_row > info.row_count:
            plan.requests.append(
                {
                    "appendDimension": {
                        "sheetId": info.sheet_id,
                        "dimension": "ROWS",
                        "length": end_row - info.row_count,
                    }
                }
            )
        plan.requests.append(layout.freeze_header_request(info.sheet_id))
        score_col = header.col("score")
        if score_col is not None:
            plan.requests.append(
                layout.score_validation_request(
                    info.sheet_id, score_col, end_row, layout.score_choices(rubric)
                )
            )

    def _apply(self, plan: _Plan) -> None:
        """Structure first (new worksheets must exist before values go in), then values."""
        with self.book.fetch_lock:
            self._structure_update(plan.requests, plan.new_titles)
            self._values_batch_update(plan.data)
            self.book.invalidate(metadata=bool(plan.new_titles))

    # -- checks -----------------------------------------------------------------------------

    @staticmethod
    def _require_workshop(book: layout.ParsedBook, workshop_id: str) -> Workshop:
        row = book.settings.rows.get(workshop_id)
        if row is None:
            raise NotFound(f"Workshop {workshop_id} does not exist in the spreadsheet.")
        return row.workshop

    @staticmethod
    def _require_table_columns(title: str, header: layout.Header, needed: Sequence[str]) -> None:
        missing = [name for name in needed if not header.has(name)]
        if missing:
            raise StoreConfigError(
                f"Worksheet '{title}' has no column {', '.join(missing)} in its header row.",
                hint="Put the column name back in row 1, or press “Prepare the sheet” on the host "
                "page to add it.",
            )

    def _require_columns(
        self, sheet: layout.AnswerSheet, needed: Sequence[str], group_row: layout.GroupRow
    ) -> None:
        if not sheet.present:
            raise StoreConfigError(
                f"Worksheet '{sheet.title}' of group {group_row.group.name} was not found "
                "(renamed or deleted?).",
                hint="Rename it back, or press “Prepare the sheet” on the host page to create it "
                "again; the answers are kept on this page until then.",
            )
        self._require_table_columns(
            sheet.title, sheet.header, [n for n in needed if n not in ("section", "title")]
        )

    # -- cache ------------------------------------------------------------------------------

    def invalidate(self) -> None:
        self.book.invalidate(metadata=True)

    def close(self) -> None:
        """Nothing to release: the HTTP session is shared by the process's store handles."""
