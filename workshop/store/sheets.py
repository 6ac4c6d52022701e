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

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import gspread

from workshop.config import Settings
from workshop.content_model import Rubric
from workshop.models import (
    ActionItem,
    Answer,
    AnswerChange,
    ClockState,
    Group,
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
from workshop.store.base import NotFound, Store, StoreConfigError, StoreError, StoreUnavailable

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
Rows = list[list[Any]]

# ------------------------------------------------------------------ shared per-process state


@dataclass(frozen=True)
class BookState:
    """One whole-spreadsheet read: worksheet list and every worksheet's values."""

    sheets: Mapping[str, layout.SheetInfo]
    values: Mapping[str, Rows]
    read_at: float  # the reading store's monotonic clock


@dataclass
class RequestStats:
    """Requests this process sent for one spreadsheet (tests and the benchmark read it)."""

    reads: int = 0
    writes: int = 0
    metadata: int = 0
    recent: deque[tuple[float, str]] = field(default_factory=deque)  # (clock time, kind)

    @property
    def total(self) -> int:
        return self.reads + self.writes + self.metadata

    def count(self, kind: str, now: float) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.recent.append((now, kind))
        while self.recent and now - self.recent[0][0] >= 60.0:
            self.recent.popleft()

    def in_last_minute(self, now: float, kinds: tuple[str, ...] = ("writes", "metadata")) -> int:
        return sum(1 for at, kind in self.recent if now - at < 60.0 and kind in kinds)


class SharedBook:
    """What every store handle of one process shares for one spreadsheet.

    The lock is held for the duration of a fetch, so concurrent sessions
    coalesce into one request: the first thread reads, the others wait and
    then find a fresh copy.
    """

    def __init__(self, cache_key: tuple[str, str, str]) -> None:
        self.cache_key = cache_key
        self.lock = threading.RLock()
        self.spreadsheet: gspread.Spreadsheet | None = None
        self.sheets: dict[str, layout.SheetInfo] | None = None
        self.sheets_at = float("-inf")
        self.state: BookState | None = None
        self.stats = RequestStats()
        # Snapshots built from ``state``, so 60 viewers do not each parse the same read.
        self.memo: dict[tuple[Any, ...], Snapshot] = {}
        self.memo_state: BookState | None = None
        # Parsed group worksheets with the cells they came from: (rows, rubric, sheet).
        self.parsed: dict[tuple[Any, ...], tuple[Rows, Any, layout.AnswerSheet]] = {}
        # Group commit: queued writes, and whether a thread is sending a batch now.
        self.commit = threading.Condition()
        self.queue: list[_Ticket] = []
        self.sending = False
        # After a failed read, when to try the next one (reads fail fast until then).
        self.read_retry_at = float("-inf")
        self.read_error: StoreError | None = None

    def invalidate(self, *, metadata: bool = False) -> None:
        with self.lock:
            self.state = None
            if metadata:
                self.sheets = None

    def patch(
        self,
        title: str,
        writes: Sequence[tuple[int, Mapping[int, str]]],
        base: Sequence[Sequence[Any]] | None = None,
    ) -> None:
        """Apply cells this process just wrote to the cached copy (copy-on-write).

        ``base`` is the worksheet as just read fresh, if it was (it replaces the
        cached rows first). Readers holding the previous copy are not disturbed;
        a worksheet the cache does not know drops the cache instead.
        """
        with self.lock:
            state = self.state
            if state is None:
                return
            if title not in state.values:
                self.state = None
                return
            rows = [list(row) for row in (state.values[title] if base is None else base)]
            for row_number, cells in writes:
                while len(rows) < row_number:
                    rows.append([])
                row = rows[row_number - 1]
                for col, text in cells.items():
                    while len(row) <= col:
                        row.append("")
                    row[col] = text
            values = dict(state.values)
            values[title] = rows
            self.state = BookState(state.sheets, values, state.read_at)


class QuotaPacer:
    """A token bucket: at most ``burst + rate * T`` requests in any ``T`` seconds.

    With ``per_minute`` as the limit for any 60-second window, the bucket holds
    ``burst`` tokens and refills at ``(per_minute - burst) / 60`` per second, so
    even a burst after a quiet minute stays within the limit. Thread-safe.
    """

    def __init__(self, per_minute: float, burst: int) -> None:
        self.per_minute = per_minute
        self.burst = max(1, min(int(burst), int(per_minute) - 1))
        self.rate = (per_minute - self.burst) / 60.0
        self._tokens = float(self.burst)
        self._at: float | None = None
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        if self._at is not None and now > self._at:
            self._tokens = min(float(self.burst), self._tokens + (now - self._at) * self.rate)
        self._at = now if self._at is None else max(self._at, now)

    def available(self, now: float) -> float:
        with self._lock:
            self._refill(now)
            return self._tokens

    def until_available(self, now: float) -> float:
        """Seconds until a token is there (0.0 if one is), without taking it."""
        with self._lock:
            self._refill(now)
            return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self, now: float) -> float:
        """Take a token: 0.0 when granted, else the seconds until one is due."""
        with self._lock:
            self._refill(now)
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate


