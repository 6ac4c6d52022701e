"""UI texts in the session's language: ``t = Translator(ui, lang); t("home.title")``.

Pages hold one :class:`Translator` per run. Lookups never raise (see
:mod:`workshop.templates`); scores and answers are shown through the one
vocabulary of :mod:`workshop.answers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.answers import format_level, format_score
from workshop.content.model import Text
from workshop.templates import translate


class Translator:
    """:func:`~workshop.templates.translate` bound to one UI-text mapping and language."""

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
