"""Did the last commits' cells land in their items' rows? Misplaced ones are put right.

A person may sort the worksheet in the instant between a commit's read and its
write; the write then lands in the row another item moved into. The store
remembers what each commit wrote (:class:`~workshop.store.sheets.book.WriteRecord`),
every read checks it here (:func:`~workshop.store.sheets.plans.misplaced`), and the
next commit carries the repairs, planned against its own fresh read.
"""

from __future__ import annotations

import logging

from workshop.store.sheets import plans
from workshop.store.sheets.book import BookState, SharedBook

LOG = logging.getLogger(__name__)


def check_recent_writes(book: SharedBook, state: BookState) -> None:
    """Check the unverified writes against ``state``; queue a repair for each misplaced one."""
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


def planned_repairs(
    book: SharedBook, state: BookState
) -> tuple[plans.CommitWrites, list[plans.Repair]]:
    """The repairs found by reads, planned against this commit's read (and taken from the book)."""
    with book.lock:
        repairs, book.repairs = book.repairs, []
    merged = plans.CommitWrites()
    for repair in repairs:
        values = state.values.get(repair.title)
        if values is not None:
            merged.merge(plans.repair_writes(repair, list(values)))
    return merged, repairs
