"""The server's side of saving: send the outbox to the shared record, keep the copy fresh.

A page never talks to Google while a person waits: it writes the change into
the :class:`~workshop.outbox.Outbox` (a local file, milliseconds) and nudges
the :class:`SyncEngine`, a background thread per app process that

* sends what is waiting, every group's changes in one go (on Google Sheets one
  commit: one read, one write), at most once per ``send_interval`` across all
  processes on the machine (:class:`~workshop.coordination.SendSlots`), and
  after a failure again with a growing pause (1, 2, 4, 8 s);
* records each change's outcome (written, already there, or superseded by a
  later change) so every screen can show it;
* keeps the shared copy of the sheet fresh while someone is looking
  (``store.refresh``), and notes the fields people typed into the sheet, with
  when they were first seen (:meth:`~workshop.outbox.Outbox.observe`), which is
  what decides a conflict between a hand edit and a tutor's older change.

:meth:`SyncEngine.step` does one round and is what tests and the quota
benchmark call directly with a simulated clock; :meth:`SyncEngine.start` runs
it in a thread for the app.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from workshop import timesource
from workshop.coordination import SendSlots
from workshop.models import ANSWER_FIELDS, FieldPatch, PatchOutcome
from workshop.outbox import Outbox
from workshop.outbox_entry import DROPPED_CLOSED, Entry
from workshop.store.base import (
    NotFound,
    PatchSet,
    Store,
    StoreError,
    StoreUnavailable,
    WorkshopClosed,
)
from workshop.vote_box import Outgoing, VoteBox

LOG = logging.getLogger(__name__)

#: Pauses after consecutive failed sends (seconds), the last one repeating.
BACKOFF = (1.0, 2.0, 4.0, 8.0)
#: The pause after a failure a person must fix (a renamed worksheet, an unshared sheet).
CONFIG_RETRY_SECONDS = 15.0
#: A process that stops while sending gives its changes back after this long.
LEASE_SECONDS = 60.0
#: A workshop someone looked at within this many seconds is watched for hand edits.
WATCH_SECONDS = 30.0
#: The longest the thread sleeps without looking at the outbox (changes recorded by
#: another process on the machine do not nudge this one).
IDLE_SECONDS = 1.0


@dataclass(frozen=True)
class GroupSync:
    """Where one group's changes stand, for the page's save status."""

    pending: tuple[Entry, ...]
    failure: StoreError | None  # why the last attempt failed, while changes wait
    last_written: float  # epoch seconds when a change last reached the record (0: never)

    @property
    def count(self) -> int:
        return len(self.pending)


def _group_sets(entries: Sequence[Entry]) -> list[tuple[tuple[str, str], list[Entry]]]:
    """Entries by (workshop, group), keeping the order they were made in."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        groups.setdefault((entry.workshop_id, entry.group_id), []).append(entry)
    return list(groups.items())


