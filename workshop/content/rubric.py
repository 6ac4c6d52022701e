"""Parse a rubric file into a :class:`~workshop.content.model.Rubric`, or say what is wrong.

The rules are those of docs/content-format.md: ids that match the file name and
their section, levels that start at 0 and ascend, criteria for exactly those
levels, bands in ascending order with an open last band. Every rule that fails
adds a problem naming the item; nothing stops at the first one.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from workshop.content.checks import Reader, as_level, describe, top_level
from workshop.content.model import Band, Item, Rubric, Section, Text, level_key
from workshop.content.problems import TOP, ContentProblem

_RUBRIC_KEYS = ("id", "title", "description", "levels", "level_labels", "bands", "sections")
_BAND_KEYS = ("id", "max", "label", "meaning")
_SECTION_KEYS = ("id", "title", "short", "description", "items")
_ITEM_KEYS = ("id", "title", "explanation", "criteria", "questions")


def _levels(reader: Reader, value: Any) -> tuple[float, ...] | None:
    values = reader.sequence(value, TOP, "levels", min_len=0)
    if values is None:
        return None
    numbers = [reader.number(raw, TOP, f"levels[{index}]") for index, raw in enumerate(values)]
    if any(number is None for number in numbers):
        return None
    levels = tuple(number for number in numbers if number is not None)
    ok = True
    if len(levels) < 2:
        reader.add(TOP, "levels needs at least two values, e.g. [0, 0.5, 1]")
        ok = False
    if levels and levels[0] != 0:
        reader.add(TOP, f"levels must start at 0 (not done), got {level_key(levels[0])} first")
        ok = False
    if any(later <= earlier for earlier, later in itertools.pairwise(levels)):
        shown = ", ".join(level_key(level) for level in levels)
        reader.add(TOP, f"levels must be in ascending order without repeats, got [{shown}]")
        ok = False
    return levels if ok else None


def _texts_by_level(
    reader: Reader, value: Any, where: str, label: str, levels: tuple[float, ...] | None
) -> dict[str, Text] | None:
    """A mapping level -> text whose keys are exactly the rubric's levels."""
    entries = reader.mapping(value, where, label)
    if entries is None:
        return None
    before = len(reader.problems)
    result: dict[str, Text] = {}
    for raw_key, raw_text in entries.items():
        key = as_level(raw_key)
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
        present = {key for raw in entries if (key := as_level(raw)) is not None}
        for key in expected:
            if key not in present:
                reader.add(where, f'{label} has no entry for level "{key}"')
        for key in sorted(present - set(expected)):
            reader.add(
                where,
                f'{label} has level "{key}", which is not one of the levels '
                f"({', '.join(expected)})",
            )
    return result if len(reader.problems) == before else None


def _bands(reader: Reader, value: Any) -> tuple[Band, ...] | None:
    raw_bands = reader.sequence(value, TOP, "bands")
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
            reader.add(where, f"id must be text (put it in quotes), got {describe(band_id)}")
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
        if label is not None and meaning is not None:  # else a problem is recorded
            bands.append(Band(id=str(band_id), max=maximum, label=label, meaning=meaning))
    return tuple(bands) if len(reader.problems) == before else None


def _item(
    reader: Reader,
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
    if title is None or explanation is None:
        return None  # the problem is recorded; the rubric will not be built
    return Item(
        id=item_id or "",
        section_id=section_id or "",
        title=title,
        explanation=explanation,
        criteria=criteria or {},
        not_applicable=not_applicable,
        questions=tuple(questions),
    )


def _sections(reader: Reader, value: Any, levels: tuple[float, ...] | None) -> tuple[Section, ...]:
    raw_sections = reader.sequence(value, TOP, "sections")
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
        title, short, description = texts["title"], texts["short"], texts["description"]
        if title is None or short is None or description is None:
            continue  # the problem is recorded; the rubric will not be built
        sections.append(
            Section(
                id=section_id or "",
                title=title,
                short=short,
                description=description,
                items=tuple(items),
            )
        )
    return tuple(sections)


def parse_rubric(
    data: Any, path: str | Path, shown: str
) -> tuple[Rubric | None, list[ContentProblem]]:
    reader = Reader(shown, "rubric")
    top = top_level(reader, data, path, _RUBRIC_KEYS)
    if top is None:
        return None, reader.problems
    fields = top.data
    description = (
        reader.text(fields["description"], TOP, "description") if "description" in fields else None
    )
    levels = _levels(reader, fields["levels"]) if "levels" in fields else None
    level_labels = (
        _texts_by_level(reader, fields["level_labels"], TOP, "level_labels", levels)
        if "level_labels" in fields
        else None
    )
    bands = _bands(reader, fields["bands"]) if "bands" in fields else None
    sections = _sections(reader, fields["sections"], levels) if "sections" in fields else ()
    if reader.problems or top.title is None or description is None:
        return None, reader.problems
    rubric = Rubric(
        id=top.id or "",
        title=top.title,
        description=description,
        levels=levels or (),
        level_labels=level_labels or {},
        bands=bands or (),
        sections=sections,
        source_path=shown,
    )
    return rubric, []


def validate_rubric_data(data: Any, path: str | Path) -> list[ContentProblem]:
    """Problems of parsed rubric YAML ``data`` read from ``path`` (its stem must be the id)."""
    return parse_rubric(data, path, str(path))[1]
