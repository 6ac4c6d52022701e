"""Action items are built and checked once, for the wrap-up and the tutor page alike."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.rubric_factory import make_rubric
from tests.support.clock import ManualClock
from workshop import timesource
from workshop.actions import (
    MAX_PRIORITY,
    MIN_PRIORITY,
    item_choices,
    listed_actions,
    new_action,
)
from workshop.models import ActionItem
from workshop.workshops import InputError

# 2027-01-15 08:00:00 UTC
NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def fixed_time() -> object:
    timesource.set_source(ManualClock(NOW))
    yield
    timesource.set_source(None)


def _action(**changes: object) -> ActionItem:
    fields: dict[str, object] = {
        "workshop_id": "w1",
        "group_id": "g1",
        "item_id": "data-2",
        "what": "  Add a schema check to the nightly job  ",
        "owner": " Aiko ",
        "priority": 2,
        "due": dt.date(2027, 2, 1),
        "created_by": "host",
    }
    fields.update(changes)
    return new_action(**fields)  # type: ignore[arg-type]


def test_an_action_is_stamped_and_its_texts_trimmed() -> None:
    action = _action()
    assert action.id.startswith("a")
    assert (action.workshop_id, action.group_id, action.item_id) == ("w1", "g1", "data-2")
    assert action.what == "Add a schema check to the nightly job"
    assert action.owner == "Aiko"
    assert action.priority == 2
    assert action.due == "2027-02-01"
    assert action.created_at == "2027-01-15T08:00:00+00:00"
    assert action.created_by == "host"


def test_no_due_date_and_no_owner_are_allowed() -> None:
    action = _action(due=None, owner="")
    assert (action.due, action.owner) == ("", "")


def test_two_actions_get_two_ids() -> None:
    assert _action().id != _action().id


@pytest.mark.parametrize(
    ("changes", "key", "values"),
    [
        ({"what": "   "}, "required", {"field": "what"}),
        ({"owner": "x" * 81}, "too_long", {"field": "owner", "limit": 80, "length": 81}),
        ({"what": "fix\x00it"}, "control_chars", {"field": "what", "char": "U+0000"}),
        ({"priority": 0}, "bad_priority", {"low": 1, "high": 99}),
        ({"priority": 100}, "bad_priority", {"low": 1, "high": 99}),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    changes: dict[str, object], key: str, values: dict[str, object]
) -> None:
    with pytest.raises(InputError) as raised:
        _action(**changes)
    assert (raised.value.key, raised.value.values) == (key, values)


def test_the_priority_range_ends_are_allowed() -> None:
    assert (MIN_PRIORITY, MAX_PRIORITY) == (1, 99)
    assert _action(priority=1).priority == 1
    assert _action(priority=99).priority == 99


def _recorded(action_id: str, group_id: str, priority: int, created_at: str) -> ActionItem:
    return ActionItem(action_id, "w1", group_id, "data-1", action_id, "", priority, "", created_at)


def test_pages_list_actions_by_priority_then_as_added() -> None:
    actions = [
        _recorded("late-p1", "g1", 1, "2027-01-15T08:05:00+00:00"),
        _recorded("p2", "g2", 2, "2027-01-15T08:00:00+00:00"),
        _recorded("early-p1", "g2", 1, "2027-01-15T08:01:00+00:00"),
    ]
    assert [a.id for a in listed_actions(actions)] == ["early-p1", "late-p1", "p2"]
    assert [a.id for a in listed_actions(actions, "g2")] == ["early-p1", "p2"]
    assert listed_actions(actions, "g3") == []


def test_item_choices_label_every_item_in_rubric_order() -> None:
    rubric = make_rubric(sections=("data", "model"), items_per_section=2)
    assert item_choices(rubric, "en") == {
        "data-1": "data-1 · data-1 (en)",
        "data-2": "data-2 · data-2 (en)",
        "model-1": "model-1 · model-1 (en)",
        "model-2": "model-2 · model-2 (en)",
    }
    assert item_choices(rubric, "ja")["model-2"] == "model-2 · model-2（ja）"
