"""Creating, duplicating and archiving workshops: the host's preparation, minus the UI.

Input is checked here, once, for every way in (host page, CLI, tests): a name
that is too long is rejected with a message naming the field, never truncated
silently. Texts are kept exactly as typed (HTML, formula prefixes, emoji): the
pages escape them and the exports neutralise them. The one exception is
invisible control characters (NUL, BEL, ESC, ...): they cannot be stored
everywhere (XML-based APIs and many databases refuse NUL), they corrupt
terminals and CSV readers, and nobody types them on purpose, so text holding
one is rejected with a message, never stripped silently. Tab, line feed and
carriage return are ordinary text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from workshop.content.model import LANGUAGES
from workshop.models import PHASES, Group, Workshop
from workshop.security import hash_passcode, new_id
from workshop.store.base import NotFound, Store

#: What a new workshop (and the home page's rubric) uses unless the host picks another.
DEFAULT_RUBRIC_ID = "ml-test-score"
DEFAULT_AGENDA_ID = "standard-60"

MAX_TITLE = 120
MAX_NAME = 80
MAX_NOTE = 10_000
MAX_GROUPS = 40
MIN_PASSCODE = 6


class InputError(ValueError):
    """Input a person must correct; ``key`` is a UI text id (``errors.<key>``) with ``values``."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True)
class GroupDraft:
    """A group as the host types it, before codes and ids exist."""

    name: str
    system: str
    phase: str = "production"
    tutor: str = ""


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


#: C0 control characters other than tab, line feed and carriage return, and DEL.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_controls(value: str, field: str) -> None:
    """Reject text holding an invisible control character (see the module docstring).

    Checked before stripping: ``str.strip`` removes some controls (``\x1c``-``\x1f``)
    at the ends, which would be a silent change.
    """
    match = CONTROL_CHARS.search(value or "")
    if match:
        raise InputError("control_chars", field=field, char=f"U+{ord(match.group()):04X}")


def check_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    """Strip surrounding blanks; reject control characters, empty required fields, overlong text."""
    check_controls(value, field)
    text = (value or "").strip()
    if required and not text:
        raise InputError("required", field=field)
    if len(text) > limit:
        raise InputError("too_long", field=field, limit=limit, length=len(text))
    return text


def check_note(note: str) -> str:
    """Notes keep their inner formatting; only the length is limited (Sheets cells hold 50k)."""
    check_controls(note, "note")
    if len(note or "") > MAX_NOTE:
        raise InputError("too_long", field="note", limit=MAX_NOTE, length=len(note))
    return note or ""


def check_groups(groups: Sequence[GroupDraft]) -> list[GroupDraft]:
    cleaned: list[GroupDraft] = []
    seen: set[str] = set()
    for draft in groups:
        name = check_text(draft.name, "group", MAX_NAME)
        if not name:
            continue  # an empty row in the editor is not a group
        if name.casefold() in seen:
            raise InputError("duplicate_group", name=name)
        seen.add(name.casefold())
        if draft.phase not in PHASES:
            raise InputError("bad_phase", name=name, phase=draft.phase)
        cleaned.append(
            GroupDraft(
                name=name,
                system=check_text(draft.system, "system", MAX_NAME, required=True),
                phase=draft.phase,
                tutor=check_text(draft.tutor, "tutor", MAX_NAME),
            )
        )
    if not cleaned:
        raise InputError("no_groups")
    if len(cleaned) > MAX_GROUPS:
        raise InputError("too_many_groups", limit=MAX_GROUPS)
    return cleaned


def make_groups(
    workshop_id: str, drafts: Sequence[GroupDraft], *, first_position: int = 0
) -> list[Group]:
    """New groups from checked drafts: fresh ids (their links are derived from them).

    ``first_position`` places them after groups the workshop already has.
    """
    return [
        Group(
            id=new_id("g"),
            workshop_id=workshop_id,
            name=draft.name,
            system=draft.system,
            phase=draft.phase,
            tutor=draft.tutor,
            position=position,
        )
        for position, draft in enumerate(drafts, start=first_position)
    ]


def create_workshop(
    store: Store,
    *,
    title: str,
    date: str,
    language: str,
    rubric_id: str,
    agenda_id: str,
    passcode: str,
    groups: Sequence[GroupDraft],
    require_passcode: bool = True,
    previous_id: str = "",
) -> tuple[Workshop, list[Group]]:
    """Validate the host's input and create the workshop with its groups."""
    title = check_text(title, "title", MAX_TITLE, required=True)
    if language not in LANGUAGES:
        raise InputError("bad_language", language=language)
    if require_passcode and len(passcode or "") < MIN_PASSCODE:
        raise InputError("short_passcode", limit=MIN_PASSCODE)
    drafts = check_groups(groups)
    workshop = Workshop(
        id=new_id("w"),
        title=title,
        date=date,
        language=language,
        rubric_id=rubric_id,
        agenda_id=agenda_id,
        created_at=utc_now_iso(),
        previous_id=previous_id,
    )
    created = make_groups(workshop.id, drafts)
    store.create_workshop(workshop, created, hash_passcode(passcode) if passcode else "")
    return workshop, created


