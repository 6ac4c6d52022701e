"""Fill UI text templates (``"Saved {time}"``) without ever raising.

A workshop is live, and a missing or mistyped key must not take a page down in
front of an audience. A missing key is shown as ``⟦key⟧`` so it is obvious on
screen and easy to grep for; a missing value keeps its ``{name}`` placeholder
visible for the same reason. Kept below :mod:`workshop.i18n` and
:mod:`workshop.answers` so both can fill texts without importing each other.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from workshop.content.model import Text

MISSING_MARK = "⟦{key}⟧"


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
