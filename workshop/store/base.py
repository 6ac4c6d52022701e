"""The store interface shared by the SQLite and Google Sheets backends.

Design rules every backend follows (the contract tests in
``tests/test_store_contract.py`` check them against both):

* A page render costs one read: :meth:`Store.snapshot` returns groups, all
  answers, the clock and the action items of a workshop together.
* A save writes one group's changed answers in one batch, never other groups'
  cells, and never loses an answer silently: on a transient failure it raises
  :class:`StoreUnavailable` so the caller keeps the change pending and retries.
* Values are stored as the text entered; parsing and scoring happen in
  :mod:`workshop.scoring` so hand-typed sheet values can be reported.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workshop.models import (
    ActionItem,
    AnswerChange,
    ClockState,
    FieldPatch,
    Group,
    PatchOutcome,
    Snapshot,
    VoteRecord,
    Workshop,
)

#: When the text a field holds now was set, if anyone knows (ISO UTC); see workshop.patches.
KnownAt = Callable[[FieldPatch, str], str | None]
#: One group's changed answers, or changed fields, as a save hands them to a store.
Changes = Sequence[AnswerChange]
Patches = Sequence[FieldPatch]


@dataclass(frozen=True)
class PatchSet:
    """One group's waiting patches, for :meth:`Store.apply_many`.

    ``votes`` are the group's vote summaries waiting to be written: they ride
    along with the group's patches (on Sheets, in the same commit), so votes
    never cost a request of their own.
    """

    workshop_id: str
    group_id: str
    patches: Patches
    known_at: KnownAt | None = None
    votes: Sequence[VoteRecord] = ()


class StoreError(Exception):
    """A store failure with a message for people and, where known, how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class StoreUnavailable(StoreError):
    """Transient: network error, timeout, quota (429) or server error (5xx) after retries.

    Nothing was lost: the caller keeps its change and tries again later.
    ``reason`` ("quota", "server", "network", "busy" or "unexpected") and
    ``status`` let a page say why in the reader's language; ``message`` is the
    English sentence for logs and the command line.
    """

    REASONS = ("quota", "server", "network", "busy", "unexpected")

    def __init__(
        self, message: str, hint: str = "", *, reason: str = "unexpected", status: int | None = None
    ) -> None:
        super().__init__(message, hint)
        self.reason = reason if reason in self.REASONS else "unexpected"
        self.status = status


class StoreConfigError(StoreError):
    """Permanent until a person fixes it: bad credentials, sheet not shared, missing sheet."""


class HostsUnprotected(StoreConfigError):
    """The worksheet of host passcodes lost its protection: its hashes cannot be trusted."""


class NotFound(StoreError):
    """The workshop, group or action item does not exist."""


class WorkshopClosed(StoreError):
    """The host closed the workshop: tutors' changes to its answers are refused.

    Permanent for the change that met it (the sender drops it and tells the
    tutor), unlike :class:`StoreUnavailable`.
    """


