"""What every Sheets store handle of one process shares for one spreadsheet.

One service account's quota is shared by every browser session of the app, so
the sessions share one cached copy of the spreadsheet (:class:`BookState`),
one request log (:class:`RequestStats`), one group-commit queue and the record
of recent writes still to be verified (:class:`WriteRecord`). Everything here
is plain data with locks; the requests are sent by :mod:`workshop.store.sheets.api`.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workshop.content.model import Rubric
from workshop.models import Snapshot
from workshop.sheets_client import Spreadsheet
from workshop.store.base import StoreUnavailable
from workshop.store.sheets.layout.answer_sheet import AnswerSheet
from workshop.store.sheets.layout.structure import SheetInfo

if TYPE_CHECKING:
    from workshop.store.sheets.commit import Ticket
    from workshop.store.sheets.plans import Repair

Rows = list[list[Any]]


@dataclass(frozen=True)
class BookState:
    """One whole-spreadsheet read: worksheet list and every worksheet's values."""

    sheets: Mapping[str, SheetInfo]
    values: Mapping[str, Rows]
    read_at: float  # the reading store's monotonic clock


class RequestStats:
    """Requests this process sent for one spreadsheet (tests and the benchmark read it).

    Sessions count requests from their own threads while the store asks how
    many went out in the last minute, so every access holds the lock (a deque
    mutated while another thread iterates it raises RuntimeError).
    """

    def __init__(self) -> None:
        self.reads = 0
        self.writes = 0
        self.metadata = 0
        self._recent: deque[tuple[float, str]] = deque()  # (clock time, kind)
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        with self._lock:
            return self.reads + self.writes + self.metadata

    def count(self, kind: str, now: float) -> None:
        with self._lock:
            setattr(self, kind, getattr(self, kind) + 1)
            self._recent.append((now, kind))
            while self._recent and now - self._recent[0][0] >= 60.0:
                self._recent.popleft()

    def in_last_minute(self, now: float, kinds: tuple[str, ...] = ("writes", "metadata")) -> int:
        with self._lock:
            return sum(1 for at, kind in self._recent if now - at < 60.0 and kind in kinds)


@dataclass
class WriteRecord:
    """Cells a commit wrote into one item's row, kept until a later read confirms them.

    A person may sort the worksheet in the instant between the commit's read and
    its write; the write then lands in the row another item moved into. The next
    read finds that (see :func:`workshop.store.sheets.plans.misplaced`) and the
    store puts both rows right. ``before`` is the worksheet as the commit read it.
    """

    title: str
    item_id: str
    row: int
    cells: dict[int, str]
    before: Rows


class SharedBook:
    """The process-wide state of one spreadsheet (per endpoint and service account).

    ``lock`` guards the in-memory fields and is held only briefly. ``fetch_lock``
    is held while this process talks to the spreadsheet for a read or a commit,
    so reads and commits never interleave, and a page that finds a fetch in
    progress can show the copy it has instead of waiting for the network.
    """

    def __init__(self, cache_key: tuple[str, str, str]) -> None:
        self.cache_key = cache_key
        self.lock = threading.RLock()
        self.fetch_lock = threading.RLock()
        self.spreadsheet: Spreadsheet | None = None
        self.sheets: dict[str, SheetInfo] | None = None
        self.sheets_at = float("-inf")
        self.state: BookState | None = None
        self.version = 0  # grows whenever the cached values change (pages poll it)
        self.kept_version = -1  # the version last written to disk (kept.KeptCopy)
        self.last_demand = float("-inf")  # when a page last asked for the cached copy
        self.stats = RequestStats()
        # Snapshots built from ``state``, so 60 viewers do not each parse the same read.
        self.memo: dict[tuple[Any, ...], Snapshot] = {}
        self.memo_state: BookState | None = None
        # Parsed group worksheets with the cells they came from: (rows, rubric, sheet).
        self.parsed: dict[tuple[Any, ...], tuple[Rows, Rubric | None, AnswerSheet]] = {}
        # Group commit: queued writes, and whether a thread is sending a batch now.
        self.commit = threading.Condition()
        self.queue: list[Ticket] = []
        self.sending = False
        # Writes to confirm on the next read, and repairs found by a read.
        self.unverified: list[WriteRecord] = []
        self.repairs: list[Repair] = []  # found by a read, sent with the next commit
        self.repaired = 0  # misplaced writes put right (tests and logs read it)
        # After a failed read, when to try the next one (reads fail fast until then).
        self.read_retry_at = float("-inf")
        self.read_error: StoreUnavailable | None = None

    def set_state(self, state: BookState | None) -> None:
        """Replace the cached copy; count a new version when the values changed."""
        with self.lock:
            old = self.state
            self.state = state
            if state is not None and (old is None or old.values != state.values):
                self.version += 1

    def memoized(
        self, state: BookState, key: tuple[Any, ...], build: Callable[[], Snapshot]
    ) -> Snapshot:
        """The snapshot ``build`` makes from ``state``, built once per read and ``key``."""
        with self.lock:
            if self.memo_state is state and key in self.memo:
                return self.memo[key]
        snapshot = build()
        with self.lock:
            if self.memo_state is not state:
                self.memo, self.memo_state = {}, state
            self.memo[key] = snapshot
        return snapshot

    def expire(self) -> None:
        """Keep the copy but make it due for a read (a write whose outcome is unknown)."""
        with self.lock:
            state = self.state
            if state is not None:
                self.state = BookState(state.sheets, state.values, float("-inf"))

    def invalidate(self, *, metadata: bool = False) -> None:
        with self.lock:
            self.state = None
            self.version += 1
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
            if title not in state.values and base is None:
                self.invalidate()
                return
            rows = [list(row) for row in (state.values.get(title, []) if base is None else base)]
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
            self.set_state(BookState(state.sheets, values, state.read_at))


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


def clear_books() -> None:
    """Forget every cached spreadsheet of this process (tests start from scratch)."""
    with _BOOKS_LOCK:
        _BOOKS.clear()
