"""A demo workshop a new user can open in one click, with a round of history behind it.

An empty app explains nothing; a filled-in one shows at once what the tutor
form, the wrap-up and the history look like. The demo is two workshops of one
made-up company, six months apart, with five ML systems whose answers tell
consistent stories (see ``content/demo/demo.yaml``): monitoring is the weakest
section and improves the most, several round-1 action items show up as
better answers in round 2, an image-only system marks the feature tests N/A.

* Deterministic: the same language and ``now`` give the same titles, dates,
  groups, answers, notes and action items (only ids, codes and tokens are random).
* Recognisable: demo workshops have ids starting with ``demo_`` (ids are not
  secrets and no user-made workshop gets that prefix), titles start with
  "Demo —" / "デモ —", and the host passcode is :data:`DEMO_PASSCODE`, which the
  home page shows so a new user can try the host controls.
* Backend-neutral: only the :class:`~workshop.store.base.Store` interface is
  used, so the demo works on SQLite and on a Google Sheet (about 20 writes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from workshop.action_status import parse_status
from workshop.answers import NA_TEXT
from workshop.content import load_rubric, shipped_content_dir
from workshop.content.model import LANGUAGES, Rubric, Text, level_key
from workshop.models import PHASES, ActionItem, AnswerChange, Group, Workshop
from workshop.security import hash_passcode, new_id
from workshop.store.base import Store

DEMO_PASSCODE = "demo-host"
DEMO_ID_PREFIX = "demo"
RUBRIC_ID = "ml-test-score"
AGENDA_ID = "standard-60"
#: Days between the two rounds (teams that repeat every six months).
ROUND_GAP_DAYS = 182
ROUNDS: tuple[str, ...] = ("previous", "current")
# The previous round started at this time (UTC) on its date, the current one an
# hour before "now"; answers are saved during each section's breakout, so the
# timestamps look like a real session.
START = time(9, 0)
SECTION_MINUTES = 10
SESSION_MINUTES = 60


class DemoDataError(ValueError):
    """The demo file is inconsistent (a developer's mistake); names the file and the place."""


@dataclass(frozen=True)
class DemoAction:
    item_id: str
    priority: int
    due_days: int
    owner: Text
    what: Text
    status: str = "open"  # where the item stood when the next round began


@dataclass(frozen=True)
class DemoRound:
    phase: str
    answers: dict[str, str]  # item id -> canonical text ("0", "0.5", "1", "N/A")
    notes: dict[str, Text]
    actions: tuple[DemoAction, ...]


@dataclass(frozen=True)
class DemoGroup:
    key: str
    name: Text
    system: Text
    tutor: Text
    rounds: dict[str, DemoRound]  # "previous" and/or "current"


@dataclass(frozen=True)
class DemoData:
    titles: dict[str, Text]  # round -> title
    groups: tuple[DemoGroup, ...]


# --------------------------------------------------------------------------- loading


def _status(value: object, where: str) -> str:
    """An action's status in the demo file (blank: open); an unknown one is an error."""
    status = parse_status(str(value or ""))
    if status is None:
        raise DemoDataError(f"{where}: unknown status {value!r}")
    return status


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES
    ):
        raise DemoDataError(f"{where}: needs a text in every language ({', '.join(LANGUAGES)})")
    return Text(en=value["en"], ja=value["ja"])


def _answer_text(value: Any, where: str) -> str:
    if value == NA_TEXT:
        return NA_TEXT
    if isinstance(value, int | float) and not isinstance(value, bool):
        return level_key(float(value))
    raise DemoDataError(f"{where}: {value!r} is neither a level nor {NA_TEXT}")


def _round(raw: Any, rubric: Rubric, where: str) -> DemoRound:
    if not isinstance(raw, dict):
        raise DemoDataError(f"{where}: must be a mapping")
    phase = raw.get("phase")
    if phase not in PHASES:
        raise DemoDataError(f"{where}: phase {phase!r} is not one of {', '.join(PHASES)}")
    lists = raw.get("answers") or {}
    answers: dict[str, str] = {}
    for section in rubric.sections:
        values = lists.get(section.id)
        if not isinstance(values, list) or len(values) != len(section.items):
            raise DemoDataError(f"{where}: answers.{section.id} needs {len(section.items)} values")
        for item, value in zip(section.items, values, strict=True):
            if value == NA_TEXT and not item.na_allowed:
                raise DemoDataError(f"{where}: {item.id}: the rubric does not allow N/A here")
            answers[item.id] = _answer_text(value, f"{where}: {item.id}")
    notes = {
        str(item_id): _text(text, f"{where}: note {item_id}")
        for item_id, text in (raw.get("notes") or {}).items()
    }
    actions = tuple(
        DemoAction(
            item_id=str(action["item"]),
            priority=int(action.get("priority", 1)),
            due_days=int(action.get("due_days", 30)),
            owner=_text(action.get("owner"), f"{where}: action {action.get('item')} owner"),
            what=_text(action.get("what"), f"{where}: action {action.get('item')} what"),
            status=_status(action.get("status"), f"{where}: action {action.get('item')} status"),
        )
        for action in raw.get("actions") or ()
    )
    known = {item.id for item in rubric.items}
    for item_id in [*notes, *(a.item_id for a in actions)]:
        if item_id not in known:
            raise DemoDataError(f"{where}: unknown item {item_id!r}")
    return DemoRound(phase=phase, answers=answers, notes=notes, actions=actions)


