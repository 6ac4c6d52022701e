"""The follow-through as the wrap-up, results and history pages table it.

Rows are plain dicts keyed by the column titles in the viewer's language (as
:mod:`workshop.score_tables`), so what a cell says ("0.5 → 1 (+0.5)", "new in
this round") is decided once, here, and tested without a page.
"""

from __future__ import annotations

from collections.abc import Mapping

from workshop.answers import format_score
from workshop.content.model import Text
from workshop.followthrough import ActionOutcome, Counts, FollowThrough, ScoreChange
from workshop.wrapup import Translate


def signed(change: float | None) -> str:
    """A change with its sign: ``+0.5``, ``-1``, ``±0``; a dash when there is none."""
    if change is None:
        return "—"
    if change == 0:
        return "±0"
    return ("+" if change > 0 else "") + format_score(change)


def change_text(score: ScoreChange, t: Translate) -> str:
    """``3 → 4 (+1)``; a dash where a round has no score."""
    if score.before is None and score.after is None:
        return "—"
    return t(
        "followup.change_text",
        before=format_score(score.before),
        after=format_score(score.after),
        change=signed(score.change),
    )


def counts_text(counts: Counts, t: Translate) -> str:
    """``Done 5 · dropped 1 · still open 2 · of 8; done and raised their test: 4``."""
    return t(
        "followup.counts_line",
        done=counts.done,
        dropped=counts.dropped,
        open=counts.still_open,
        total=counts.total,
        raised=counts.raised,
    )


def system_rows(
    follow: FollowThrough, section_titles: Mapping[str, Text], lang: str, t: Translate
) -> list[dict[str, str]]:
    """One row per system: its actions by status, sections and final score before → now."""
    rows = []
    for system in follow.systems:
        counts = system.counts
        name = system.system
        if system.new:
            name = f"{name} ({t('followup.system_new')})"
        elif system.absent:
            name = f"{name} ({t('followup.system_absent')})"
        row = {
            t("followup.col_system"): name,
            t("followup.col_done"): f"{counts.done}/{counts.total}",
            t("followup.col_dropped"): str(counts.dropped),
            t("followup.col_open"): str(counts.still_open),
            t("followup.col_raised"): str(counts.raised),
        }
        for section_id in follow.section_ids:
            title = section_titles.get(section_id)
            row[title.get(lang) if title else section_id] = change_text(
                system.sections[section_id], t
            )
        row[t("followup.col_final")] = change_text(system.final, t)
        rows.append(row)
    return rows


def action_rows(outcomes: tuple[ActionOutcome, ...], t: Translate) -> list[dict[str, str]]:
    """One row per action: system, what, test, status, the test's level before → now."""
    return [
        {
            t("followup.col_system"): outcome.system or "—",
            t("followup.col_action"): outcome.action.what,
            t("followup.col_test"): outcome.action.item_id or "—",
            t("followup.col_status"): t(f"followup.status_{outcome.action.status}"),
            t("followup.col_before"): format_score(outcome.before),
            t("followup.col_after"): format_score(outcome.after),
            t("followup.col_change"): signed(outcome.change),
        }
        for outcome in outcomes
    ]
