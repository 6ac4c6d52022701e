"""One change in the outbox as the rest of the app sees it, and the words for where it stands.

Apart from :mod:`workshop.outbox` (the file and its queries) so the sender and the
pages can name a change and its status without the storage code.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from workshop.models import FieldPatch
from workshop.store.base import StoreError, StoreUnavailable

PENDING = "pending"
#: Outcomes of a sent change; "replaced": a newer change of the same field took its place
#: before it was sent; "dropped": its group or workshop no longer exists.
SETTLED = ("written", "already", "superseded", "replaced", "dropped")
#: Why a change was dropped (kept in ``error_reason``): its group or workshop is
#: gone, or the host closed the workshop before it was written.
DROPPED_GONE = "gone"
DROPPED_CLOSED = "closed"
#: Settled changes are kept this long (for notices and status), then removed.
KEEP_SECONDS = 7 * 24 * 3600.0


@dataclass(frozen=True)
class Entry:
    """One change in the outbox, with where it stands."""

    id: int
    record: str
    workshop_id: str
    group_id: str
    patch: FieldPatch
    origin: str
    status: str
    attempts: int = 0
    error_reason: str = ""
    error_status: int | None = None
    error_text: str = ""
    settled_at: float = 0.0
    current: str = ""
    current_by: str = ""
    current_at: str = ""

    @property
    def failure(self) -> StoreError | None:
        """The last attempt's error, rebuilt so a page can word it in its language."""
        if self.status == "dropped" or (not self.error_reason and not self.error_text):
            return None
        if self.error_reason:
            return StoreUnavailable(
                self.error_text, reason=self.error_reason, status=self.error_status
            )
        return StoreError(self.error_text)


def entry_from_row(row: sqlite3.Row) -> Entry:
    """An ``Entry`` from a row of the outbox's ``changes`` table."""
    return Entry(
        id=int(row["id"]),
        record=row["record"],
        workshop_id=row["workshop_id"],
        group_id=row["group_id"],
        patch=FieldPatch(
            row["item_id"], row["field"], row["text"], row["base"], row["made_at"], row["made_by"]
        ),
        origin=row["origin"],
        status=row["status"],
        attempts=int(row["attempts"]),
        error_reason=row["error_reason"],
        error_status=row["error_status"],
        error_text=row["error_text"],
        settled_at=float(row["settled_at"]),
        current=row["current"],
        current_by=row["current_by"],
        current_at=row["current_at"],
    )
