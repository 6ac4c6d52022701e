"""Scoring engine: turn what people typed into a sheet into section and final scores.

Answers arrive as text (a tutor's form, a cell of a Google Sheet, a CSV row), so
parsing is tolerant of the many ways people write the same answer (``.5``,
``0,5``, full-width ``０．５``, ``n/a``, ``対象外``) but never guesses: anything
else is an :class:`AnswerError` that names the item and the value, and the cell
counts as unanswered instead of silently becoming 0.

Rules (ML Test Score, 2017, with the "not applicable" extension):

* A section's score is the sum of its applicable items, scaled back to the
  section's size when some items are N/A (``raw * items / applicable``) so a
  section with N/A items stays comparable with a complete one.
* A section whose items are all N/A has no score and is left out of the final.
* The final score is the minimum of the section scores: the weakest section decides.
* Unanswered or invalid items count 0 and make the result *provisional*.

Everything here is pure (no I/O, no Streamlit) so pages, the CLI and the tests
share exactly one implementation.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from workshop.content.model import Band, Rubric, Text, level_key

# Scores are rounded before they are compared or shown. Levels 0/0.5/1 add up
# exactly in binary floating point, but scaling by items/applicable does not
# (4 * 7 / 6); nine decimals removes that noise while keeping 1.0000001 apart
# from 1 at a band edge.
SCORE_DECIMALS = 9
_LEVEL_TOLERANCE = 1e-9

NA_TEXT = "N/A"
AnswerKind = Literal["value", "na", "unanswered"]

# Compared after NFKC normalisation, lower-casing and removing inner spaces.
_NA_TOKENS = frozenset({"n/a", "na", "-", "対象外"})
# Dashes that are not "-" even after NFKC: spreadsheet autocorrect produces the
# typographic ones, and a Japanese IME in full-width mode types "ー" for "-".
_DASH_LOOKALIKES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc")
_NUMBER = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")


# --------------------------------------------------------------------------- errors

# Every message a person may see, in both languages. ``{levels}`` lists the
# allowed numbers, ``{na}`` adds "or N/A" when the item allows it.
_MESSAGES: dict[str, Text] = {
    "invalid": Text(
        en="{prefix}{value!r} is not a valid answer; use {levels}{na}",
        ja="{prefix}「{value}」は回答として使えません。{levels}{na} のいずれかを入力してください",
    ),
    "na_not_allowed": Text(
        en="N/A is not allowed for {item}",
        ja="{item} には N/A（対象外）を使えません",
    ),
    "unknown_item": Text(
        en="unknown item {item!r}",
        ja="「{item}」という項目はありません",
    ),
    "duplicate_rows": Text(
        en="{item} appears more than once (rows {rows})",
        ja="{item} が複数回あります（{rows} 行目）",
    ),
    "duplicate": Text(
        en="{item} is given more than once",
        ja="{item} が複数回指定されています",
    ),
    "missing_item_id": Text(
        en="a score ({value!r}) without an item id",
        ja="項目 ID のないスコア（「{value}」）があります",
    ),
}
_OR_NA = Text(en=" or N/A", ja=" または N/A")
_THIS_ITEM = Text(en="this item", ja="この項目")
_AND = Text(en=" and ", ja="、")


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


def _make_error(
    code: str, item_id: str, value: str, *, row: int | None = None, **params: str
) -> AnswerError:
    """Build an error with its message rendered in both languages."""

    def render(lang: str) -> str:
        fields = {
            "item": item_id or _THIS_ITEM.get(lang),
            "value": value,
            "prefix": f"{item_id}: " if item_id else "",
            "na": _OR_NA.get(lang) if params.get("na_allowed") == "yes" else "",
            "levels": params.get("levels", ""),
            "rows": _AND.get(lang).join(params.get("rows", "").split()),
        }
        return _MESSAGES[code].get(lang).format(**fields)

    return AnswerError(item_id, value, render("en"), row=row, code=code, message_ja=render("ja"))


# --------------------------------------------------------------------------- parsing


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


def _levels_text(levels: Sequence[float]) -> str:
    return ", ".join(level_key(level) for level in levels)


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
    outcome = _parse_cached(raw, tuple(levels), na_allowed)
    if isinstance(outcome, ParsedAnswer):
        return outcome
    code, extra = outcome
    raise _make_error(code, item_id, raw, **dict(extra))


@functools.lru_cache(maxsize=4096)
def _parse_cached(
    raw: str, levels: tuple[float, ...], na_allowed: bool
) -> ParsedAnswer | tuple[str, tuple[tuple[str, str], ...]]:
    """The parse of one text, memoised: a wrap-up or history parses the same few texts
    ("0", "0.5", "1", "N/A") thousands of times. Errors come back as data so the caller
    can name the item."""
    normal = unicodedata.normalize("NFKC", raw).strip()
    if not normal:
        return UNANSWERED

    token = "".join(normal.split()).lower()
    if token in _DASH_LOOKALIKES:
        token = "-"
    if token in _NA_TOKENS:
        if not na_allowed:
            return ("na_not_allowed", ())
        return NOT_APPLICABLE

    number = normal
    if number.count(",") == 1 and "." not in number:
        number = number.replace(",", ".")  # decimal comma: "0,5"
    if _NUMBER.match(number):
        value = float(number)
        for level in levels:
            if math.isclose(value, level, rel_tol=0.0, abs_tol=_LEVEL_TOLERANCE):
                return ParsedAnswer("value", float(level))

    return (
        "invalid",
        (("levels", _levels_text(levels)), ("na_allowed", "yes" if na_allowed else "no")),
    )


def canonical_text(parsed: ParsedAnswer) -> str:
    """How an answer is written back: "0", "0.5", "1", "N/A" or "" (unanswered)."""
    if parsed.kind == "value" and parsed.value is not None:
        return level_key(parsed.value)
    if parsed.kind == "na":
        return NA_TEXT
    return ""


def normalize_item_id(text: str) -> str:
    """Item ids as people type them ("Data-1 ", "ｄａｔａ－１") -> the rubric's form."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def valid_answers(rubric: Rubric, values: Mapping[str, str]) -> dict[str, ParsedAnswer]:
    """The usable answers of one group by item id, in rubric order; invalid ones are dropped.

    For comparisons across groups, where an invalid cell is simply "no answer"
    (its error is reported where the group's own score is shown).
    """
    by_id = {normalize_item_id(key): text for key, text in values.items()}
    result: dict[str, ParsedAnswer] = {}
    for item in rubric.items:
        try:
            result[item.id] = parse_answer(
                by_id.get(item.id), rubric.levels, item_id=item.id, na_allowed=item.na_allowed
            )
        except AnswerError:
            result[item.id] = UNANSWERED
    return result


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    score: float | None  # scaled to the section size; None when every item is N/A
    raw: float  # plain sum of the applicable items' values
    answered: int  # items with a valid value or N/A
    applicable: int  # items - not_applicable
    items: int
    not_applicable: int
    unanswered: int  # includes invalid answers
    all_na: bool