class Store(ABC):
    """What every backend offers. Implementations must be safe to share across threads."""

    #: "local" or "sheets"; shown in the UI and used in messages.
    backend: str = ""

    @abstractmethod
    def list_workshops(self, include_archived: bool = False) -> list[Workshop]:
        """All workshops, newest date first."""

    @abstractmethod
    def get_workshop(self, workshop_id: str) -> Workshop | None:
        """One workshop, or None."""

    @abstractmethod
    def create_workshop(
        self, workshop: Workshop, groups: Sequence[Group], passcode_hash: str = ""
    ) -> None:
        """Create a workshop with its groups (and, on Sheets, their worksheets).

        ``passcode_hash`` is the workshop's own host passcode, hashed; it is kept
        where tutors cannot change it (see :meth:`host_passcode_hash`).
        """

    @abstractmethod
    def host_passcode_hash(self, workshop_id: str) -> str:
        """The workshop's host passcode hash ("" when it has none).

        Kept apart from everything tutors may edit: a table of its own in the
        SQLite file, a worksheet on Google Sheets that only the app may edit
        (a protected range, checked on every read: raises
        :class:`HostsUnprotected` when the protection is gone).
        """

    @abstractmethod
    def set_host_passcode_hash(self, workshop_id: str, passcode_hash: str) -> None:
        """Replace the workshop's host passcode hash (a new passcode, or a stronger hash)."""

    @abstractmethod
    def update_workshop(self, workshop: Workshop) -> None:
        """Replace a workshop's fields (title, date, language, archived, ...)."""

    @abstractmethod
    def upsert_group(self, group: Group) -> None:
        """Add a group to a workshop or replace its fields (same id)."""

    @abstractmethod
    def snapshot(self, workshop_id: str) -> Snapshot:
        """Groups, answers, clock and actions of a workshop in one read.

        Raises :class:`NotFound` for an unknown workshop. Backends may serve a
        briefly cached copy (Sheets: a few seconds, shared by all sessions of
        the process, dropped after this process writes).
        """

    @abstractmethod
    def save_answers(
        self, workshop_id: str, group_id: str, changes: Changes, *, updated_by: str, updated_at: str
    ) -> None:
        """Write one group's changed answers in one batch.

        Raises :class:`StoreUnavailable` when the write may not have happened;
        the caller keeps the changes and retries (writes are idempotent).
        """

    @abstractmethod
    def apply_patches(
        self, workshop_id: str, group_id: str, patches: Patches, *, known_at: KnownAt | None = None
    ) -> list[PatchOutcome]:
        """Write the fields people changed, each decided against the record as it is now.

        The record is read inside the same write (a transaction, or a fresh
        read inside the same commit on Sheets), each patch is decided with
        :func:`workshop.patches.decide` and only the fields decided "written"
        change, with the row's "updated by/at" of the latest of them. One
        outcome per patch, in order. Raises :class:`StoreUnavailable` when the
        write may not have happened; retrying is safe (a patch already there is
        "already"). Raises :class:`WorkshopClosed` when the host closed the
        workshop (nothing is written).
        """

    def apply_many(self, sets: Sequence[PatchSet]) -> list[list[PatchOutcome] | StoreError]:
        """Several groups' patches; per set its outcomes, or the error that set met.

        The default writes one group after the other; the Sheets store sends
        them all in one commit (one read and one write for every group).
        """
        results: list[list[PatchOutcome] | StoreError] = []
        for patch_set in sets:
            try:
                outcomes = self.apply_patches(
                    patch_set.workshop_id,
                    patch_set.group_id,
                    patch_set.patches,
                    known_at=patch_set.known_at,
                )
                if patch_set.votes:
                    self.save_votes(patch_set.workshop_id, patch_set.group_id, patch_set.votes)
                results.append(outcomes)
            except StoreUnavailable:
                raise  # nothing else will get through either: the caller retries them all
            except StoreError as error:
                results.append(error)
        return results

    def read_age(self) -> float | None:
        """Seconds since the shared copy was read from the record; None: no copy (local)."""
        return None

    def revision(self, workshop_id: str) -> object:
        """A value that changes whenever anything of the workshop changes; cheap to ask.

        Live pages poll it every second and redraw only when it moved. The
        default reads the whole workshop; backends answer from a counter.
        """
        snapshot = self.snapshot(workshop_id)
        return hash(
            (
                snapshot.workshop,
                snapshot.groups,
                snapshot.clock,
                snapshot.actions,
                tuple(
                    (group_id, item_id, answer)
                    for group_id, answers in sorted(snapshot.answers.items())
                    for item_id, answer in sorted(answers.items())
                ),
            )
        )

    @abstractmethod
    def save_votes(self, workshop_id: str, group_id: str, votes: Sequence[VoteRecord]) -> None:
        """Write one group's vote summaries (each replaces its test's previous one).

        Refused like answers: :class:`NotFound` for an unknown group,
        :class:`WorkshopClosed` once the host closed the workshop. Callers send
        them through :meth:`apply_many` with the group's patches.
        """

    @abstractmethod
    def set_clock(self, workshop_id: str, clock: ClockState) -> None:
        """Replace the workshop's agenda clock state."""

    @abstractmethod
    def add_action(self, action: ActionItem) -> None:
        """Record an action item."""

    @abstractmethod
    def update_action(self, action: ActionItem) -> None:
        """Replace an action item's fields (same id)."""

    @abstractmethod
    def delete_action(self, workshop_id: str, action_id: str) -> None:
        """Remove an action item."""

    def snapshots(self, workshop_ids: Sequence[str]) -> list[Snapshot]:
        """Several workshops at once (history across rounds)."""
        return [self.snapshot(workshop_id) for workshop_id in workshop_ids]

    def invalidate(self) -> None:  # noqa: B027 (optional hook: no cache, nothing to drop)
        """Drop any cached reads (used after out-of-band edits and by tests)."""

    def close(self) -> None:  # noqa: B027 (optional hook: nothing to release)
        """Release connections."""
