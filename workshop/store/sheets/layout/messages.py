"""What the layout says about a sheet a person broke, worded in the workshop's language.

The texts live in ``content/ui/sheets.yaml`` (looked up as ``sheets.<code>``), so
``workshop validate`` checks them in both languages like every other UI text.
Parsing asks for a text only when it finds a problem, but a hand-broken sheet
may have dozens, and asking the content loader costs a look at every content
file; the texts are therefore checked against the files at most once a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from workshop.content import load_catalog
from workshop.content.model import Text
from workshop.templates import translate

AREA = "sheets"
#: How long the texts are used before the content files are looked at again.
RECHECK_SECONDS = 1.0


class _Texts:
    """The UI texts, re-read from the content catalog at most every ``RECHECK_SECONDS``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ui: Mapping[str, Text] = {}
        self._at = float("-inf")

    def get(self) -> Mapping[str, Text]:
        with self._lock:
            now = time.monotonic()
            if now - self._at > RECHECK_SECONDS:
                self._ui, self._at = load_catalog().ui, now
            return self._ui


_TEXTS = _Texts()


def message(lang: str, code: str, **values: object) -> str:
    """The text ``sheets.<code>`` in ``lang`` (English for an unknown language)."""
    return translate(_TEXTS.get(), f"{AREA}.{code}", lang, **values)


def where_row(sheet: str, row: int, lang: str = "en") -> str:
    return message(lang, "where_row", sheet=sheet, row=row)


def where_sheet(sheet: str, lang: str = "en") -> str:
    return message(lang, "where_sheet", sheet=sheet)
