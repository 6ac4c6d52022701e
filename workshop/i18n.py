"""Look up UI texts in the session's language and format numbers for display.

Lookups never raise: a workshop is live, and a missing or mistyped key must
not take a page down in front of an audience. A missing key is shown as
``⟦key⟧`` so it is obvious on screen and easy to grep for; a missing value
keeps its ``{name}`` placeholder visible for the same reason.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from typing import Any

from workshop.content.model import Text, level_key

MISSING_MARK = "⟦{key}⟧"
NO_VALUE = "—"

# Answer texts that mean "not applicable"; mirrors what tutors type into the sheet.
_NOT_APPLICABLE = frozenset({"n/a", "na", "n.a.", "not applicable", "対象外"})

# Used only when the UI texts lack these keys (e.g. common.yaml is broken), so a
# results table still shows words instead of ⟦keys⟧.
_FALLBACK: Mapping[str, Text] = {
    "common.level_na": Text(en="Not applicable", ja="対象外"),
    "common.level_unanswered": Text(en="Unanswered", ja="未回答"),
}


class _LenientFormatter(string.Formatter):
    """str.format that leaves ``{name}`` in place when no value is given for it."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key in kwargs:
            return kwargs[key]
        return _Unfilled(key)


class _Unfilled(str):
    """The text of an unfilled placeholder; ignores any format spec given for it."""

    def __new__(cls, key: int | str) -> _Unfilled:
        return super().__new__(cls, "{" + str(key) + "}")

    def __format__(self, _spec: str) -> str:
        return str(self)


_FORMATTER = _LenientFormatter()


def fill(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders; a malformed template is returned unchanged."""
    try:
        return _FORMATTER.vformat(template, (), dict(values))
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        return template


def translate(ui: Mapping[str, Text], key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` ("<area>.<key>") in ``lang`` with ``values`` filled in."""
    text = ui.get(key)
    if text is None:
        return MISSING_MARK.format(key=key)
    return fill(text.get(lang), values)


def format_score(value: float | None, lang: str = "en") -> str:
    """A score for display: up to two decimals, no trailing zeros ("2.5", "3", "2.33").

    None (and NaN) mean "no score" and show as a dash. ``lang`` is accepted so
    callers need not care whether a language ever formats numbers differently.
    """
    del lang  # both languages write numbers the same way
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return NO_VALUE
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_level(value_text: str | None, lang: str, ui: Mapping[str, Text] | None = None) -> str:
    """An answer as entered ("0.50", "N/A", "") in display form ("0.5", "Not applicable", ...).

    Numbers are shown canonically; anything unrecognised is shown verbatim so a
    hand-typed value in the sheet stays visible rather than being hidden.
    """
    text = (value_text or "").strip()
    if not text:
        return _word("common.level_unanswered", lang, ui)
    if text.casefold() in _NOT_APPLICABLE:
        return _word("common.level_na", lang, ui)
    try:
        number = float(text)
    except ValueError:
        return text
    return level_key(number) if math.isfinite(number) else text


def _word(key: str, lang: str, ui: Mapping[str, Text] | None) -> str:
    source = ui if ui is not None and key in ui else _FALLBACK
    return source[key].get(lang)


class Translator:
    """:func:`translate` bound to one UI-text mapping and language: ``t("home.title")``."""

    def __init__(self, ui: Mapping[str, Text], lang: str) -> None:
        self.ui = ui
        self.lang = lang

    def __call__(self, key: str, **values: Any) -> str:
        return translate(self.ui, key, self.lang, **values)

    def has(self, key: str) -> bool:
        return key in self.ui

    def pick(self, text: Text | None) -> str:
        """A content text (rubric, agenda) in this language; "" for None."""
        return "" if text is None else text.get(self.lang)

    def score(self, value: float | None) -> str:
        return format_score(value, self.lang)

    def level(self, value_text: str | None) -> str:
        return format_level(value_text, self.lang, self.ui)
