"""Check one value of a content file and convert it, collecting problems instead of stopping.

:class:`Reader` is shared by the rubric, agenda and UI parsers: checking and
building the objects of :mod:`workshop.content.model` happen in one pass, so
what the validator accepts and what the loader builds can never disagree, and
every problem of a file is reported in one run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from workshop.content.model import LANGUAGES, Text, level_key
from workshop.content.problems import TOP, ContentProblem

#: Rubric, agenda, section and item ids: lowercase words joined by "-".
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Segment ids may use "_" as well.
SEGMENT_ID = re.compile(r"^[a-z0-9_-]+$")
# A space between two Japanese characters: almost always a line break that YAML folded.
_FOLDED_JA = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff、。「」（）] [\u3040-\u30ff\u3400-\u9fff、。「」（）]"
)


def describe(value: Any) -> str:
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


class Reader:
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
        self.add(where, f"{label} must be a mapping, got {describe(value)}")
        return None

    def sequence(self, value: Any, where: str, label: str, min_len: int = 1) -> list[Any] | None:
        if not isinstance(value, list):
            self.add(where, f"{label} must be a list, got {describe(value)}")
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
                    label, f"must be a mapping like {{en: ..., ja: ...}}, got {describe(value)}"
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
                        f"has a {lang} text that is {describe(value[lang])}, not text "
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
        self, value: Any, where: str, label: str, pattern: re.Pattern[str] = ID
    ) -> str | None:
        if not isinstance(value, str):
            self.add(where, f"{label} must be text, got {describe(value)}")
            return None
        if not pattern.match(value):
            allowed = (
                'lowercase letters, digits and "-"'
                if pattern is ID
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
            self.add(where, f"{label} must be a number, got {describe(value)}")
            return None
        return float(value)


class TopLevel(NamedTuple):
    """The start every rubric and agenda file shares: its mapping, id and title."""

    data: dict[Any, Any]
    id: str | None
    title: Text | None


def top_level(reader: Reader, data: Any, path: str | Path, keys: Sequence[str]) -> TopLevel | None:
    """The file's top-level mapping (None when it is not one), with ``keys`` checked,
    its id (which must be the file's name, so a host finds a rubric by its id) and title."""
    top = reader.mapping(data, "file", "the file")
    if top is None:
        return None
    reader.keys(top, TOP, keys)
    found = reader.ident(top["id"], TOP, "id") if "id" in top else None
    stem = Path(path).stem
    if found is not None and found != stem:
        reader.add(
            TOP,
            f'{reader.kind} id "{found}" does not match the file name "{Path(path).name}"; '
            f'rename the file to "{found}.yaml" or set id: {stem}',
        )
    title = reader.text(top["title"], TOP, "title") if "title" in top else None
    return TopLevel(top, found, title)


def as_level(raw: Any) -> str | None:
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
