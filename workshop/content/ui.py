"""Parse a UI text file (``key: {en: ..., ja: ...}``) and check its templates.

A UI text is a ``str.format`` template filled by :func:`workshop.i18n.translate`;
both languages must name the same ``{placeholders}``, or one language would
show a raw ``{name}`` (or lose a value) on screen.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from workshop.content.checks import Reader
from workshop.content.model import LANGUAGES, Text
from workshop.content.problems import ContentProblem

_UI_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


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


def parse_ui(data: Any, shown: str) -> tuple[dict[str, Text], list[ContentProblem]]:
    """Valid entries of a UI file (bad ones are skipped) and the problems found."""
    reader = Reader(shown, "ui")
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
        _check_placeholders(reader, where, text)
        if len(reader.problems) == before:
            texts[key] = text
    return texts, reader.problems


def _check_placeholders(reader: Reader, where: str, text: Text) -> None:
    """Both languages are valid templates with the same placeholder names."""
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
        reader.add(
            where,
            f"placeholders differ: en has {_names(found['en'])}, ja has {_names(found['ja'])}",
        )


def _names(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


def validate_ui_data(data: Any, path: str | Path) -> list[ContentProblem]:
    """Problems of one parsed UI text file (duplicates across files need the catalog)."""
    return parse_ui(data, str(path))[1]
