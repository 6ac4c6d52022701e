"""The next round starts from the last one: what the previous round said, test by test.

When a workshop is duplicated for the next round (``Workshop.previous_id``),
the tutor page shows beside each test the previous round's answer and note for
the same ML system (matched by name as the history does, see
:func:`workshop.followthrough.matching_group`), and the action items still open
that target the test. Nothing is copied when the workshop is duplicated:
the tutor carries an answer over with one click, which goes through the same
save path as any answer (a patch in the outbox, with who and when), so the
carried answer is this round's, confirmed by a person.

An answer can be carried over only while this round's answer is blank and the
previous one is an answer this round's rubric accepts (a level, or N/A where
N/A is allowed); a carried note never overwrites a note written this round
(:meth:`workshop.tutor_form.TutorForm.carried_over`).
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.action_status import STILL_OPEN
from workshop.answers import canonical_text, item_answer
from workshop.content.model import Rubric
from workshop.followthrough import matching_group
from workshop.history_model import system_key
from workshop.models import ActionItem, Group, Snapshot, Workshop


@dataclass(frozen=True)
class PreviousAnswer:
    """What the previous round said about one test."""

    item_id: str
    value: str  # canonical ("0.5", "N/A") when valid now; as typed otherwise; "" unanswered
    valid: bool  # this round's rubric accepts it as an answer to the test
    note: str
    open_actions: tuple[ActionItem, ...] = ()  # open or in progress, targeting the test

    @property
    def answered(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class PreviousRound:
    """The previous round of one group's system: its workshop, group and answers."""

    workshop: Workshop
    group: Group
    items: dict[str, PreviousAnswer]  # item id -> previous answer, every item of the rubric

    def item(self, item_id: str) -> PreviousAnswer:
        return self.items.get(item_id, PreviousAnswer(item_id, "", False, ""))


def previous_round(rubric: Rubric, previous: Snapshot, group: Group) -> PreviousRound | None:
    """The previous round of ``group``'s system, read against this round's ``rubric``.

    None when the system was not assessed in the previous round.
    """
    earlier = matching_group(previous, group)
    if earlier is None:
        return None
    key = system_key(earlier.system or earlier.name)
    same_system = {g.id for g in previous.groups if system_key(g.system or g.name) == key}
    answers = previous.group_answers(earlier.id)
    items: dict[str, PreviousAnswer] = {}
    for item in rubric.items:
        answer = answers.get(item.id)
        text = answer.value if answer else ""
        parsed = item_answer(rubric, item, text)
        open_actions = tuple(
            a
            for a in previous.actions
            if a.item_id == item.id and a.group_id in same_system and a.status in STILL_OPEN
        )
        items[item.id] = PreviousAnswer(
            item_id=item.id,
            value=canonical_text(parsed) if parsed is not None else text.strip(),
            valid=parsed is not None and parsed.kind != "unanswered",
            note=answer.note if answer else "",
            open_actions=tuple(sorted(open_actions, key=lambda a: (a.priority, a.created_at))),
        )
    return PreviousRound(previous.workshop, earlier, items)


def can_carry(previous: PreviousAnswer, current_value: str) -> bool:
    """May the previous answer be carried over? Only a valid one, onto a blank answer."""
    return previous.valid and not current_value.strip()
