"""The next round starts from the last one: previous answers per test, and carrying one over."""

from __future__ import annotations

import pytest

from tests.rubric_factory import make_rubric
from tests.support.clock import ManualClock
from workshop import timesource
from workshop.action_status import parse_status
from workshop.actions import MAX_TICKET, followed_up
from workshop.carry_over import can_carry, previous_round
from workshop.models import ActionItem, Answer, ClockState, FieldPatch, Group, Snapshot, Workshop
from workshop.patches import FieldView
from workshop.tutor_form import TutorForm
from workshop.workshops import InputError

RUBRIC = make_rubric(na_allowed=("data-2",))
NOW = 1_800_000_000.0  # 2027-01-15 08:00:00 UTC


def _round(
    wid: str, groups: list[tuple[str, str, dict[str, tuple[str, str]]]], actions=()
) -> Snapshot:
    ws = Workshop(wid, wid, "2027-01-01", "en", RUBRIC.id, "standard-60")
    built, stored = [], {}
    for position, (gid, system, values) in enumerate(groups):
        built.append(Group(gid, wid, gid, system, "production", "", position))
        stored[gid] = {i: Answer(gid, i, v, note=n) for i, (v, n) in values.items()}
    return Snapshot(ws, tuple(built), stored, ClockState(), actions=tuple(actions))


def _action(aid: str, group_id: str, item_id: str, status: str, priority: int = 1) -> ActionItem:
    return ActionItem(aid, "w1", group_id, item_id, aid, priority=priority, status=status)


PREVIOUS = _round(
    "w1",
    [
        (
            "g-search",
            "Search",
            {"data-1": ("0,5", "manual check"), "data-2": ("N/A", ""), "data-3": ("2", "typo")},
        ),
        ("g-ads", "Ads", {"data-1": ("1", "")}),
    ],
    actions=[
        _action("a-done", "g-search", "data-1", "done"),
        _action("a-later", "g-search", "data-1", "open", priority=2),
        _action("a-first", "g-search", "data-1", "in_progress", priority=1),
        _action("a-dropped", "g-search", "data-1", "dropped"),
        _action("a-ads", "g-ads", "data-1", "open"),
    ],
)


def test_previous_answers_of_the_same_system_with_their_open_actions() -> None:
    group = Group("n1", "w2", "Renamed team", " SEARCH", "production", "")
    previous = previous_round(RUBRIC, PREVIOUS, group)
    assert previous is not None and previous.group.id == "g-search"
    first = previous.item("data-1")
    assert (first.value, first.valid, first.note) == ("0.5", True, "manual check")
    # Only still-open actions of this system, by priority: done, dropped and Ads' are not shown.
    assert [a.id for a in first.open_actions] == ["a-first", "a-later"]
    assert (previous.item("data-2").value, previous.item("data-2").valid) == ("N/A", True)
    # "2" is no level: shown as typed, never offered for carrying over.
    assert (previous.item("data-3").value, previous.item("data-3").valid) == ("2", False)
    assert (previous.item("data-4").value, previous.item("data-4").answered) == ("", False)


def test_a_system_not_in_the_previous_round_has_no_previous_answers() -> None:
    assert previous_round(RUBRIC, PREVIOUS, Group("n", "w2", "x", "Fraud", "poc", "")) is None


def test_na_is_not_carried_where_this_rounds_rubric_no_longer_allows_it() -> None:
    strict = make_rubric()  # no item allows N/A
    group = Group("n1", "w2", "t", "Search", "production", "")
    previous = previous_round(strict, PREVIOUS, group)
    assert previous is not None
    assert (previous.item("data-2").value, previous.item("data-2").valid) == ("N/A", False)


@pytest.mark.parametrize(
    ("value", "valid", "current", "expected"),
    [
        ("0.5", True, "", True),
        ("0.5", True, "  ", True),
        ("0.5", True, "1", False),  # answered this round: nothing is overwritten
        ("0.5", True, "0.5", False),
        ("2", False, "", False),
        ("", False, "", False),
    ],
)
def test_can_carry_only_a_valid_answer_onto_a_blank_one(
    value: str, valid: bool, current: str, expected: bool
) -> None:
    group = Group("n1", "w2", "t", "Search", "production", "")
    previous = previous_round(RUBRIC, PREVIOUS, group)
    assert previous is not None
    answer = previous.item("data-1")
    from dataclasses import replace

    assert can_carry(replace(answer, value=value, valid=valid), current) is expected


