"""Load and validate the YAML content: rubrics, agendas and UI texts.

Content is written by workshop hosts, not only by developers, so a hand-written
validator is used instead of a schema library: every problem names the file,
the item and what is wrong in plain words, and all problems of a file are
reported at once. Checking and building the objects of
:mod:`workshop.content_model` happen in one pass (:class:`_Reader`), so what the
validator accepts and what the loader builds can never disagree.

Two ways to load:

* ``load_rubrics`` / ``load_agendas`` / ``load_ui_texts`` (and the single-id
  variants) raise :class:`ContentError` when a file they need is broken;
* :func:`load_catalog` loads every valid file and *collects* the problems of the
  broken ones, so the app still starts and can say which file to fix.

Results are cached on the folders plus every file's mtime and size, so pages do
not re-parse YAML on each Streamlit rerun, yet an edited file is picked up.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from workshop.content_model import (
    LANGUAGES,
    Agenda,
    Band,
    Item,
    Rubric,
    Section,
    Segment,
    Text,
    level_key,
)

ENV_VAR = "WORKSHOP_CONTENT_DIRS"


def _shipped_content_dir() -> Path:
    """The content shipped with the app: the data package ``workshop_content``.

    In a checkout (editable install) that is the ``content/`` folder; in an installed
    wheel, the package's folder in site-packages (see pyproject.toml). Found through
    importlib.resources, never by walking up from this file.
    """
    from importlib.resources import files

    return Path(str(files("workshop_content")))


PACKAGE_CONTENT_DIR = _shipped_content_dir()

# Folder name -> kind of file it holds.
FOLDER_KINDS: Mapping[str, str] = MappingProxyType(
    {"rubrics": "rubric", "agendas": "agenda", "ui": "ui"}
)
SEGMENT_KINDS: tuple[str, ...] = ("intro", "section", "wrapup")
YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SEGMENT_ID = re.compile(r"^[a-z0-9_-]+$")
_UI_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TOP = "top level"
# A space between two Japanese characters: almost always a line break that YAML folded.
_FOLDED_JA = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff、。「」（）] [\u3040-\u30ff\u3400-\u9fff、。「」（）]"
)


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with a content file.

    ``where`` locates it inside the file (``"item data-2"``, ``"line 12"``,
    ``"top level"``); ``kind`` ("rubric", "agenda", "ui", "unknown", "folder")
    lets a loader raise only for the files it was asked for.
    """

    path: str
    where: str
    message: str
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.where:
            return f"{self.path}: {self.where}: {self.message}"
        return f"{self.path}: {self.message}"


