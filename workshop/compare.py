"""Compare groups for the wrap-up: where are we weak together, where do we differ?

The wrap-up discussion needs a few facts, not a data dump: the section that is
weakest across groups, items most groups have not started (shared gaps, good
candidates for a common effort), items where groups differ the most, and items
one group has automated while another does nothing (who can teach whom).

All functions are pure and deterministic: ties are broken by rubric order, then
by group id, so every screen shows the same list. Answers are the raw texts
(as stored); invalid ones are treated as not answered here, since their error
is reported with the group's own score.
"""

from __future__ import annotations

from collections.abc import Mapping

from workshop.answers import ParsedAnswer, round_score
from workshop.content.model import Rubric
from workshop.scoring import GroupScore, valid_answers

AnswersByGroup = Mapping[str, Mapping[str, str]]


def _section_order(scores: Mapping[str, GroupScore]) -> list[str]:
    """Section ids in rubric order (every GroupScore keeps its sections in that order)."""
    order: list[str] = []
    for score in scores.values():
        for section_id in score.sections:
            if section_id not in order:
                order.append(section_id)
    return order


def section_means(scores: Mapping[str, GroupScore]) -> dict[str, float | None]:
    """Mean score of each section over the groups that have one (None if no group has)."""
    means: dict[str, float | None] = {}
    for section_id in _section_order(scores):
        numbers = [
            value
            for s in scores.values()
            if section_id in s.sections and (value := s.sections[section_id].score) is not None
        ]
        means[section_id] = round_score(sum(numbers) / len(numbers)) if numbers else None
    return means


def minimum_section_counts(scores: Mapping[str, GroupScore]) -> dict[str, int]:
    """How many groups have each section as (one of) their weakest; 0 included."""
    counts = dict.fromkeys(_section_order(scores), 0)
    for score in scores.values():
        for section_id in score.minimum_sections:
            counts[section_id] = counts.get(section_id, 0) + 1
    return counts


def weakest_section(scores: Mapping[str, GroupScore]) -> str | None:
    """Section with the lowest mean; ties: more groups weakest there, then rubric order."""
    means = section_means(scores)
    counts = minimum_section_counts(scores)
    order = list(means)
    candidates = [(m, -counts[s], order.index(s), s) for s, m in means.items() if m is not None]
    return min(candidates)[3] if candidates else None


def _parsed(rubric: Rubric, answers_by_group: AnswersByGroup) -> dict[str, dict[str, ParsedAnswer]]:
    return {
        group_id: valid_answers(rubric, answers_by_group[group_id])
        for group_id in sorted(answers_by_group)
    }


def _values(parsed: Mapping[str, Mapping[str, ParsedAnswer]], item_id: str) -> dict[str, float]:
    """Group id -> numeric answer for one item (N/A and unanswered left out), by group id."""
    result: dict[str, float] = {}
    for group_id, answers in parsed.items():
        answer = answers[item_id]
        if answer.kind == "value" and answer.value is not None:
            result[group_id] = answer.value
    return result


def common_gaps(
    rubric: Rubric, answers_by_group: AnswersByGroup, min_share: float = 0.5
) -> list[tuple[str, list[str]]]:
    """Items that at least ``min_share`` of the groups answering them score 0.

    A group "answers" an item when it gave a number (N/A and blanks do not count).
    Most groups at 0 first, then rubric order; group ids sorted.
    """
    parsed = _parsed(rubric, answers_by_group)
    lowest = rubric.levels[0]
    found: list[tuple[int, int, str, list[str]]] = []
    for position, item in enumerate(rubric.items):
        values = _values(parsed, item.id)
        zeros = [g for g, v in values.items() if v == lowest]
        if zeros and len(zeros) >= min_share * len(values):
            found.append((-len(zeros), position, item.id, zeros))
    return [(item_id, zeros) for _, _, item_id, zeros in sorted(found)]


def divergent_items(
    rubric: Rubric, answers_by_group: AnswersByGroup
) -> list[tuple[str, float, list[str], list[str]]]:
    """Items on which groups differ: ``(item_id, spread, groups at top level, groups at 0)``.

    ``spread`` is max - min over the groups that gave a number; only items with a
    positive spread are listed, the largest spread first, then rubric order.
    """
    parsed = _parsed(rubric, answers_by_group)
    top, lowest = rubric.max_level, rubric.levels[0]
    found: list[tuple[float, int, str, list[str], list[str]]] = []
    for position, item in enumerate(rubric.items):
        values = _values(parsed, item.id)
        if len(values) < 2:
            continue
        spread = round_score(max(values.values()) - min(values.values()))
        if spread > 0:
            at_top = [g for g, v in values.items() if v == top]
            at_zero = [g for g, v in values.items() if v == lowest]
            found.append((-spread, position, item.id, at_top, at_zero))
    return [(item_id, -neg, at_top, at_zero) for neg, _, item_id, at_top, at_zero in sorted(found)]


def teachers(
    rubric: Rubric, answers_by_group: AnswersByGroup
) -> list[tuple[str, list[str], list[str]]]:
    """Items some group has automated (top level) while another does not do at all (0).

    ``(item_id, groups at top level, groups at 0)``: the first can show the
    second how. Most groups that could learn first, then rubric order.
    """
    parsed = _parsed(rubric, answers_by_group)
    top, lowest = rubric.max_level, rubric.levels[0]
    found: list[tuple[int, int, str, list[str], list[str]]] = []
    for position, item in enumerate(rubric.items):
        values = _values(parsed, item.id)
        at_top = [g for g, v in values.items() if v == top]
        at_zero = [g for g, v in values.items() if v == lowest]
        if at_top and at_zero:
            found.append((-len(at_zero), position, item.id, at_top, at_zero))
    return [(item_id, at_top, at_zero) for _, _, item_id, at_top, at_zero in sorted(found)]
