"""The History page's table: every ML system at a glance, one row each.

For each system: its latest phase, final score and band, the change since the
round before it took part in, how many rounds it took part in, and whether its
latest result meets its phase's target. Bands are labelled with the newest
round's rubric, as the page's charts draw their band lines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from workshop.answers import format_score
from workshop.content.model import Rubric
from workshop.history_model import History, SystemHistory

Translate = Callable[..., str]


def latest_rubric(history: History, rubrics: Mapping[str, Rubric]) -> Rubric:
    """The rubric of the newest round, or any loaded one if that is gone (content reload).

    Needs at least one loaded rubric; callers look only when the history has rounds.
    """
    newest = history.latest
    found = rubrics.get(newest.rubric_id) if newest is not None else None
    return found or next(iter(rubrics.values()))


def score_change(system: SystemHistory) -> float | None:
    """Latest final score minus the one before; None without two final scores."""
    latest, previous = system.latest, system.previous
    if previous is None or latest.final is None or previous.final is None:
        return None
    return latest.final - previous.final


def _target_text(meets: bool | None, t: Translate) -> str:
    if meets is None:
        return t("history.no_target")
    return t("history.target_met") if meets else t("history.target_missed")


def systems_table(
    history: History, rubric: Rubric, lang: str, t: Translate
) -> list[dict[str, str | int]]:
    """One row per system (history order), column titles and texts in ``lang``.

    ``rubric`` labels the bands (see :func:`latest_rubric`); ``t`` looks up UI texts.
    """
    bands = {band.id: band.label.get(lang) for band in rubric.bands}
    rows: list[dict[str, str | int]] = []
    for system in history.systems:
        latest = system.latest
        rows.append(
            {
                t("history.col_system"): system.system,
                t("history.col_phase"): t(f"common.phase_{latest.phase}"),
                t("history.col_latest"): format_score(latest.final),
                t("history.col_band"): bands.get(latest.band_id, "—"),
                t("history.col_change"): format_score(score_change(system)),
                t("history.col_rounds"): len(system.rounds),
                t("history.col_target"): _target_text(latest.meets_target, t),
            }
        )
    return rows