class SyncEngine:
    """Sends an outbox to one store; one per app process (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        *,
        record: str,
        send_interval: float = 0.0,
        slots: SendSlots | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        observe_edits: bool = False,
        owner: str | None = None,
        votes: VoteBox | None = None,
    ) -> None:
        self.store = store
        #: Participants' vote summaries ride along with the groups' commits (workshop.vote_box).
        self.votes = votes
        self.outbox = outbox
        self.record_id = record
        self.send_interval = send_interval
        self.slots = slots
        self.clock = clock
        self.wall = wall
        self.observe_edits = observe_edits
        self.owner = owner or uuid.uuid4().hex
        self._retry_at = float("-inf")
        self._failures = 0
        self._last_send = float("-inf")
        self._waiting = False
        self._watched: dict[str, float] = {}
        self._observed: dict[tuple[str, str, str, str], str] = {}
        self._lock = threading.Lock()
        self._wake = threading.Condition()
        self._nudged = False
        self._settled = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.sends = 0  # rounds that reached the record (tests, benchmarks)

    # -- what pages call -------------------------------------------------------------------

    def record(self, workshop_id: str, group_id: str, patch: FieldPatch, origin: str = "") -> int:
        """Keep a change in the outbox (durably) and wake the sender."""
        entry_id = self.outbox.record(
            self.record_id, workshop_id, group_id, patch, origin=origin, now=self.wall()
        )
        self.watch(workshop_id)
        self.nudge()
        return entry_id

    def retry_now(self) -> None:
        """A person asked: try the waiting changes again without waiting for the pause."""
        self._retry_at = float("-inf")
        self._last_send = float("-inf")
        self.nudge()

    def nudge(self) -> None:
        with self._wake:
            self._nudged = True
            self._wake.notify_all()

    def wait(self, ids: Iterable[int], timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for changes to leave the outbox; True if they did."""
        wanted = list(ids)
        deadline = time.monotonic() + timeout
        while True:
            if all(e.status != "pending" for e in self.outbox.entries(wanted)):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with self._settled:
                self._settled.wait(min(left, 0.05))

    def group(self, workshop_id: str, group_id: str) -> GroupSync:
        pending = tuple(self.outbox.pending(self.record_id, workshop_id, group_id))
        failure = next((e.failure for e in reversed(pending) if e.failure is not None), None)
        last = self.outbox.last_written(self.record_id, workshop_id, group_id)
        return GroupSync(pending, failure, last)

    def pending_patches(self, workshop_id: str, group_id: str) -> list[FieldPatch]:
        return [e.patch for e in self.outbox.pending(self.record_id, workshop_id, group_id)]

    def notices(
        self, origin: str, workshop_id: str = "", group_id: str = "", made_by: str = ""
    ) -> list[Entry]:
        """Superseded changes to tell a session about (see :meth:`Outbox.notices`)."""
        return self.outbox.notices(
            origin,
            record=self.record_id,
            workshop_id=workshop_id,
            group_id=group_id,
            made_by=made_by,
        )

    def acknowledge(self, ids: Iterable[int]) -> None:
        self.outbox.acknowledge(ids)

    def watch(self, workshop_id: str) -> None:
        """A page shows this workshop: keep an eye on hand edits in its worksheets."""
        with self._lock:
            self._watched[workshop_id] = self.clock()

    # -- one round -------------------------------------------------------------------------

    def step(self) -> float:
        """Send what is due, refresh the copy if due; seconds until the next round is due."""
        delay = self._send_due()
        if not (self._waiting and self._failures == 0):
            # Changes waiting for their send slot: the commit's own read refreshes the copy
            # in a moment, so a refresh now would only spend a request of the quota.
            self._refresh()
        return delay

    def _send_due(self) -> float:
        now = self.clock()
        summaries = self.votes.due() if self.votes is not None else []
        self._waiting = bool(summaries) or bool(self.outbox.pending(self.record_id))
        if now < self._retry_at:
            return self._retry_at - now
        if not self._waiting:
            return IDLE_SECONDS
        if self.send_interval:
            # A commit reads the sheet before it writes; right after a read (a refresh, or
            # the last commit) it waits, so the reads of the quota stay one per interval.
            age = self.store.read_age()
            if age is not None and age < self.send_interval:
                return self.send_interval - age
            wait = (
                self.slots.take(self.record_id, self.send_interval)
                if self.slots is not None
                else max(0.0, self.send_interval - (now - self._last_send))
            )
            if wait > 0:
                return wait
        entries = self.outbox.claim(
            self.record_id, self.owner, lease=LEASE_SECONDS, now=self.wall()
        )
        if not entries and not summaries:
            return IDLE_SECONDS
        self._last_send = now
        self._send(entries, summaries)
        return 0.0 if self._failures == 0 else max(0.0, self._retry_at - self.clock())

    def _send(self, entries: Sequence[Entry], summaries: Sequence[Outgoing] = ()) -> None:
        grouped = _group_sets(entries)
        by_group: dict[tuple[str, str], list[Outgoing]] = {}
        for summary in summaries:
            by_group.setdefault((summary.workshop_id, summary.group_id), []).append(summary)
        # A group with votes waiting but no changes still gets its (patch-less) set.
        grouped += [(key, []) for key in by_group if key not in dict(grouped)]
        sets = [
            PatchSet(
                workshop_id,
                group_id,
                [e.patch for e in group_entries],
                self.outbox.known_at(self.record_id, workshop_id, group_id),
                votes=[o.record for o in by_group.get((workshop_id, group_id), [])],
            )
            for (workshop_id, group_id), group_entries in grouped
        ]
        try:
            results = self.store.apply_many(sets)
        except StoreUnavailable as error:
            self._failed(entries, error, BACKOFF[min(self._failures, len(BACKOFF) - 1)])
            return
        except StoreError as error:
            self._failed(entries, error, CONFIG_RETRY_SECONDS)
            return
        except Exception as error:  # a bug: keep the changes, say so in the log, try later
            LOG.exception("Sending %d waiting change(s) failed unexpectedly", len(entries))
            self._failed(entries, StoreError(f"Unexpected error: {error}"), CONFIG_RETRY_SECONDS)
            return
        stuck: list[Entry] = []
        stuck_error: StoreError | None = None
        now = self.wall()
        done: list[Outgoing] = []
        for (key, group_entries), result in zip(grouped, results, strict=True):
            if not isinstance(result, StoreError) or isinstance(result, NotFound | WorkshopClosed):
                done.extend(by_group.get(key, []))  # in the record, or never will be
            else:
                stuck_error = result
            if isinstance(result, NotFound):
                LOG.warning("Dropping %d change(s): %s", len(group_entries), result)
                self.outbox.drop(group_entries, str(result), now=now)
            elif isinstance(result, WorkshopClosed):
                LOG.info("Refusing %d change(s): %s", len(group_entries), result)
                self.outbox.drop(group_entries, str(result), cause=DROPPED_CLOSED, now=now)
            elif isinstance(result, StoreError):
                stuck.extend(group_entries)
                stuck_error = result
            else:
                self._settle(group_entries, result, now)
        if self.votes is not None and done:
            self.votes.sent(done)
        self.sends += 1
        if stuck_error is not None:
            self._failed(stuck, stuck_error, CONFIG_RETRY_SECONDS)
        else:
            self._failures = 0
            self._retry_at = float("-inf")
        with self._settled:
            self._settled.notify_all()

    def _settle(
        self, entries: Sequence[Entry], outcomes: Sequence[PatchOutcome], now: float
    ) -> None:
        for entry, outcome in zip(entries, outcomes, strict=True):
            self.outbox.settle(entry, outcome, now=now)

    def _failed(self, entries: Sequence[Entry], error: StoreError, pause: float) -> None:
        self.outbox.fail(entries, error, now=self.wall())
        self._failures += 1
        self._retry_at = self.clock() + pause
        with self._settled:
            self._settled.notify_all()

    def _refresh(self) -> None:
        refresh = getattr(self.store, "refresh", None)
        if refresh is None:
            return
        try:
            read = refresh()
        except StoreError:
            return  # pages keep their copy and say why; the store backs off by itself
        if read and self.observe_edits:
            self._observe()

    def _observe(self) -> None:
        """Note the fields that changed in the sheet since the last look (hand edits)."""
        now = self.clock()
        with self._lock:
            watched = [w for w, at in self._watched.items() if now - at < WATCH_SECONDS]
        seen_at = timesource.now_precise_iso()
        for workshop_id in watched:
            try:
                snapshot = self.store.snapshot(workshop_id)
            except StoreError:
                continue
            changed = []
            for group_id, answers in snapshot.answers.items():
                for item_id, answer in answers.items():
                    for field in ANSWER_FIELDS:
                        text = answer.value if field == "value" else answer.note
                        key = (workshop_id, group_id, item_id, field)
                        if self._observed.get(key) != text:
                            changed.append((group_id, item_id, field, text))
                            self._observed[key] = text
            if changed:
                self.outbox.observe(self.record_id, workshop_id, changed, seen_at)

    # -- the thread ------------------------------------------------------------------------

    def start(self) -> SyncEngine:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
            self._thread.start()
            # Streamlit stops on SIGTERM (a restart, a deploy) without releasing cached
            # resources; the interpreter's exit is the last chance to hand back what this
            # process took for sending (see close).
            atexit.register(self.close)
        return self

    def _run(self) -> None:
        while not self._stopping:
            try:
                delay = self.step()
            except Exception:
                LOG.exception("The outbox sender met an unexpected error")
                delay = IDLE_SECONDS
            with self._wake:
                if not self._nudged and not self._stopping:
                    self._wake.wait(timeout=max(0.01, min(delay, IDLE_SECONDS)))
                self._nudged = False

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread and give back the changes it took for sending.

        A process that stops in the middle of a send (during an outage it
        mostly is: each attempt retries for seconds) would otherwise keep them
        for the lease, a minute in which the next process cannot send them
        while its pages say "retrying every few seconds". Should the thread
        still be sending after ``timeout``, sending the same change twice is
        harmless (the second finds it "already" there).
        """
        atexit.unregister(self.close)
        self._stopping = True
        self.nudge()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            self.outbox.release(self.owner)
        except Exception:  # the outbox already closed, or its disk gone: the lease still ends
            LOG.warning("Could not give back the changes this process took for sending")
