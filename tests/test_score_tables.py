"""The score tables of the wrap-up and results pages, as rows (hand-computed)."""

from __future__ import annotations

from tests.rubric_factory import make_rubric
from tests.test_wrapup import make_snapshot
from workshop.content import load_catalog
from workshop.i18n import Translator
from workshop.score_tables import (
    band_text,
    comparison_rows,
    final_text,
    section_rows,
)
from workshop.wrapup import group_results

# Two sections of two tests; model-2 may be N/A.
RUBRIC = make_rubric(sections=("data", "model"), items_per_section=2, na_allowed={"model-2"})
# alpha: data 1 + 0.5 = 1.5; model 1 of one applicable test, scaled to 2 -> final 1.5 (1-2).
# beta:  data 0.5 + unanswered = 0.5; model 0.5 + 0 = 0.5 -> final 0.5 (0-1), provisional,
#        both sections tied at the minimum.
SNAPSHOT = make_snapshot(
    {
        "alpha": {"data-1": "1", "data-2": "0.5", "model-1": "1", "model-2": "N/A"},
        "beta": {"data-1": "0.5", "data-2": "", "model-1": "0.5", "model-2": "0"},
    }
)
RESULTS = group_results(RUBRIC, SNAPSHOT)
EN = Translator(load_catalog().ui, "en")


def test_groups_side_by_side_in_english() -> None:
    assert comparison_rows(RUBRIC, RESULTS, "en", EN) == [
        {
            "Group": "Team Alpha",
            "Final": "1.5",
            "Band": "1-2 (en)",
            "data (en)": "1.5",
            "model (en)": "2",
            "Weakest section": "data (en)",
            "Answered": "4/4",
            "ML system": "alpha-system",
            "Phase": "Production",
        },
        {
            "Group": "Team Beta",
            "Final": "0.5 (provisional)",
            "Band": "0-1 (en)",
            "data (en)": "0.5",
            "model (en)": "0.5",
            "Weakest section": "data (en), model (en)",
            "Answered": "3/4",
            "ML system": "beta-system",
            "Phase": "Production",
        },
    ]


def test_a_groups_own_results_name_it_this_group() -> None:
    rows = comparison_rows(RUBRIC, RESULTS, "en", EN, highlight="beta")
    assert [row["Group"] for row in rows] == ["Team Alpha", "Team Beta (this group)"]


def test_the_columns_follow_the_language() -> None:
    ja = Translator(load_catalog().ui, "ja")
    row = comparison_rows(RUBRIC, RESULTS, "ja", ja)[1]
    assert row["最終スコア"] == "0.5(暫定)"
    assert row["段階"] == "0-1（ja）"
    assert row["フェーズ"] == "本番運用"


def test_one_groups_sections() -> None:
    alpha, beta = RESULTS
    assert section_rows(RUBRIC, alpha, "en", EN) == [
        {
            "Section": "data (en)",
            "Score (scaled)": "1.5",
            "Raw sum": "1.5",
            "Answered / applicable": "2/2",
            "Weakest": "●",
        },
        {
            "Section": "model (en)",
            "Score (scaled)": "2",
            "Raw sum": "1",
            "Answered / applicable": "2/1",  # N/A counts as answered, not as applicable
            "Weakest": "",
        },
    ]
    assert [row["Weakest"] for row in section_rows(RUBRIC, beta, "en", EN)] == ["●", "●"]


def test_final_and_band_texts() -> None:
    alpha, beta = RESULTS
    assert (final_text(alpha, EN), final_text(beta, EN)) == ("1.5", "0.5 (provisional)")
    assert band_text(alpha, "en") == "1-2 (en)"
    only_na = make_rubric(sections=("model",), items_per_section=1, na_allowed={"model-1"})
    (gamma,) = group_results(only_na, make_snapshot({"gamma": {"model-1": "N/A"}}))
    assert (final_text(gamma, EN), band_text(gamma, "en")) == ("—", "—")
