"""Next-band advice: which level steps lift a group into the next band, fewest first."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rubric_factory import answers, item_ids, make_rubric
from workshop.advice import Advice, next_band_advice
from workshop.answers import canonical_text
from workshop.content.model import Rubric
from workshop.scoring import score_answers, valid_answers

RUBRIC = make_rubric()
NA_RUBRIC = make_rubric(na_allowed="all")


def apply_steps(rubric: Rubric, values: dict[str, str], advice: Advice) -> dict[str, str]:
    """The answers after following the advice, checking each step starts where the item is."""
    current = {
        item_id: canonical_text(parsed) for item_id, parsed in valid_answers(rubric, values).items()
    }
    for step in advice.steps:
        assert step.from_level == current[step.item_id]
        current[step.item_id] = step.to_level
    return current


def test_research_project_needs_one_step_in_the_zero_section() -> None:
    values = answers(RUBRIC, "1", **{f"monitor_{n}": "0" for n in range(1, 8)})
    advice = next_band_advice(RUBRIC, values)
    assert (advice.final, advice.band.id, advice.target.id, advice.threshold) == (0, "0", "0-1", 0)
    assert [plan.section_id for plan in advice.sections] == ["monitor"]
    (step,) = advice.steps
    assert (step.item_id, step.from_level, step.to_level, step.gain) == (
        "monitor-1",
        "0",
        "0.5",
        0.5,
    )
    assert advice.sections[0].score_after == 0.5
    assert advice.reachable and not advice.at_top


def test_every_section_at_or_below_the_edge_is_a_bottleneck() -> None:
    # data 1 (two at 0.5) and monitor 1 tie at the minimum; model 1.5 is above the
    # "0-1" edge; target "1-2" needs every section above 1.
    values = answers(
        RUBRIC,
        "0",
        data_1="0.5",
        data_2="0.5",
        monitor_3="1",
        model_1="1",
        model_2="0.5",
        infra_1="1",
        infra_2="1",
    )
    advice = next_band_advice(RUBRIC, values)
    assert advice.band.id == "0-1" and advice.target.id == "1-2" and advice.threshold == 1
    assert [plan.section_id for plan in advice.sections] == ["data", "monitor"]
    data, monitor = advice.sections
    # Equal gains everywhere: rubric order decides, so data-1 goes on from 0.5 to 1.
    assert [(s.item_id, s.from_level, s.to_level) for s in data.steps] == [("data-1", "0.5", "1")]
    assert [(s.item_id, s.from_level, s.to_level) for s in monitor.steps] == [
        ("monitor-1", "0", "0.5")
    ]
    assert (data.score_after, monitor.score_after) == (1.5, 1.5)
    assert score_answers(RUBRIC, apply_steps(RUBRIC, values, advice)).band.id == "1-2"


def test_a_section_above_the_minimum_can_still_need_steps() -> None:
    # data 0.5 is the minimum, model sits exactly on the edge (1): both must pass 1.
    values = answers(RUBRIC, "1", **{f"data_{n}": "0" for n in range(2, 8)})
    values.update({"data-1": "0.5", **{f"model-{n}": "0" for n in range(2, 8)}})
    advice = next_band_advice(RUBRIC, values)
    assert advice.final == 0.5 and advice.target.id == "1-2"
    assert [plan.section_id for plan in advice.sections] == ["data", "model"]
    assert [len(plan.steps) for plan in advice.sections] == [2, 1]


def test_na_items_scale_the_gain_and_are_never_raised() -> None:
    # model: six N/A and model-7 at 0 -> applicable 1, a step is worth 0.5 * 7 / 1 = 3.5.
    values = answers(NA_RUBRIC, "1", **{f"model_{n}": "N/A" for n in range(1, 7)}, model_7="0")
    advice = next_band_advice(NA_RUBRIC, values)
    assert advice.final == 0 and advice.target.id == "0-1"
    (step,) = advice.steps
    assert (step.item_id, step.gain) == ("model-7", 3.5)
    assert advice.sections[0].score_after == 3.5


def test_na_scaling_can_make_a_bigger_section_need_more_steps() -> None:
    # data: 1 N/A, the rest 0 -> a step is worth 0.5 * 7 / 6 = 0.5833; target "1-2" from
    # band "0-1" (final 0.583 after data-2 = 0.5) needs data above 1: one more step.
    values = answers(
        NA_RUBRIC, "1", data_1="N/A", data_2="0.5", **{f"data_{n}": "0" for n in range(3, 8)}
    )
    advice = next_band_advice(NA_RUBRIC, values)
    assert advice.final == pytest.approx(0.5833, abs=1e-4)
    assert advice.target.id == "1-2"
    (plan,) = advice.sections
    assert [(s.item_id, s.from_level, s.to_level) for s in plan.steps] == [("data-2", "0.5", "1")]
    assert plan.steps[0].gain == pytest.approx(7 / 12)
    assert plan.score_after == pytest.approx(7 / 6)


def test_all_na_sections_are_ignored() -> None:
    values = answers(NA_RUBRIC, "1", **{f"infra_{n}": "N/A" for n in range(1, 8)})
    values.update({f"data-{n}": "0" for n in range(1, 8)})
    advice = next_band_advice(NA_RUBRIC, values)
    assert [plan.section_id for plan in advice.sections] == ["data"]
    assert all(step.section_id == "data" for step in advice.steps)


def test_every_section_all_na_gives_no_advice() -> None:
    advice = next_band_advice(NA_RUBRIC, answers(NA_RUBRIC, "N/A"))
    assert (advice.final, advice.band, advice.target) == (None, None, None)
    assert advice.steps == () and not advice.reachable and not advice.at_top


def test_provisional_answers_count_zero_and_can_be_raised() -> None:
    advice = next_band_advice(RUBRIC, {"data-1": "0.5", "model-3": "bad"})
    assert advice.provisional and advice.final == 0 and advice.target.id == "0-1"
    # data is at 0.5 already; model, infra and monitor tie at 0 and each need one step.
    assert [plan.section_id for plan in advice.sections] == ["model", "infra", "monitor"]
    assert [(s.item_id, s.from_level, s.to_level) for s in advice.steps] == [
        ("model-1", "", "0.5"),
        ("infra-1", "", "0.5"),
        ("monitor-1", "", "0.5"),
    ]


def test_top_band_has_no_target() -> None:
    advice = next_band_advice(RUBRIC, answers(RUBRIC, "1", data_1="0.5"))  # final 6.5
    assert advice.band.id == ">5" and advice.target is None and advice.threshold is None
    assert advice.at_top and advice.steps == () and not advice.reachable


def test_unreachable_band_with_small_sections() -> None:
    # Three items per section: the best section score is 3, never above the "3-5" edge.
    small = make_rubric(items_per_section=3)
    advice = next_band_advice(small, answers(small, "1"))
    assert advice.band.id == "2-3" and advice.target.id == "3-5"
    assert not advice.reachable
    assert all(not plan.reachable and plan.steps == () for plan in advice.sections)
    assert [plan.max_score for plan in advice.sections] == [3.0] * 4


def test_bigger_gains_first_when_levels_are_uneven() -> None:
    # Levels 0 / 1 / 3: data-1 0 -> 1 gains 1, data-2 1 -> 3 gains 2. Score 4 (band
    # "3-5") must pass 5: one step on data-2 does it; rubric order would need two.
    uneven = make_rubric(sections=("data",), items_per_section=3, levels=(0, 1, 3))
    advice = next_band_advice(uneven, {"data-1": "0", "data-2": "1", "data-3": "3"})
    assert advice.target.id == ">5"
    assert [(s.item_id, s.from_level, s.to_level, s.gain) for s in advice.steps] == [
        ("data-2", "1", "3", 2.0)
    ]


ANSWER_TEXTS = st.sampled_from(["0", "0.5", "1", "", "N/A", "bad"])


@settings(max_examples=150, deadline=None)
@given(st.lists(ANSWER_TEXTS, min_size=28, max_size=28))
def test_following_the_advice_reaches_the_target_with_the_fewest_steps(texts: list[str]) -> None:
    rubric: Rubric = NA_RUBRIC
    values = dict(zip(item_ids(), texts, strict=True))
    advice = next_band_advice(rubric, values)
    before = score_answers(rubric, values)
    if advice.target is None:
        assert before.final is None or before.band.max is None
        return
    threshold = advice.threshold
    assert threshold == before.band.max
    # Bottlenecks are exactly the scored sections at or below the edge.
    assert [plan.section_id for plan in advice.sections] == [
        s.section_id
        for s in before.sections.values()
        if s.score is not None and s.score <= threshold + 1e-9
    ]
    assert advice.reachable  # 7 items per section can always pass 5
    after = score_answers(rubric, apply_steps(rubric, values, advice))
    assert rubric.bands.index(after.band) >= rubric.bands.index(advice.target)
    for plan in advice.sections:
        section = before.sections[plan.section_id]
        gain = 0.5 * section.items / section.applicable
        fewest = math.floor((threshold - section.score) / gain + 1e-9) + 1
        assert len(plan.steps) == fewest
        assert after.sections[plan.section_id].score == pytest.approx(plan.score_after)
        assert all(step.gain == pytest.approx(gain) for step in plan.steps)
        assert all(values.get(step.item_id) != "N/A" for step in plan.steps)
