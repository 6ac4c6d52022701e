"""Every request the Sheets store sends: paced, retried, and counted against the quota.

Why it is built this way:

* **A request budget shared by the account.** Every request (retries too)
  first takes a token from the account's bucket (:mod:`.pacing`), so no minute
  ever holds more than this process's share of the quota, however requests
  bunch up, and is counted in the book's request log.
* **Failures people can act on.** A request is retried while that is worth it
  (:class:`~workshop.sheets_client.RetryPolicy`); what is left becomes
  :class:`StoreUnavailable` (try again later, nothing lost) or
  :class:`StoreConfigError` (a person must fix something).
* **Small, idempotent writes.** Values go out RAW, so a note like
  ``=HYPERLINK(...)`` stays text. A row is added with ``values:append`` (Google
  picks the row, so two processes never take the same one), and a retry after a
  lost answer first looks whether the row arrived, so nothing is added twice.
* **Uncertain writes drop the copy.** A write whose outcome is unknown makes the
  shared copy due for a read; new rows or worksheets drop it (the next page
  reads them back).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from gspread.http_client import ParamsType

from workshop.sheets_client import (
    API_ERRORS,
    DEFAULT_TIMEOUT,
    RetryPolicy,
    Spreadsheet,
    client_email,
    connect,
    make_client,
    spreadsheet_key,
    to_store_error,
)
from workshop.store.base import StoreUnavailable
from workshop.store.sheets.book import Rows, SharedBook, shared_book
from workshop.store.sheets.layout.a1 import quote_title, table_start
from workshop.store.sheets.layout.cells import cell
from workshop.store.sheets.layout.columns import read_header
from workshop.store.sheets.layout.structure import SheetInfo, added_title, sheets_from_metadata
from workshop.store.sheets.pacing import QUOTA_BURST, QUOTA_SHARE, Pacer, shared_pacer
from workshop.store.sheets.prepare import NewRow, StructurePlan

T = TypeVar("T")


class SheetsApi:
    """One spreadsheet as this process talks to it (one per store handle, sharing the book)."""

    def __init__(
        self,
        spreadsheet: str,
        service_account_info: Mapping[str, Any],
        *,
        endpoint: str,
        timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy,
        clock: Callable[[], float],
        quota_per_minute: float | None,
        quota_share: float = QUOTA_SHARE,
        pace_sleep: Callable[[float], None],
        read_backoff_seconds: float = 0.0,
    ) -> None:
        self.key = spreadsheet_key(spreadsheet)
        self._info = dict(service_account_info or {})
        self.account = client_email(self._info)
        self.endpoint = endpoint
        self.timeout = timeout
        self.retry = retry
        self.clock = clock
        # None: requests go out as they come (tests with a frozen clock).
        self.pacer: Pacer | None = (
            shared_pacer(endpoint, self.account, quota_per_minute * quota_share, QUOTA_BURST)
            if quota_per_minute
            else None
        )
        self.pace_sleep = pace_sleep
        self.read_backoff_seconds = max(0.0, read_backoff_seconds)
        self.book: SharedBook = shared_book(self.key, endpoint, self.account)

    def pace(self, kind: str) -> None:
        """Before every request (retries too): wait for a token, then count the request."""
        if self.pacer is not None:
            while True:
                wait = self.pacer.take(self.clock())
                if wait <= 0.0:
                    break
                self.pace_sleep(min(wait, 1.0))
        self.book.stats.count(kind, self.clock())

    def wait_for_token(self) -> None:
        """Wait until a request could go out, without taking the token."""
        if self.pacer is not None:
            while (wait := self.pacer.until_available(self.clock())) > 0.0:
                self.pace_sleep(min(wait, 1.0))

    def call(self, fn: Callable[[], T]) -> T:
        """Run one API call with retries; failures become StoreUnavailable/StoreConfigError."""
        try:
            return self.retry.run(fn)
        except API_ERRORS as error:  # anything else is a bug and must surface as one
            raise to_store_error(error, email=self.account, key=self.key) from error

    def call_retrying(self, fn: Callable[[bool], T]) -> T:
        """:meth:`call`, telling ``fn`` whether this is a retry (an earlier try may have landed)."""
        tries = 0

        def attempt() -> T:
            nonlocal tries
            tries += 1
            return fn(tries > 1)

        return self.call(attempt)

    def note_unreachable(self, error: StoreUnavailable) -> None:
        """Google did not answer (read or write): reads fail fast for a moment.

        The pages then show what they last had, and the tutor page its pending
        changes, at once instead of after another round of retries.
        """
        if self.read_backoff_seconds:
            with self.book.lock:
                self.book.read_retry_at = self.clock() + self.read_backoff_seconds
                self.book.read_error = error

    # -- reading ----------------------------------------------------------------------------

    def spreadsheet(self) -> Spreadsheet:
        book = self.book
        with book.fetch_lock:
            if book.spreadsheet is None:
                client = make_client(self._info, self.endpoint, self.timeout)

                def open_it() -> Spreadsheet:
                    self.pace("metadata")
                    return connect(client, self.key)

                opened = self.call(open_it)
                book.spreadsheet = opened
                if book.sheets is None:  # opening read the worksheet list already
                    book.sheets = sheets_from_metadata(opened.metadata)
                    book.sheets_at = self.clock()
            return book.spreadsheet

    def sheets(self, *, force: bool = False) -> dict[str, SheetInfo]:
        """Worksheet titles and ids: fetched once, then only when something asks for it."""
        book = self.book
        with book.fetch_lock:
            spreadsheet = self.spreadsheet()  # the first open reads the titles too
            if force or book.sheets is None:

                def fetch() -> Any:
                    self.pace("metadata")
                    return spreadsheet.fetch_sheet_metadata()

                book.sheets = sheets_from_metadata(self.call(fetch))
                book.sheets_at = self.clock()
            return book.sheets

    def batch_get(self, sheets: Mapping[str, SheetInfo]) -> dict[str, Rows]:
        """Every listed worksheet's values in one request."""
        spreadsheet = self.spreadsheet()
        titles = list(sheets)
        if not titles:
            return {}

        def fetch() -> Any:
            self.pace("reads")
            return spreadsheet.values_batch_get([quote_title(t) for t in titles])

        reply = self.call(fetch)
        ranges = reply.get("valueRanges", []) or []
        values: dict[str, Rows] = {}
        for index, title in enumerate(titles):
            entry = ranges[index] if index < len(ranges) else {}
            values[title] = [list(row) for row in entry.get("values", []) or []]
        return values

    def values_get(self, spreadsheet: Spreadsheet, title: str) -> Rows:
        """One worksheet's values (one request; no retry of its own: call it inside ``call``)."""
        self.pace("reads")
        reply = spreadsheet.values_get(quote_title(title))
        return [list(row) for row in reply.get("values", []) or []]

    # -- writing ----------------------------------------------------------------------------

    def values_batch_update(self, data: list[dict[str, Any]]) -> None:
        """Write cells (one request); a failure leaves the copy due for a read."""
        if not data:
            return
        spreadsheet = self.spreadsheet()
        body = {"valueInputOption": "RAW", "data": data}

        def send() -> Any:
            self.pace("writes")
            return spreadsheet.values_batch_update(body)

        try:
            self.call(send)
        except BaseException as error:
            # The write may or may not have happened: the copy is due for a read, but pages
            # keep it meanwhile (what waits in the outbox is shown on top of it).
            self.book.expire()
            if isinstance(error, StoreUnavailable):
                self.note_unreachable(error)
            raise

    def structure_update(self, requests: list[dict[str, Any]], new_titles: list[str]) -> None:
        """One ``batch_update``; a retry after a lost response skips worksheets now present."""
        if not requests:
            return
        spreadsheet = self.spreadsheet()

        def send(retry: bool) -> Any:
            pending = requests
            if retry and new_titles:
                self.pace("metadata")
                present = sheets_from_metadata(spreadsheet.fetch_sheet_metadata())
                pending = [request for request in requests if added_title(request) not in present]
            self.pace("writes")
            return spreadsheet.batch_update({"requests": pending})

        try:
            self.call_retrying(send)
        finally:
            self.book.invalidate(metadata=True)  # titles, ids or grid sizes changed

    def apply(self, plan: StructurePlan) -> None:
        """Structure first (new worksheets must exist before values go in), then values."""
        with self.book.fetch_lock:
            self.structure_update(plan.requests, plan.new_titles)
            self.values_batch_update(plan.data)
            self.book.invalidate(metadata=bool(plan.new_titles))

    def append(self, spreadsheet: Spreadsheet, title: str, rows: list[list[str]]) -> Any:
        """One ``values:append`` (no retry of its own: call it inside ``call``); Google's reply."""
        self.pace("writes")
        # RAW: text stays text; INSERT_ROWS: new rows, never over what a person typed below.
        params: ParamsType = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
        return spreadsheet.values_append(table_start(title), params=params, body={"values": rows})

    def append_once(
        self,
        title: str,
        rows: Sequence[NewRow],
        header: Sequence[str],
        key_column: str,
        normalize: Callable[[str], str] = str.strip,
    ) -> None:
        """Add rows at the end of a worksheet, each once even after a lost answer.

        A retry first reads the worksheet and leaves out the rows whose key
        (``normalize``-d, in ``key_column``) is there already.
        """
        if not rows:
            return
        spreadsheet = self.spreadsheet()

        def attempt(retry: bool) -> Any:
            pending = list(rows)
            if retry:  # a lost answer: look whether the rows arrived first
                values = self.values_get(spreadsheet, title)
                col = read_header(values, header).col(key_column)
                there = {normalize(cell(row, col)) for row in values[1:]}
                pending = [(key, row) for key, row in rows if normalize(key) not in there]
                if not pending:
                    return None
            return self.append(spreadsheet, title, [row for _key, row in pending])

        try:
            self.call_retrying(attempt)
        finally:
            self.book.invalidate()  # new rows: the next page reads them back
