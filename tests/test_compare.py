"""Cross-group comparisons for the wrap-up, on small hand-made workshops."""

from __future__ import annotations

import pytest

from tests.rubric_factory import answers, make_rubric
from workshop.compare import (
    common_gaps,
    divergent_items,
    minimum_section_counts,
    section_means,
    teachers,
    weakest_section,
)
from workshop.content.model import Rubric
from workshop.scoring import GroupScore, score_answers

RUBRIC = make_rubric(na_allowed=("model-1",))
ALL_NA = make_rubric(na_allowed="all")


def _scores(rubric: Rubric, answers_by_group: dict[str, dict[str, str]]) -> dict[str, GroupScore]:
    return {group: score_answers(rubric, values) for group, values in answers_by_group.items()}


# Three groups. Section scores (hand-checked):
#   alpha: data 7, model 7, infra 2 (2 at 1, 5 at 0), monitor 7     -> min infra
#   beta:  data 3.5 (all 0.5), model 7, infra 7, monitor 3.5 (all 0.5) -> min data, monitor
#   gamma: data 6 (data-1 = 0), model 5 (model-1 N/A, model-2/3 = 0,
#          raw 4 over 6 -> 4 * 7 / 6 = 4.6667), infra 7, monitor 0.5 (monitor-1 = 0.5, rest 0)
#                                                                     -> min monitor
ANSWERS = {
    "alpha": answers(RUBRIC, "1", **{f"infra_{n}": "0" for n in range(3, 8)}),
    "beta": answers(
        RUBRIC,
        "1",
        **{f"data_{n}": "0.5" for n in range(1, 8)},
        **{f"monitor_{n}": "0.5" for n in range(1, 8)},
    ),
    "gamma": answers(
        RUBRIC,
        "1",
        data_1="0",
        model_1="N/A",
        model_2="0",
        model_3="0",
        monitor_1="0.5",
        **{f"monitor_{n}": "0" for n in range(2, 8)},
    ),
}
SCORES = _scores(RUBRIC, ANSWERS)


def test_worked_example_scores() -> None:
    assert SCORES["alpha"].minimum_sections == ("infra",)
    assert SCORES["beta"].minimum_sections == ("data", "monitor")
    assert SCORES["gamma"].sections["model"].score == pytest.approx(4.6667, abs=1e-4)
    assert SCORES["gamma"].minimum_sections == ("monitor",)


def test_section_means() -> None:
    means = section_means(SCORES)
    assert list(means) == ["data", "model", "infra", "monitor"]
    assert means["data"] == pytest.approx((7 + 3.5 + 6) / 3)  # 5.5
    assert means["model"] == pytest.approx((7 + 7 + 14 / 3) / 3)  # 6.2222
    assert means["infra"] == pytest.approx((2 + 7 + 7) / 3)  # 5.3333
    assert means["monitor"] == pytest.approx((7 + 3.5 + 0.5) / 3)  # 3.6667


def test_section_means_skip_all_na_sections() -> None:
    values = answers(ALL_NA, "1", **{f"model_{n}": "N/A" for n in range(1, 8)})
    scores = {"a": score_answers(ALL_NA, values), "b": score_answers(ALL_NA, answers(ALL_NA, "0"))}
    means = section_means(scores)
    assert means["model"] == 0.0  # only b has a model score
    assert means["data"] == 3.5  # (7 + 0) / 2
    only_na = {"a": score_answers(ALL_NA, values)}
    assert section_means(only_na)["model"] is None
    assert weakest_section(only_na) == "data"  # data, infra, monitor tie at 7: rubric order


def test_minimum_section_counts() -> None:
    assert minimum_section_counts(SCORES) == {"data": 1, "model": 0, "infra": 1, "monitor": 2}


def test_weakest_section_is_the_lowest_mean() -> None:
    assert weakest_section(SCORES) == "monitor"


def _data_infra(data_ones: int, infra_ones: int) -> dict[str, str]:
    """Every item at 1 except data and infra: the first ``n`` items at 1, the rest at 0."""
    values = answers(RUBRIC, "1")
    values.update({f"data-{n}": "1" if n <= data_ones else "0" for n in range(1, 8)})
    values.update({f"infra-{n}": "1" if n <= infra_ones else "0" for n in range(1, 8)})
    return values


def test_weakest_section_ties_broken_by_minimum_counts() -> None:
    # (data, infra): g1 (0, 3) min data; g2, g3, g4 (4, 3) min infra.
    # Means: data (0 + 4 * 3) / 4 = 3, infra 3 * 4 / 4 = 3: equal. Infra is the
    # minimum of three groups, data of one -> infra, although data comes first.
    scores = _scores(
        RUBRIC,
        {"g1": _data_infra(0, 3), "g2": _data_infra(4, 3), "g3": _data_infra(4, 3)}
        | {"g4": _data_infra(4, 3)},
    )
    assert section_means(scores)["data"] == section_means(scores)["infra"] == 3.0
    assert minimum_section_counts(scores) == {"data": 1, "model": 0, "infra": 3, "monitor": 0}
    assert weakest_section(scores) == "infra"


