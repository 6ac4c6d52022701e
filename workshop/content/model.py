"""Typed, immutable views of the content files (rubrics, agendas and UI texts).

The parsers in :mod:`workshop.content` turn validated YAML into these objects;
everything else in the app reads only these, never raw YAML, so a content file
that passed validation cannot surprise a page at render time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES: tuple[str, ...] = ("en", "ja")


@dataclass(frozen=True)
class Text:
    """A user-facing text in every supported language."""

    en: str
    ja: str

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to English for an unknown language."""
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Item:
    """One test of the rubric, e.g. ``data-1``."""

    id: str
    section_id: str
    title: Text
    explanation: Text
    # Criteria per level, keyed by the level's canonical string ("0", "0.5", "1").
    criteria: dict[str, Text]
    # When "not applicable" is an acceptable answer; None means N/A is not allowed.
    not_applicable: Text | None
    questions: tuple[Text, ...]

    @property
    def na_allowed(self) -> bool:
        return self.not_applicable is not None


@dataclass(frozen=True)
class Section:
    """A group of tests scored together (data, infrastructure, ...): one score each."""

    id: str
    title: Text
    short: Text
    description: Text
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Band:
    """A band of the final score: ``(previous max, max]``; the last band has max None."""

    id: str  # "0", "0-1", "1-2", "2-3", "3-5", ">5"
    max: float | None
    label: Text
    meaning: Text


@dataclass(frozen=True)
class Rubric:
    """A whole rubric: what can be answered, what each level means, and the bands."""

    id: str
    title: Text
    description: Text
    # Allowed numeric answers, ascending, e.g. (0.0, 0.5, 1.0).
    levels: tuple[float, ...]
    # Generic meaning of each level, keyed like Item.criteria.
    level_labels: dict[str, Text]
    bands: tuple[Band, ...]
    sections: tuple[Section, ...]
    source_path: str = ""

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    @property
    def max_level(self) -> float:
        return self.levels[-1]


@dataclass(frozen=True)
class Segment:
    """One timed part of the agenda; ``section_id`` is None for intro and wrap-up."""

    id: str
    title: Text
    minutes: float
    section_id: str | None
    talking_points: tuple[Text, ...] = field(default_factory=tuple)
    kind: str = "section"  # "intro", "section" or "wrapup"

    @property
    def seconds(self) -> float:
        return self.minutes * 60.0


@dataclass(frozen=True)
class Agenda:
    """The timed plan of one workshop, segment by segment."""

    id: str
    title: Text
    segments: tuple[Segment, ...]
    source_path: str = ""

    @property
    def total_minutes(self) -> float:
        return sum(segment.minutes for segment in self.segments)


def level_key(value: float) -> str:
    """Canonical string of a level: 0 -> "0", 0.5 -> "0.5", 1 -> "1"."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))
