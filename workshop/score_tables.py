"""The score tables the pages show: groups side by side, and one group's sections.

The wrap-up and the results pages draw these as dataframes; the rows are
built here, as plain dicts whose keys are the column titles in the viewer's
language, so what a cell says (a provisional mark, the band, the weakest
sections) is decided once and can be checked without a page.
"""

from __future__ import annotations

from collections.abc import Sequence

from workshop.answers import format_score
from workshop.content.model import Rubric
from workshop.wrapup import GroupResult, Translate

NO_BAND = "—"
WEAKEST_MARK = "●"


def final_text(result: GroupResult, t: Translate) -> str:
    """The final score as shown: ``3.5``, or ``3.5 (provisional)`` while it may still change."""
    final = format_score(result.score.final)
    return t("wrapup.provisional_mark", score=final) if result.provisional else final


def band_text(result: GroupResult, lang: str) -> str:
    """The band's label, or a dash when there is no final score (every section N/A)."""
    band = result.score.band
    return band.label.get(lang) if band else NO_BAND


def answered_text(answered: int, out_of: int) -> str:
    """``21/28``: how many tests have an answer, of how many."""
    return f"{answered}/{out_of}"


def comparison_rows(
    rubric: Rubric,
    results: Sequence[GroupResult],
    lang: str,
    t: Translate,
    highlight: str = "",
) -> list[dict[str, str]]:
    """Groups side by side: final, band, each section, weakest section, answered, system, phase.

    What the room reads first comes first; system and phase go last so the
    sections stay on screen at 1280 px with the sidebar open. ``highlight``
    (a group id) marks that group's name as "this group" on its own results page.
    """
    labels = {section.id: section.short.get(lang) for section in rubric.sections}
    rows: list[dict[str, str]] = []
    for result in results:
        score = result.score
        name = result.group.name
        if highlight and result.group.id == highlight:
            name = t("results.this_group", group=name)
        rows.append(
            {
                t("wrapup.col_group"): name,
                t("wrapup.col_final"): final_text(result, t),
                t("wrapup.col_band"): band_text(result, lang),
                **{
                    labels[sid]: format_score(section.score)
                    for sid, section in score.sections.items()
                },
                t("wrapup.col_minimum"): ", ".join(labels[s] for s in result.minimum_sections),
                t("wrapup.col_answered"): answered_text(result.answered, result.total),
                t("wrapup.col_system"): result.group.system,
                t("wrapup.col_phase"): t(f"common.phase_{result.group.phase}"),
            }
        )
    return rows


def section_rows(
    rubric: Rubric, result: GroupResult, lang: str, t: Translate
) -> list[dict[str, str]]:
    """One group's sections: scaled score, raw sum, answered of applicable, weakest mark."""
    labels = {section.id: section.short.get(lang) for section in rubric.sections}
    return [
        {
            t("results.col_section"): labels[sid],
            t("results.col_score"): format_score(section.score),
            t("results.col_raw"): format_score(section.raw),
            t("results.col_answered"): answered_text(section.answered, section.applicable),
            t("results.col_weakest"): WEAKEST_MARK if sid in result.minimum_sections else "",
        }
        for sid, section in result.score.sections.items()
    ]
