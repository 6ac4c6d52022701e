"""What an answer text means: the one vocabulary of answers in the app.

Answers arrive as text (a tutor's form, a cell of a Google Sheet, a CSV row), so
reading is tolerant of the many ways people write the same answer (``.5``,
``0,5``, full-width ``０．５``, ``n/a``, ``Not applicable``, ``対象外``, ``-``)
but never guesses: anything else is an :class:`AnswerError` that names the item
and the value, and the cell counts as unanswered instead of silently becoming 0.

Scoring, the pages, the sheet's dropdown and the exports all read answers here,
so a text that counts as N/A is also *shown* as N/A, and a text that is shown as
a number is the number that is scored:

* blank (spaces included) is unanswered;
* an N/A word (:data:`NA_WORDS`, compared after NFKC, case folding and
  removing inner spaces; typographic dashes count as ``-``) is not applicable;
* a plain decimal (``1``, ``0.5``, ``.5``, ``1.``, a decimal comma ``0,5``,
  full-width digits) is that number, and a valid answer when it is one of the
  rubric's levels;
* anything else (``yes``, ``1e0``, ``+1``, ``nan``) is not an answer.

Written back, an answer is its canonical text (``0``, ``0.5``, ``1``, ``N/A``);
shown, a score has at most two decimals (:func:`format_score`).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from workshop.content import program_texts
from workshop.content.model import Item, Rubric, Text, level_key
from workshop.templates import translate

NA_TEXT = "N/A"
AnswerKind = Literal["value", "na", "unanswered"]

#: Texts that mean "not applicable", as compared: NFKC, case-folded, without inner
#: spaces ("Not applicable" -> "notapplicable", "n / a" -> "n/a").
NA_WORDS = frozenset({"n/a", "na", "n.a.", "notapplicable", "-", "対象外"})
# Dashes that are not "-" even after NFKC: spreadsheet autocorrect produces the
# typographic ones, and a Japanese IME in full-width mode types "ー" for "-".
_DASH_LOOKALIKES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc")
_NUMBER = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")

# Scores are rounded before they are compared or shown. Levels 0/0.5/1 add up
# exactly in binary floating point, but scaling by items/applicable does not
# (4 * 7 / 6); nine decimals removes that noise while keeping 1.0000001 apart
# from 1 at a band edge.
SCORE_DECIMALS = 9
SHOWN_DECIMALS = 2
NO_SCORE = "—"
_LEVEL_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ParsedAnswer:
    """A usable answer: a level (``value``), not applicable, or not answered yet."""

    kind: AnswerKind
    value: float | None = None

    @property
    def is_value(self) -> bool:
        return self.kind == "value"


UNANSWERED = ParsedAnswer("unanswered")
NOT_APPLICABLE = ParsedAnswer("na")


@functools.lru_cache(maxsize=4096)
def read_answer(text: str) -> ParsedAnswer | None:
    """What ``text`` says, whatever the rubric: unanswered, N/A, a number, or None.

    A number here is any plain decimal; whether it is one of a rubric's levels is
    :func:`parse_answer`'s question. Memoised: a wrap-up or history reads the same
    few texts ("0", "0.5", "1", "N/A") thousands of times.
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    if not normal:
        return UNANSWERED
    word = "".join(normal.split()).casefold()
    if word in _DASH_LOOKALIKES:
        word = "-"
    if word in NA_WORDS:
        return NOT_APPLICABLE
    number = normal
    if number.count(",") == 1 and "." not in number:
        number = number.replace(",", ".")  # decimal comma: "0,5"
    if _NUMBER.match(number):
        return ParsedAnswer("value", float(number))
    return None


def parse_answer(
    text: str | float | None,
    levels: Sequence[float],
    *,
    item_id: str = "",
    na_allowed: bool = True,
) -> ParsedAnswer:
    """Parse one typed answer; raise :class:`AnswerError` for anything not clearly meant.

    ``levels`` are the rubric's allowed numbers. ``na_allowed`` is False for an item
    whose rubric entry has no "not applicable" case. Numbers read from a sheet
    (not text) are accepted too, as their decimal representation.
    """
    raw = "" if text is None else text if isinstance(text, str) else str(text)
    reading = read_answer(raw)
    if reading is None:
        raise answer_error("invalid", item_id, raw, levels=levels, na_allowed=na_allowed)
    if reading.kind == "na" and not na_allowed:
        raise answer_error("na_not_allowed", item_id, raw)
    if reading.value is None:
        return reading  # unanswered, or N/A where it is allowed
    for level in levels:
        if math.isclose(reading.value, level, rel_tol=0.0, abs_tol=_LEVEL_TOLERANCE):
            return ParsedAnswer("value", float(level))
    raise answer_error("invalid", item_id, raw, levels=levels, na_allowed=na_allowed)


def item_answer(rubric: Rubric, item: Item, text: str | float | None) -> ParsedAnswer | None:
    """The answer ``text`` gives to ``item``, or None when it is not a valid one.

    For readers that show or count answers and leave reporting a bad cell to
    scoring (which calls :func:`parse_answer` to get the error).
    """
    try:
        return parse_answer(text, rubric.levels, item_id=item.id, na_allowed=item.na_allowed)
    except AnswerError:
        return None


