"""Parse an agenda file into a :class:`~workshop.content.model.Agenda`, or say what is wrong.

An agenda's section segments name rubric sections; the catalog only knows that
a section exists in *some* loaded rubric, so :func:`agenda_fits_rubric` checks
the pairing a host actually chooses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from workshop.content.checks import SEGMENT_ID, Reader, top_level
from workshop.content.model import Agenda, Rubric, Segment, Text, level_key
from workshop.content.problems import TOP, ContentProblem

SEGMENT_KINDS: tuple[str, ...] = ("intro", "section", "wrapup")
_AGENDA_KEYS = ("id", "title", "segments")
_SEGMENT_KEYS = ("id", "kind", "title", "minutes")
_SEGMENT_OPTIONAL = ("section", "talking_points")


def _rubric_sections(rubrics: Mapping[str, Rubric] | Iterable[Rubric] | None) -> set[str] | None:
    if rubrics is None:
        return None
    values = rubrics.values() if isinstance(rubrics, Mapping) else rubrics
    return {section.id for rubric in values for section in rubric.sections}


def _segment(
    reader: Reader, raw: Any, where: str, known_sections: set[str] | None, seen: dict[str, str]
) -> Segment | None:
    data = reader.mapping(raw, where, "a segment")
    if data is None:
        return None
    position = where
    segment_id = reader.ident(data["id"], where, "id", SEGMENT_ID) if "id" in data else None
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
    if title is None:
        return None  # the problem is recorded; the agenda will not be built
    return Segment(
        id=segment_id or "",
        title=title,
        minutes=minutes or 0.0,
        section_id=section_id,
        talking_points=tuple(points),
        kind=kind if isinstance(kind, str) else "",
    )


def parse_agenda(
    data: Any,
    path: str | Path,
    shown: str,
    rubrics: Mapping[str, Rubric] | Iterable[Rubric] | None,
) -> tuple[Agenda | None, list[ContentProblem]]:
    reader = Reader(shown, "agenda")
    top = top_level(reader, data, path, _AGENDA_KEYS)
    if top is None:
        return None, reader.problems
    known_sections = _rubric_sections(rubrics)
    segments: list[Segment] = []
    seen: dict[str, str] = {}
    if "segments" in top.data:
        raw_segments = reader.sequence(top.data["segments"], TOP, "segments")
        for index, raw in enumerate(raw_segments or []):
            segment = _segment(reader, raw, f"segments[{index}]", known_sections, seen)
            if segment is not None:
                segments.append(segment)
    if reader.problems or top.title is None:
        return None, reader.problems
    agenda = Agenda(
        id=top.id or "",
        title=top.title,
        segments=tuple(segments),
        source_path=shown,
    )
    return agenda, []


def validate_agenda_data(
    data: Any,
    path: str | Path,
    rubrics: Mapping[str, Rubric] | Iterable[Rubric] | None = None,
) -> list[ContentProblem]:
    """Problems of parsed agenda YAML; with ``rubrics``, section ids are checked against them."""
    return parse_agenda(data, path, str(path), rubrics)[1]


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