def _form(value: str, note: str) -> TutorForm:
    form = TutorForm()
    form.sync(
        {
            ("data-1", "value"): FieldView(value, "", ""),
            ("data-1", "note"): FieldView(note, "", ""),
        }
    )
    return form


def test_carrying_over_writes_answer_and_note_as_patches_with_new_widgets() -> None:
    form = _form("", "")
    assert form.key("data-1", "value") == "ans_data-1"
    patches = form.carried_over("data-1", "0.5", "manual check", made_at="T", made_by="Aiko")
    assert patches == [
        FieldPatch("data-1", "value", "0.5", "", "T", "Aiko"),
        FieldPatch("data-1", "note", "manual check", "", "T", "Aiko"),
    ]
    # New widgets: the old ones still hold the blank answer and must not be taken for a choice.
    assert form.key("data-1", "value") == "ans_data-1__g1"
    assert form.key("data-1", "note") == "note_data-1__g1"
    # The page then shows the patches (record + outbox): nothing changed "elsewhere".
    assert (
        form.sync(
            {
                ("data-1", "value"): FieldView("0.5", "", ""),
                ("data-1", "note"): FieldView("manual check", "", ""),
            }
        )
        == []
    )


def test_carrying_over_never_overwrites_this_rounds_note() -> None:
    form = _form("", "written today")
    patches = form.carried_over("data-1", "1", "old note", made_at="T", made_by="Aiko")
    assert patches == [FieldPatch("data-1", "value", "1", "", "T", "Aiko")]
    assert form.key("data-1", "note") == "note_data-1"


def test_carrying_over_an_empty_note_sends_the_answer_only() -> None:
    assert [
        p.field for p in _form("", "").carried_over("data-1", "N/A", "", made_at="T", made_by="A")
    ] == ["value"]


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("", "open"),
        ("Done", "done"),
        (" in progress ", "in_progress"),
        ("In-Progress", "in_progress"),
        ("in_progress", "in_progress"),
        ("DROPPED", "dropped"),
        ("finished", None),
        ("完了", None),
    ],
)
def test_parse_status(typed: str, status: str | None) -> None:
    assert parse_status(typed) == status


def test_followed_up_stamps_status_ticket_and_who_and_keeps_the_rest() -> None:
    timesource.set_source(ManualClock(NOW))
    try:
        action = ActionItem(
            "a1",
            "w1",
            "g1",
            "data-1",
            "Schema check",
            owner="Aiko",
            priority=2,
            due="2027-02-01",
            created_at="C",
            created_by="host",
        )
        updated = followed_up(
            action, status="In progress", ticket="  https://jira.example/ML-1 ", updated_by="Team A"
        )
    finally:
        timesource.set_source(None)
    assert (updated.status, updated.ticket, updated.updated_at, updated.updated_by) == (
        "in_progress",
        "https://jira.example/ML-1",
        "2027-01-15T08:00:00+00:00",
        "Team A",
    )
    assert (updated.what, updated.owner, updated.priority, updated.due, updated.created_by) == (
        "Schema check",
        "Aiko",
        2,
        "2027-02-01",
        "host",
    )


@pytest.mark.parametrize(
    ("status", "ticket", "key"),
    [
        ("finished", "", "bad_status"),
        ("done", "x" * (MAX_TICKET + 1), "too_long"),
        ("done", "a\x00b", "control_chars"),
    ],
)
def test_followed_up_refuses_bad_input(status: str, ticket: str, key: str) -> None:
    action = ActionItem("a1", "w1", "g1", "data-1", "x")
    with pytest.raises(InputError) as raised:
        followed_up(action, status=status, ticket=ticket, updated_by="A")
    assert raised.value.key == key
