"""The group commit: one fresh read, every waiting change planned against it, one write.

Why it is built this way:

* **Rows found by key, just before writing.** A write is never planned from a
  copy read earlier: the commit reads every worksheet, and each change is a
  planner (:mod:`.plans`) that finds its rows by key in that read.
* **Paced and coalesced.** Tutors click faster than the quota allows. While one
  commit is being sent (or waits for its token), the changes that arrive queue
  up and the next commit carries them all, each still writing only its own
  cells: one ``values_batch_update`` for every group, plus one append per
  worksheet where a person deleted an item's row.
* **Write-through.** After a successful write the shared copy is patched with
  exactly the cells written, so this process's pages show the change at once
  without another read. (Clearing the copy after every write, as first planned,
  costs a read per save: peak 43/min instead of 30 at 12 groups in the benchmark.)
* **Verified.** What each commit wrote is remembered, and the next read checks
  that it landed in its item's row (:mod:`.verify`); repairs ride along with the
  next commit.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workshop.scoring import normalize_item_id
from workshop.store.base import StoreError, StoreUnavailable
from workshop.store.sheets.api import SheetsApi
from workshop.store.sheets.book import BookState
from workshop.store.sheets.layout.a1 import row_updates
from workshop.store.sheets.layout.columns import ANSWERS_HEADER
from workshop.store.sheets.plans import CommitWrites, Planner, Repair
from workshop.store.sheets.reads import SharedReads
from workshop.store.sheets.verify import planned_repairs

LOG = logging.getLogger(__name__)
#: How long a write is remembered for the check that it landed in its item's row.
VERIFY_SECONDS = 120.0


@dataclass
class Ticket:
    """One caller's change in a group commit, and how its write ended."""

    planner: Planner
    done: bool = False
    error: BaseException | None = None
    result: Any = None


class GroupCommit:
    """Queues planners and sends them in group commits (see the module docstring)."""

    def __init__(self, api: SheetsApi, reads: SharedReads, *, write_through: bool = True) -> None:
        self.api = api
        self.reads = reads
        self.book = api.book
        self.write_through = write_through

    def commit(self, planner: Planner) -> Any:
        """Plan ``planner`` against a fresh read and write it in the next group commit.

        The calling thread either sends the next batch itself (with everything
        queued by then) or waits for the thread that does; it gets the planner's
        result, or its error. Call it without holding ``book.lock``.
        """
        (ticket,) = self.commit_many([planner])
        if ticket.error is None:
            return ticket.result
        raise ticket.error

    def commit_many(self, planners: Sequence[Planner]) -> list[Ticket]:
        """Several planners in the same group commit; each ticket has its result or error."""
        book = self.book
        tickets = [Ticket(planner) for planner in planners]
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

    def _send_queued(self) -> None:
        """One read, every queued change planned against it, one write for all of them."""
        # Saves that arrive while this thread waits ride along in the same request.
        self.api.wait_for_token()
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

    def _send_batch(self, batch: Sequence[Ticket]) -> None:
        """Read, plan, write (call with ``book.fetch_lock`` held)."""
        try:
            state = self.reads.read_into_cache()
        except StoreError as error:
            for ticket in batch:
                ticket.error = error
            return
        planned: list[tuple[Ticket, CommitWrites]] = []
        for ticket in batch:
            try:
                planned.append((ticket, ticket.planner(state)))
            except StoreError as error:
                ticket.error = error
        repairs, found = planned_repairs(self.book, state)
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
            if not planned:
                raise  # only repairs, and Google refuses them: the caller hears why
            if len(planned) == 1 and not repairs.cells:
                planned[0][0].error = error
                return
            # Google refused the request: find whose cells it was, one part at a time.
            self._send_one_by_one(state, repairs, found, planned)
            return
        self._written(state, found if repairs.cells else [], [plan for _ticket, plan in planned])
        for ticket, plan in planned:
            ticket.result = plan.result

    def _send_one_by_one(
        self,
        state: BookState,
        repairs: CommitWrites,
        found: list[Repair],
        planned: list[tuple[Ticket, CommitWrites]],
    ) -> None:
        """The repairs, then each planner's cells, each in a request of its own."""
        repaired: list[Repair] = []
        if repairs.cells:
            try:
                self._write_cells(state, repairs)
            except StoreUnavailable:
                with self.book.lock:
                    self.book.repairs.extend(found)  # the next commit tries them again
            except Exception:  # refused on its own too: a repair is not worth blocking saves
                LOG.warning("Google refused the repair of %d misplaced write(s).", len(found))
            else:
                repaired = found
        written = []
        for ticket, plan in planned:
            try:
                self._write_cells(state, plan)
            except Exception as single:
                ticket.error = single
            else:
                ticket.result = plan.result
                written.append(plan)
        self._written(state, repaired, written)

    def _written(self, state: BookState, repaired: list[Repair], plans: list[CommitWrites]) -> None:
        """Count the repairs sent, and remember the writes for the check that they landed."""
        now = self.api.clock()
        with self.book.lock:
            self.book.repaired += len(repaired)
            for plan in plans:
                self.book.unverified.extend(plan.records)
            self.book.unverified = [
                r for r in self.book.unverified if now - state.read_at < VERIFY_SECONDS
            ]

    def _write_cells(self, state: BookState, plan: CommitWrites) -> None:
        """Send a plan's cells (one request) and its new rows (one append per worksheet)."""
        data: list[dict[str, Any]] = []
        for title, rows in plan.cells.items():
            for row, cells in sorted(rows.items()):
                data.extend(row_updates(title, row, cells))
        self.api.values_batch_update(data)  # drops the cached copy if it fails
        if plan.cells:
            with self.book.lock:
                for title, rows in plan.cells.items():
                    if self.write_through:
                        self.book.patch(title, sorted(rows.items()))
                    else:  # the spec's original rule: re-read after every write
                        self.book.invalidate()
            self.reads.keep()
        for title, appended in plan.appends.items():
            # ``values:append`` lets Google choose the row (a person deleted the item's).
            self.api.append_once(title, appended, ANSWERS_HEADER, "item_id", normalize_item_id)
