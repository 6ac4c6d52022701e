"""Chart builders: the Vega-Lite spec has the encodings, colours and rules a shared screen needs."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from workshop import chart_style, history_charts, image_export, wrapup_charts
from workshop.content import load_catalog

SECTIONS = ["Data", "Model", "Infra", "Monitoring"]
THRESHOLDS = [0.0, 1.0, 2.0, 3.0, 5.0]
JA = {key[len("history.") :]: text.ja for key, text in load_catalog().ui.items()}
EN = {key[len("history.") :]: text.en for key, text in load_catalog().ui.items()}


# --------------------------------------------------------------------------- spec helpers


def walk(spec: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a spec, depth first."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from walk(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from walk(value)


def mark_type(unit: dict[str, Any]) -> str:
    mark = unit.get("mark")
    return mark["type"] if isinstance(mark, dict) else str(mark)


def units(spec: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    """Unit specs (those with a mark), optionally of one mark type."""
    found = [node for node in walk(spec) if "mark" in node]
    return [unit for unit in found if kind is None or mark_type(unit) == kind]


def dataset(spec: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a unit draws (its own data, or the top-level data Altair hoisted)."""
    return spec["datasets"][(unit.get("data") or spec["data"])["name"]]


def titles(spec: dict[str, Any]) -> set[str]:
    """Every axis and legend title in the spec."""
    return {
        node["title"]
        for node in walk(spec)
        if isinstance(node.get("title"), str) and node.get("field") is not None
    }


def assert_readable(spec: dict[str, Any]) -> None:
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 14
    assert config["axis"]["titleFontSize"] >= 16
    assert config["legend"]["labelFontSize"] >= 14
    assert config["legend"]["titleFontSize"] >= 16


def has_latin_words(text: str) -> bool:
    return re.search(r"[A-Za-z]{3,}", text) is not None


# --------------------------------------------------------------------------- frames


def section_frame() -> pd.DataFrame:
    rows = []
    for group, scores, weakest in (
        ("Search", [5, 5.5, 6, 3.5], "Monitoring"),
        ("Fraud", [5.5, 5.5, 5, 3], "Monitoring"),
        ("Vision", [float("nan"), 3.5, 4.5, 2.5], "Monitoring"),
    ):
        for section, score in zip(SECTIONS, scores, strict=True):
            rows.append((group, section, score, section == weakest, False))
    return pd.DataFrame(rows, columns=["group", "section", "score", "is_minimum", "provisional"])


def heatmap_frame() -> pd.DataFrame:
    answers = ["0", "0.5", "1", "N/A", "unanswered", "invalid"]
    rows = [
        ("Search", f"data-{n}", f"Item {n}", "Data", answer)
        for n, answer in enumerate(answers, start=1)
    ]
    rows += [("Fraud", f"data-{n}", f"Item {n}", "Data", "1") for n in range(1, 7)]
    return pd.DataFrame(rows, columns=["group", "item_id", "item", "section", "answer"])


def profile_frame() -> pd.DataFrame:
    frame = section_frame()
    frame["mean"] = frame.groupby("section")["score"].transform("mean")
    return frame[["group", "section", "score", "mean"]]


SECTION_IDS = ["data", "model", "infra", "monitor"]
SYSTEM_COLUMNS = ["round", "round_label", "series_id", "series", "score", "provisional", "phase"]


def system_frame() -> pd.DataFrame:
    """Rows deliberately out of round order: the chart must sort rounds by index."""
    rows = []
    for round_index, label, scores in (
        (1, "2025-07-01", [2.5, 4, 5, 2.5]),
        (0, "2025-01-01", [1, 3, 4, 1]),
    ):
        provisional = round_index == 1
        rows.append((round_index, label, "final", "Final score", min(scores), provisional, "poc"))
        for sid, section, score in zip(SECTION_IDS, SECTIONS, scores, strict=True):
            rows.append((round_index, label, sid, section, score, provisional, "poc"))
    return pd.DataFrame(rows, columns=SYSTEM_COLUMNS)


def finals_frame() -> pd.DataFrame:
    rows = [
        (0, "2025-01-01", "Search", 2.0, True, False, "production"),
        (0, "2025-01-01", "Fraud", 1.5, True, False, "production"),
        (1, "2025-07-01", "Search", 3.0, True, False, "production"),
        (1, "2025-07-01", "Fraud", 2.5, True, False, "production"),
        (1, "2025-07-01", "Reco", 1.0, False, True, "poc"),
    ]
    return pd.DataFrame(
        rows,
        columns=["round", "round_label", "system", "final", "in_cohort", "provisional", "phase"],
    )


