"""Records kept by the store: workshops, groups, answers, the agenda clock, actions.

These are plain frozen dataclasses shared by both store backends (SQLite and
Google Sheets) and by every page, so the backends are interchangeable.
Nothing here is a secret: join codes and results tokens are derived from the app
secret (:mod:`workshop.keys`) and host passcode hashes are kept apart by each
backend (``Store.host_passcode_hash``), so a record may be shown, logged or shared.
Answer values are kept as the text a person entered (``"0.5"``, ``"N/A"``, ``""``)
and parsed by :mod:`workshop.scoring`; a hand-typed value the parser rejects is
reported, never silently turned into a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

PHASES: tuple[str, ...] = ("poc", "validation", "production")
#: Where an action item stands between rounds; "open" is where every item starts.
ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "dropped")


@dataclass(frozen=True)
class Workshop:
    id: str
    title: str
    date: str  # ISO date, e.g. "2026-11-23"
    language: str  # "en" or "ja"
    rubric_id: str
    agenda_id: str
    created_at: str = ""  # ISO timestamp (UTC)
    archived: bool = False
    previous_id: str = ""  # the workshop this one was duplicated from, if any
    # The results link is derived from the app secret and this counter (workshop.keys);
    # the host bumps it to regenerate the link. Nothing secret is stored in the record.
    link_generation: int = 0
    closed: bool = False  # the host closed it: tutors can no longer change answers


@dataclass(frozen=True)
class Group:
    id: str
    workshop_id: str
    name: str
    system: str  # the ML system the group assesses; matches groups across rounds
    phase: str  # one of PHASES
    tutor: str
    position: int = 0
    # The join code and results token are derived from the app secret and this counter
    # (workshop.keys); regenerating a group's links bumps it. Never stored in clear.
    link_generation: int = 0


@dataclass(frozen=True)
class Answer:
    group_id: str
    item_id: str
    value: str  # as entered: "0", "0.5", "1", "N/A" (or a hand-typed variant), "" = unanswered
    note: str = ""
    updated_at: str = ""  # ISO timestamp (UTC)
    updated_by: str = ""


@dataclass(frozen=True)
class AnswerChange:
    """One answer a tutor changed; a save writes a batch of these for one group."""

    item_id: str
    value: str
    note: str


#: The two fields of an answer a person edits; a change touches exactly one of them.
ANSWER_FIELDS: tuple[str, ...] = ("value", "note")


@dataclass(frozen=True)
class FieldPatch:
    """One field of one answer as a person changed it, with what they saw before.

    A tutor page writes the field that changed and nothing else, so a new
    answer never carries an old note back into the record (and vice versa).
    ``base`` is the text the person saw before the change: if the record
    still holds it, nobody else changed the field meanwhile and the patch is
    written; if not, :func:`workshop.patches.decide` settles who was later.
    ``made_at`` is when the person made it (ISO UTC with microseconds), which
    is what "the later one wins" compares, not when it reached the record.
    """

    item_id: str
    field: str  # one of ANSWER_FIELDS
    text: str
    base: str
    made_at: str
    made_by: str

    def __post_init__(self) -> None:
        if self.field not in ANSWER_FIELDS:
            raise ValueError(f"Unknown answer field {self.field!r}.")


@dataclass(frozen=True)
class PatchOutcome:
    """What became of a patch: written, already there, or superseded by a later change.

    ``current`` is the field's text in the record after the decision, with who
    changed the row last and when, so the page can say who won.
    """

    patch: FieldPatch
    result: str  # "written", "already" or "superseded"
    current: str
    current_by: str = ""
    current_at: str = ""


@dataclass(frozen=True)
class ClockState:
    """The shared agenda clock, stored so every screen shows the same countdown.

    ``status`` is "idle" (not started), "running", "paused" or "finished".
    While running, ``started_at`` is the epoch second the segment's time began
    counting, shifted on resume so that elapsed = now - started_at.
    While paused, ``paused_elapsed`` holds the elapsed seconds at the pause.
    ``extension`` is the seconds added to the current segment (+1 / +5 min).

    The room's settings travel with the clock, in the same row and the same
    read every page already does (no extra request per viewer on Sheets):
    ``auto_advance`` moves on by itself when a segment's time is up (see
    :func:`workshop.clock.effective`), and ``broadcast`` is the host's message
    to every tutor screen, ``broadcast_at`` the epoch second it was sent (a
    screen that dismissed it remembers that stamp; 0 = no message).
    """

    segment: int = 0
    status: str = "idle"
    started_at: float | None = None
    paused_elapsed: float = 0.0
    extension: float = 0.0
    updated_at: float = 0.0
    auto_advance: bool = False
    broadcast: str = ""
    broadcast_at: float = 0.0


@dataclass(frozen=True)
class VoteRecord:
    """What the shared record keeps of participants' votes on one test of one group.

    ``summary`` is the revealed round's spread as counts per choice
    (:func:`workshop.votes.summary_text`), never who voted what: individual
    votes stay in the local votes file of the machine that took them. ``note``
    is the tutor's word on why the group disagreed.
    """

    group_id: str
    item_id: str
    summary: str
    note: str = ""


@dataclass(frozen=True)
class ActionItem:
    id: str
    workshop_id: str
    group_id: str
    item_id: str
    what: str
    owner: str = ""
    priority: int = 1  # 1 = do first
    due: str = ""  # ISO date or ""
    created_at: str = ""
    created_by: str = ""
    # Follow-through between rounds (workshop.actions.followed_up): where the item stands,
    # a link to its ticket, and who last changed either and when (ISO UTC).
    status: str = "open"  # one of ACTION_STATUSES
    ticket: str = ""
    updated_at: str = ""
    updated_by: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong in the stored data that a person should fix (e.g. a hand-edited cell).

    ``where`` names the place (worksheet and row, or table), ``what`` says what is wrong.
    Valid data next to a problem still counts.
    """

    where: str
    what: str
    group_id: str = ""
    item_id: str = ""
    value: str = ""


@dataclass(frozen=True)
class Snapshot:
    """Everything a page needs about one workshop, read in one store call."""

    workshop: Workshop
    groups: tuple[Group, ...]
    answers: dict[str, dict[str, Answer]]  # group id -> item id -> answer
    clock: ClockState
    actions: tuple[ActionItem, ...] = ()
    problems: tuple[Problem, ...] = ()
    fetched_at: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)
    #: Participants' vote summaries: group id -> item id -> record (see VoteRecord).
    votes: dict[str, dict[str, VoteRecord]] = field(default_factory=dict)

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def group_answers(self, group_id: str) -> dict[str, Answer]:
        return self.answers.get(group_id, {})

    def only_group(self, group_id: str) -> Snapshot:
        """This workshop as one group sees it in its own exports: its answers and actions.

        Raises KeyError for an unknown group.
        """
        return replace(
            self,
            groups=(self.group(group_id),),
            answers={group_id: self.group_answers(group_id)},
            actions=tuple(a for a in self.actions if a.group_id == group_id),
            votes={group_id: self.votes.get(group_id, {})},
        )
