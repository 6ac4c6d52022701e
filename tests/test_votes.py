"""Participants' votes: choices, the spread, the disagreement flag, the record's summary,
and the wrap-up's "where we disagreed most" prompt, on crafted votes."""

from __future__ import annotations

import pytest

from tests.rubric_factory import make_rubric
from workshop.models import Answer, ClockState, Group, Snapshot, VoteRecord, Workshop
from workshop.vote_spreads import differing, item_spreads, widest
from workshop.votes import (
    UNSURE,
    VoteError,
    answer_differs,
    check_vote,
    check_vote_note,
    parse_summary,
    spread_label,
    summary_text,
    tally,
    vote_choices,
)
from workshop.wrapup import KIND_DISAGREE, discussion_prompts

RUBRIC = make_rubric(na_allowed=("data-2",))
NO_NA = RUBRIC.item("data-1")
WITH_NA = RUBRIC.item("data-2")


def test_choices_offer_na_only_where_the_test_allows_it() -> None:
    assert vote_choices(RUBRIC, NO_NA) == ["0", "0.5", "1", "?"]
    assert vote_choices(RUBRIC, WITH_NA) == ["0", "0.5", "1", "N/A", "?"]


def test_na_where_not_allowed_and_unknown_votes_are_refused() -> None:
    with pytest.raises(VoteError) as refused:
        check_vote(RUBRIC, NO_NA, "N/A")
    assert refused.value.code == "na_not_allowed"
    with pytest.raises(VoteError) as lower:
        check_vote(RUBRIC, NO_NA, "n/a")
    assert lower.value.code == "na_not_allowed"
    for bad in ("2", "yes", "", "0.7", "1; DROP"):
        with pytest.raises(VoteError) as unknown:
            check_vote(RUBRIC, NO_NA, bad)
        assert unknown.value.code == "unknown"
    assert check_vote(RUBRIC, WITH_NA, "N/A") == "N/A"
    assert check_vote(RUBRIC, NO_NA, " 0.5 ") == "0.5"
    assert check_vote(RUBRIC, NO_NA, "?") == UNSURE


def test_a_tally_refuses_a_na_vote_on_a_test_without_na() -> None:
    with pytest.raises(VoteError):
        tally(RUBRIC, NO_NA, ["1", "N/A"])


def test_a_whole_level_apart_is_a_disagreement_half_a_level_is_not() -> None:
    wide = tally(RUBRIC, NO_NA, ["0", "1", "1", "0.5"])
    assert wide.counts == (("0", 1), ("0.5", 1), ("1", 2), ("?", 0))
    assert wide.width == 1.0 and wide.disagreement
    assert wide.majority is None  # 2 of 4 is not more than half
    close = tally(RUBRIC, NO_NA, ["0.5", "1", "1"])
    assert close.width == 0.5 and not close.disagreement
    assert close.majority == "1"  # 2 of 3


def test_ties_have_no_majority() -> None:
    tie = tally(RUBRIC, NO_NA, ["0", "0", "1", "1"])
    assert tie.majority is None and tie.disagreement
    three_way = tally(RUBRIC, NO_NA, ["0", "0.5", "1"])
    assert three_way.majority is None


def test_all_dont_know_is_no_spread_no_majority_no_disagreement() -> None:
    unsure = tally(RUBRIC, NO_NA, ["?", "?", "?"])
    assert unsure.total == 3 and unsure.sided == 0
    assert unsure.width is None and unsure.majority is None and not unsure.disagreement
    assert spread_label(unsure) == "?×3"


def test_dont_know_votes_take_no_side_in_the_majority() -> None:
    spread = tally(RUBRIC, NO_NA, ["1", "1", "0", "?", "?", "?"])
    assert spread.sided == 3 and spread.majority == "1"  # 2 of the 3 that took a side


def test_na_against_a_level_is_a_disagreement_on_whether_the_test_applies() -> None:
    split = tally(RUBRIC, WITH_NA, ["N/A", "1", "1"])
    assert split.width == 0.0 and split.na_split and split.disagreement
    only_na = tally(RUBRIC, WITH_NA, ["N/A", "N/A", "?"])
    assert not only_na.disagreement and only_na.majority == "N/A"


def test_summary_round_trips_and_names_no_voter() -> None:
    spread = tally(RUBRIC, WITH_NA, ["0", "0.5", "0.5", "0.5", "1", "1", "?"])
    text = summary_text(spread)
    assert text == "0=1; 0.5=3; 1=2; N/A=0; ?=1"
    assert parse_summary(RUBRIC, WITH_NA, text) == spread
    assert parse_summary(RUBRIC, WITH_NA, " 1=2;0.5=3 ; n/a=0; 0=1; ?=1; ") == spread
    assert parse_summary(RUBRIC, WITH_NA, "   ") is None


@pytest.mark.parametrize("typed", ["lots of 1s", "1=two", "1=-1", "N/A=1", "2=1", "1"])
def test_hand_broken_summaries_are_refused(typed: str) -> None:
    with pytest.raises(VoteError) as broken:
        parse_summary(RUBRIC, NO_NA, typed)
    assert broken.value.code == "bad_summary"