def means_frame() -> pd.DataFrame:
    rows = []
    for population_id, population in (("all", "All systems"), ("cohort", "Cohort")):
        for round_index, label in ((0, "2025-01-01"), (1, "2025-07-01")):
            common = (round_index, label, population_id, population)
            rows.append((*common, "final", "Final", 2.0))
            for sid, section in zip(SECTION_IDS, SECTIONS, strict=True):
                rows.append((*common, sid, section, 3.0))
    columns = ["round", "round_label", "population_id", "population", "series_id", "series"]
    return pd.DataFrame(rows, columns=[*columns, "score"])


# --------------------------------------------------------------------------- one workshop


def test_section_bars_group_sections_by_colour_with_band_rules() -> None:
    spec = wrapup_charts.section_bars(section_frame(), THRESHOLDS, "en").to_dict()
    assert_readable(spec)
    (bars,) = units(spec, "bar")
    encoding = bars["encoding"]
    assert encoding["x"]["field"] == "group"
    assert encoding["x"]["sort"] == ["Search", "Fraud", "Vision"]  # frame order, not alphabetical
    assert encoding["xOffset"]["field"] == "section"
    assert encoding["color"]["scale"]["domain"] == SECTIONS
    assert encoding["color"]["scale"]["range"] == list(chart_style.SERIES_PALETTE[:4])
    assert set(encoding["color"]["scale"]["range"]) <= set(chart_style.OKABE_ITO.values())
    assert encoding["stroke"]["condition"]["test"] == "datum.is_minimum"
    (rule,) = units(spec, "rule")
    # 0 is the axis itself: no rule for it.
    assert [row["threshold"] for row in dataset(spec, rule)] == [1.0, 2.0, 3.0, 5.0]
    assert encoding["y"]["title"] == EN["axis_section_score"]


def test_section_bars_without_thresholds_or_minimum_column() -> None:
    frame = section_frame().drop(columns=["is_minimum"])
    spec = wrapup_charts.section_bars(frame, [], "en").to_dict()
    assert units(spec, "rule") == []
    assert "stroke" not in units(spec, "bar")[0]["encoding"]


def test_axis_titles_follow_the_language() -> None:
    spec = wrapup_charts.section_bars(section_frame(), THRESHOLDS, "ja").to_dict()
    found = titles(spec)
    assert {JA["axis_group"], JA["axis_section_score"], JA["legend_section"]} <= found
    assert not any(has_latin_words(title) for title in found)


def test_labels_override_the_ui_texts() -> None:
    spec = wrapup_charts.section_bars(
        section_frame(), THRESHOLDS, "en", labels={"axis_group": "Team"}
    )
    assert spec.to_dict()["layer"][0]["encoding"]["x"]["title"] == "Team"