def load_demo(rubric: Rubric | None = None, path: str | Path | None = None) -> DemoData:
    """The demo stories, checked against the rubric (default: the shipped ML Test Score)."""
    source = Path(path) if path is not None else shipped_content_dir() / "demo" / "demo.yaml"
    rubric = rubric or load_rubric(RUBRIC_ID)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
        titles = {name: _text(raw["titles"][name], f"titles.{name}") for name in ROUNDS}
        groups = []
        for entry in raw["groups"]:
            key = entry["key"]
            rounds = {
                name: _round(entry[name], rubric, f"group {key}: {name}")
                for name in ROUNDS
                if name in entry
            }
            groups.append(
                DemoGroup(
                    key=key,
                    name=_text(entry["name"], f"group {key}: name"),
                    system=_text(entry["system"], f"group {key}: system"),
                    tutor=_text(entry["tutor"], f"group {key}: tutor"),
                    rounds=rounds,
                )
            )
    except DemoDataError as error:
        raise DemoDataError(f"{source}: {error}") from error
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise DemoDataError(f"{source}: cannot be read as demo data ({error!r})") from error
    if not groups or not any("previous" in g.rounds for g in groups):
        raise DemoDataError(f"{source}: needs groups in both rounds")
    return DemoData(titles=titles, groups=tuple(groups))


# --------------------------------------------------------------------------- creating


def is_demo(workshop: Workshop) -> bool:
    return workshop.id.startswith(f"{DEMO_ID_PREFIX}_")


def find_demo(store: Store, lang: str | None = None) -> Workshop | None:
    """The newest demo's current round (in ``lang`` if given), so a click reopens it."""
    candidates = [w for w in store.list_workshops(include_archived=True) if is_demo(w)]
    if lang is not None:
        candidates = [w for w in candidates if w.language == lang]
    current = [w for w in candidates if w.previous_id]
    found = current or candidates
    return found[0] if found else None


def _utc_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _at(start: datetime, minutes: int) -> str:
    return (start + timedelta(minutes=minutes)).isoformat()


def _create_round(
    store: Store,
    data: DemoData,
    rubric: Rubric,
    *,
    round_name: str,
    lang: str,
    day: date,
    start: datetime,
    previous_id: str,
    passcode_hash: str,
) -> Workshop:
    workshop = Workshop(
        id=new_id(DEMO_ID_PREFIX),
        title=data.titles[round_name].get(lang),
        date=day.isoformat(),
        language=lang,
        rubric_id=rubric.id,
        agenda_id=AGENDA_ID,
        created_at=_at(start - timedelta(days=7), 0),
        previous_id=previous_id,
    )
    members = [(g, g.rounds[round_name]) for g in data.groups if round_name in g.rounds]
    groups = [
        Group(
            id=new_id("g"),
            workshop_id=workshop.id,
            name=demo_group.name.get(lang),
            system=demo_group.system.get(lang),
            phase=demo_round.phase,
            tutor=demo_group.tutor.get(lang),
            position=position,
        )
        for position, (demo_group, demo_round) in enumerate(members)
    ]
    store.create_workshop(workshop, groups, passcode_hash)

    for group, (_, demo_round) in zip(groups, members, strict=True):
        # One batch per section, saved during that section's breakout (5 minutes of intro first).
        for index, section in enumerate(rubric.sections):
            changes = [
                AnswerChange(
                    item_id=item.id,
                    value=demo_round.answers[item.id],
                    note=demo_round.notes[item.id].get(lang) if item.id in demo_round.notes else "",
                )
                for item in section.items
            ]
            store.save_answers(
                workshop.id,
                group.id,
                changes,
                updated_by=group.tutor,
                updated_at=_at(start, 5 + SECTION_MINUTES * index + 8),
            )
        for action in demo_round.actions:
            store.add_action(
                ActionItem(
                    id=new_id("a"),
                    workshop_id=workshop.id,
                    group_id=group.id,
                    item_id=action.item_id,
                    what=action.what.get(lang),
                    owner=action.owner.get(lang),
                    priority=action.priority,
                    due=(day + timedelta(days=action.due_days)).isoformat(),
                    created_at=_at(start, 55),
                    created_by=group.tutor,
                    status=action.status,
                    updated_at=_at(start, 55) if action.status != "open" else "",
                    updated_by=group.tutor if action.status != "open" else "",
                )
            )
    return workshop


def create_demo(store: Store, lang: str, now: datetime | None = None) -> tuple[Workshop, Workshop]:
    """Create the demo: (current round dated today, previous round ~6 months earlier).

    ``now`` fixes "today" (tests); every text is in ``lang`` ("en" or "ja"). The
    host passcode of both workshops is :data:`DEMO_PASSCODE`.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (use {', '.join(LANGUAGES)})")
    rubric = load_rubric(RUBRIC_ID)
    data = load_demo(rubric)
    moment = _utc_now(now)
    today = moment.date()
    earlier = today - timedelta(days=ROUND_GAP_DAYS)
    passcode_hash = hash_passcode(DEMO_PASSCODE)
    previous = _create_round(
        store,
        data,
        rubric,
        round_name="previous",
        lang=lang,
        day=earlier,
        start=datetime.combine(earlier, START, tzinfo=UTC),
        previous_id="",
        passcode_hash=passcode_hash,
    )
    current = _create_round(
        store,
        data,
        rubric,
        round_name="current",
        lang=lang,
        day=today,
        # The current session ended just now, so no answer is stamped in the future.
        start=moment.replace(second=0) - timedelta(minutes=SESSION_MINUTES + 5),
        previous_id=previous.id,
        passcode_hash=passcode_hash,
    )
    return current, previous