def test_weakest_section_ties_broken_by_rubric_order_last() -> None:
    # g1 (0, 4) min data; g2 (4, 0) min infra: means 2 and 2, counts 1 and 1 -> data.
    scores = _scores(RUBRIC, {"g2": _data_infra(4, 0), "g1": _data_infra(0, 4)})
    assert minimum_section_counts(scores) == {"data": 1, "model": 0, "infra": 1, "monitor": 0}
    assert weakest_section(scores) == "data"


def test_weakest_section_of_nothing() -> None:
    assert weakest_section({}) is None
    assert section_means({}) == {}


def test_common_gaps() -> None:
    # infra-3..7: alpha 0, beta 1, gamma 1 -> 1 of 3, not a common gap.
    # model-2, model-3: gamma 0 only. data-1: gamma 0 only. monitor-2..7: gamma 0 only.
    assert common_gaps(RUBRIC, ANSWERS) == []
    # At a third of the groups, every item with a 0 qualifies; more zeros first (all 1 here),
    # then rubric order.
    gaps = common_gaps(RUBRIC, ANSWERS, min_share=1 / 3)
    assert gaps[0] == ("data-1", ["gamma"])
    assert [item for item, _ in gaps] == [
        "data-1",
        "model-2",
        "model-3",
        "infra-3",
        "infra-4",
        "infra-5",
        "infra-6",
        "infra-7",
        "monitor-2",
        "monitor-3",
        "monitor-4",
        "monitor-5",
        "monitor-6",
        "monitor-7",
    ]


def test_common_gaps_counts_only_groups_that_gave_a_number() -> None:
    a = {
        "a": {"model-1": "0", "data-1": "0", "data-2": "0"},
        "b": {"model-1": "N/A", "data-1": "1", "data-2": "0"},
        "c": {"model-1": "", "data-1": "yes", "data-2": "1"},
    }
    # model-1: only a gave a number (0) -> 1 of 1. data-1: a 0, b 1 (c invalid) -> 1 of 2.
    # data-2: a, b at 0 of 3 -> 2 of 3, listed first (most groups).
    assert common_gaps(RUBRIC, a) == [
        ("data-2", ["a", "b"]),
        ("data-1", ["a"]),
        ("model-1", ["a"]),
    ]
    assert common_gaps(RUBRIC, a, min_share=0.6) == [("data-2", ["a", "b"]), ("model-1", ["a"])]


def test_divergent_items() -> None:
    a = {
        "b": {"data-1": "1", "data-2": "0.5", "data-3": "1", "model-1": "N/A"},
        "a": {"data-1": "0", "data-2": "1", "data-3": "1", "model-1": "1"},
        "c": {"data-1": "0", "data-2": "0.5", "data-3": "1"},
    }
    # data-1 spread 1 (b at 1; a, c at 0); data-2 spread 0.5; data-3 spread 0;
    # model-1: only one group gave a number -> no spread.
    assert divergent_items(RUBRIC, a) == [
        ("data-1", 1.0, ["b"], ["a", "c"]),
        ("data-2", 0.5, ["a"], []),
    ]


def test_teachers() -> None:
    a = {
        "x": {"data-1": "1", "data-2": "1", "infra-1": "0"},
        "y": {"data-1": "0", "data-2": "0.5", "infra-1": "1"},
        "z": {"data-1": "0", "data-2": "0", "infra-1": "0"},
    }
    # data-1: x teaches y and z (2 learners); infra-1: y teaches x and z (also 2),
    # after data-1 by rubric order; data-2: x teaches z (1 learner), last.
    assert teachers(RUBRIC, a) == [
        ("data-1", ["x"], ["y", "z"]),
        ("infra-1", ["y"], ["x", "z"]),
        ("data-2", ["x"], ["z"]),
    ]


def test_comparisons_are_deterministic_regardless_of_group_order() -> None:
    reordered = dict(reversed(list(ANSWERS.items())))
    assert common_gaps(RUBRIC, reordered, 0.3) == common_gaps(RUBRIC, ANSWERS, 0.3)
    assert divergent_items(RUBRIC, reordered) == divergent_items(RUBRIC, ANSWERS)
    assert teachers(RUBRIC, reordered) == teachers(RUBRIC, ANSWERS)
    assert weakest_section(_scores(RUBRIC, reordered)) == weakest_section(SCORES)