def relative_lightness(hex_colour: str) -> float:
    """CIE L* (0 black .. 100 white) of an sRGB colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


def test_heatmap_uses_fixed_colours_for_every_category_with_a_legend() -> None:
    spec = wrapup_charts.answer_heatmap(heatmap_frame(), "en").to_dict()
    assert_readable(spec)
    (cells,) = units(spec, "rect")
    colour = cells["encoding"]["color"]
    labels = [EN[key] for key in ("answer_0", "answer_half", "answer_1", "answer_na")]
    labels += [EN["answer_unanswered"], EN["answer_invalid"]]
    assert colour["scale"]["domain"] == labels
    assert colour["scale"]["range"] == [
        wrapup_charts.ANSWER_COLORS[c] for c in wrapup_charts.ANSWER_CATEGORIES
    ]
    assert colour["legend"]["title"] == EN["legend_answer"]
    assert cells["encoding"]["x"]["sort"] == [f"data-{n}" for n in range(1, 7)]
    assert cells["encoding"]["y"]["sort"] == ["Search", "Fraud"]
    # Each cell's answer is printed too, and the rows carry the localized category.
    (marks,) = units(spec, "text")
    rows = dataset(spec, marks)
    assert [row["mark"] for row in rows[:6]] == ["0", "½", "1", "–", "", "!"]
    assert [row["answer_label"] for row in rows[:6]] == labels


def test_heatmap_colours_differ_in_lightness_too() -> None:
    lightness = sorted(relative_lightness(c) for c in wrapup_charts.ANSWER_COLORS.values())
    gaps = [b - a for a, b in itertools.pairwise(lightness)]
    assert min(gaps) >= 10, lightness
    # Levels run from light (not done) to dark (automated).
    levels = [relative_lightness(wrapup_charts.ANSWER_COLORS[c]) for c in ("0", "0.5", "1")]
    assert levels == sorted(levels, reverse=True)


def test_heatmap_legend_in_japanese() -> None:
    spec = wrapup_charts.answer_heatmap(heatmap_frame(), "ja").to_dict()
    domain = units(spec, "rect")[0]["encoding"]["color"]["scale"]["domain"]
    assert domain[3] == JA["answer_na"] == "対象外"


def test_profile_chart_shows_each_group_against_the_mean() -> None:
    spec = wrapup_charts.profile_chart(profile_frame(), "en").to_dict()
    assert_readable(spec)
    assert spec["facet"]["field"] == "group"
    assert spec["facet"]["sort"] == ["Search", "Fraud", "Vision"]
    assert spec["columns"] == 3
    (bars,) = units(spec, "bar")
    (ticks,) = units(spec, "tick")
    assert bars["encoding"]["y"]["field"] == "score"
    assert ticks["encoding"]["y"]["field"] == "mean"
    scale = bars["encoding"]["color"]["scale"]
    assert scale == ticks["encoding"]["color"]["scale"]  # one shared legend
    assert scale["domain"] == [*SECTIONS, EN["mean_of_groups"]]
    assert scale["range"][-1] == chart_style.FINAL_COLOR
    rows = dataset(spec, bars)
    search_data = [r for r in rows if r["group"] == "Search" and r["section"] == "Data"]
    assert search_data[0]["mean"] == pytest.approx(5.25)  # Vision has no data score


# --------------------------------------------------------------------------- across rounds


def test_system_history_chart_has_final_on_top_and_band_rules() -> None:
    spec = history_charts.system_history_chart(system_frame(), THRESHOLDS, "en").to_dict()
    assert_readable(spec)
    lines = units(spec, "line")
    assert len(lines) == 2
    final_line = next(u for u in lines if "== 'final'" in u["transform"][0]["filter"])
    assert final_line["mark"]["strokeDash"] == [10, 5]
    assert spec["layer"][-1]["mark"]["shape"] == "diamond"  # final points drawn last
    colour = lines[0]["encoding"]["color"]
    assert colour["scale"]["domain"][0] == "Final score"
    assert colour["scale"]["range"] == [chart_style.FINAL_COLOR, *chart_style.SERIES_PALETTE[:4]]
    # Rounds are ordered by index, whatever the row order.
    assert lines[0]["encoding"]["x"]["sort"] == ["2025-01-01", "2025-07-01"]
    (rule,) = units(spec, "rule")
    assert [row["threshold"] for row in dataset(spec, rule)] == [1.0, 2.0, 3.0, 5.0]
    points = units(spec, "point")
    assert all(p["encoding"]["fill"]["condition"]["test"] == "datum.provisional" for p in points)


def test_org_distribution_chart_boxes_and_cohort_points() -> None:
    spec = history_charts.org_distribution_chart(finals_frame(), "en", thresholds=[2.0]).to_dict()
    assert_readable(spec)
    (boxes,) = units(spec, "boxplot")
    assert boxes["encoding"]["y"]["field"] == "final"
    assert boxes["encoding"]["x"]["sort"] == ["2025-01-01", "2025-07-01"]
    (points,) = units(spec, "point")
    shape = points["encoding"]["shape"]
    assert shape["field"] == "cohort_label"
    assert shape["scale"]["domain"] == [EN["cohort_in"], EN["cohort_out"]]
    assert points["encoding"]["fill"]["scale"]["range"] == [chart_style.FINAL_COLOR, "#FFFFFF"]
    rows = dataset(spec, points)
    assert [r["cohort_label"] for r in rows] == [EN["cohort_in"]] * 4 + [EN["cohort_out"]]
    (rule,) = units(spec, "rule")
    assert [row["threshold"] for row in dataset(spec, rule)] == [2.0]


def test_org_section_means_chart_facets_the_populations() -> None:
    spec = history_charts.org_section_means_chart(means_frame(), "ja", thresholds=[2.0]).to_dict()
    assert_readable(spec)
    assert spec["facet"]["column"]["field"] == "population"
    assert spec["facet"]["column"]["sort"] == ["All systems", "Cohort"]
    lines = units(spec, "line")
    colour = lines[0]["encoding"]["color"]
    assert colour["scale"]["domain"] == ["Final", *SECTIONS]
    assert colour["scale"]["range"][0] == chart_style.FINAL_COLOR
    assert lines[0]["encoding"]["y"]["title"] == JA["axis_mean"]
    (rule,) = units(spec, "rule")
    assert any(t.get("calculate") == "[2.0]" for t in rule["transform"])


def test_charts_handle_an_empty_history() -> None:
    empty = means_frame().iloc[0:0]
    spec = history_charts.org_section_means_chart(empty, "en").to_dict()
    assert units(spec, "line")
    finals = finals_frame().iloc[0:0]
    assert units(history_charts.org_distribution_chart(finals, "en").to_dict(), "boxplot")


# --------------------------------------------------------------------------- export


def test_png_and_svg_export_work_offline() -> None:
    chart = wrapup_charts.section_bars(section_frame(), THRESHOLDS, "en")
    png = image_export.chart_png(chart)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = image_export.chart_svg(wrapup_charts.answer_heatmap(heatmap_frame(), "ja"))
    assert "<svg" in svg
    assert "対象外" in svg  # SVG keeps the text; the viewer's fonts draw it
