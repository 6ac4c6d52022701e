"""The wrap-up's chart data: tidy frames of one workshop's scores and answers.

Kept apart from :mod:`workshop.wrapup` (results and prompts) because these are
the only wrap-up functions that need pandas, and because their columns are a
contract with the chart builders in :mod:`workshop.wrapup_charts`: one row per
mark, the columns listed in each ``*_COLUMNS`` tuple. Pure like the rest: a
page passes results or a snapshot and gets a DataFrame back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from workshop.answers import NA_TEXT, canonical_text, item_answer
from workshop.compare import section_means
from workshop.content.model import Rubric, Section
from workshop.models import Snapshot
from workshop.wrapup import GroupResult, answer_cells

# Answer categories of the heatmap (levels appear as their canonical text, "0", "0.5", "1").
CATEGORY_NA = NA_TEXT
CATEGORY_UNANSWERED = "unanswered"
CATEGORY_INVALID = "invalid"

SECTION_SCORE_COLUMNS = (
    "group",
    "group_id",
    "section",
    "section_id",
    "score",
    "is_minimum",
    "provisional",
)
HEATMAP_COLUMNS = ("group", "group_id", "item_id", "item", "section", "section_id", "answer")
PROFILE_COLUMNS = ("group", "group_id", "section", "section_id", "score", "mean")


def _score_or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _group_section(result: GroupResult, section: Section, lang: str) -> tuple[object, ...]:
    """The columns every group x section frame starts with: who, which section, the score."""
    score = _score_or_nan(result.score.sections[section.id].score)
    return (result.group.name, result.group.id, section.short.get(lang), section.id, score)


def section_scores_frame(rubric: Rubric, results: Sequence[GroupResult], lang: str) -> pd.DataFrame:
    """One row per group x section; ``score`` is NaN for an all-N/A section."""
    rows = [
        (
            *_group_section(result, section, lang),
            section.id in result.minimum_sections,
            result.provisional,
        )
        for result in results
        for section in rubric.sections
    ]
    return pd.DataFrame(rows, columns=list(SECTION_SCORE_COLUMNS))


def answer_category(rubric: Rubric, item_id: str, text: str | None) -> str:
    """The answer's canonical text ("0", "0.5", "1", "N/A"), "unanswered" or "invalid"."""
    parsed = item_answer(rubric, rubric.item(item_id), text)
    if parsed is None:
        return CATEGORY_INVALID
    return canonical_text(parsed) or CATEGORY_UNANSWERED


def heatmap_frame(rubric: Rubric, snapshot: Snapshot, lang: str) -> pd.DataFrame:
    """One row per group x item with the answer's category (every group, answered or not)."""
    rows = [
        (
            cell.group.name,
            cell.group.id,
            cell.item.id,
            cell.item.title.get(lang),
            cell.section.short.get(lang),
            cell.section.id,
            answer_category(rubric, cell.item.id, cell.text),
        )
        for cell in answer_cells(rubric, snapshot)
    ]
    return pd.DataFrame(rows, columns=list(HEATMAP_COLUMNS))


def profile_frame(rubric: Rubric, results: Sequence[GroupResult], lang: str) -> pd.DataFrame:
    """Each group's section scores next to the mean of all groups with answers."""
    answering = [result for result in results if result.has_answers]
    means = section_means({result.group.id: result.score for result in answering})
    rows = [
        (*_group_section(result, section, lang), _score_or_nan(means.get(section.id)))
        for result in results
        for section in rubric.sections
    ]
    return pd.DataFrame(rows, columns=list(PROFILE_COLUMNS))


def band_thresholds(rubric: Rubric) -> list[float]:
    """The finite band edges (e.g. 0, 1, 2, 3, 5), for rule lines on charts."""
    return [
        float(band.max) for band in rubric.bands if band.max is not None and math.isfinite(band.max)
    ]
