"""Scoring engine: turn one group's answers into section and final scores.

What an answer text means (``0,5``, ``N/A``, ``対象外``, ...) is
:mod:`workshop.answers`' job; here a cell that is not an answer is an
:class:`~workshop.answers.AnswerError` that names the item and the value, and
counts as unanswered instead of silently becoming 0.

Rules (ML Test Score, 2017, with the "not applicable" extension):

* A section's score is the sum of its applicable items, scaled back to the
  section's size when some items are N/A (``raw * items / applicable``) so a
  section with N/A items stays comparable with a complete one.
* A section whose items are all N/A has no score and is left out of the final.
* The final score is the minimum of the section scores: the weakest section decides.
* Unanswered or invalid items count 0 and make the result *provisional*.

Everything here is pure (no Streamlit; the only file read is the message texts,
once per process) so pages, the CLI and the tests share exactly one implementation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workshop.answers import (
    UNANSWERED,
    AnswerError,
    ParsedAnswer,
    answer_error,
    item_answer,
    parse_answer,
    round_score,
)
from workshop.content.model import Band, Rubric

# --------------------------------------------------------------------------- item ids


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
        result[item.id] = item_answer(rubric, item, by_id.get(item.id)) or UNANSWERED
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
                errors.append(answer_error("missing_item_id", "", row.score, row=row.row))
            continue
        seen.setdefault(item_id, []).append(row)
    for item_id, item_rows in seen.items():
        if len(item_rows) > 1:
            errors.append(
                answer_error(
                    "duplicate_rows",
                    item_id,
                    item_rows[-1].score,
                    row=item_rows[-1].row,
                    rows=[r.row for r in item_rows],
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
                errors.append(answer_error("duplicate", item_id, str(text)))
            duplicated.add(item_id)
            continue
        by_id[item_id] = text
        if item_id not in known:
            errors.append(answer_error("unknown_item", key, str(text), row=rows.get(item_id)))
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
