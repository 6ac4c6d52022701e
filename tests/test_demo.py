"""The demo workshop: two plausible rounds, in either language, on any store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.support.sheets_backend import sheets_store_factory
from workshop.compare import section_means
from workshop.content import load_rubric, load_rubrics
from workshop.demo import (
    AGENDA_ID,
    DEMO_PASSCODE,
    ROUND_GAP_DAYS,
    DemoDataError,
    create_demo,
    find_demo,
    is_demo,
    load_demo,
)
from workshop.history import build_history
from workshop.models import Snapshot
from workshop.scoring import score_answers
from workshop.security import verify_passcode
from workshop.store.base import Store
from workshop.store.sqlite import SqliteStore
from workshop.targets import load_targets

NOW = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
RUBRIC = load_rubric("ml-test-score")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "x.sqlite3")
    yield opened
    opened.close()


def values(snapshot: Snapshot, group_id: str) -> dict[str, str]:
    return {item: answer.value for item, answer in snapshot.group_answers(group_id).items()}


def content(snapshot: Snapshot) -> list[tuple[object, ...]]:
    """Everything about a round except random ids, codes and tokens."""
    rows: list[tuple[object, ...]] = []
    names = {group.id: group.name for group in snapshot.groups}
    for group in snapshot.groups:
        rows.append((group.position, group.name, group.system, group.phase, group.tutor))
        for item, answer in sorted(snapshot.group_answers(group.id).items()):
            rows.append((group.name, item, answer.value, answer.note, answer.updated_at))
    for action in snapshot.actions:
        rows.append((names[action.group_id], action.item_id, action.what, action.owner))
        rows.append((action.priority, action.due, action.created_by))
    return rows


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_demo_creates_two_labelled_rounds(store: SqliteStore, lang: str) -> None:
    current, previous = create_demo(store, lang, now=NOW)

    assert current.date == "2026-11-23"
    assert (date(2026, 11, 23) - date.fromisoformat(previous.date)).days == ROUND_GAP_DAYS
    assert current.previous_id == previous.id
    assert previous.previous_id == ""
    prefix = "Demo —" if lang == "en" else "デモ —"
    assert current.title.startswith(prefix) and previous.title.startswith(prefix)
    assert current.title != previous.title
    for workshop in (current, previous):
        assert workshop.language == lang
        assert workshop.rubric_id == RUBRIC.id
        assert workshop.agenda_id == AGENDA_ID
        assert is_demo(workshop)
        assert verify_passcode(DEMO_PASSCODE, store.host_passcode_hash(workshop.id))
        assert store.get_workshop(workshop.id) == workshop
    assert len(store.snapshot(previous.id).groups) == 4
    assert len(store.snapshot(current.id).groups) == 5
    stamps = [
        datetime.fromisoformat(answer.updated_at)
        for workshop in (current, previous)
        for by_item in store.snapshot(workshop.id).answers.values()
        for answer in by_item.values()
    ]
    assert max(stamps) <= NOW  # the current session is over; nothing saved in the future
    assert min(stamps).date() == date.fromisoformat(previous.date)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_demo_answers_are_complete_and_valid(store: SqliteStore, lang: str) -> None:
    for workshop in create_demo(store, lang, now=NOW):
        snapshot = store.snapshot(workshop.id)
        for group in snapshot.groups:
            answers = values(snapshot, group.id)
            assert set(answers) == {item.id for item in RUBRIC.items}
            score = score_answers(RUBRIC, answers)
            assert score.errors == () and not score.provisional, group.name
            for item_id, value in answers.items():
                if value == "N/A":
                    assert RUBRIC.item(item_id).na_allowed, (group.name, item_id)


def test_image_only_system_marks_the_feature_items_not_applicable(store: SqliteStore) -> None:
    current, _ = create_demo(store, "en", now=NOW)
    snapshot = store.snapshot(current.id)
    (image,) = [g for g in snapshot.groups if "image" in g.system.lower()]
    answers = values(snapshot, image.id)
    assert {item for item, value in answers.items() if value == "N/A"} == {
        "data-2",
        "data-6",
        "data-7",
    }
    phases = {group.phase for group in snapshot.groups}
    assert phases == {"poc", "validation", "production"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_notes_and_actions_are_in_the_chosen_language(store: SqliteStore, lang: str) -> None:
    current, previous = create_demo(store, lang, now=NOW)
    for workshop in (current, previous):
        snapshot = store.snapshot(workshop.id)
        for group in snapshot.groups:
            notes = [a.note for a in snapshot.group_answers(group.id).values() if a.note]
            assert len(notes) >= 4, group.name
            texts = [*notes, group.name, group.system, group.tutor]
            for text in texts:
                assert bool(JAPANESE.search(text)) == (lang == "ja"), text
        for action in snapshot.actions:
            assert bool(JAPANESE.search(action.what)) == (lang == "ja")
    actions = store.snapshot(current.id).actions
    groups = store.snapshot(current.id).groups
    assert {a.group_id for a in actions} == {g.id for g in groups}  # every group has one
    for action in actions:
        RUBRIC.item(action.item_id)
        assert action.due > current.date
        assert action.priority >= 1


def test_demo_tells_a_consistent_story(store: SqliteStore) -> None:
    current, previous = create_demo(store, "en", now=NOW)
    means = {}
    for name, workshop in (("previous", previous), ("current", current)):
        snapshot = store.snapshot(workshop.id)
        scores = {g.id: score_answers(RUBRIC, values(snapshot, g.id)) for g in snapshot.groups}
        means[name] = section_means(scores)
        # Monitoring is the weakest section in both rounds.
        assert min(means[name], key=lambda s: means[name][s] or 0) == "monitor"
    assert means["current"]["monitor"] > means["previous"]["monitor"]

    history = build_history(load_rubrics(), store.snapshots([previous.id, current.id]))
    assert [r.workshop_id for r in history.rounds] == [previous.id, current.id]
    assert len(history.cohort) == 4 and len(history.systems) == 5
    first, second = history.rounds
    assert second.cohort.mean_final > first.cohort.mean_final
    assert second.cohort.section_means["monitor"] > first.cohort.section_means["monitor"]
    # Every system of the first round improved its final score, but not on every item.
    for system in history.systems:
        if system.in_cohort:
            assert system.rounds[1].final > system.rounds[0].final  # type: ignore[operator]
    search = history.system("Product search ranking")
    assert search is not None
    assert search.rounds[0].final == 2.5 and search.rounds[1].final == 3.5
    # A round-1 action item shows up as an improvement in round 2.
    earlier_actions = store.snapshot(previous.id).actions
    later = store.snapshot(current.id)
    by_system = {g.system: g.id for g in later.groups}
    earlier_groups = {g.id: g.system for g in store.snapshot(previous.id).groups}
    earlier = store.snapshot(previous.id)
    improved = 0
    for action in earlier_actions:
        before = values(earlier, action.group_id)[action.item_id]
        after = values(later, by_system[earlier_groups[action.group_id]])[action.item_id]
        improved += float(after) > float(before)
    assert improved == len(earlier_actions) >= 3


def test_demo_history_with_shipped_targets(store: SqliteStore) -> None:
    current, previous = create_demo(store, "ja", now=NOW)
    history = build_history(
        load_rubrics(), store.snapshots([current.id, previous.id]), load_targets()
    )
    first, second = history.rounds
    assert (first.all.meeting_target, first.all.with_target) == (1, 3)
    assert second.all.meeting_target == second.all.with_target == 4
    forecast = history.system("倉庫の需要予測")
    assert forecast is not None
    assert [r.phase for r in forecast.rounds] == ["poc", "validation"]


def test_demo_is_deterministic(tmp_path: Path) -> None:
    rounds = []
    for name in ("one", "two"):
        store = SqliteStore(tmp_path / f"{name}.sqlite3")
        current, previous = create_demo(store, "ja", now=NOW)
        rounds.append(
            (
                current.title,
                previous.date,
                content(store.snapshot(previous.id)),
                content(store.snapshot(current.id)),
            )
        )
        store.close()
    assert rounds[0] == rounds[1]
    assert len(rounds[0][3]) > 5 * 28


def test_find_demo_reopens_instead_of_duplicating(store: SqliteStore) -> None:
    assert find_demo(store) is None
    current, _ = create_demo(store, "en", now=NOW)
    assert find_demo(store) == current
    assert find_demo(store, lang="en") == current
    assert find_demo(store, lang="ja") is None
    later = datetime(2026, 12, 1, tzinfo=UTC)
    japanese, _ = create_demo(store, "ja", now=later)
    assert find_demo(store) == japanese  # the newest
    assert find_demo(store, lang="en") == current


def test_find_demo_ignores_user_workshops_titled_like_a_demo(store: SqliteStore) -> None:
    from workshop.workshops import GroupDraft, create_workshop

    create_workshop(
        store,
        title="Demo — my own workshop",
        date="2026-11-24",
        language="en",
        rubric_id=RUBRIC.id,
        agenda_id=AGENDA_ID,
        passcode="secret-pass",
        groups=[GroupDraft("A", "System A")],
    )
    assert find_demo(store) is None


def test_unknown_language_is_rejected(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        create_demo(store, "fr", now=NOW)
    assert store.list_workshops(include_archived=True) == []


def test_demo_works_on_the_sheets_store(tmp_path: Path) -> None:
    with sheets_store_factory(tmp_path) as sheets:
        current, previous = create_demo(sheets, "en", now=NOW)
        _check_round_trip(sheets, current.id, previous.id)
        assert find_demo(sheets) == current


def _check_round_trip(store: Store, current_id: str, previous_id: str) -> None:
    store.invalidate()
    current = store.snapshot(current_id)
    assert len(current.groups) == 5
    assert len(store.snapshot(previous_id).groups) == 4
    for group in current.groups:
        assert not score_answers(RUBRIC, values(current, group.id)).provisional
    assert len(current.actions) >= 5


# --------------------------------------------------------------------------- the demo file


def test_broken_demo_file_is_named(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "content" / "demo" / "demo.yaml").read_text("utf-8")
    broken = tmp_path / "demo.yaml"
    broken.write_text(text.replace("data: [1, 0.5, 0, 0.5, 1, 0.5, 1]", "data: [1, 0.5]", 1))
    with pytest.raises(DemoDataError, match=r"answers\.data needs 7 values") as caught:
        load_demo(RUBRIC, broken)
    assert str(caught.value).startswith(str(broken))
    na_on_schema = text.replace(
        "data: [1, 0.5, 0, 0.5, 1, 0.5, 1]", 'data: ["N/A", 0.5, 0, 0.5, 1, 0.5, 1]', 1
    )
    broken.write_text(na_on_schema)
    with pytest.raises(DemoDataError, match="data-1: the rubric does not allow N/A here"):
        load_demo(RUBRIC, broken)
