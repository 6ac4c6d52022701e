"""What it takes for one group to reach the next band.

The final score is the minimum of the section scores, so raising a strong section
changes nothing: the advice names every section that is still at or below the
next band's lower edge and, for each, the fewest level steps that lift it above.

A *step* moves one item up by one level (unanswered or 0 -> 0.5 is one step,
0.5 -> 1 another). Every step counts as one unit of work, so the plan takes the
step with the biggest gain in the section's scaled score first, and the earlier
item in rubric order on a tie; taking the largest gains first needs the fewest
steps. With N/A items a step is worth ``level difference x items / applicable``,
exactly as the score is scaled. Unanswered and invalid answers count 0 (as in
scoring) and can be raised; N/A items and all-N/A sections are left alone.

Pure and cheap (at most a few dozen steps), so pages may call it per render.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workshop.answers import round_score
from workshop.content.model import Band, Rubric, level_key
from workshop.scoring import GroupScore, score_answers, valid_answers


@dataclass(frozen=True)
class Step:
    """Raise one item by one level."""

    item_id: str
    section_id: str
    from_level: str  # canonical level; "" when unanswered or invalid (counts as the lowest level)
    to_level: str
    gain: float  # increase of the section's scaled score


@dataclass(frozen=True)
class SectionPlan:
    """One section below the target band's lower edge and how to lift it above."""

    section_id: str
    score: float
    threshold: float  # the section must end strictly above this
    steps: tuple[Step, ...]  # empty when the target cannot be reached in this section
    score_after: float  # the score after the steps
    max_score: float  # the best this section can reach (every applicable item at the top)
    reachable: bool


@dataclass(frozen=True)
class Advice:
    final: float | None
    band: Band | None
    provisional: bool
    target: Band | None  # the next band up; None in the top band (or without any score)
    threshold: float | None  # the target's lower edge: every section must be above it
    sections: tuple[SectionPlan, ...]  # the bottleneck sections, in rubric order
    reachable: bool  # a target exists and every bottleneck section can pass its edge

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step of every section, section by section in rubric order."""
        return tuple(step for plan in self.sections for step in plan.steps)

    @property
    def at_top(self) -> bool:
        return self.band is not None and self.target is None


def _plan_section(
    rubric: Rubric,
    section_id: str,
    score: GroupScore,
    levels_now: Mapping[str, tuple[int, str]],
    threshold: float,
) -> SectionPlan:
    """Greedy: take the available step with the largest gain until above ``threshold``."""
    section = rubric.section(section_id)
    current = score.sections[section_id]
    items, applicable = current.items, current.applicable
    levels = rubric.levels
    state = {
        item.id: levels_now[item.id]
        for item in section.items
        if levels_now.get(item.id, (0, ""))[0] >= 0  # -1 marks N/A
    }
    order = [item.id for item in section.items if item.id in state]

    def scaled(raw: float) -> float:
        return round_score(raw * items / applicable)

    raw = current.raw
    steps: list[Step] = []
    limit = round_score(threshold)
    while scaled(raw) <= limit:
        best: tuple[float, int, str] | None = None
        for position, item_id in enumerate(order):
            index = state[item_id][0]
            if index + 1 < len(levels):
                gain = scaled(levels[index + 1] - levels[index])
                candidate = (-gain, position, item_id)
                if best is None or candidate < best:
                    best = candidate
        if best is None:
            break
        item_id = best[2]
        index, shown = state[item_id]
        steps.append(
            Step(
                item_id=item_id,
                section_id=section_id,
                from_level=shown,
                to_level=level_key(levels[index + 1]),
                gain=-best[0],
            )
        )
        raw += levels[index + 1] - levels[index]
        state[item_id] = (index + 1, level_key(levels[index + 1]))

    max_score = scaled(sum(levels[-1] for _ in order))
    reachable = scaled(raw) > limit
    start = current.score if current.score is not None else 0.0
    return SectionPlan(
        section_id=section_id,
        score=start,
        threshold=threshold,
        steps=tuple(steps) if reachable else (),
        score_after=scaled(raw) if reachable else start,
        max_score=max_score,
        reachable=reachable,
    )


def next_band_advice(rubric: Rubric, values: Mapping[str, str]) -> Advice:
    """The fewest steps that lift one group's answers (item id -> text) into the next band."""
    score = score_answers(rubric, values)
    band = score.band
    if band is None or score.final is None:
        return Advice(score.final, None, score.provisional, None, None, (), False)
    index = rubric.bands.index(band)
    if index + 1 >= len(rubric.bands) or band.max is None:
        return Advice(score.final, band, score.provisional, None, None, (), False)
    target = rubric.bands[index + 1]
    threshold = float(band.max)

    parsed = valid_answers(rubric, values)
    levels_now: dict[str, tuple[int, str]] = {}
    for item in rubric.items:
        answer = parsed[item.id]
        if answer.kind == "na":
            levels_now[item.id] = (-1, "N/A")
        elif answer.kind == "value" and answer.value is not None:
            levels_now[item.id] = (rubric.levels.index(answer.value), level_key(answer.value))
        else:
            levels_now[item.id] = (0, "")

    plans = tuple(
        _plan_section(rubric, section_id, score, levels_now, threshold)
        for section_id, section in score.sections.items()
        if section.score is not None and round_score(section.score) <= round_score(threshold)
    )
    return Advice(
        final=score.final,
        band=band,
        provisional=score.provisional,
        target=target,
        threshold=threshold,
        sections=plans,
        reachable=all(plan.reachable for plan in plans),
    )