def duplicate_workshop(store: Store, workshop_id: str, *, title: str, date: str) -> Workshop:
    """The next round: same groups, systems, phases and host passcode; new links, no answers."""
    original = store.get_workshop(workshop_id)
    if original is None:
        raise NotFound(f"Workshop {workshop_id} does not exist.")
    groups = store.snapshot(workshop_id).groups
    workshop = replace(
        original,
        id=new_id("w"),
        title=check_text(title, "title", MAX_TITLE, required=True),
        date=date,
        created_at=utc_now_iso(),
        archived=False,
        closed=False,
        link_generation=0,
        previous_id=original.id,
    )
    drafts = [GroupDraft(g.name, g.system, g.phase, g.tutor) for g in groups]
    passcode_hash = store.host_passcode_hash(original.id)
    store.create_workshop(workshop, make_groups(workshop.id, drafts), passcode_hash)
    return workshop


def set_archived(store: Store, workshop_id: str, archived: bool) -> Workshop:
    workshop = store.get_workshop(workshop_id)
    if workshop is None:
        raise NotFound(f"Workshop {workshop_id} does not exist.")
    updated = replace(workshop, archived=archived)
    store.update_workshop(updated)
    return updated


def set_closed(store: Store, workshop_id: str, closed: bool) -> Workshop:
    """Close a workshop (tutors' changes are refused from then on), or open it again."""
    workshop = store.get_workshop(workshop_id)
    if workshop is None:
        raise NotFound(f"Workshop {workshop_id} does not exist.")
    updated = replace(workshop, closed=closed)
    store.update_workshop(updated)
    return updated


def regenerate_links(store: Store, workshop_id: str, group_id: str = "") -> None:
    """New links for one group (its join code and results link), or the workshop's results
    link (``group_id`` ""): the old ones stop working at once."""
    snapshot = store.snapshot(workshop_id)
    if not group_id:
        workshop = snapshot.workshop
        store.update_workshop(replace(workshop, link_generation=workshop.link_generation + 1))
        return
    try:
        group = snapshot.group(group_id)
    except KeyError:
        raise NotFound(f"Group {group_id} does not exist in workshop {workshop_id}.") from None
    store.upsert_group(replace(group, link_generation=group.link_generation + 1))


#: What the app's host passcode unlocks: every workshop.
ALL_WORKSHOPS = "*"


def host_grant(workshop: Workshop | None, app_passcode: str = "") -> str:
    """What a correct passcode unlocks: every workshop for the app's passcode, else this one.

    A session keeps the grants it earned (see :func:`host_unlocked`).
    """
    if app_passcode:
        return ALL_WORKSHOPS
    return workshop.id if workshop is not None else ""


def host_unlocked(grants: Collection[str], workshop: Workshop | None) -> bool:
    """Whether a session holding ``grants`` may use the host controls of ``workshop``.

    ``workshop`` None asks for controls outside any workshop (creating one), which
    only the app's passcode opens.
    """
    if ALL_WORKSHOPS in grants:
        return True
    return workshop is not None and workshop.id in grants


PHASE_ALIASES: dict[str, str] = {
    "poc": "poc",
    "proof of concept": "poc",
    "proof-of-concept": "poc",
    "概念実証": "poc",
    "validation": "validation",
    "technical validation": "validation",
    "検証": "validation",
    "技術検証": "validation",
    "production": "production",
    "prod": "production",
    "本番": "production",
    "本番運用": "production",
}


def parse_group_lines(text: str) -> list[GroupDraft]:
    """Groups as a host pastes them: one per line, ``name; system; phase; tutor``.

    Tabs (a block copied from a spreadsheet) or semicolons separate the fields;
    phase and tutor are optional (phase defaults to production). A line with an
    unknown phase is an error naming the line, not a silent default.
    """
    drafts: list[GroupDraft] = []
    # Only real line breaks end a line: str.splitlines() would also split at control
    # characters (\x0b, \x1c, ...) and U+2028, silently cutting a name in two.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else ";"
        raw = line.split(separator)
        for name, text_field in zip(("group", "system", "", "tutor"), raw, strict=False):
            if name:
                check_controls(text_field, name)  # before strip() can drop one silently
        fields = [field.strip() for field in raw]
        fields += [""] * (4 - len(fields))
        name, system, phase_text, tutor = fields[:4]
        if len(fields) > 4 and any(fields[4:]):
            raise InputError("group_line_fields", line=number)
        phase = PHASE_ALIASES.get(phase_text.casefold(), "") if phase_text else "production"
        if not phase:
            raise InputError("group_line_phase", line=number, phase=phase_text)
        if not system:
            raise InputError("group_line_system", line=number, name=name)
        drafts.append(GroupDraft(name=name, system=system, phase=phase, tutor=tutor))
    return drafts


def preferred_index(options: Sequence[str], preferred: str) -> int:
    """Where ``preferred`` stands among ``options`` (a picker's default), else 0: the first."""
    return options.index(preferred) if preferred in options else 0


def group_lines(groups: Sequence[GroupDraft]) -> str:
    """The inverse of :func:`parse_group_lines`, to prefill the editor."""
    return "\n".join(f"{g.name}; {g.system}; {g.phase}; {g.tutor}".rstrip("; ") for g in groups)
