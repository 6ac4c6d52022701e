"""The History page's table of systems, computed without a page (hand-computed rows)."""

from __future__ import annotations

from tests.test_history import (
    A1,
    A2,
    B2,
    C2,
    RUBRIC,
    RUBRICS,
    TARGETS,
    snapshot,
    workshop,
)
from workshop.content import load_catalog
from workshop.history import build_history
from workshop.history_summary import latest_rubric, score_change, systems_table
from workshop.i18n import Translator


def _two_rounds() -> list:
    """Alpha drops from 3.5 to 0; Beta took part once (7); Gamma joins in round 2 (0)."""
    return [
        snapshot(
            workshop("r1", "2025-01-01"),
            [("a", "Alpha", "production", A2), ("b", "Beta", "validation", B2)],
        ),
        snapshot(
            workshop("r2", "2025-07-01"),
            [("a", "alpha", "production", A1), ("c", "Gamma", "poc", C2)],
        ),
    ]


def test_every_system_gets_one_row_in_english() -> None:
    history = build_history(RUBRICS, _two_rounds(), TARGETS)
    t = Translator(load_catalog().ui, "en")
    assert systems_table(history, RUBRIC, "en", t) == [
        {
            "ML system": "alpha",
            "Phase": "Production",
            "Latest final": "0",
            "Band": "0 (en)",
            "Change": "-3.5",
            "Rounds": 2,
            "Target": "Target not reached yet",
        },
        {
            "ML system": "Beta",
            "Phase": "Validation",
            "Latest final": "7",
            "Band": ">5 (en)",
            "Change": "—",
            "Rounds": 1,
            "Target": "Target reached",
        },
        {
            "ML system": "Gamma",
            "Phase": "Proof of concept",
            "Latest final": "0",
            "Band": "0 (en)",
            "Change": "—",
            "Rounds": 1,
            "Target": "No target for this phase",
        },
    ]


def test_the_table_follows_the_language() -> None:
    history = build_history(RUBRICS, _two_rounds(), TARGETS)
    t = Translator(load_catalog().ui, "ja")
    first = systems_table(history, RUBRIC, "ja", t)[0]
    assert first["MLシステム"] == "alpha"
    assert first["フェーズ"] == "本番運用"
    assert first["段階"] == "0（ja）"
    assert first["目標"] == "目標未達"


def test_without_targets_no_system_is_judged() -> None:
    history = build_history(RUBRICS, _two_rounds())
    rows = systems_table(history, RUBRIC, "en", lambda key, **_: key)
    assert [row["history.col_target"] for row in rows] == ["history.no_target"] * 3


def test_the_change_needs_two_final_scores() -> None:
    alpha, beta, _ = build_history(RUBRICS, _two_rounds()).systems
    assert score_change(alpha) == -3.5
    assert score_change(beta) is None


def test_bands_are_labelled_with_the_newest_rounds_rubric() -> None:
    history = build_history(RUBRICS, _two_rounds())
    assert latest_rubric(history, RUBRICS) is RUBRIC
    # The newest round's rubric was unloaded meanwhile: any loaded rubric labels the bands.
    other = {"other": RUBRIC}
    assert latest_rubric(history, other) is RUBRIC