@dataclass(frozen=True)
class GroupScore:
    sections: dict[str, SectionScore]  # in rubric order
    final: float | None  # minimum of the section scores; None if every section is all N/A
    band: Band | None
    provisional: bool  # something is unanswered or invalid: the score may still change
    errors: tuple[AnswerError, ...] = ()
    minimum_sections: tuple[str, ...] = field(default_factory=tuple)  # all tied at the minimum

    @property
    def band_id(self) -> str:
        return self.band.id if self.band else ""


@dataclass(frozen=True)
class AnswerRow:
    """One row of answers as read from a CSV or a sheet (``row``: header = 1)."""

    row: int
    item_id: str
    score: str
    note: str = ""


def round_score(value: float) -> float:
    return round(value, SCORE_DECIMALS)


def band_for(rubric: Rubric, final: float | None) -> Band | None:
    """The first band whose max is >= ``final`` (a max of None is above everything)."""
    if final is None:
        return None
    rounded = round_score(final)
    for band in rubric.bands:
        if band.max is None or rounded <= round_score(band.max):
            return band
    return None


def score_answers(rubric: Rubric, values: Mapping[str, str]) -> GroupScore:
    """Score one group's answers (item id -> text as typed; a missing id is unanswered)."""
    return _score(rubric, values, rows={}, read_errors=())