_PACERS: dict[tuple[str, str, float], QuotaPacer] = {}


def shared_pacer(endpoint: str, account: str, per_minute: float, burst: int) -> QuotaPacer:
    """One bucket per service account (and endpoint): the quota is per user, not per sheet."""
    key = (endpoint, account, per_minute)
    with _BOOKS_LOCK:
        pacer = _PACERS.get(key)
        if pacer is None:
            pacer = _PACERS[key] = QuotaPacer(per_minute, burst)
        return pacer


@dataclass
class _Ticket:
    """One caller's cells in a group commit, and how its write ended."""

    title: str
    writes: Mapping[int, Mapping[int, str]]
    done: bool = False
    error: BaseException | None = None


_BOOKS: dict[tuple[str, str, str], SharedBook] = {}
_BOOKS_LOCK = threading.Lock()


def shared_book(key: str, endpoint: str, account: str) -> SharedBook:
    """The process-wide state of one spreadsheet, per endpoint and service account."""
    cache_key = (endpoint, key, account)
    with _BOOKS_LOCK:
        book = _BOOKS.get(cache_key)
        if book is None:
            book = _BOOKS[cache_key] = SharedBook(cache_key)
        return book


def clear_shared_books() -> None:
    """Forget every cached spreadsheet of this process (tests start from scratch)."""
    with _BOOKS_LOCK:
        _BOOKS.clear()
        _PACERS.clear()


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
        self._rubrics: dict[str, Rubric | None] = {}
        self._rubrics_lock = threading.Lock()
        self.book = shared_book(self.key, endpoint, self.account)
        # None: requests go out as they come (tests with a frozen clock); see the docstring.
        self.pacer = (
            shared_pacer(endpoint, self.account, quota_per_minute * quota_share, QUOTA_BURST)
            if quota_per_minute
            else None
        )
        self.read_backoff_seconds = max(0.0, read_backoff_seconds)
        self.pace_sleep = pace_sleep

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
        with book.lock:
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
        with book.lock:
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
        """The whole spreadsheet: the shared cached read, or a new one when ``fresh``."""
        book = self.book
        with book.lock:
            now = self.clock()
            state = book.state
            if state is not None and not fresh and self.reuse_cached(state, now):
                return state
            if not fresh and now < book.read_retry_at and book.read_error is not None:
                # The last read failed a moment ago: do not queue every page behind
                # another round of retries. Serve the copy if there is one, else say so.
                if state is not None:
                    return state
                raise StoreUnavailable(
                    book.read_error.message,
                    hint=book.read_error.hint,
                    reason=book.read_error.reason,
                    status=book.read_error.status,
                )
            try:
                values, sheets = self._read_all()
            except StoreUnavailable as error:
                self._note_unreachable(error)
                raise
            book.read_retry_at, book.read_error = float("-inf"), None
            if self._titles_look_stale(values, now):
                known = set(sheets)
                sheets = self._sheets(force=True)
                if set(sheets) != known:
                    values = self._batch_get(sheets)
            book.state = BookState(dict(sheets), values, now)
            return book.state

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
        with self._rubrics_lock:
            if rubric_id not in self._rubrics:
                try:
                    self._rubrics[rubric_id] = self._rubric_loader(rubric_id)
                except Exception:  # an unknown or broken rubric: read the sheet without it
                    self._rubrics[rubric_id] = None
            return self._rubrics[rubric_id]

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
            self.book.invalidate()  # the write may or may not have happened
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

    def save_answers(
        self,
        workshop_id: str,
        group_id: str,
        changes: Sequence[AnswerChange],
        *,
        updated_by: str,
        updated_at: str,
    ) -> None:
        # Planned from the copy at hand, without waiting for a read in progress: the
        # item rows do not move while people score. Only new rows need the lock.
        cached = self.book.state
        planned = self._plan_answers(
            cached if cached is not None else self._state(),
            workshop_id,
            group_id,
            changes,
            updated_by,
            updated_at,
        )
        if planned is None:
            return
        state, title, writes, adds_rows = planned
        if adds_rows:
            with self.book.lock:
                planned = self._plan_answers(
                    self._state(), workshop_id, group_id, changes, updated_by, updated_at
                )
                if planned is not None:
                    state, title, writes, _adds_rows = planned
                    # Written alone, under the lock, so two saves never take the same free row.
                    self._write_rows(state, title, writes)
            return
        self._commit(title, writes)

    def _plan_answers(
        self,
        state: BookState,
        workshop_id: str,
        group_id: str,
        changes: Sequence[AnswerChange],
        updated_by: str,
        updated_at: str,
    ) -> tuple[BookState, str, dict[int, dict[int, str]], bool] | None:
        """(state, worksheet, cells by row, whether rows are added); None: nothing to do."""
        book = self._book(state)
        workshop = self._require_workshop(book, workshop_id)
        group_row = book.groups.find(workshop_id, group_id)
        if group_row is None:
            raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.")
        if not changes:
            return None
        rubric = self._rubric(workshop.rubric_id)
        sheet = self._answer_sheet(state, group_row, rubric)
        if not sheet.present:
            # Maybe renamed back meanwhile: look once more before giving up.
            state = self._fresh_state()
            sheet = self._answer_sheet(state, group_row, rubric)
        self._require_columns(sheet, layout.ANSWERS_HEADER, group_row)

        writes: dict[int, dict[int, str]] = {}
        next_row = sheet.next_row
        for change in changes:
            item_id = change.item_id
            cells = layout.answer_values(change.value, change.note, updated_at, updated_by)
            row = sheet.rows.get(normalize_item_id(item_id))
            if row is None:
                # No row for this item (deleted by hand, or not in the rubric): add one.
                row = next_row
                next_row += 1
                fixed = {"item_id": item_id}
                if rubric is not None and item_id in {i.id for i in rubric.items}:
                    fixed = layout.item_row_values(rubric, item_id, workshop.language)
                cells = {**fixed, **cells}
            writes.setdefault(row, {}).update(sheet.header.cells(cells))
        return state, sheet.title, writes, next_row != sheet.next_row

    def set_clock(self, workshop_id: str, clock: ClockState) -> None:
        state = self.book.state or self._state()  # the workshop's row does not move
        book = self._book(state)
        self._require_workshop(book, workshop_id)
        row = book.settings.rows[workshop_id].row
        header = book.settings.header
        self._require_table_columns(layout.SETTINGS, header, layout.CLOCK_COLUMNS)
        self._commit(layout.SETTINGS, {row: header.cells(layout.clock_values(clock))})

    # -- group commit -----------------------------------------------------------------------

    def _commit(self, title: str, writes: Mapping[int, Mapping[int, str]]) -> None:
        """Write existing rows' cells in the next batch of the group commit.

        The calling thread either sends the next batch itself (with everything
        queued by then) or waits for the thread that does. Call it without
        holding ``book.lock``: the sender takes the lock to patch the cache.
        """
        if not writes:
            return
        book = self.book
        ticket = _Ticket(title, {row: dict(cells) for row, cells in writes.items()})
        with book.commit:
            book.queue.append(ticket)
            while book.sending and not ticket.done:
                book.commit.wait()
            sender = not ticket.done
            if sender:
                book.sending = True
        if sender:
            try:
                self._send_queued()
            finally:
                with book.commit:
                    book.sending = False
                    book.commit.notify_all()
        error = ticket.error
        if error is None:
            return
        if sender or not isinstance(error, StoreError):
            raise error
        raise type(error)(error.message, hint=error.hint) from error  # one object per thread

    def _send_queued(self) -> None:
        """Wait for the quota, then send everything queued as one request."""
        if self.pacer is not None:
            # Saves that arrive while this thread waits ride along in the same request.
            while (wait := self.pacer.until_available(self.clock())) > 0.0:
                self.pace_sleep(min(wait, 1.0))
        book = self.book
        with book.commit:
            batch, book.queue = book.queue, []
        try:
            try:
                self._write_batch(batch)
            except StoreUnavailable as error:
                for ticket in batch:
                    ticket.error = error
            except Exception as error:
                if len(batch) == 1:
                    batch[0].error = error
                else:  # Google refused the request: find whose cells it was, one by one
                    for ticket in batch:
                        try:
                            self._write_batch([ticket])
                        except Exception as single:
                            ticket.error = single
        except BaseException as error:  # interrupted: nobody may believe their cells landed
            for ticket in batch:
                ticket.error = ticket.error or error
            raise
        finally:
            with book.commit:
                for ticket in batch:
                    ticket.done = True
                book.commit.notify_all()

    def _write_batch(self, batch: Sequence[_Ticket]) -> None:
        plan = _Plan()
        for ticket in batch:
            for row, cells in sorted(ticket.writes.items()):
                plan.write(ticket.title, row, cells)
        self._values_batch_update(plan.data)  # drops the cached copy if it fails
        with self.book.lock:
            for ticket in batch:
                if self.write_through:
                    self.book.patch(ticket.title, sorted(ticket.writes.items()))
                else:
                    self.book.invalidate()

    def _write_rows(
        self,
        state: BookState,
        title: str,
        writes: Mapping[int, Mapping[int, str]],
        base: Sequence[Sequence[Any]] | None = None,
    ) -> None:
        """One values_batch_update of the given cells, then patch the shared cache."""
        if not writes:
            return
        info = state.sheets.get(title)
        last = max(writes)
        if info is not None and last > info.row_count:
            self._structure_update(
                [
                    {
                        "appendDimension": {
                            "sheetId": info.sheet_id,
                            "dimension": "ROWS",
                            "length": last - info.row_count + layout.SPARE_ROWS,
                        }
                    }
                ],
                [],
            )
        plan = _Plan()
        for row, cells in sorted(writes.items()):
            plan.write(title, row, cells)
        self._values_batch_update(plan.data)
        if self.write_through:
            self.book.patch(title, sorted(writes.items()), base)
        else:  # the spec's original rule: re-read after every write (costs a read per save)
            self.book.invalidate()

    # -- writes: workshops and groups -------------------------------------------------------

    def create_workshop(self, workshop: Workshop, groups: Sequence[Group]) -> None:
        for group in groups:
            if group.workshop_id != workshop.id:
                raise ValueError(
                    f"Group {group.id} belongs to {group.workshop_id}, not {workshop.id}."
                )
        with self.book.lock:
            state = self._fresh_state()
            book = self._book(state)
            if workshop.id in book.settings.rows:
                raise StoreError(f"Workshop {workshop.id} already exists.")
            plan = _Plan()
            headers = self._plan_fixed_sheets(state, book, plan)
            settings_header = headers[layout.SETTINGS]
            values = {**layout.workshop_values(workshop), **layout.clock_values(ClockState())}
            plan.write(layout.SETTINGS, book.settings.next_row, settings_header.cells(values))
            taken = set(state.sheets) | set(plan.new_titles)
            rubric = self._rubric(workshop.rubric_id)
            next_group_row = book.groups.next_row
            for group in groups:
                title = layout.group_worksheet_title(group.name, workshop.date, taken)
                taken.add(title)
                self._plan_group_sheet(state, plan, title, rubric, workshop.language)
                plan.write(
                    layout.GROUPS,
                    next_group_row,
                    headers[layout.GROUPS].cells(layout.group_values(group, title)),
                )
                next_group_row += 1
            self._apply(plan)

    def update_workshop(self, workshop: Workshop) -> None:
        with self.book.lock:
            state = self._state()
            book = self._book(state)
            self._require_workshop(book, workshop.id)
            header = book.settings.header
            self._require_table_columns(layout.SETTINGS, header, layout.WORKSHOP_COLUMNS)
            row = book.settings.rows[workshop.id].row
            self._write_rows(
                state, layout.SETTINGS, {row: header.cells(layout.workshop_values(workshop))}
            )

    def upsert_group(self, group: Group) -> None:
        with self.book.lock:
            state = self._fresh_state()
            book = self._book(state)
            workshop = self._require_workshop(book, group.workshop_id)
            header = book.groups.header
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
                plan.write(
                    layout.GROUPS,
                    book.groups.next_row,
                    headers[layout.GROUPS].cells(layout.group_values(group, title)),
                )
                self._apply(plan)
                return
            self._require_table_columns(layout.GROUPS, header, layout.GROUPS_HEADER[:9])
            title = current.worksheet
            stored = layout.find_title(state.sheets, current.worksheet)
            if group.name != current.group.name and stored is not None:
                # Keep the worksheet named after the group when the new name is free.
                others = {t for t in state.sheets if t != stored}
                wanted = layout.group_worksheet_title(group.name, workshop.date, others)
                if wanted != stored and stored == layout.group_worksheet_title(
                    current.group.name, workshop.date, others
                ):
                    plan.requests.append(
                        {
                            "updateSheetProperties": {
                                "properties": {
                                    "sheetId": state.sheets[stored].sheet_id,
                                    "title": wanted,
                                },
                                "fields": "title",
                            }
                        }
                    )
                    title = wanted
            plan.write(layout.GROUPS, current.row, header.cells(layout.group_values(group, title)))
            if plan.requests:
                self._apply(plan)
            else:
                self._write_rows(
                    state,
                    layout.GROUPS,
                    {current.row: header.cells(layout.group_values(group, title))},
                )

    # -- writes: action items ---------------------------------------------------------------

    def _read_actions(self) -> tuple[layout.ActionsTable, Rows]:
        """The Actions worksheet read fresh (action writes must not trust the cache)."""
        spreadsheet = self._spreadsheet()
        return self._call(lambda: self._read_actions_raw(spreadsheet))

    def add_action(self, action: ActionItem) -> None:
        with self.book.lock:
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
        with self.book.lock:
            state = self._state()
            self._require_workshop(self._book(state), action.workshop_id)
            table, rows = self._read_actions()
            existing = table.find(action.id)
            if existing is None or existing.action.workshop_id != action.workshop_id:
                raise NotFound(
                    f"Action item {action.id} does not exist in workshop {action.workshop_id}."
                )
            self._require_table_columns(layout.ACTIONS, table.header, layout.ACTIONS_HEADER)
            cells = table.header.cells(layout.action_values(action))
            self._write_rows(state, layout.ACTIONS, {existing.row: cells}, base=rows)

    def delete_action(self, workshop_id: str, action_id: str) -> None:
        """Clear the action's row; clearing twice is harmless, so retries are safe."""
        with self.book.lock:
            state = self._state()
            self._require_workshop(self._book(state), workshop_id)
            table, rows = self._read_actions()
            existing = table.find(action_id)
            if existing is None or existing.action.workshop_id != workshop_id:
                return
            width = max(table.header.width, len(rows[existing.row - 1]), 1)
            spreadsheet = self._spreadsheet()
            target = layout.a1_range(layout.ACTIONS, existing.row, 0, width - 1)

            def clear() -> Any:
                self._pace("writes")
                return spreadsheet.values_clear(target)

            try:
                self._call(clear)
            except BaseException:
                self.book.invalidate()
                raise
            if self.write_through:
                cleared = {col: "" for col in range(width)}
                self.book.patch(layout.ACTIONS, [(existing.row, cleared)], rows)
            else:
                self.book.invalidate()

    # -- prepare ----------------------------------------------------------------------------

    def prepare(self, workshop_id: str) -> PrepareReport:
        """Create whatever the workshop is missing in the sheet, never touching answers.

        Missing worksheets (Settings, Groups, Actions, a group's), missing header
        cells, missing item rows, the score dropdown and frozen header rows.
        Running it twice changes nothing the second time.
        """
        with self.book.lock:
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
        with self.book.lock:
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