class ContentError(Exception):
    """A content file that is needed cannot be used; ``problems`` says why, one per line."""

    def __init__(self, problems: Iterable[ContentProblem]) -> None:
        self.problems: list[ContentProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --------------------------------------------------------------------------- YAML


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping repeats a key; plain YAML would silently keep the last one."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of overwriting.

    A duplicated item or UI key is almost always a copy-paste slip whose first
    version would otherwise vanish without a trace.
    """

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = key in first_line
                except TypeError:  # unhashable key: the base class reports it
                    continue
                if seen:
                    raise DuplicateKeyError(
                        None,
                        None,
                        f'duplicate key "{key}" (first used on line {first_line[key] + 1})',
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, shown: str, kind: str) -> tuple[Any, list[ContentProblem]]:
    """Parse one file; problems carry the line number the YAML library reports."""

    def problem(where: str, message: str) -> tuple[Any, list[ContentProblem]]:
        return None, [ContentProblem(shown, where, message, kind)]

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return problem("file", "is not UTF-8 text; save it as UTF-8")
    except OSError as error:
        return problem("file", f"cannot be read ({error.strerror or error})")
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except DuplicateKeyError as error:
        mark = error.problem_mark
        return problem(f"line {mark.line + 1}" if mark else "file", str(error.problem))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"YAML syntax error: {error.problem or error.context}"
        if error.context and error.problem:
            context_mark = error.context_mark
            if context_mark is not None and mark is not None and context_mark.line != mark.line:
                message += f" ({error.context} that starts on line {context_mark.line + 1})"
            else:
                message += f" ({error.context})"
        return problem(f"line {mark.line + 1}" if mark else "file", message)
    except yaml.YAMLError as error:
        return problem("file", f"YAML error: {error}")
    if data is None:
        return problem("file", "is empty")
    return data, []


# --------------------------------------------------------------------------- checking


def _describe(value: Any) -> str:
    """Name a YAML value's type in words a content author understands."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f'text ("{value}")' if len(value) <= 40 else "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _with_label(label: str, rest: str) -> str:
    """ "title" + "is missing the ja text"; without a label: "missing the ja text"."""
    if label:
        return f"{label} {rest}"
    return rest.removeprefix("is ")


class _Reader:
    """Collects problems for one file while building its objects.

    Every check returns the converted value, or None after recording a problem,
    so callers can keep going and report everything wrong in one run.
    """

    def __init__(self, path: str, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.problems: list[ContentProblem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(ContentProblem(self.path, where, message, self.kind))

    def mapping(self, value: Any, where: str, label: str) -> dict[Any, Any] | None:
        if isinstance(value, dict):
            return value
        self.add(where, f"{label} must be a mapping, got {_describe(value)}")
        return None

    def sequence(self, value: Any, where: str, label: str, min_len: int = 1) -> list[Any] | None:
        if not isinstance(value, list):
            self.add(where, f"{label} must be a list, got {_describe(value)}")
            return None
        if len(value) < min_len:
            entries = "entry" if min_len == 1 else "entries"
            self.add(where, f"{label} must have at least {min_len} {entries}")
            return None
        return value

    def keys(
        self,
        data: Mapping[Any, Any],
        where: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> None:
        for key in required:
            if key not in data:
                self.add(where, f'missing key "{key}"')
        allowed = (*required, *optional)
        for key in data:
            if key not in allowed:
                self.add(where, f'unknown key "{key}" (allowed: {", ".join(allowed)})')

    def text(self, value: Any, where: str, label: str) -> Text | None:
        """A ``{en, ja}`` mapping with both languages non-empty."""
        if not isinstance(value, dict):
            self.add(
                where,
                _with_label(
                    label, f"must be a mapping like {{en: ..., ja: ...}}, got {_describe(value)}"
                ),
            )
            return None
        ok = True
        for lang in LANGUAGES:
            if lang not in value or value[lang] is None:
                self.add(where, _with_label(label, f"is missing the {lang} text"))
                ok = False
            elif not isinstance(value[lang], str):
                self.add(
                    where,
                    _with_label(
                        label,
                        f"has a {lang} text that is {_describe(value[lang])}, not text "
                        "(put it in quotes)",
                    ),
                )
                ok = False
            elif not value[lang].strip():
                self.add(where, _with_label(label, f"has an empty {lang} text"))
                ok = False
            elif lang == "ja" and _FOLDED_JA.search(value[lang]):
                self.add(
                    where,
                    _with_label(
                        label,
                        "has a space between Japanese characters in the ja text; YAML `>` "
                        "folding turns line breaks into spaces: write it on one quoted line",
                    ),
                )
                ok = False
        for key in value:
            if key not in LANGUAGES:
                self.add(
                    where,
                    _with_label(
                        label, f'has an unknown language "{key}" (only {", ".join(LANGUAGES)})'
                    ),
                )
                ok = False
        # Block scalars (| and >) end with a newline; nobody means to show it.
        return Text(en=value["en"].strip(), ja=value["ja"].strip()) if ok else None

    def ident(
        self, value: Any, where: str, label: str, pattern: re.Pattern[str] = _ID
    ) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"{label} must be text, got {_describe(value)}")
            return None
        if not pattern.match(value):
            allowed = (
                'lowercase letters, digits and "-"'
                if pattern is _ID
                else 'lowercase letters, digits, "_" and "-"'
            )
            self.add(where, f'{label} "{value}" may only use {allowed}')
            return None
        return value

    def number(self, value: Any, where: str, label: str) -> float | None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.add(where, f"{label} must be a number, got {_describe(value)}")
            return None
        return float(value)


def _stem_check(reader: _Reader, found: str | None, path: str | Path, what: str) -> None:
    stem = Path(path).stem
    if found is not None and found != stem:
        reader.add(
            _TOP,
            f'{what} id "{found}" does not match the file name "{Path(path).name}"; '
            f'rename the file to "{found}.yaml" or set id: {stem}',
        )


def _as_level(raw: Any) -> str | None:
    """A level key as canonical text ("0.50" and 0.5 both become "0.5"), or None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        try:
            number = float(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return level_key(number) if math.isfinite(number) else None


# --------------------------------------------------------------------------- rubric


_RUBRIC_KEYS = ("id", "title", "description", "levels", "level_labels", "bands", "sections")
_BAND_KEYS = ("id", "max", "label", "meaning")
_SECTION_KEYS = ("id", "title", "short", "description", "items")
_ITEM_KEYS = ("id", "title", "explanation", "criteria", "questions")


def _levels(reader: _Reader, value: Any) -> tuple[float, ...] | None:
    values = reader.sequence(value, _TOP, "levels", min_len=0)
    if values is None:
        return None
    numbers = [reader.number(raw, _TOP, f"levels[{index}]") for index, raw in enumerate(values)]
    if any(number is None for number in numbers):
        return None
    levels = tuple(number for number in numbers if number is not None)
    ok = True
    if len(levels) < 2:
        reader.add(_TOP, "levels needs at least two values, e.g. [0, 0.5, 1]")
        ok = False
    if levels and levels[0] != 0:
        reader.add(_TOP, f"levels must start at 0 (not done), got {level_key(levels[0])} first")
        ok = False
    if any(later <= earlier for earlier, later in itertools.pairwise(levels)):
        shown = ", ".join(level_key(level) for level in levels)
        reader.add(_TOP, f"levels must be in ascending order without repeats, got [{shown}]")
        ok = False
    return levels if ok else None


def _texts_by_level(
    reader: _Reader, value: Any, where: str, label: str, levels: tuple[float, ...] | None
) -> dict[str, Text] | None:
    """A mapping level -> text whose keys are exactly the rubric's levels."""
    entries = reader.mapping(value, where, label)
    if entries is None:
        return None
    before = len(reader.problems)
    result: dict[str, Text] = {}
    for raw_key, raw_text in entries.items():
        key = _as_level(raw_key)
        if key is None:
            reader.add(where, f'{label} has the key "{raw_key}", which is not a level number')
            continue
        if key in result:
            reader.add(where, f'{label} has level "{key}" twice')
            continue
        text = reader.text(raw_text, where, f'{label} for level "{key}"')
        if text is not None:
            result[key] = text
    if levels is not None:
        expected = [level_key(level) for level in levels]
        present = {_as_level(raw) for raw in entries} - {None}
        for key in expected:
            if key not in present:
                reader.add(where, f'{label} has no entry for level "{key}"')
        for key in sorted(present - set(expected)):  # type: ignore[type-var]
            reader.add(
                where,
                f'{label} has level "{key}", which is not one of the levels '
                f"({', '.join(expected)})",
            )
    return result if len(reader.problems) == before else None


def _bands(reader: _Reader, value: Any) -> tuple[Band, ...] | None:
    raw_bands = reader.sequence(value, _TOP, "bands")
    if raw_bands is None:
        return None
    before = len(reader.problems)
    bands: list[Band] = []
    first_index: dict[str, int] = {}
    previous: tuple[str, float] | None = None  # (where, max) of the last band with a max
    for index, raw in enumerate(raw_bands):
        where = f"bands[{index}]"
        data = reader.mapping(raw, where, "a band")
        if data is None:
            continue
        band_id = data.get("id")
        if isinstance(band_id, str) and band_id.strip():
            where = f"band {band_id}"
            if band_id in first_index:
                first = first_index[band_id]
                reader.add(where, f'duplicate band id "{band_id}" (also bands[{first}])')
            first_index.setdefault(band_id, index)
        elif "id" in data:
            reader.add(where, f"id must be text (put it in quotes), got {_describe(band_id)}")
        reader.keys(data, where, _BAND_KEYS)
        maximum: float | None = None
        if "max" in data and data["max"] is not None:
            maximum = reader.number(data["max"], where, "max")
            if maximum is not None:
                if previous is not None and maximum <= previous[1]:
                    reader.add(
                        where,
                        f"bands must be in ascending order of max: {level_key(maximum)} is not "
                        f"above {level_key(previous[1])} of {previous[0]}",
                    )
                previous = (where, maximum)
        elif "max" in data and index < len(raw_bands) - 1:
            reader.add(where, "only the last band may have max: null")
        if index == len(raw_bands) - 1 and "max" in data and data["max"] is not None:
            reader.add(
                where,
                "the last band must have max: null (it holds every score above the previous band)",
            )
        label = reader.text(data.get("label"), where, "label") if "label" in data else None
        meaning = reader.text(data.get("meaning"), where, "meaning") if "meaning" in data else None
        bands.append(Band(id=str(band_id), max=maximum, label=label, meaning=meaning))  # type: ignore[arg-type]
    return tuple(bands) if len(reader.problems) == before else None


def _item(
    reader: _Reader,
    raw: Any,
    where: str,
    section_id: str | None,
    levels: tuple[float, ...] | None,
    seen: dict[str, str],
) -> Item | None:
    data = reader.mapping(raw, where, "an item")
    if data is None:
        return None
    position = where
    item_id = reader.ident(data["id"], where, "id") if "id" in data else None
    if item_id is not None:
        where = f"item {item_id}"
        if item_id in seen:
            reader.add(where, f'duplicate item id "{item_id}" (also {seen[item_id]})')
        seen.setdefault(item_id, position)
        if section_id is not None and not item_id.startswith(f"{section_id}-"):
            reader.add(
                where,
                f'item id "{item_id}" must start with "{section_id}-", the id of its section',
            )
    reader.keys(data, where, _ITEM_KEYS, ("not_applicable",))
    title = reader.text(data["title"], where, "title") if "title" in data else None
    explanation = (
        reader.text(data["explanation"], where, "explanation") if "explanation" in data else None
    )
    criteria = (
        _texts_by_level(reader, data["criteria"], where, "criteria", levels)
        if "criteria" in data
        else None
    )
    not_applicable = None
    if data.get("not_applicable") is not None:
        not_applicable = reader.text(data["not_applicable"], where, "not_applicable")
    questions: list[Text] = []
    if "questions" in data:
        raw_questions = reader.sequence(data["questions"], where, "questions")
        for index, raw_question in enumerate(raw_questions or []):
            question = reader.text(raw_question, where, f"questions[{index}]")
            if question is not None:
                questions.append(question)
    return Item(
        id=item_id or "",
        section_id=section_id or "",
        title=title,  # type: ignore[arg-type]  # discarded when a problem was recorded
        explanation=explanation,  # type: ignore[arg-type]
        criteria=criteria or {},
        not_applicable=not_applicable,
        questions=tuple(questions),
    )


def _sections(reader: _Reader, value: Any, levels: tuple[float, ...] | None) -> tuple[Section, ...]:
    raw_sections = reader.sequence(value, _TOP, "sections")
    sections: list[Section] = []
    section_seen: dict[str, str] = {}
    item_seen: dict[str, str] = {}
    for s_index, raw in enumerate(raw_sections or []):
        where = f"sections[{s_index}]"
        data = reader.mapping(raw, where, "a section")
        if data is None:
            continue
        section_id = reader.ident(data["id"], where, "id") if "id" in data else None
        if section_id is not None:
            if section_id in section_seen:
                reader.add(
                    f"section {section_id}",
                    f'duplicate section id "{section_id}" (also {section_seen[section_id]})',
                )
            section_seen.setdefault(section_id, where)
        here = f"section {section_id}" if section_id else where
        reader.keys(data, here, _SECTION_KEYS)
        texts = {
            key: reader.text(data[key], here, key) if key in data else None
            for key in ("title", "short", "description")
        }
        items: list[Item] = []
        if "items" in data:
            raw_items = reader.sequence(data["items"], here, "items")
            for i_index, raw_item in enumerate(raw_items or []):
                item_where = f"sections[{s_index}].items[{i_index}]"
                item = _item(reader, raw_item, item_where, section_id, levels, item_seen)
                if item is not None:
                    items.append(item)
        sections.append(
            Section(
                id=section_id or "",
                title=texts["title"],  # type: ignore[arg-type]
                short=texts["short"],  # type: ignore[arg-type]
                description=texts["description"],  # type: ignore[arg-type]
                items=tuple(items),
            )
        )
    return tuple(sections)


def _parse_rubric(
    data: Any, path: str | Path, shown: str
) -> tuple[Rubric | None, list[ContentProblem]]:
    reader = _Reader(shown, "rubric")
    top = reader.mapping(data, "file", "the file")
    if top is None:
        return None, reader.problems
    reader.keys(top, _TOP, _RUBRIC_KEYS)
    rubric_id = reader.ident(top["id"], _TOP, "id") if "id" in top else None
    _stem_check(reader, rubric_id, path, "rubric")
    title = reader.text(top["title"], _TOP, "title") if "title" in top else None
    description = (
        reader.text(top["description"], _TOP, "description") if "description" in top else None
    )
    levels = _levels(reader, top["levels"]) if "levels" in top else None
    level_labels = (
        _texts_by_level(reader, top["level_labels"], _TOP, "level_labels", levels)
        if "level_labels" in top
        else None
    )
    bands = _bands(reader, top["bands"]) if "bands" in top else None
    sections = _sections(reader, top["sections"], levels) if "sections" in top else ()
    if reader.problems:
        return None, reader.problems
    rubric = Rubric(
        id=rubric_id or "",
        title=title,  # type: ignore[arg-type]
        description=description,  # type: ignore[arg-type]
        levels=levels or (),
        level_labels=level_labels or {},
        bands=bands or (),
        sections=sections,
        source_path=shown,
    )
    return rubric, []


# --------------------------------------------------------------------------- agenda


_AGENDA_KEYS = ("id", "title", "segments")
_SEGMENT_KEYS = ("id", "kind", "title", "minutes")
_SEGMENT_OPTIONAL = ("section", "talking_points")


def _rubric_sections(rubrics: Mapping[str, Rubric] | Iterable[Rubric] | None) -> set[str] | None:
    if rubrics is None:
        return None
    values = rubrics.values() if isinstance(rubrics, Mapping) else rubrics
    return {section.id for rubric in values for section in rubric.sections}


def _segment(
    reader: _Reader, raw: Any, where: str, known_sections: set[str] | None, seen: dict[str, str]
) -> Segment | None:
    data = reader.mapping(raw, where, "a segment")
    if data is None:
        return None
    position = where
    segment_id = reader.ident(data["id"], where, "id", _SEGMENT_ID) if "id" in data else None
    if segment_id is not None:
        where = f"segment {segment_id}"
        if segment_id in seen:
            reader.add(where, f'duplicate segment id "{segment_id}" (also {seen[segment_id]})')
        seen.setdefault(segment_id, position)
    reader.keys(data, where, _SEGMENT_KEYS, _SEGMENT_OPTIONAL)
    kind = data.get("kind")
    if "kind" in data and kind not in SEGMENT_KINDS:
        reader.add(where, f'kind "{kind}" is unknown; use one of {", ".join(SEGMENT_KINDS)}')
    title = reader.text(data["title"], where, "title") if "title" in data else None
    minutes = reader.number(data["minutes"], where, "minutes") if "minutes" in data else None
    if minutes is not None and minutes <= 0:
        reader.add(where, f"minutes must be more than 0, got {level_key(minutes)}")
    section_id: str | None = None
    raw_section = data.get("section")
    if kind == "section":
        if raw_section is None:
            reader.add(where, "a section segment needs section: <id of a rubric section>")
        else:
            section_id = reader.ident(raw_section, where, "section")
            if (
                section_id is not None
                and known_sections is not None
                and section_id not in known_sections
            ):
                known = ", ".join(sorted(known_sections)) or "none"
                reader.add(
                    where,
                    f'section "{section_id}" is not a section of any loaded rubric '
                    f"(known: {known})",
                )
    elif raw_section is not None and kind in SEGMENT_KINDS:
        reader.add(where, f"only section segments have a section; use section: null for {kind}")
    points: list[Text] = []
    if data.get("talking_points") is not None:
        raw_points = reader.sequence(data["talking_points"], where, "talking_points", min_len=0)
        for index, raw_point in enumerate(raw_points or []):
            point = reader.text(raw_point, where, f"talking_points[{index}]")
            if point is not None:
                points.append(point)
    return Segment(
        id=segment_id or "",
        title=title,  # type: ignore[arg-type]
        minutes=minutes or 0.0,
        section_id=section_id,
        talking_points=tuple(points),
        kind=kind if isinstance(kind, str) else "",
    )


def _parse_agenda(
    data: Any,
    path: str | Path,
    shown: str,
    rubrics: Mapping[str, Rubric] | Iterable[Rubric] | None,
) -> tuple[Agenda | None, list[ContentProblem]]:
    reader = _Reader(shown, "agenda")
    top = reader.mapping(data, "file", "the file")
    if top is None:
        return None, reader.problems
    reader.keys(top, _TOP, _AGENDA_KEYS)
    agenda_id = reader.ident(top["id"], _TOP, "id") if "id" in top else None
    _stem_check(reader, agenda_id, path, "agenda")
    title = reader.text(top["title"], _TOP, "title") if "title" in top else None
    known_sections = _rubric_sections(rubrics)
    segments: list[Segment] = []
    seen: dict[str, str] = {}
    if "segments" in top:
        raw_segments = reader.sequence(top["segments"], _TOP, "segments")
        for index, raw in enumerate(raw_segments or []):
            segment = _segment(reader, raw, f"segments[{index}]", known_sections, seen)
            if segment is not None:
                segments.append(segment)
    if reader.problems:
        return None, reader.problems
    agenda = Agenda(
        id=agenda_id or "",
        title=title,  # type: ignore[arg-type]
        segments=tuple(segments),
        source_path=shown,
    )
    return agenda, []


# --------------------------------------------------------------------------- UI texts


def placeholders(template: str) -> set[str]:
    """Names of the ``{name}`` placeholders in ``template``.

    Raises ValueError for a malformed template or a positional ``{}`` / ``{0}``,
    which :func:`workshop.i18n.translate` could never fill.
    """
    names: set[str] = set()
    for _literal, name, _spec, _conversion in string.Formatter().parse(template):
        if name is None:
            continue
        root = re.split(r"[.\[]", name, maxsplit=1)[0]
        if not root or root.isdigit():
            raise ValueError(f"use named placeholders like {{name}}, not {{{name}}}")
        names.add(root)
    return names


def _parse_ui(data: Any, shown: str) -> tuple[dict[str, Text], list[ContentProblem]]:
    """Valid entries of a UI file (bad ones are skipped) and the problems found."""
    reader = _Reader(shown, "ui")
    entries = reader.mapping(data, "file", "the file")
    if entries is None:
        return {}, reader.problems
    texts: dict[str, Text] = {}
    for key, raw in entries.items():
        if not isinstance(key, str) or not _UI_KEY.match(key):
            reader.add(
                f"key {key}",
                'keys may only use letters, digits, "_" and "-" (quote keys like yes/no/on/off)',
            )
            continue
        where = f"key {key}"
        before = len(reader.problems)
        text = reader.text(raw, where, "")
        if text is None:
            continue
        found: dict[str, set[str]] = {}
        for lang in LANGUAGES:
            try:
                found[lang] = placeholders(text.get(lang))
            except ValueError as error:
                reader.add(
                    where,
                    f"the {lang} text is not a valid template ({error}); "
                    "write {{ and }} for literal braces",
                )
        if len(found) == len(LANGUAGES) and found["en"] != found["ja"]:

            def shown_names(names: set[str]) -> str:
                return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"

            reader.add(
                where,
                f"placeholders differ: en has {shown_names(found['en'])}, "
                f"ja has {shown_names(found['ja'])}",
            )
        if len(reader.problems) == before:
            texts[key] = text
    return texts, reader.problems


# --------------------------------------------------------------------------- public validators


def _shown(path: str | Path) -> str:
    """How a path appears in messages: relative to the working folder when inside it."""
    candidate = Path(path)
    try:
        return str(candidate.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def validate_rubric_data(data: Any, path: str | Path) -> list[ContentProblem]:
    """Problems of parsed rubric YAML ``data`` read from ``path`` (its stem must be the id)."""
    return _parse_rubric(data, path, str(path))[1]


def validate_agenda_data(
    data: Any,
    path: str | Path,
    rubrics: Mapping[str, Rubric] | Iterable[Rubric] | None = None,
) -> list[ContentProblem]:
    """Problems of parsed agenda YAML; with ``rubrics``, section ids are checked against them."""
    return _parse_agenda(data, path, str(path), rubrics)[1]


def validate_ui_data(data: Any, path: str | Path) -> list[ContentProblem]:
    """Problems of one parsed UI text file (duplicates across files need :func:`validate_paths`)."""
    return _parse_ui(data, str(path))[1]


def agenda_fits_rubric(agenda: Agenda, rubric: Rubric) -> list[ContentProblem]:
    """Why ``agenda`` cannot run a workshop with ``rubric`` (empty list: it can).

    Used when a host pairs an agenda with a rubric; the catalog only knows that
    each section exists in *some* rubric.
    """
    known = {section.id for section in rubric.sections}
    return [
        ContentProblem(
            agenda.source_path or agenda.id,
            f"segment {segment.id}",
            f'section "{segment.section_id}" is not a section of rubric "{rubric.id}" '
            f"(its sections: {', '.join(sorted(known))})",
            "agenda",
        )
        for segment in agenda.segments
        if segment.section_id is not None and segment.section_id not in known
    ]


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class Catalog:
    """Everything loaded from the content folders, plus what could not be loaded.

    The mappings are read-only because one Catalog is shared by every session.
    """

    rubrics: Mapping[str, Rubric]
    agendas: Mapping[str, Agenda]
    ui: Mapping[str, Text]  # "<area>.<key>" -> text
    problems: tuple[ContentProblem, ...]
    ui_files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def _detect_kind(data: Any) -> str | None:
    """Kind of a file outside rubrics/, agendas/ and ui/, guessed from its top-level keys."""
    if not isinstance(data, dict) or not data:
        return None
    if all(isinstance(value, dict) and set(value) & set(LANGUAGES) for value in data.values()):
        return "ui"
    if set(data) & {"levels", "level_labels", "bands", "sections"}:
        return "rubric"
    if "segments" in data:
        return "agenda"
    return None


def _build_catalog(
    files: Sequence[tuple[Path, str | None]],
    fallback_rubrics: Mapping[str, Rubric] | None = None,
    problems: Sequence[ContentProblem] = (),
) -> Catalog:
    """Parse ``files`` (path, kind or None to detect) into a Catalog that never raises."""
    found = list(problems)
    parsed: list[tuple[Path, str, str, Any]] = []
    for path, folder_kind in files:
        shown = _shown(path)
        data, read_problems = _read_yaml(path, shown, folder_kind or "unknown")
        if read_problems:
            found.extend(read_problems)
            continue
        kind = folder_kind or _detect_kind(data)
        if kind is None:
            found.append(
                ContentProblem(
                    shown,
                    "file",
                    "cannot tell whether this is a rubric, an agenda or UI texts; "
                    "put it in a rubrics/, agendas/ or ui/ folder",
                    "unknown",
                )
            )
            continue
        parsed.append((path, shown, kind, data))

    rubrics: dict[str, Rubric] = {}
    for path, shown, kind, data in parsed:
        if kind != "rubric":
            continue
        rubric, rubric_problems = _parse_rubric(data, path, shown)
        found.extend(rubric_problems)
        if rubric is None:
            continue
        if rubric.id in rubrics:
            found.append(_duplicate_id(shown, "rubric", rubric.id, rubrics[rubric.id].source_path))
            continue
        rubrics[rubric.id] = rubric

    # Agendas are checked against the rubrics loaded with them; when no rubric
    # loaded at all, its own problem is reported and sections are not second-guessed.
    context = rubrics or fallback_rubrics or None
    agendas: dict[str, Agenda] = {}
    for path, shown, kind, data in parsed:
        if kind != "agenda":
            continue
        agenda, agenda_problems = _parse_agenda(data, path, shown, context)
        found.extend(agenda_problems)
        if agenda is None:
            continue
        if agenda.id in agendas:
            found.append(_duplicate_id(shown, "agenda", agenda.id, agendas[agenda.id].source_path))
            continue
        agendas[agenda.id] = agenda

    ui: dict[str, Text] = {}
    origin: dict[str, str] = {}
    ui_files: list[str] = []
    for path, shown, kind, data in parsed:
        if kind != "ui":
            continue
        ui_files.append(shown)
        area = path.stem
        entries, ui_problems = _parse_ui(data, shown)
        found.extend(ui_problems)
        for key, text in entries.items():
            full_key = f"{area}.{key}"
            if full_key in ui:
                found.append(
                    ContentProblem(
                        shown,
                        f"key {key}",
                        f'"{full_key}" is already defined in {origin[full_key]}',
                        "ui",
                    )
                )
                continue
            ui[full_key] = text
            origin[full_key] = shown

    return Catalog(
        rubrics=MappingProxyType(rubrics),
        agendas=MappingProxyType(agendas),
        ui=MappingProxyType(ui),
        problems=tuple(found),
        ui_files=tuple(ui_files),
    )


def _duplicate_id(shown: str, kind: str, item_id: str, first: str) -> ContentProblem:
    return ContentProblem(
        shown, _TOP, f'{kind} id "{item_id}" is already used by {first}; this file is ignored', kind
    )


def _is_yaml(path: Path) -> bool:
    return path.is_file() and path.suffix in YAML_SUFFIXES and not path.name.startswith(".")


def _files_in_content_dir(root: Path) -> list[tuple[Path, str | None]]:
    """The files the app loads from one content folder: its rubrics/, agendas/ and ui/
    subfolders, plus loose YAML files at its top whose kind is guessed from their keys."""
    files: list[tuple[Path, str | None]] = []
    for folder, kind in FOLDER_KINDS.items():
        sub = root / folder
        if sub.is_dir():
            files.extend((path, kind) for path in sorted(sub.iterdir()) if _is_yaml(path))
    files.extend((path, None) for path in sorted(root.iterdir()) if _is_yaml(path))
    return files


def content_dirs() -> list[Path]:
    """The shipped ``content/`` folder, then every folder listed in ``WORKSHOP_CONTENT_DIRS``.

    Earlier folders win when two files use the same id, so a user folder can add
    rubrics and agendas but not silently replace the shipped ones.
    """
    dirs = [PACKAGE_CONTENT_DIR]
    for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if entry.strip():
            candidate = Path(entry.strip()).expanduser()
            if not any(_same_path(candidate, known) for known in dirs):
                dirs.append(candidate)
    return dirs


def _same_path(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return one == other


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


def load_catalog(dirs: Sequence[str | Path] | None = None) -> Catalog:
    """Every valid rubric, agenda and UI text in ``dirs`` (default :func:`content_dirs`).

    Never raises for broken content: problems are collected in ``Catalog.problems``.
    Cached until a file is added, removed or changed (by mtime and size).
    """
    roots = tuple(Path(directory) for directory in (content_dirs() if dirs is None else dirs))
    fingerprint: list[tuple[str, str | None, int, int]] = []
    missing: list[str] = []
    for root in roots:
        if not root.is_dir():
            missing.append(str(root))
            continue
        for path, kind in _files_in_content_dir(root):
            fingerprint.append((str(path), kind, *_stat_key(path)))
    return _load_catalog_cached(tuple(fingerprint), tuple(missing), str(Path.cwd()))


@functools.lru_cache(maxsize=16)
def _load_catalog_cached(
    fingerprint: tuple[tuple[str, str | None, int, int], ...],
    missing: tuple[str, ...],
    _cwd: str,  # part of the key only: shown paths are relative to it
) -> Catalog:
    problems = [
        ContentProblem(
            folder,
            "folder",
            f"does not exist (check {ENV_VAR} or the path you gave)",
            "folder",
        )
        for folder in missing
    ]
    files = [(Path(path), kind) for path, kind, _mtime, _size in fingerprint]
    return _build_catalog(files, problems=problems)


def _files_for_path(path: Path) -> list[tuple[Path, str | None]]:
    """Files to validate for one command-line path; kind from the parent folder's name."""
    if path.is_file():
        return [(path, FOLDER_KINDS.get(path.parent.name))]
    candidates = sorted(
        candidate
        for suffix in YAML_SUFFIXES
        for candidate in path.rglob(f"*{suffix}")
        if _is_yaml(candidate)
    )
    return [(candidate, FOLDER_KINDS.get(candidate.parent.name)) for candidate in candidates]


def check_paths(
    paths: Sequence[str | Path], rubrics: Mapping[str, Rubric] | None = None
) -> Catalog:
    """Validate files and folders (searched recursively) as one set, uncached.

    Agendas are checked against the rubrics among ``paths``, or against
    ``rubrics`` when ``paths`` hold none (e.g. ``workshop validate my-agenda.yaml``).
    """
    files: list[tuple[Path, str | None]] = []
    problems: list[ContentProblem] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(ContentProblem(str(raw), "file", "does not exist", "unknown"))
            continue
        found = _files_for_path(path)
        if not found:
            problems.append(ContentProblem(str(raw), "folder", "holds no .yaml files", "unknown"))
        files.extend(candidate for candidate in found if candidate not in files)
    return _build_catalog(files, fallback_rubrics=rubrics, problems=problems)


def validate_paths(
    paths: Sequence[str | Path], rubrics: Mapping[str, Rubric] | None = None
) -> list[ContentProblem]:
    """Problems in the given files or folders (see :func:`check_paths`)."""
    return list(check_paths(paths, rubrics).problems)


# --------------------------------------------------------------------------- strict loaders


def _problems_of(catalog: Catalog, kind: str, stem: str | None = None) -> list[ContentProblem]:
    return [
        problem
        for problem in catalog.problems
        if problem.kind == kind and (stem is None or Path(problem.path).stem == stem)
    ]


def load_rubrics(dirs: Sequence[str | Path] | None = None) -> dict[str, Rubric]:
    """All rubrics by id; raises ContentError if any rubric file is broken."""
    catalog = load_catalog(dirs)
    problems = _problems_of(catalog, "rubric")
    if problems:
        raise ContentError(problems)
    return dict(catalog.rubrics)


def load_rubric(rubric_id: str, dirs: Sequence[str | Path] | None = None) -> Rubric:
    """One rubric; ContentError if its file is broken, KeyError if there is none."""
    catalog = load_catalog(dirs)
    if rubric_id in catalog.rubrics:
        return catalog.rubrics[rubric_id]
    problems = _problems_of(catalog, "rubric", rubric_id)
    if problems:
        raise ContentError(problems)
    raise KeyError(f"no rubric {rubric_id!r} (available: {', '.join(catalog.rubrics) or 'none'})")


def load_agendas(dirs: Sequence[str | Path] | None = None) -> dict[str, Agenda]:
    """All agendas by id; raises ContentError if any agenda file is broken."""
    catalog = load_catalog(dirs)
    problems = _problems_of(catalog, "agenda")
    if problems:
        raise ContentError(problems)
    return dict(catalog.agendas)


def load_agenda(agenda_id: str, dirs: Sequence[str | Path] | None = None) -> Agenda:
    """One agenda; ContentError if its file is broken, KeyError if there is none."""
    catalog = load_catalog(dirs)
    if agenda_id in catalog.agendas:
        return catalog.agendas[agenda_id]
    problems = _problems_of(catalog, "agenda", agenda_id)
    if problems:
        raise ContentError(problems)
    raise KeyError(f"no agenda {agenda_id!r} (available: {', '.join(catalog.agendas) or 'none'})")


def load_ui_texts(dirs: Sequence[str | Path] | None = None) -> dict[str, Text]:
    """All UI texts keyed ``"<area>.<key>"``; raises ContentError if any UI file is broken."""
    catalog = load_catalog(dirs)
    problems = _problems_of(catalog, "ui")
    if problems:
        raise ContentError(problems)
    return dict(catalog.ui)
