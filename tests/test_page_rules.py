"""Small rules the pages used to compute themselves: who saved, host grants, defaults, scopes."""

from __future__ import annotations

from workshop.models import ActionItem, Answer, ClockState, Group, Snapshot, Workshop
from workshop.tutor_form import TutorForm, saved_by
from workshop.workshops import (
    ALL_WORKSHOPS,
    DEFAULT_AGENDA_ID,
    DEFAULT_RUBRIC_ID,
    host_grant,
    host_unlocked,
    preferred_index,
)

WORKSHOP = Workshop("w1", "Round 1", "2027-01-15", "en", "ml-test-score", "standard-60")
OTHER = Workshop("w2", "Round 2", "2027-07-15", "en", "ml-test-score", "standard-60")
TEAM_A = Group("g1", "w1", "Team A", "Search", "production", "Aiko", 0)
TEAM_B = Group("g2", "w1", "Team B", "Fraud", "poc", "", 1)


def test_a_change_is_from_the_typed_name_else_the_tutor_else_the_group() -> None:
    assert saved_by("  Ben ", TEAM_A, "Group") == "Ben"
    assert saved_by("", TEAM_A, "Group") == "Aiko"
    assert saved_by("", TEAM_B, "Group") == "Group Team B"
    assert saved_by("", TEAM_B, "グループ") == "グループ Team B"
    # A name the page would refuse does not block the save: the fallback is used.
    assert saved_by("x" * 81, TEAM_A, "Group") == "Aiko"
    assert saved_by("Ben\x1b", TEAM_B, "Group") == "Group Team B"


def test_choosing_ones_own_value_again_is_based_on_what_the_field_shows_now() -> None:
    form = TutorForm()
    form.shown[("data-1", "value")] = "1"  # the later change that won
    patch = form.chosen_again("data-1", "value", "0.5", made_at="T2", made_by="Ben")
    assert (patch.item_id, patch.field, patch.text, patch.base) == ("data-1", "value", "0.5", "1")
    assert (patch.made_at, patch.made_by) == ("T2", "Ben")


def test_the_apps_passcode_unlocks_every_workshop_a_workshops_own_only_that_one() -> None:
    assert host_grant(WORKSHOP, "app-secret") == ALL_WORKSHOPS == "*"
    assert host_grant(WORKSHOP) == "w1"
    assert host_unlocked({"*"}, OTHER) and host_unlocked({"*"}, None)
    assert host_unlocked({"w1"}, WORKSHOP)
    assert not host_unlocked({"w1"}, OTHER)
    assert not host_unlocked({"w1"}, None)  # creating a workshop needs the app's passcode
    assert not host_unlocked(set(), WORKSHOP)


def test_pickers_default_to_the_standard_rubric_and_agenda_when_loaded() -> None:
    assert (DEFAULT_RUBRIC_ID, DEFAULT_AGENDA_ID) == ("ml-test-score", "standard-60")
    assert preferred_index(["custom", "ml-test-score"], DEFAULT_RUBRIC_ID) == 1
    assert preferred_index(["custom", "other"], DEFAULT_RUBRIC_ID) == 0


def test_a_groups_own_exports_hold_only_that_group() -> None:
    def answer(group: Group) -> Answer:
        return Answer(group.id, "data-1", "1")

    def action(group: Group) -> ActionItem:
        return ActionItem(f"a-{group.id}", "w1", group.id, "data-1", "fix")

    full = Snapshot(
        workshop=WORKSHOP,
        groups=(TEAM_A, TEAM_B),
        answers={g.id: {"data-1": answer(g)} for g in (TEAM_A, TEAM_B)},
        clock=ClockState(segment=2, status="running"),
        actions=(action(TEAM_A), action(TEAM_B)),
    )
    mine = full.only_group("g2")
    assert mine.groups == (TEAM_B,)
    assert mine.answers == {"g2": {"data-1": answer(TEAM_B)}}
    assert mine.actions == (action(TEAM_B),)
    assert (mine.workshop, mine.clock) == (WORKSHOP, full.clock)
