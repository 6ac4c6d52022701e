"""The results page's action items between rounds: who may move which item along.

A results token only reads; a group's join code opens that group's items, and
only those; the host passcode on the workshop's link opens every group's items.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support.apptest import PASSCODE, PageEnv, texts
from workshop.models import ActionItem


def _with_actions(page_env: PageEnv):
    workshop, groups = page_env.make_workshop()
    for n, group in enumerate(groups[:2]):
        page_env.store.add_action(
            ActionItem(f"act{n}", workshop.id, group.id, "data-1", f"Item of {group.name}")
        )
    return workshop, groups


def _submit(at: AppTest, label: str, index: int = 0) -> None:
    [b for b in at.get("form_submit_button") if b.label == label][index].click().run()
    assert not at.exception


def _statuses(page_env: PageEnv, workshop_id: str) -> dict[str, tuple[str, str, str]]:
    page_env.store.invalidate()
    return {
        a.id: (a.status, a.ticket, a.updated_by)
        for a in page_env.store.snapshot(workshop_id).actions
    }


def test_a_group_link_reads_until_the_join_code_then_edits_its_own_items(page_env: PageEnv) -> None:
    workshop, groups = _with_actions(page_env)
    team_a = groups[0]
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, team_a)
    )
    assert not at.exception
    body = texts(at)
    assert "Item of Team A" in body and "Item of Team B" not in body
    assert not [box for box in at.selectbox if box.label == "Status"]
    at.text_input[0].input("WRONG")
    _submit(at, "Unlock")
    assert "That join code is not right for this group." in texts(at)
    assert not [box for box in at.selectbox if box.label == "Status"]

    at.text_input[0].input(page_env.keys.join_code(team_a))
    _submit(at, "Unlock")
    boxes = [box for box in at.selectbox if box.label == "Status"]
    assert len(boxes) == 1  # Team A's item only
    boxes[0].select("done")
    at.text_input(key="followup_ticket_act0").input("https://tracker.example/ML-9")
    _submit(at, "Save")
    assert "Saved: Item of Team A" in texts(at)
    assert _statuses(page_env, workshop.id) == {
        "act0": ("done", "https://tracker.example/ML-9", team_a.tutor or "Group Team A"),
        "act1": ("open", "", ""),
    }


def test_a_bad_ticket_is_refused_and_nothing_is_written(page_env: PageEnv) -> None:
    workshop, groups = _with_actions(page_env)
    team_a = groups[0]
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, team_a)
    )
    at.text_input[0].input(page_env.keys.join_code(team_a))
    _submit(at, "Unlock")
    at.text_input(key="followup_ticket_act0").input("bad\x07ticket")
    _submit(at, "Save")
    assert "invisible control character" in texts(at)
    assert _statuses(page_env, workshop.id)["act0"] == ("open", "", "")


def test_the_workshop_link_needs_the_host_passcode_to_edit_every_group(
    page_env: PageEnv,
) -> None:
    workshop, _groups = _with_actions(page_env)
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop)
    )
    assert not at.exception
    assert "Item of Team A" in texts(at) and "Item of Team B" in texts(at)
    assert not [box for box in at.selectbox if box.label == "Status"]
    at.text_input(key=f"host_pass_results_{workshop.id}").input(PASSCODE)
    _submit(at, "Unlock")
    boxes = [box for box in at.selectbox if box.label == "Status"]
    assert len(boxes) == 2
    boxes[1].select("dropped")
    _submit(at, "Save", index=1)
    assert _statuses(page_env, workshop.id) == {
        "act0": ("open", "", ""),
        "act1": ("dropped", "", "host"),
    }


def test_a_groups_results_in_the_next_round_show_its_own_follow_through(
    page_env: PageEnv,
) -> None:
    from dataclasses import replace

    from workshop.models import AnswerChange
    from workshop.workshops import duplicate_workshop

    workshop, groups = _with_actions(page_env)
    at_ = "2026-11-23T10:00:00+00:00"
    page_env.store.save_answers(
        workshop.id, groups[0].id, [AnswerChange("data-1", "0", "")], updated_by="t", updated_at=at_
    )
    action = page_env.store.snapshot(workshop.id).actions[0]
    page_env.store.update_action(replace(action, status="done"))
    second = duplicate_workshop(page_env.store, workshop.id, title="Round 2", date="2026-12-23")
    team_a = next(g for g in page_env.store.snapshot(second.id).groups if g.name == "Team A")
    page_env.store.save_answers(
        second.id, team_a.id, [AnswerChange("data-1", "1", "")], updated_by="t", updated_at=at_
    )
    at = page_env.app(
        "views/results.py", w=second.id, token=page_env.keys.results_token(second, team_a)
    )
    assert not at.exception
    body = texts(at)
    assert "Your follow-through since last round" in [h.value for h in at.subheader]
    assert "Since “Round 1” (2026-11-23)" in body
    # One action of Team A last round, done, its test data-1 went from 0 to 1.
    assert "Done 1 · dropped 0 · still open 0 · of 1; done and raised their test: 1" in body
    table = at.dataframe[-1].value
    assert list(table["Test"]) == ["data-1"]
    assert list(table["Status"]) == ["Done"]
    assert (list(table["Before"]), list(table["Now"]), list(table["Change"])) == (
        ["0"],
        ["1"],
        ["+1"],
    )


def _next_round(page_env: PageEnv):
    """Round 1 (Team A answered data-1 0.5 with a note, data-2 1) duplicated into round 2."""
    from workshop.models import AnswerChange
    from workshop.workshops import duplicate_workshop

    workshop, groups = _with_actions(page_env)
    page_env.store.save_answers(
        workshop.id,
        groups[0].id,
        [AnswerChange("data-1", "0.5", "wiki page"), AnswerChange("data-2", "1", "")],
        updated_by="t",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    second = duplicate_workshop(page_env.store, workshop.id, title="Round 2", date="2026-12-23")
    return second, list(page_env.store.snapshot(second.id).groups)


def _tutor(page_env: PageEnv, workshop, group) -> AppTest:
    return page_env.app(
        "views/tutor.py", w=workshop.id, g=group.id, code=page_env.keys.join_code(group)
    )


def test_the_tutor_carries_one_answer_over_and_nothing_else_moves(page_env: PageEnv) -> None:
    second, groups = _next_round(page_env)
    at = _tutor(page_env, second, groups[0])
    assert not at.exception
    body = texts(at)
    assert "This round follows “Round 1” (2026-11-23)" in body
    assert "**Previous round (2026-11-23): 0\\.5**" in body
    assert "Open action: Item of Team A (Open)" in body  # act0 targets data-1, still open
    assert page_env.store.snapshot(second.id).group_answers(groups[0].id) == {}
    at.button(key="carry_data-1").click().run()
    assert not at.exception
    saved = page_env.store.snapshot(second.id).group_answers(groups[0].id)
    assert {k: (a.value, a.note, a.updated_by) for k, a in saved.items()} == {
        "data-1": ("0.5", "wiki page", groups[0].tutor)
    }
    # The new widget shows the carried answer; the button gives way to "same as last round".
    assert at.radio(key="ans_data-1__g1").value == "0.5"
    assert not [b for b in at.button if b.key == "carry_data-1"]
    assert "**Previous round (2026-11-23): 0\\.5 · Same as last round.**" in texts(at)
    assert [b.key for b in at.button if (b.key or "").startswith("carry_")][:1] == ["carry_data-2"]


def test_no_carry_over_in_a_closed_round_nor_for_a_new_system(page_env: PageEnv) -> None:
    from dataclasses import replace

    from workshop.models import Group

    second, groups = _next_round(page_env)
    page_env.store.upsert_group(
        Group("g_new", second.id, "Team N", "Brand new system", "poc", "", 9)
    )
    at = _tutor(
        page_env,
        second,
        next(g for g in page_env.store.snapshot(second.id).groups if g.id == "g_new"),
    )
    assert "This system was not assessed in the previous round (Round 1)." in texts(at)
    assert not [b for b in at.button if (b.key or "").startswith("carry_")]

    page_env.store.update_workshop(replace(second, closed=True))
    at = _tutor(page_env, second, groups[0])
    assert "**Previous round (2026-11-23): 0\\.5**" in texts(at)
    assert not [b for b in at.button if (b.key or "").startswith("carry_")]
