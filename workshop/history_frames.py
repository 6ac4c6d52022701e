"""The history's chart data: pandas frames for the charts of :mod:`workshop.history_charts`.

Only the charts need DataFrames; the history itself is built from plain
records (:mod:`workshop.history_model`), which keeps rebuilding it on every
rerun cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from workshop.history_model import ALL, COHORT, POPULATIONS, History

#: Series id of the final score in the line-chart frames (the others are section ids).
FINAL = "final"

Translate = Callable[..., str]

#: Columns of :func:`system_frame` (input of ``history_charts.system_history_chart``).
SYSTEM_FRAME_COLUMNS = (
    "round",
    "round_label",
    "series_id",
    "series",
    "score",
    "provisional",
    "phase",
)
#: Columns of :func:`org_finals_frame` (input of ``history_charts.org_distribution_chart``).
ORG_FINALS_COLUMNS = (
    "round",
    "round_label",
    "system",
    "final",
    "in_cohort",
    "provisional",
    "phase",
)
#: Columns of :func:`org_means_frame` (input of ``history_charts.org_section_means_chart``).
ORG_MEANS_COLUMNS = (
    "round",
    "round_label",
    "population_id",
    "population",
    "series_id",
    "series",
    "score",
)


def _translate(lang: str, t: Translate | None) -> Translate:
    if t is not None:
        return t
    from workshop.content import load_catalog
    from workshop.i18n import Translator

    return Translator(load_catalog().ui, lang)


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def system_frame(
    history: History, system: str, lang: str, t: Translate | None = None
) -> pd.DataFrame:
    """One row per round x series (final score, then each section) for one system.

    Rounds the system missed are absent (the line joins its own rounds).
    Raises KeyError for an unknown system.
    """
    found = history.system(system)
    if found is None:
        raise KeyError(system)
    final_label = _translate(lang, t)("history.final")
    labels = {summary.index: summary.label for summary in history.rounds}
    rows = []
    for result in found.rounds:
        rows.append(
            (
                result.round_index,
                labels[result.round_index],
                FINAL,
                final_label,
                _number(result.final),
                result.provisional,
                result.phase,
            )
        )
        for section_id in history.section_ids:
            if section_id not in result.sections:
                continue
            rows.append(
                (
                    result.round_index,
                    labels[result.round_index],
                    section_id,
                    history.section_label(section_id, lang),
                    _number(result.sections[section_id]),
                    result.provisional,
                    result.phase,
                )
            )
    return pd.DataFrame(rows, columns=list(SYSTEM_FRAME_COLUMNS))


def org_finals_frame(history: History) -> pd.DataFrame:
    """One row per round x system with a final score; ``in_cohort`` marks the cohort."""
    by_key = {system.key: system for system in history.systems}
    rows = []
    for summary in history.rounds:
        for key in summary.all.systems:
            system = by_key[key]
            result = system.at(summary.index)
            if result is None or result.final is None:
                continue
            rows.append(
                (
                    summary.index,
                    summary.label,
                    system.system,
                    float(result.final),
                    system.in_cohort,
                    result.provisional,
                    result.phase,
                )
            )
    return pd.DataFrame(rows, columns=list(ORG_FINALS_COLUMNS))


def org_means_frame(history: History, lang: str, t: Translate | None = None) -> pd.DataFrame:
    """One row per population x round x series: the mean final score and each section mean."""
    translate = _translate(lang, t)
    population_labels = {
        ALL: translate("history.population_all"),
        COHORT: translate("history.population_cohort"),
    }
    final_label = translate("history.mean_final")
    rows = []
    for population in POPULATIONS:
        for summary in history.rounds:
            stats = summary.stats(population)
            if not stats.count:
                continue
            common = (summary.index, summary.label, population, population_labels[population])
            rows.append((*common, FINAL, final_label, _number(stats.mean_final)))
            for section_id in history.section_ids:
                rows.append(
                    (
                        *common,
                        section_id,
                        history.section_label(section_id, lang),
                        _number(stats.section_means.get(section_id)),
                    )
                )
    return pd.DataFrame(rows, columns=list(ORG_MEANS_COLUMNS))