def test_answer_differs_only_from_a_real_majority() -> None:
    spread = tally(RUBRIC, NO_NA, ["0.5", "0.5", "1"])
    assert answer_differs(spread, "1") and not answer_differs(spread, "0.5")
    assert not answer_differs(spread, "")  # unanswered: nothing to compare
    assert not answer_differs(tally(RUBRIC, NO_NA, ["0", "1"]), "1")  # a tie: no majority


def test_vote_note_is_trimmed_and_bounded() -> None:
    assert check_vote_note("  logs, not tests  ") == "logs, not tests"
    with pytest.raises(VoteError):
        check_vote_note("x" * 501)


# --------------------------------------------------------------------------- across groups


def _snapshot(
    votes: dict[str, dict[str, tuple[str, str]]], answers: dict[str, dict[str, str]]
) -> Snapshot:
    workshop = Workshop("w1", "Round 1", "2026-04-01", "en", "test-rubric", "agenda")
    ids = ["a", "b", "c"]
    groups = tuple(
        Group(g, "w1", f"Team {g.upper()}", f"{g}-sys", "production", "", i)
        for i, g in enumerate(ids)
    )
    return Snapshot(
        workshop=workshop,
        groups=groups,
        answers={g: {i: Answer(g, i, v) for i, v in answers.get(g, {}).items()} for g in ids},
        clock=ClockState(),
        votes={
            g: {i: VoteRecord(g, i, s, n) for i, (s, n) in items.items()}
            for g, items in votes.items()
        },
    )


def fake_t(key: str, **values: object) -> str:
    return f"{key}({', '.join(f'{k}={values[k]}' for k in sorted(values))})"


CRAFTED = _snapshot(
    {
        # a: data-1 splits 0 against 1 (width 1); model-1 is close (width 0.5).
        "a": {
            "data-1": ("0=2; 0.5=0; 1=2; ?=1", "some count manual runs"),
            "model-1": ("0.5=2; 1=1", ""),
        },
        # b: data-2 splits N/A against 1 (width 0, but an applicability split); the tutor
        # answered 0 where most voted 1 on infra-1.
        "b": {"data-2": ("1=2; N/A=1", ""), "infra-1": ("1=3; 0.5=1", "")},
        # c: a hand-broken summary: shown as typed, never counted.
        "c": {"data-1": ("lots of 1s", "")},
    },
    {"a": {"data-1": "0.5"}, "b": {"infra-1": "0", "data-2": "1"}, "c": {"data-1": "1"}},
)


def test_widest_spreads_first_then_splits_on_applicability() -> None:
    spreads = item_spreads(RUBRIC, CRAFTED)
    assert [(s.group_id, s.item_id) for s in spreads] == [
        ("a", "data-1"),
        ("a", "model-1"),
        ("b", "data-2"),
        ("b", "infra-1"),
        ("c", "data-1"),
    ]
    assert spreads[-1].spread is None and not spreads[-1].disagreement
    top = widest(spreads)
    # widths by hand: a/data-1 1.0, a/model-1 0.5, b/infra-1 0.5, b/data-2 0.0 (N/A split)
    assert [(s.group_id, s.item_id) for s in top] == [
        ("a", "data-1"),
        ("a", "model-1"),
        ("b", "infra-1"),
    ]
    assert [(s.group_id, s.item_id) for s in differing(spreads)] == [("b", "infra-1")]


def test_the_disagreement_prompt_names_spreads_and_differing_answers() -> None:
    prompts = discussion_prompts(RUBRIC, CRAFTED, "en", t=fake_t)
    (prompt,) = [p for p in prompts if p.kind == KIND_DISAGREE]
    assert prompt.title == "votes.prompt_title()"
    assert prompt.item_ids == ("data-1", "model-1", "infra-1")
    assert prompt.group_ids == ("a", "b")
    assert "spread=0×2 · 1×2 · ?×1" in prompt.detail
    assert "(some count manual runs)" in prompt.detail
    assert "answer=0, group=Team B, item=infra-1, majority=1" in prompt.detail


def test_no_votes_no_disagreement_prompt() -> None:
    plain = _snapshot({}, {"a": {"data-1": "1"}, "b": {"data-1": "0"}})
    assert all(p.kind != KIND_DISAGREE for p in discussion_prompts(RUBRIC, plain, "en", t=fake_t))


def test_the_prompt_with_the_shipped_texts_in_both_languages() -> None:
    for lang, word in (("en", "Where we disagreed most"), ("ja", "最も意見が分かれたところ")):
        prompts = discussion_prompts(RUBRIC, CRAFTED, lang)
        (prompt,) = [p for p in prompts if p.kind == KIND_DISAGREE]
        assert prompt.title == word and "⟦" not in prompt.detail


def test_the_markdown_report_carries_each_tests_spread_never_a_voter() -> None:
    from workshop.reports import markdown_report

    report = markdown_report(RUBRIC, CRAFTED, "en", "a")
    line = next(x for x in report.splitlines() if x.startswith("- `data-1`"))
    assert line.endswith("(Votes\\: 0×2 · 1×2 · ?×1 · disagreement — some count manual runs)")
    unreadable = markdown_report(RUBRIC, CRAFTED, "ja", "c")
    assert "(投票\\: lots of 1s\\(集計として読めません\\))" in unreadable  # as typed, escaped