def canonical_text(parsed: ParsedAnswer) -> str:
    """How an answer is written back: "0", "0.5", "1", "N/A" or "" (unanswered)."""
    if parsed.kind == "value" and parsed.value is not None:
        return level_key(parsed.value)
    if parsed.kind == "na":
        return NA_TEXT
    return ""


def stored_value(rubric: Rubric, item_id: str, text: str | None) -> tuple[str, bool]:
    """(value to show, is valid): canonical text ("0.5", "N/A", "") or the raw invalid text.

    Exports and reports show an invalid cell as it was typed, so a reader can find
    and fix it, and a valid one as it is scored.
    """
    parsed = item_answer(rubric, rubric.item(item_id), text)
    if parsed is None:
        return ("" if text is None else str(text)), False
    return canonical_text(parsed), True


def answer_choices(levels: Sequence[float], *, na_allowed: bool = True) -> list[str]:
    """The answers one can pick, as written back: "0", "0.5", "1" and, if allowed, "N/A"."""
    return [level_key(level) for level in levels] + ([NA_TEXT] if na_allowed else [])


# --------------------------------------------------------------------------- showing


def round_score(value: float) -> float:
    """``value`` without floating-point noise (see :data:`SCORE_DECIMALS`)."""
    return round(value, SCORE_DECIMALS)


def format_score(value: float | None, lang: str = "en") -> str:
    """A score for people: at most two decimals, no trailing zeros ("2.5", "3", "2.33").

    None, NaN and infinity mean "no score" and show as a dash. The noise of
    floating point is removed first (:func:`round_score`). ``lang`` is accepted
    so callers need not care whether a language ever writes numbers differently
    (both write them the same way today).
    """
    del lang
    if value is None or not math.isfinite(value):
        return NO_SCORE
    text = f"{round_score(value):.{SHOWN_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_level(value_text: str | None, lang: str, ui: Mapping[str, Text] | None = None) -> str:
    """An answer as typed, shown as it counts: "0,50" -> "0.5", "-" -> "Not applicable".

    Blank is "Unanswered" and an N/A word is the word for N/A, both from the UI
    texts (``common.level_unanswered``, ``common.level_na``; the shipped ones when
    ``ui`` lacks them). A number is shown canonically, even one that is not a
    level; anything else is shown as typed, so a hand-typed value in the sheet
    stays visible for the scorer to report.
    """
    text = (value_text or "").strip()
    reading = read_answer(text)
    if reading is None:
        return text
    if reading.kind == "unanswered":
        return _word("common.level_unanswered", lang, ui)
    if reading.kind == "na":
        return _word("common.level_na", lang, ui)
    return level_key(reading.value) if reading.value is not None else text


def _word(key: str, lang: str, ui: Mapping[str, Text] | None) -> str:
    return translate(ui if ui is not None and key in ui else program_texts(), key, lang)


# --------------------------------------------------------------------------- errors


class AnswerError(ValueError):
    """An answer that cannot be used, naming the item and the value as typed.

    ``message`` is English (the CLI's JSON contract); :meth:`localized` gives the
    same message in another language for the app. ``row`` is the spreadsheet/CSV
    row (header = 1) when the answer came from one.
    """

    def __init__(
        self,
        item_id: str,
        value: str,
        message: str,
        *,
        row: int | None = None,
        code: str = "invalid",
        message_ja: str = "",
    ) -> None:
        super().__init__(message)
        self.item_id = item_id
        self.value = value
        self.message = message
        self.row = row
        self.code = code
        self.message_ja = message_ja or message

    def localized(self, lang: str) -> str:
        return self.message_ja if lang == "ja" else self.message

    def with_row(self, row: int | None) -> AnswerError:
        return AnswerError(
            self.item_id,
            self.value,
            self.message,
            row=row,
            code=self.code,
            message_ja=self.message_ja,
        )

    def _key(self) -> tuple[object, ...]:
        return (self.item_id, self.value, self.message, self.row, self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnswerError) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"AnswerError(item_id={self.item_id!r}, value={self.value!r}, "
            f"message={self.message!r}, row={self.row!r})"
        )


def answer_error(
    code: str,
    item_id: str,
    value: str,
    *,
    row: int | None = None,
    levels: Sequence[float] = (),
    na_allowed: bool = False,
    rows: Sequence[int] = (),
) -> AnswerError:
    """An error whose message, in both languages, comes from ``content/ui/scoring.yaml``.

    ``code`` is the key there ("invalid", "na_not_allowed", "unknown_item", ...);
    an invalid answer on an item that allows N/A mentions N/A as a choice.
    """
    key = "invalid_or_na" if code == "invalid" and na_allowed else code
    texts = program_texts()

    def render(lang: str) -> str:
        shown_rows = [str(number) for number in rows]
        while len(shown_rows) > 1:  # "3 and 5 and 7" / "3、5、7"
            last = shown_rows.pop()
            shown_rows[-1] = translate(
                texts, "scoring.list_join", lang, first=shown_rows[-1], rest=last
            )
        return translate(
            texts,
            f"scoring.{key}",
            lang,
            item=item_id or translate(texts, "scoring.this_item", lang),
            value=value,
            prefix=f"{item_id}: " if item_id else "",
            levels=", ".join(level_key(level) for level in levels),
            rows="".join(shown_rows),
        )

    return AnswerError(item_id, value, render("en"), row=row, code=code, message_ja=render("ja"))