def score_rows(rubric: Rubric, rows: Iterable[AnswerRow]) -> GroupScore:
    """Score answers read row by row; errors carry the row number.

    A row with neither item id nor score (a blank line) is skipped. An item that
    appears in several rows is an error naming every row and counts as
    unanswered, since picking one of the rows would be a guess.
    """
    values: dict[str, str] = {}
    row_of: dict[str, int] = {}
    seen: dict[str, list[AnswerRow]] = {}
    errors: list[AnswerError] = []
    for row in rows:
        item_id = normalize_item_id(row.item_id)
        if not item_id:
            if row.score.strip():
                errors.append(_make_error("missing_item_id", "", row.score, row=row.row))
            continue
        seen.setdefault(item_id, []).append(row)
    for item_id, item_rows in seen.items():
        if len(item_rows) > 1:
            numbers = " ".join(str(r.row) for r in item_rows)
            errors.append(
                _make_error(
                    "duplicate_rows",
                    item_id,
                    item_rows[-1].score,
                    row=item_rows[-1].row,
                    rows=numbers,
                )
            )
            values[item_id] = ""  # known item, but which row counts would be a guess
            continue
        values[item_id] = item_rows[0].score
        row_of[item_id] = item_rows[0].row
    return _score(rubric, values, rows=row_of, read_errors=errors)


def _score(
    rubric: Rubric,
    values: Mapping[str, str],
    *,
    rows: Mapping[str, int],
    read_errors: Sequence[AnswerError],
) -> GroupScore:
    errors: list[AnswerError] = list(read_errors)
    known = {item.id for item in rubric.items}
    by_id: dict[str, str] = {}
    duplicated: set[str] = set()
    for key, text in values.items():
        item_id = normalize_item_id(key)
        if item_id in by_id:
            # Two spellings of one id ("data-1", "Data-1"): same rule as duplicate rows.
            if item_id not in duplicated:
                errors.append(_make_error("duplicate", item_id, str(text)))
            duplicated.add(item_id)
            continue
        by_id[item_id] = text
        if item_id not in known:
            errors.append(_make_error("unknown_item", key, str(text), row=rows.get(item_id)))
    for item_id in duplicated:
        by_id[item_id] = ""

    sections: dict[str, SectionScore] = {}
    for section in rubric.sections:
        raw = 0.0
        answered = not_applicable = 0
        for item in section.items:
            try:
                parsed = parse_answer(
                    by_id.get(item.id),
                    rubric.levels,
                    item_id=item.id,
                    na_allowed=item.na_allowed,
                )
            except AnswerError as error:
                errors.append(error.with_row(rows.get(item.id)))
                continue
            if parsed.kind == "na":
                not_applicable += 1
                answered += 1
            elif parsed.kind == "value" and parsed.value is not None:
                raw += parsed.value
                answered += 1
        items = len(section.items)
        applicable = items - not_applicable
        score = round_score(raw * items / applicable) if applicable else None
        sections[section.id] = SectionScore(
            section_id=section.id,
            score=score,
            raw=round_score(raw),
            answered=answered,
            applicable=applicable,
            items=items,
            not_applicable=not_applicable,
            unanswered=items - answered,
            all_na=applicable == 0,
        )

    scored = [s for s in sections.values() if s.score is not None]
    final = min((s.score for s in scored if s.score is not None), default=None)
    minimum = tuple(s.section_id for s in scored if final is not None and s.score == final)
    # Report errors in sheet order (rows first), the rest in the order found.
    errors.sort(key=lambda error: (error.row is None, error.row or 0))
    provisional = bool(errors) or any(s.unanswered for s in sections.values())
    return GroupScore(
        sections=sections,
        final=final,
        band=band_for(rubric, final),
        provisional=provisional,
        errors=tuple(errors),
        minimum_sections=minimum,
    )


# --------------------------------------------------------------------------- output


def error_to_json(error: AnswerError) -> dict[str, object]:
    return {
        "item_id": error.item_id,
        "value": error.value,
        "message": error.message,
        "row": error.row,
    }


def to_json(score: GroupScore) -> dict[str, object]:
    """The CLI's JSON contract; keep its keys and types stable (see tests/test_scoring.py)."""
    return {
        "sections": {
            section_id: {
                "score": None if s.score is None else float(s.score),
                "raw": float(s.raw),
                "answered": int(s.answered),
                "applicable": int(s.applicable),
                "items": int(s.items),
            }
            for section_id, s in score.sections.items()
        },
        "final": None if score.final is None else float(score.final),
        "band": score.band_id,
        "provisional": bool(score.provisional),
        "errors": [error_to_json(error) for error in score.errors],
    }


def format_score(value: float | None, decimals: int = 2) -> str:
    """A score for people: at most ``decimals`` decimals, no trailing zeros; "—" for None."""
    if value is None:
        return "—"
    text = f"{round_score(value):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
