"""A group's worksheet: one row per rubric item, holding the group's answers.

Rows are matched by their ``item_id`` cell, so sorting or moving rows changes
nothing. Hand-typed scores: a score the scoring rules reject (``yes``, ``0.7``)
is kept as typed in the group's answers, so :mod:`workshop.scoring` reports it
where the score is shown (and counts it as unanswered), and it is ALSO reported
here as a Problem naming the worksheet and row, so the host can find the cell
to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workshop.answers import AnswerError, answer_choices, parse_answer
from workshop.content.model import Rubric
from workshop.models import Answer, Group, Problem, VoteRecord
from workshop.scoring import normalize_item_id
from workshop.store.sheets.layout.cells import Values, cell, is_blank, next_free_row
from workshop.store.sheets.layout.columns import (
    ANSWERS_HEADER,
    GROUP_SHEET_HEADER,
    KEY_COLUMNS,
    Header,
    header_problems,
    read_header,
)
from workshop.store.sheets.layout.messages import message, where_row, where_sheet
from workshop.votes import VoteError, parse_summary


@dataclass(frozen=True)
class AnswerSheet:
    """One group's worksheet as read: answers by item id and where each item's row is."""

    title: str
    header: Header
    answers: dict[str, Answer]
    rows: dict[str, int]  # item id -> 1-based row (the first one when repeated)
    problems: tuple[Problem, ...]
    next_row: int
    present: bool = True
    votes: dict[str, VoteRecord] = field(default_factory=dict)  # item id -> votes cells

    @property
    def readable(self) -> bool:
        return self.present and self.header.has(*KEY_COLUMNS["answers"])


@dataclass(frozen=True)
class SheetRow:
    """A group-worksheet row as typed, for scoring straight from the sheet (CLI)."""

    row: int
    item_id: str
    score: str
    note: str


def missing_worksheet(
    title: str, group: Group, lang: str = "en", *, rubric: Rubric | None = None
) -> AnswerSheet:
    """The group's worksheet is gone: one Problem, and no answers (all unanswered)."""
    problem = Problem(
        where=where_sheet(title, lang),
        what=message(lang, "missing_sheet", sheet=title, group=group.name),
        group_id=group.id,
        value=title,
    )
    return AnswerSheet(title, Header({}, 0), {}, {}, (problem,), 2, present=False)


def sheet_rows(values: Values) -> tuple[Header, list[SheetRow]]:
    """Every non-blank data row of a group worksheet as typed (no validation)."""
    header = read_header(values, GROUP_SHEET_HEADER)
    rows = []
    for index, row in enumerate(values[1:], start=2):
        if is_blank(row):
            continue
        rows.append(
            SheetRow(
                row=index,
                item_id=cell(row, header.col("item_id")).strip(),
                score=cell(row, header.col("score")),
                note=cell(row, header.col("note")),
            )
        )
    return header, rows


def parse_answer_sheet(
    values: Values,
    *,
    title: str,
    group: Group,
    rubric: Rubric | None,
    lang: str = "en",
) -> AnswerSheet:
    """One group's answers from its worksheet, with a Problem for each broken row.

    The first row of a repeated item counts. ``rubric`` None (an unknown rubric
    id) accepts every item id and checks no scores.
    """
    header, rows = sheet_rows(values)
    problems = header_problems(title, header, ANSWERS_HEADER, KEY_COLUMNS["answers"], lang)
    problems = [_with_group(problem, group.id) for problem in problems]
    next_row = next_free_row(values)
    if not header.has(*KEY_COLUMNS["answers"]):
        return AnswerSheet(title, header, {}, {}, tuple(problems), next_row)

    known = {item.id: item for item in rubric.items} if rubric else None
    answers: dict[str, Answer] = {}
    votes: dict[str, VoteRecord] = {}
    item_rows: dict[str, int] = {}

    def report(row: SheetRow, code: str, item_id: str = "", **params: object) -> None:
        what = message(lang, code, **params)
        where = where_row(title, row.row, lang)
        problems.append(Problem(where, what, group.id, item_id, row.score))

    for sheet_row in rows:
        full = values[sheet_row.row - 1]
        item_id = normalize_item_id(sheet_row.item_id)
        if not item_id:
            if sheet_row.score.strip() or sheet_row.note.strip():
                report(sheet_row, "no_item_id")
            continue
        if known is not None and item_id not in known:
            report(sheet_row, "unknown_item", item_id, item=sheet_row.item_id)
            continue
        if item_id in item_rows:
            first = item_rows[item_id]
            report(sheet_row, "duplicate_item", item_id, item=item_id, first=first)
            continue
        item_rows[item_id] = sheet_row.row
        answers[item_id] = Answer(
            group_id=group.id,
            item_id=item_id,
            value=sheet_row.score,
            note=sheet_row.note,
            updated_at=cell(full, header.col("updated_at")).strip(),
            updated_by=cell(full, header.col("updated_by")).strip(),
        )
        if rubric is not None and known is not None:
            reason = score_error(sheet_row.score, rubric, known[item_id].na_allowed, item_id, lang)
            if reason:
                report(sheet_row, "bad_score", item_id, reason=reason)
        summary = cell(full, header.col("votes")).strip()
        vote_note = cell(full, header.col("votes_note")).strip()
        if summary or vote_note:
            votes[item_id] = VoteRecord(group.id, item_id, summary, vote_note)
            if rubric is not None and known is not None:
                try:
                    parse_summary(rubric, known[item_id], summary)
                except VoteError:
                    report(sheet_row, "bad_votes", item_id, value=summary)
    if rubric is not None:
        for item in rubric.items:
            if item.id not in item_rows:
                problems.append(
                    Problem(
                        where=where_sheet(title, lang),
                        what=message(lang, "missing_item", item=item.id),
                        group_id=group.id,
                        item_id=item.id,
                    )
                )
    return AnswerSheet(title, header, answers, item_rows, tuple(problems), next_row, votes=votes)


def score_error(text: str, rubric: Rubric, na_allowed: bool, item_id: str, lang: str) -> str:
    """The scoring rules' complaint about a typed score, or "" when it is usable."""
    try:
        parse_answer(text, rubric.levels, item_id=item_id, na_allowed=na_allowed)
    except AnswerError as error:
        return error.localized(lang)
    return ""


def _with_group(problem: Problem, group_id: str) -> Problem:
    return Problem(problem.where, problem.what, group_id, problem.item_id, problem.value)


def answer_values(value: str, note: str, updated_at: str, updated_by: str) -> dict[str, str]:
    return {"score": value, "note": note, "updated_at": updated_at, "updated_by": updated_by}


def item_row_values(rubric: Rubric, item_id: str, lang: str) -> dict[str, str]:
    """The fixed, informational cells of an item's row (id, section, title)."""
    item = rubric.item(item_id)
    return {
        "item_id": item.id,
        "section": rubric.section(item.section_id).short.get(lang),
        "title": item.title.get(lang),
    }


def answer_sheet_values(rubric: Rubric, lang: str) -> list[list[str]]:
    """A new group worksheet: the header row and one row per rubric item, unanswered."""
    rows = [list(GROUP_SHEET_HEADER)]
    for item in rubric.items:
        base = item_row_values(rubric, item.id, lang)
        rows.append([base.get(name, "") for name in GROUP_SHEET_HEADER])
    return rows


def score_choices(rubric: Rubric | None) -> list[str]:
    """The dropdown's values: the rubric's levels, and N/A ("0", "0.5", "1", "N/A")."""
    return answer_choices(rubric.levels if rubric else (0.0, 0.5, 1.0))
