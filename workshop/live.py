"""The live part of a workshop: progress per group and a tutor's save queue.

The save queue is why a tutor never loses an answer: every change is staged
first, then written; if the store is unreachable (network, quota, outage) the
change stays staged, the page says so, and the next attempt writes it. Writes
are idempotent upserts, so retrying after an unknown outcome is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workshop.answers import item_answer
from workshop.content.model import Item, Rubric
from workshop.models import AnswerChange, Snapshot
from workshop.store.base import Store as StoreInterface
from workshop.store.base import StoreError


def is_answered(rubric: Rubric, item: Item, text: str) -> bool:
    """True for a valid level, or N/A where the item allows it."""
    parsed = item_answer(rubric, item, text)
    return parsed is not None and parsed.kind in ("value", "na")


@dataclass(frozen=True)
class GroupProgress:
    group_id: str
    name: str
    system: str
    answered: int
    total: int

    @property
    def done(self) -> bool:
        return self.total > 0 and self.answered >= self.total


def section_progress(rubric: Rubric, snapshot: Snapshot, section_id: str) -> list[GroupProgress]:
    """Answered / total per group for one section, in the groups' order."""
    items = rubric.section(section_id).items
    board = []
    for group in snapshot.groups:
        answers = snapshot.group_answers(group.id)
        answered = sum(
            1
            for item in items
            if item.id in answers and is_answered(rubric, item, answers[item.id].value)
        )
        board.append(GroupProgress(group.id, group.name, group.system, answered, len(items)))
    return board


def overall_progress(rubric: Rubric, snapshot: Snapshot) -> dict[str, tuple[int, int]]:
    """Answered / total over the whole rubric per group id."""
    result = {}
    for group in snapshot.groups:
        answers = snapshot.group_answers(group.id)
        answered = sum(
            1
            for item in rubric.items
            if item.id in answers and is_answered(rubric, item, answers[item.id].value)
        )
        result[group.id] = (answered, len(rubric.items))
    return result


@dataclass
class SaveQueue:
    """A tutor's changes not yet confirmed by the store, kept in the session."""

    workshop_id: str
    group_id: str
    pending: dict[str, AnswerChange] = field(default_factory=dict)
    last_saved_at: str = ""
    last_error: str = ""
    last_failure: StoreError | None = None  # the error itself, for a message in any language
    failures: int = 0

    def stage(self, change: AnswerChange) -> None:
        """Remember the newest value of an item; an older unsaved value is superseded."""
        self.pending[change.item_id] = change

    def flush(self, store: StoreInterface, *, updated_by: str, now: Callable[[], str]) -> bool:
        """Write everything pending in one batch. True when nothing is left pending.

        A transient failure keeps the changes; a permanent one (configuration,
        unknown group) also keeps them and records the message so the page can
        show what a person must fix.
        """
        if not self.pending:
            return True
        batch = list(self.pending.values())
        stamp = now()
        try:
            store.save_answers(
                self.workshop_id, self.group_id, batch, updated_by=updated_by, updated_at=stamp
            )
        except StoreError as error:  # StoreUnavailable included: keep the batch either way
            self.failures += 1
            self.last_error = str(error)
            self.last_failure = error
            return False
        for change in batch:
            if self.pending.get(change.item_id) == change:
                del self.pending[change.item_id]
        self.last_saved_at = stamp
        self.last_error = ""
        self.last_failure = None
        self.failures = 0
        return not self.pending

    @property
    def count(self) -> int:
        return len(self.pending)
