"""Follow-through between rounds, on crafted rounds whose numbers are worked out by hand.

Round 1 (w1) and round 2 (w2, duplicated from w1), rubric of 4 sections x 7 tests,
levels 0 / 0.5 / 1:

* Search: round 1 all 0.5 but data-1 0 and monitor-1 0; round 2 (typed "  search ")
  all 0.5 but data-1 1, monitor-1 0 and model-1 0.
  Sections before: data 0+6x0.5 = 3, model 3.5, infra 3.5, monitor 3, final 3.
  After: data 1+3 = 4 (+1), model 0+3 = 3 (-0.5), infra 3.5, monitor 3; final 3 (0).
* Ads: all 0.5 both rounds, but monitor-2 1 in round 2: monitor 3.5 -> 4 (+0.5),
  final 3.5 -> 3.5.
* Legacy: round 1 only (all 1). Fraud: round 2 only (all 1), new.

Actions of round 1:

=====  =======  =========  ===========  =========================
id     system   test       status       test before -> after
=====  =======  =========  ===========  =========================
a1     Search   data-1     done         0 -> 1 (raised, +1)
a2     Search   monitor-1  done         0 -> 0 (not moved)
a3     Search   model-1    done         0.5 -> 0 (moved down)
a4     Search   infra-1    dropped      0.5 -> 0.5
a5     Ads      monitor-2  in_progress  0.5 -> 1 (rose, but not done)
a6     Ads      data-3     open         0.5 -> 0.5
a7     Legacy   infra-2    done         1 -> (absent now)
a8     (none)   data-1     open         workshop-wide
=====  =======  =========  ===========  =========================

Totals: 8 actions; done a1 a2 a3 a7 = 4; dropped a4 = 1; still open a5 a6 a8 = 3;
done and raised: a1 = 1. Systems in both rounds: Search, Ads (2). Sections that
rose: data in 1 of 2 (Search), monitor in 1 of 2 (Ads), model 0, infra 0; the
first in rubric order among the highest is data.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.rubric_factory import answers, make_rubric
from workshop.content.model import Text
from workshop.followthrough import chosen_groups, follow_through, matching_group, previous_of
from workshop.followthrough_prompt import (
    KIND_FOLLOW_THROUGH,
    follow_through_prompt,
    summary_sentence,
)
from workshop.models import ActionItem, Answer, ClockState, Group, Snapshot, Workshop

RUBRIC = make_rubric()
RUBRICS = {RUBRIC.id: RUBRIC}
TITLES = {
    "data": Text(en="Data", ja="データ"),
    "model": Text(en="Model", ja="モデル"),
    "infra": Text(en="Infrastructure", ja="インフラ"),
    "monitor": Text(en="Monitoring", ja="モニタリング"),
}
EN = {
    "followup.summary_done": "{done} of {total} actions done",
    "followup.summary_raised": "{raised} raised their test",
    "followup.summary_no_actions": "No action items were recorded last round",
    "followup.summary_section": "{section} rose in {rose} of {compared} systems",
    "followup.summary_no_section": "no section rose in any of the {compared} systems",
}


def t(key: str, **values: object) -> str:
    return EN[key].format(**values) if key in EN else f"<{key}>"


def _workshop(wid: str, previous_id: str = "") -> Workshop:
    return Workshop(
        wid, f"Round {wid}", "2027-01-01", "en", RUBRIC.id, "standard-60", previous_id=previous_id
    )


def _snapshot(
    ws: Workshop, groups: list[tuple[str, dict[str, str]]], actions: tuple[ActionItem, ...] = ()
) -> Snapshot:
    built, stored = [], {}
    for position, (system, values) in enumerate(groups):
        gid = f"{ws.id}-{position}"
        built.append(Group(gid, ws.id, f"Team {position}", system, "production", "", position))
        stored[gid] = {
            item: Answer(gid, item, value, note=f"why {item}") for item, value in values.items()
        }
    return Snapshot(ws, tuple(built), stored, ClockState(), actions=actions)


def _action(aid: str, group_id: str, item_id: str, status: str) -> ActionItem:
    return ActionItem(aid, "w1", group_id, item_id, f"Do {aid}", status=status, created_at=aid)


ROUND_1 = _snapshot(
    _workshop("w1"),
    [
        ("Search", answers(RUBRIC, "0.5", data_1="0", monitor_1="0")),
        ("Ads", answers(RUBRIC, "0.5")),
        ("Legacy", answers(RUBRIC, "1")),
    ],
    actions=(
        _action("a1", "w1-0", "data-1", "done"),
        _action("a2", "w1-0", "monitor-1", "done"),
        _action("a3", "w1-0", "model-1", "done"),
        _action("a4", "w1-0", "infra-1", "dropped"),
        _action("a5", "w1-1", "monitor-2", "in_progress"),
        _action("a6", "w1-1", "data-3", "open"),
        _action("a7", "w1-2", "infra-2", "done"),
        _action("a8", "", "data-1", "open"),
    ),
)
ROUND_2 = _snapshot(
    _workshop("w2", previous_id="w1"),
    [
        ("  search ", answers(RUBRIC, "0.5", data_1="1", monitor_1="0", model_1="0")),
        ("Ads", answers(RUBRIC, "0.5", monitor_2="1")),
        ("Fraud", answers(RUBRIC, "1")),
    ],
)


def _follow():
    follow = follow_through(RUBRICS, ROUND_1, ROUND_2)
    assert follow is not None
    return follow


def test_totals_count_every_action_of_the_previous_round() -> None:
    counts = _follow().counts
    assert (counts.total, counts.done, counts.dropped, counts.still_open, counts.raised) == (
        8,
        4,
        1,
        3,
        1,
    )


def test_systems_are_this_rounds_then_the_absent_ones() -> None:
    follow = _follow()
    assert [(s.system, s.new, s.absent) for s in follow.systems] == [
        ("search", False, False),
        ("Ads", False, False),
        ("Fraud", True, False),
        ("Legacy", False, True),
    ]
    assert follow.system_of_group("w2-0") is follow.systems[0]
    assert follow.system_of_group("w1-2") is None


def test_done_actions_whose_test_rose_stayed_or_fell() -> None:
    search = _follow().systems[0]
    moved = {
        o.action.id: (o.before, o.after, o.change, o.raised, o.lowered) for o in search.actions
    }
    assert moved == {
        "a1": (0.0, 1.0, 1.0, True, False),
        "a2": (0.0, 0.0, 0.0, False, False),
        "a3": (0.5, 0.0, -0.5, False, True),
        "a4": (0.5, 0.5, 0.0, False, False),
    }
    counts = search.counts
    assert (counts.total, counts.done, counts.dropped, counts.still_open, counts.raised) == (
        4,
        3,
        1,
        0,
        1,
    )


def test_a_test_that_rose_under_an_unfinished_action_is_not_counted_as_raised() -> None:
    ads = _follow().systems[1]
    a5 = next(o for o in ads.actions if o.action.id == "a5")
    assert (a5.change, a5.raised) == (0.5, True)
    assert ads.counts.raised == 0  # a5 is in progress, not done


def test_section_and_final_changes() -> None:
    search, ads, fraud, legacy = _follow().systems
    assert {sid: (c.before, c.after, c.change) for sid, c in search.sections.items()} == {
        "data": (3.0, 4.0, 1.0),
        "model": (3.5, 3.0, -0.5),
        "infra": (3.5, 3.5, 0.0),
        "monitor": (3.0, 3.0, 0.0),
    }
    assert (search.final.before, search.final.after, search.final.change) == (3.0, 3.0, 0.0)
    assert (ads.sections["monitor"].change, ads.final.change) == (0.5, 0.0)
    # A new system has no earlier score, an absent one no later score: no change either way.
    assert (fraud.final.before, fraud.final.after, fraud.final.change) == (None, 7.0, None)
    assert (legacy.final.before, legacy.final.after, legacy.final.change) == (7.0, None, None)
    a7 = legacy.actions[0]
    assert (a7.before, a7.after, a7.change) == (1.0, None, None)


def test_sections_rise_only_counts_systems_in_both_rounds() -> None:
    follow = _follow()
    assert {sid: (r.rose, r.compared) for sid, r in follow.section_rises.items()} == {
        "data": (1, 2),
        "model": (0, 2),
        "infra": (0, 2),
        "monitor": (1, 2),
    }
    assert follow.best_section is not None and follow.best_section[0] == "data"


def test_workshop_wide_actions_count_in_totals_only() -> None:
    follow = _follow()
    assert [o.action.id for o in follow.workshop_wide] == ["a8"]
    assert all("a8" not in [o.action.id for o in s.actions] for s in follow.systems)


def test_the_prompt_sentence() -> None:
    sentence = summary_sentence(_follow(), TITLES, "en", t)
    assert sentence == "4 of 8 actions done; 1 raised their test; Data rose in 1 of 2 systems"
    prompt = follow_through_prompt(_follow(), TITLES, "en", t)
    assert prompt.kind == KIND_FOLLOW_THROUGH
    assert prompt.detail == sentence
    assert prompt.item_ids == ("data-1", "monitor-2")  # tests that rose under an action
    assert prompt.questions == (
        "<followup.question_open>",
        "<followup.question_not_moved>",
        "<followup.question_next>",
    )


def test_the_japanese_sentence_uses_the_japanese_separator() -> None:
    parts = ("A", "B", "C")
    keys = iter(parts)

    def ja(key: str, **values: object) -> str:
        return next(keys)

    follow = _follow()
    assert summary_sentence(follow, TITLES, "ja", ja) == "A、B、C"


def test_no_actions_and_no_common_system() -> None:
    round_1 = _snapshot(_workshop("w1"), [("Old", answers(RUBRIC, "0"))])
    round_2 = _snapshot(_workshop("w2", "w1"), [("New", answers(RUBRIC, "1"))])
    follow = follow_through(RUBRICS, round_1, round_2)
    assert follow is not None
    assert summary_sentence(follow, TITLES, "en", t) == "No action items were recorded last round"
    assert [(s.system, s.new, s.absent) for s in follow.systems] == [
        ("New", True, False),
        ("Old", False, True),
    ]


def test_no_section_rose() -> None:
    round_1 = _snapshot(_workshop("w1"), [("Same", answers(RUBRIC, "0.5"))])
    round_2 = _snapshot(_workshop("w2", "w1"), [("Same", answers(RUBRIC, "0.5"))])
    follow = follow_through(RUBRICS, round_1, round_2)
    assert follow is not None
    assert summary_sentence(follow, TITLES, "en", t) == (
        "No action items were recorded last round; no section rose in any of the 1 systems"
    )


def test_unanswered_and_na_tests_have_no_change() -> None:
    rubric = make_rubric(na_allowed=("data-1",))
    round_1 = _snapshot(
        _workshop("w1"),
        [("S", {**answers(rubric, "0.5"), "data-1": "N/A", "data-2": ""})],
        actions=(
            _action("x1", "w1-0", "data-1", "done"),
            _action("x2", "w1-0", "data-2", "done"),
            _action("x3", "w1-0", "gone-9", "done"),  # a test the rubric no longer has
        ),
    )
    round_2 = _snapshot(_workshop("w2", "w1"), [("S", answers(rubric, "1"))])
    follow = follow_through({rubric.id: rubric}, round_1, round_2)
    assert follow is not None
    assert [(o.before, o.after, o.change) for o in follow.systems[0].actions] == [
        (None, 1.0, None),
        (None, 1.0, None),
        (None, None, None),
    ]
    assert follow.counts.raised == 0


def test_duplicate_systems_the_group_with_more_answers_counts_and_all_actions() -> None:
    round_1 = _snapshot(
        _workshop("w1"),
        [("S", {"data-1": "0"}), ("s", answers(RUBRIC, "0"))],
        actions=(_action("d1", "w1-0", "data-1", "done"), _action("d2", "w1-1", "data-2", "done")),
    )
    assert chosen_groups(round_1)["s"].id == "w1-1"
    round_2 = _snapshot(_workshop("w2", "w1"), [("S", answers(RUBRIC, "1"))])
    assert matching_group(round_1, round_2.groups[0]) == round_1.groups[1]
    follow = follow_through(RUBRICS, round_1, round_2)
    assert follow is not None
    assert [(o.action.id, o.before, o.after) for o in follow.systems[0].actions] == [
        ("d1", 0.0, 1.0),
        ("d2", 0.0, 1.0),
    ]
    assert follow.counts.raised == 2


def test_unknown_rubric_gives_nothing_and_previous_of_follows_the_link() -> None:
    other = replace(ROUND_2, workshop=replace(ROUND_2.workshop, rubric_id="gone"))
    assert follow_through(RUBRICS, ROUND_1, other) is None
    assert previous_of(ROUND_2, {"w1": ROUND_1}) is ROUND_1
    assert previous_of(ROUND_1, {"w1": ROUND_1}) is None


@pytest.mark.parametrize("status", ["open", "in_progress"])
def test_open_and_in_progress_are_both_still_open(status: str) -> None:
    round_1 = replace(ROUND_1, actions=(_action("o", "w1-0", "data-1", status),))
    follow = follow_through(RUBRICS, round_1, ROUND_2)
    assert follow is not None
    assert (follow.counts.still_open, follow.counts.done) == (1, 0)


# --------------------------------------------------------------------------- tables


def test_system_rows_say_before_now_and_change() -> None:
    from workshop.followthrough_tables import system_rows

    def tt(key: str, **values: object) -> str:
        texts = {
            "followup.change_text": "{before} → {after} ({change})",
            "followup.system_new": "new",
            "followup.system_absent": "absent",
        }
        return texts[key].format(**values) if key in texts else key.split(".")[-1]

    rows = system_rows(_follow(), TITLES, "en", tt)
    assert rows[0] == {
        "col_system": "search",
        "col_done": "3/4",
        "col_dropped": "1",
        "col_open": "0",
        "col_raised": "1",
        "Data": "3 → 4 (+1)",
        "Model": "3.5 → 3 (-0.5)",
        "Infrastructure": "3.5 → 3.5 (±0)",
        "Monitoring": "3 → 3 (±0)",
        "col_final": "3 → 3 (±0)",
    }
    assert rows[2]["col_system"] == "Fraud (new)"
    assert rows[2]["col_final"] == "— → 7 (—)"
    assert rows[3]["col_system"] == "Legacy (absent)"
    assert rows[3]["col_done"] == "1/1"


def test_action_rows() -> None:
    from workshop.followthrough_tables import action_rows

    rows = action_rows(_follow().systems[0].actions, lambda key, **_: key.split(".")[-1])
    assert [
        (r["col_test"], r["col_status"], r["col_before"], r["col_after"], r["col_change"])
        for r in rows
    ] == [
        ("data-1", "status_done", "0", "1", "+1"),
        ("monitor-1", "status_done", "0", "0", "±0"),
        ("model-1", "status_done", "0.5", "0", "-0.5"),
        ("infra-1", "status_dropped", "0.5", "0.5", "±0"),
    ]
