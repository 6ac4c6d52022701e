"""Did last round's actions pay off? Follow-through from one round to the next.

Teams turn the wrap-up's priorities into action items and, a month or six
months later, score their systems again. The next round is a workshop
duplicated from the last one (``Workshop.previous_id``); this module compares
the two and answers, per system and for the organisation:

* how many of last round's action items are done, dropped or still open
  (open or in progress), as the group or the host marked them between rounds;
* for each action, the score of the test it targets in both rounds, and by how
  much it moved (a done action whose test went *down* is shown as such, not hidden);
* each section's score and the final score in both rounds, and the change.

Rules worth knowing:

* Systems are matched across the two rounds by their normalised name
  (:func:`workshop.history_model.system_key`), as the history does. If several
  groups of one round assess the same system, the one with more answers counts
  (then the earlier one), again as in the history; every action of any of them
  counts for the system.
* A system only in this round is *new* (no actions to follow, no change); a
  system only in the previous round is *absent* now: its actions still count in
  the totals, but none of its tests can have moved.
* A test's score is its level; unanswered, N/A and unreadable answers have no
  score, so an action whose test has none in either round has no change rather
  than a made-up one. Workshop-wide actions (no group) count in the totals only.
* "Raised its test" counts *done* actions whose test's score rose. A section
  "rose" for a system when both rounds have a score for it and the later is higher.

Pure functions over two snapshots (and each round's rubric): pages, the CLI and
tests get the same numbers. The discussion prompt built from them is in
:mod:`workshop.followthrough_prompt`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workshop.action_status import DONE, DROPPED, STILL_OPEN
from workshop.answers import item_answer, round_score
from workshop.content.model import Item, Rubric
from workshop.history_model import system_key
from workshop.models import ActionItem, Group, Snapshot
from workshop.scoring import score_answers


def _change(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return round_score(after - before)


@dataclass(frozen=True)
class ActionOutcome:
    """One action of the previous round and how its targeted test moved."""

    action: ActionItem
    system: str  # the system of the action's group as named then ("" for a workshop-wide one)
    before: float | None  # the test's level in the previous round (None: no score)
    after: float | None  # ... in this round (None: no score, or the system is absent)

    @property
    def change(self) -> float | None:
        return _change(self.before, self.after)

    @property
    def raised(self) -> bool:
        change = self.change
        return change is not None and change > 0

    @property
    def lowered(self) -> bool:
        change = self.change
        return change is not None and change < 0


@dataclass(frozen=True)
class Counts:
    """Actions by status, and how many done ones raised their test."""

    total: int = 0
    done: int = 0
    dropped: int = 0
    still_open: int = 0  # open or in progress
    raised: int = 0  # done and their test rose

    @classmethod
    def of(cls, outcomes: tuple[ActionOutcome, ...]) -> Counts:
        statuses = [o.action.status for o in outcomes]
        return cls(
            total=len(outcomes),
            done=statuses.count(DONE),
            dropped=statuses.count(DROPPED),
            still_open=sum(1 for s in statuses if s in STILL_OPEN),
            raised=sum(1 for o in outcomes if o.action.status == DONE and o.raised),
        )


@dataclass(frozen=True)
class ScoreChange:
    """A section's (or the final) score in the previous round and in this one."""

    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return _change(self.before, self.after)


@dataclass(frozen=True)
class SystemFollowThrough:
    """One ML system across the two rounds."""

    key: str
    system: str  # as named in this round (or the previous one, if absent now)
    group_id: str  # this round's group; "" when the system is absent now
    previous_group_id: str  # the previous round's group; "" when the system is new
    actions: tuple[ActionOutcome, ...]
    sections: dict[str, ScoreChange]  # section id -> scores, in this round's rubric order
    final: ScoreChange

    @property
    def new(self) -> bool:
        return not self.previous_group_id

    @property
    def absent(self) -> bool:
        return not self.group_id

    @property
    def counts(self) -> Counts:
        return Counts.of(self.actions)


@dataclass(frozen=True)
class SectionRise:
    """In how many systems (present in both rounds, with a score in both) a section rose."""

    rose: int
    compared: int


@dataclass(frozen=True)
class FollowThrough:
    """Everything the wrap-up, the history and a group's results say about follow-through."""

    workshop_id: str
    previous_workshop_id: str
    systems: tuple[SystemFollowThrough, ...]  # this round's order, then absent ones
    section_ids: tuple[str, ...]
    workshop_wide: tuple[ActionOutcome, ...] = ()  # actions of no group: counted in totals
    section_rises: dict[str, SectionRise] = field(default_factory=dict)

    @property
    def actions(self) -> tuple[ActionOutcome, ...]:
        return (*(a for s in self.systems for a in s.actions), *self.workshop_wide)

    @property
    def counts(self) -> Counts:
        return Counts.of(self.actions)

    def system_of_group(self, group_id: str) -> SystemFollowThrough | None:
        """The system a group of this round assesses."""
        return next((s for s in self.systems if s.group_id == group_id), None)

    @property
    def best_section(self) -> tuple[str, SectionRise] | None:
        """The section that rose in the most systems (ties: rubric order); None if none rose."""
        best: tuple[str, SectionRise] | None = None
        for section_id in self.section_ids:
            rise = self.section_rises.get(section_id)
            if rise is not None and rise.rose and (best is None or rise.rose > best[1].rose):
                best = (section_id, rise)
        return best


