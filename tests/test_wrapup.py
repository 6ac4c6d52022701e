"""The wrap-up's computed content: group results, discussion prompts and chart data."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

import pytest

from tests.rubric_factory import answers, make_rubric
from workshop.models import Answer, ClockState, Group, Snapshot, Workshop
from workshop.wrapup import (
    KIND_GAP,
    KIND_NOT_ENOUGH,
    KIND_TEACH,
    KIND_WEAKEST,
    MAX_GAPS,
    MAX_TEACH,
    default_translate,
    discussion_prompts,
    group_results,
)
from workshop.wrapup_frames import (
    band_thresholds,
    heatmap_frame,
    profile_frame,
    section_scores_frame,
)

RUBRIC = make_rubric()
NA_RUBRIC = make_rubric(na_allowed="all")


def fake_t(key: str, **values: object) -> str:
    """Shows the key and every value, so tests can check what a text was given."""
    inner = ", ".join(f"{name}={values[name]}" for name in sorted(values))
    return f"{key}({inner})"


def make_snapshot(
    groups: Mapping[str, Mapping[str, str]],
    *,
    positions: Mapping[str, int] | None = None,
) -> Snapshot:
    """Groups in the given order; name "Team <Id>"; positions default to that order."""
    workshop = Workshop("w1", "Round 1", "2026-04-01", "en", "test-rubric", "agenda")
    built = tuple(
        Group(
            id=group_id,
            workshop_id="w1",
            name=f"Team {group_id.title()}",
            system=f"{group_id}-system",
            phase="production",
            tutor="",
            position=(positions or {}).get(group_id, index),
        )
        for index, group_id in enumerate(groups)
    )
    stored = {
        group_id: {item_id: Answer(group_id, item_id, value) for item_id, value in values.items()}
        for group_id, values in groups.items()
    }
    return Snapshot(workshop=workshop, groups=built, answers=stored, clock=ClockState())


# Three groups (section scores by hand):
#   alpha: infra-1 = 0, monitor-1..3 = 0             -> data 7, model 7, infra 6, monitor 4
#   beta:  data-1 = 0, monitor-1..4 = 0              -> data 6, model 7, infra 7, monitor 3
#   gamma: data-1, data-2 = 0, monitor-1 = 0.5       -> data 5, model 7, infra 7, monitor 6.5
# Means: data 6, model 7, infra 6.67, monitor 4.5 -> monitor is weakest, the minimum of
# alpha and beta. Positions put gamma first, so names are listed gamma, alpha, beta.
THREE = {
    "alpha": answers(RUBRIC, "1", infra_1="0", monitor_1="0", monitor_2="0", monitor_3="0"),
    "beta": answers(
        RUBRIC, "1", data_1="0", monitor_1="0", monitor_2="0", monitor_3="0", monitor_4="0"
    ),
    "gamma": answers(RUBRIC, "1", data_1="0", data_2="0", monitor_1="0.5"),
}
THREE_POSITIONS = {"gamma": 0, "alpha": 1, "beta": 2}


def three() -> Snapshot:
    return make_snapshot(THREE, positions=THREE_POSITIONS)


# --------------------------------------------------------------------------- results


def test_group_results_in_position_order_with_counts() -> None:
    values = {
        "alpha": answers(RUBRIC, "1"),
        "beta": {"data-1": "0.5", "data-2": "yes"},  # one valid, one invalid
        "gamma": {},
    }
    snapshot = make_snapshot(values, positions={"alpha": 2, "beta": 0, "gamma": 1})
    results = group_results(RUBRIC, snapshot)
    assert [r.group.id for r in results] == ["beta", "gamma", "alpha"]
    beta, gamma, alpha = results
    assert (alpha.answered, alpha.total, alpha.provisional) == (28, 28, False)
    assert alpha.score.final == 7
    assert alpha.minimum_sections == ("data", "model", "infra", "monitor")
    assert (beta.answered, beta.provisional, beta.has_answers) == (1, True, True)
    assert beta.minimum_sections == ("model", "infra", "monitor")  # data has 0.5
    assert (gamma.answered, gamma.has_answers, gamma.provisional) == (0, False, True)


# --------------------------------------------------------------------------- prompts


def test_prompts_of_three_groups() -> None:
    prompts = discussion_prompts(RUBRIC, three(), "en", t=fake_t)
    assert [p.kind for p in prompts] == [KIND_WEAKEST] + [KIND_GAP] * 3 + [KIND_TEACH] * 3

    weakest = prompts[0]
    assert weakest.section_id == "monitor"
    assert weakest.title == "reports.prompt_weakest_title(section=monitor (en))"
    assert "mean=4.5" in weakest.detail and "max=7" in weakest.detail
    assert "count=2" in weakest.detail and "groups=3" in weakest.detail
    assert "names=Team Alpha, Team Beta" in weakest.detail
    assert weakest.group_ids == ("alpha", "beta")
    # Lowest items of monitor: monitor-1 (mean 1/6), then monitor-2 and -3 (1/3 each).
    assert weakest.item_ids == ("monitor-1", "monitor-2", "monitor-3")
    assert "monitor-1 monitor-1 (en), monitor-2 monitor-2 (en)" in weakest.detail
    assert weakest.questions == ("question (en)",) * 3

    # Items at 0 for >= 2 groups: data-1, monitor-1, -2, -3; capped at 3 in rubric order.
    gaps = prompts[1:4]
    assert [p.item_ids for p in gaps] == [("data-1",), ("monitor-1",), ("monitor-2",)]
    assert gaps[0].group_ids == ("gamma", "beta")  # group order, not id order
    assert "names=Team Gamma, Team Beta" in gaps[0].detail
    assert "count=2" in gaps[0].detail and "answered=3" in gaps[0].detail
    assert gaps[0].section_id == "data"

    # Automated somewhere, 0 elsewhere: 2 learners first (data-1, monitor-2, monitor-3),
    # then 1 learner (data-2, infra-1, monitor-4) - capped at 3.
    teach = prompts[4:]
    assert [p.item_ids for p in teach] == [("data-1",), ("monitor-2",), ("monitor-3",)]
    assert teach[0].detail == (
        "reports.prompt_teach_detail(learners=Team Gamma, Team Beta, teachers=Team Alpha)"
    )
    assert teach[1].group_ids == ("gamma", "alpha", "beta")  # teachers, then learners
    assert len(gaps) == MAX_GAPS and len(teach) == MAX_TEACH


def test_prompts_are_deterministic_whatever_the_input_order() -> None:
    reordered = make_snapshot(dict(reversed(list(THREE.items()))), positions=THREE_POSITIONS)
    assert discussion_prompts(RUBRIC, three(), "en", t=fake_t) == discussion_prompts(
        RUBRIC, reordered, "en", t=fake_t
    )


def test_prompt_questions_follow_the_language() -> None:
    prompts = discussion_prompts(RUBRIC, three(), "ja", t=fake_t)
    assert prompts[1].questions == ("question（ja）",)
    assert "data-1（ja）" in prompts[1].title


def test_no_groups_and_no_answers_give_one_not_enough_prompt() -> None:
    for snapshot in (make_snapshot({}), make_snapshot({"alpha": {}, "beta": {"data-1": "x"}})):
        prompts = discussion_prompts(RUBRIC, snapshot, "en", t=fake_t)
        assert [(p.kind, p.detail) for p in prompts] == [
            (KIND_NOT_ENOUGH, "reports.prompt_not_enough_none()")
        ]


def test_single_answering_group_gets_its_weakest_section_and_a_note() -> None:
    values = {
        "alpha": answers(RUBRIC, "1", infra_1="0", infra_2="0.5"),
        "beta": {},  # no answers: left out, named nowhere
    }
    prompts = discussion_prompts(RUBRIC, make_snapshot(values), "en", t=fake_t)
    assert [p.kind for p in prompts] == [KIND_WEAKEST, KIND_NOT_ENOUGH]
    assert prompts[0].section_id == "infra"
    assert "mean=5.5" in prompts[0].detail and "groups=1" in prompts[0].detail
    assert prompts[0].item_ids == ("infra-1", "infra-2")
    assert prompts[1].detail == "reports.prompt_not_enough_one(group=Team Alpha)"
    assert all("Beta" not in p.detail for p in prompts)


def test_all_top_scores_leave_nothing_to_discuss() -> None:
    values = {"alpha": answers(RUBRIC, "1"), "beta": answers(RUBRIC, "1")}
    assert discussion_prompts(RUBRIC, make_snapshot(values), "en", t=fake_t) == []


def test_a_gap_needs_two_groups_and_half_of_those_answering() -> None:
    # data-1: 1 zero of 5 -> not shared (but a teach pair).
    # data-2: 2 zeros of 4 answering -> gap. data-3: 2 zeros of 5 -> not a gap.
    # data-4: 0 for alpha only, N/A elsewhere -> one group, not shared.
    values = {
        "alpha": answers(NA_RUBRIC, "1", data_1="0", data_2="0", data_3="0", data_4="0"),
        "beta": answers(NA_RUBRIC, "1", data_2="0", data_3="0", data_4="N/A"),
        "gamma": answers(NA_RUBRIC, "1", data_4="N/A"),
        "delta": answers(NA_RUBRIC, "1", data_4="N/A"),
        "eps": answers(NA_RUBRIC, "1", data_2="N/A", data_4="N/A"),
    }
    prompts = discussion_prompts(NA_RUBRIC, make_snapshot(values), "en", t=fake_t)
    gaps = [p for p in prompts if p.kind == KIND_GAP]
    assert [p.item_ids for p in gaps] == [("data-2",)]
    assert "count=2" in gaps[0].detail and "answered=4" in gaps[0].detail
    teach = [p.item_ids[0] for p in prompts if p.kind == KIND_TEACH]
    assert teach == ["data-2", "data-3", "data-1"]  # data-4: nobody automated it


def test_invalid_answers_do_not_count_as_zero_in_comparisons() -> None:
    values = {
        "alpha": answers(RUBRIC, "1", data_1="0"),
        "beta": answers(RUBRIC, "1", data_1="nope"),
        "gamma": answers(RUBRIC, "1", data_1="0"),
    }
    prompts = discussion_prompts(RUBRIC, make_snapshot(values), "en", t=fake_t)
    gap = next(p for p in prompts if p.kind == KIND_GAP)
    assert gap.group_ids == ("alpha", "gamma")
    assert "answered=2" in gap.detail


def test_prompts_with_the_shipped_texts_in_both_languages() -> None:
    for lang in ("en", "ja"):
        prompts = discussion_prompts(RUBRIC, three(), lang, t=default_translate(lang))
        for prompt in prompts:
            assert "reports." not in prompt.title + prompt.detail
        assert "Team Gamma" in prompts[1].detail
    ja = discussion_prompts(RUBRIC, three(), "ja", t=default_translate("ja"))
    assert "Team Gamma、Team Beta" in ja[1].detail


def test_wrapup_for_thirty_groups_is_fast() -> None:
    values = {}
    for n in range(30):
        cycle = ("0", "0.5", "1", "", "1", "0.5")
        values[f"g{n:02d}"] = {
            item.id: cycle[(n + index) % len(cycle)] for index, item in enumerate(RUBRIC.items)
        }
    snapshot = make_snapshot(values)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        results = group_results(RUBRIC, snapshot)
        prompts = discussion_prompts(RUBRIC, snapshot, "en", t=fake_t, results=results)
        timings.append(time.perf_counter() - start)
    assert prompts and len(results) == 30
    assert min(timings) < 0.05


# --------------------------------------------------------------------------- chart data


def test_section_scores_frame() -> None:
    values = {
        "alpha": answers(NA_RUBRIC, "1", **{f"model_{n}": "N/A" for n in range(1, 8)}),
        "beta": answers(NA_RUBRIC, "0.5", data_1="0"),
    }
    results = group_results(NA_RUBRIC, make_snapshot(values))
    frame = section_scores_frame(NA_RUBRIC, results, "ja")
    assert list(frame.columns) == [
        "group",
        "group_id",
        "section",
        "section_id",
        "score",
        "is_minimum",
        "provisional",
    ]
    assert len(frame) == 8
    alpha = frame[frame.group_id == "alpha"].set_index("section_id")
    assert math.isnan(alpha.loc["model", "score"])  # all N/A: no score
    assert alpha.loc["data", "section"] == "data（ja）"
    assert list(alpha.is_minimum) == [True, False, True, True]
    beta = frame[frame.group_id == "beta"].set_index("section_id")
    assert beta.loc["data", "score"] == 3.0
    assert list(beta.is_minimum) == [True, False, False, False]


def test_heatmap_frame_categories() -> None:
    rubric = make_rubric(na_allowed=("data-4",))
    values = {
        "alpha": {"data-1": "0", "data-2": ".5", "data-3": "1", "data-4": "n/a", "data-6": "2"},
        "beta": {"data-4": "1"},
    }
    frame = heatmap_frame(rubric, make_snapshot(values), "en")
    assert list(frame.columns) == [
        "group",
        "group_id",
        "item_id",
        "item",
        "section",
        "section_id",
        "answer",
    ]
    assert len(frame) == 2 * 28
    alpha = frame[frame.group_id == "alpha"].set_index("item_id")["answer"]
    assert [alpha[f"data-{n}"] for n in range(1, 7)] == [
        "0",
        "0.5",
        "1",
        "N/A",
        "unanswered",
        "invalid",
    ]
    assert frame[frame.group_id == "beta"].set_index("item_id").loc["data-4", "answer"] == "1"
    assert frame.iloc[0]["item"] == "data-1 (en)"


def test_profile_frame_mean_leaves_out_groups_without_answers() -> None:
    values = {
        "alpha": answers(RUBRIC, "1", data_1="0"),  # data 6
        "beta": answers(RUBRIC, "0.5"),  # data 3.5
        "gamma": {},
    }
    results = group_results(RUBRIC, make_snapshot(values))
    frame = profile_frame(RUBRIC, results, "en")
    assert list(frame.columns) == ["group", "group_id", "section", "section_id", "score", "mean"]
    data = frame[frame.section_id == "data"].set_index("group_id")
    assert data.loc["alpha", "score"] == 6.0
    assert data.loc["gamma", "score"] == 0.0
    assert list(data["mean"]) == [pytest.approx(4.75)] * 3


def test_band_thresholds() -> None:
    assert band_thresholds(RUBRIC) == [0.0, 1.0, 2.0, 3.0, 5.0]


def test_frames_of_an_empty_workshop_have_columns() -> None:
    snapshot = make_snapshot({})
    results = group_results(RUBRIC, snapshot)
    assert section_scores_frame(RUBRIC, results, "en").empty
    assert list(heatmap_frame(RUBRIC, snapshot, "en").columns)[-1] == "answer"
    assert profile_frame(RUBRIC, results, "en").empty
