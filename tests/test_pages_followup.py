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