# --------------------------------------------------------------------------- matching


def _system_name(group: Group) -> str:
    return " ".join(group.system.split()) or " ".join(group.name.split())


def _answered(snapshot: Snapshot, group: Group) -> int:
    return sum(1 for a in snapshot.group_answers(group.id).values() if a.value.strip())


def chosen_groups(snapshot: Snapshot) -> dict[str, Group]:
    """System key -> the group that counts for it (more answers, then the earlier position)."""
    chosen: dict[str, tuple[int, Group]] = {}
    for group in sorted(snapshot.groups, key=lambda g: g.position):
        key = system_key(_system_name(group))
        answered = _answered(snapshot, group)
        if key not in chosen or answered > chosen[key][0]:
            chosen[key] = (answered, group)
    return {key: group for key, (_, group) in chosen.items()}


def matching_group(previous: Snapshot, group: Group) -> Group | None:
    """The group of the previous round that assessed the same system as ``group``."""
    return chosen_groups(previous).get(system_key(_system_name(group)))


# --------------------------------------------------------------------------- scores


def item_level(
    rubric: Rubric, snapshot: Snapshot, group_id: str, item_id: str, items: Mapping[str, Item]
) -> float | None:
    """The level a group's answer gives a test; None when unanswered, N/A or unreadable.

    ``items`` is the rubric's items by id, built once per follow-through (a rubric
    looks an item up by walking its sections).
    """
    item = items.get(item_id)
    if item is None:
        return None
    answer = snapshot.group_answers(group_id).get(item_id)
    parsed = item_answer(rubric, item, answer.value if answer else "")
    return parsed.value if parsed is not None and parsed.is_value else None


def _scores(
    rubric: Rubric, snapshot: Snapshot, group: Group | None
) -> tuple[dict[str, float | None], float | None]:
    if group is None:
        return {}, None
    values = {item_id: a.value for item_id, a in snapshot.group_answers(group.id).items()}
    score = score_answers(rubric, values)
    return {sid: s.score for sid, s in score.sections.items()}, score.final


# --------------------------------------------------------------------------- building


def follow_through(
    rubrics: Mapping[str, Rubric], previous: Snapshot, current: Snapshot
) -> FollowThrough | None:
    """The follow-through from ``previous`` to ``current``; None when a rubric is not loaded.

    ``rubrics`` maps rubric id -> rubric: each round is read with its own.
    """
    before_rubric = rubrics.get(previous.workshop.rubric_id)
    after_rubric = rubrics.get(current.workshop.rubric_id)
    if before_rubric is None or after_rubric is None:
        return None
    now = chosen_groups(current)
    then = chosen_groups(previous)
    system_of = {g.id: system_key(_system_name(g)) for g in previous.groups}
    names = {g.id: _system_name(g) for g in previous.groups}
    by_system: dict[str, list[ActionItem]] = {}
    workshop_wide: list[ActionOutcome] = []
    for action in previous.actions:
        key = system_of.get(action.group_id)
        if key is None:
            workshop_wide.append(ActionOutcome(action, "", None, None))
        else:
            by_system.setdefault(key, []).append(action)

    before_items = {item.id: item for item in before_rubric.items}
    after_items = {item.id: item for item in after_rubric.items}
    section_ids = tuple(s.id for s in after_rubric.sections)
    systems: list[SystemFollowThrough] = []
    for key in [*now, *(k for k in then if k not in now)]:
        group, earlier = now.get(key), then.get(key)
        outcomes = tuple(
            ActionOutcome(
                action,
                names[action.group_id],
                item_level(before_rubric, previous, earlier.id, action.item_id, before_items)
                if earlier
                else None,
                item_level(after_rubric, current, group.id, action.item_id, after_items)
                if group
                else None,
            )
            for action in by_system.get(key, [])
        )
        sections_before, final_before = _scores(before_rubric, previous, earlier)
        sections_after, final_after = _scores(after_rubric, current, group)
        named = group or earlier
        assert named is not None
        systems.append(
            SystemFollowThrough(
                key=key,
                system=_system_name(named),
                group_id=group.id if group else "",
                previous_group_id=earlier.id if earlier else "",
                actions=outcomes,
                sections={
                    sid: ScoreChange(sections_before.get(sid), sections_after.get(sid))
                    for sid in section_ids
                },
                final=ScoreChange(final_before, final_after),
            )
        )

    rises: dict[str, SectionRise] = {}
    for sid in section_ids:
        changes = [
            change
            for s in systems
            if not s.new and not s.absent and (change := s.sections[sid].change) is not None
        ]
        rises[sid] = SectionRise(rose=sum(1 for c in changes if c > 0), compared=len(changes))
    return FollowThrough(
        workshop_id=current.workshop.id,
        previous_workshop_id=previous.workshop.id,
        systems=tuple(systems),
        section_ids=section_ids,
        workshop_wide=tuple(workshop_wide),
        section_rises=rises,
    )


def previous_of(current: Snapshot, snapshots: Mapping[str, Snapshot]) -> Snapshot | None:
    """The round ``current`` was duplicated from, if it is among ``snapshots`` (by id)."""
    previous_id = current.workshop.previous_id
    return snapshots.get(previous_id) if previous_id else None
