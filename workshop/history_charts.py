"""The history's charts across rounds: one system over time, and the organisation's spread.

Every builder takes a tidy pandas DataFrame from :mod:`workshop.history_frames`
(one row per mark; the columns are listed in each docstring) and returns an
Altair chart styled by :mod:`workshop.chart_style`. The final score equals its
weakest section, so the lines often coincide: the final one is drawn last,
black, thick and dashed, so both stay visible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from workshop.chart_style import (
    FINAL_COLOR,
    OKABE_ITO,
    SERIES_PALETTE,
    THRESHOLD_COLOR,
    chart_labels,
    finite,
    first_seen,
    ordered_by,
    readable,
    threshold_rules,
)


def _series_scale(series_ids: Sequence[str], series: Sequence[str]) -> alt.Scale:
    """Final score in black, sections in palette order."""
    colours = []
    spare = iter(SERIES_PALETTE * 4)
    for series_id in series_ids:
        colours.append(FINAL_COLOR if series_id == "final" else next(spare))
    return alt.Scale(domain=list(series), range=colours)


def _series_pairs(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    pairs = frame[["series_id", "series"]].drop_duplicates()
    final_first = sorted(
        zip(pairs["series_id"], pairs["series"], strict=True), key=lambda p: p[0] != "final"
    )
    return [p[0] for p in final_first], [p[1] for p in final_first]


def _series_layers(
    x: alt.X,
    y: alt.Y,
    color: alt.Color,
    tooltip: list[alt.Tooltip],
    data: pd.DataFrame | None = None,
    hollow_provisional: bool = False,
) -> list[alt.Chart]:
    """Section lines and points, then the final score on top of them.

    The final score equals its weakest section, so the two lines often coincide:
    the final one is drawn last, black, thick and dashed, with diamond points, so
    both stay visible.
    """

    def chart() -> alt.Chart:
        return alt.Chart(data) if data is not None else alt.Chart()

    encoding = {"x": x, "y": y, "color": color, "detail": "series:N"}
    fill: Any = (
        alt.condition("datum.provisional", alt.value("#FFFFFF"), color)
        if hollow_provisional
        else color
    )
    sections = chart().transform_filter("datum.series_id != 'final'")
    final = chart().transform_filter("datum.series_id == 'final'")
    return [
        sections.mark_line(strokeWidth=3).encode(**encoding),
        sections.mark_point(size=150, strokeWidth=2.5, opacity=1).encode(
            **encoding, fill=fill, tooltip=tooltip
        ),
        final.mark_line(strokeWidth=4, strokeDash=[10, 5]).encode(**encoding),
        final.mark_point(shape="diamond", size=260, strokeWidth=2.5, opacity=1).encode(
            **encoding, fill=fill, tooltip=tooltip
        ),
    ]


def _round_axis_and_series_color(
    frame: pd.DataFrame, text: Mapping[str, str]
) -> tuple[alt.X, alt.Color]:
    """Rounds along x in round order, and one colour per series (the final score black)."""
    rounds = ordered_by(frame, "round_label", "round")
    series_ids, series = _series_pairs(frame)
    x = alt.X("round_label:N", sort=rounds, title=text["axis_round"], axis=alt.Axis(labelAngle=0))
    color = alt.Color(
        "series:N",
        sort=series,
        scale=_series_scale(series_ids, series),
        legend=alt.Legend(title=text["legend_series"], orient="right"),
    )
    return x, color


def _over_rules(layers: list[Any], thresholds: Sequence[float], *, step: int) -> alt.TopLevelMixin:
    """``layers`` drawn over the band rules (if any), 360 px high, ``step`` px per round."""
    rules = threshold_rules(thresholds)
    if rules is not None:
        layers.insert(0, rules)
    return readable(alt.layer(*layers).properties(height=360, width=alt.Step(step)))


def system_history_chart(
    frame: pd.DataFrame,
    thresholds: Sequence[float],
    lang: str,
    labels: Mapping[str, str] | None = None,
) -> alt.TopLevelMixin:
    """One system over the rounds: final score (black, dashed) and each section, band rules.

    ``frame``: :func:`workshop.history_frames.system_frame`, one row per round x
    series with ``round`` (index), ``round_label``, ``series_id`` ("final" or a
    section id), ``series`` (label), ``score``, ``provisional`` (hollow point)
    and ``phase``.
    """
    text = chart_labels(lang, labels)
    data = frame.copy()
    data["provisional_text"] = [text["provisional"] if p else "" for p in data["provisional"]]
    x, color = _round_axis_and_series_color(frame, text)
    tooltip = [
        alt.Tooltip("round_label:N", title=text["axis_round"]),
        alt.Tooltip("series:N", title=text["legend_series"]),
        alt.Tooltip("score:Q", title=text["axis_score"], format=".2~f"),
        alt.Tooltip("phase:N", title=text["phase"]),
        alt.Tooltip("provisional_text:N", title=" "),
    ]
    y = alt.Y("score:Q", title=text["axis_score"])
    layers: list[Any] = _series_layers(x, y, color, tooltip, data, hollow_provisional=True)
    return _over_rules(layers, thresholds, step=130)


def org_distribution_chart(
    frame: pd.DataFrame,
    lang: str,
    labels: Mapping[str, str] | None = None,
    thresholds: Sequence[float] = (),
) -> alt.TopLevelMixin:
    """Final scores of all systems per round: a box plot plus one point per system.

    ``frame``: :func:`workshop.history_frames.org_finals_frame`, one row per round x
    system with ``round``, ``round_label``, ``system``, ``final`` and
    ``in_cohort`` (filled points: present since the first round; hollow: joined
    later). ``thresholds`` (optional) adds the band edges as rules, e.g. the
    organisation's goal of a final score above 2.
    """
    text = chart_labels(lang, labels)
    rounds = ordered_by(frame, "round_label", "round")
    data = frame.copy()
    data["cohort_label"] = [
        text["cohort_in"] if c else text["cohort_out"] for c in data["in_cohort"]
    ]
    # A fixed, data-independent spread so points with equal scores stay visible.
    data["jitter"] = [((i * 7) % 11 - 5) / 12 for i in range(len(data))]
    x = alt.X("round_label:N", sort=rounds, title=text["axis_round"], axis=alt.Axis(labelAngle=0))
    y = alt.Y("final:Q", title=text["axis_final"])
    boxes = (
        alt.Chart(data)
        .mark_boxplot(extent="min-max", size=46, color=OKABE_ITO["sky_blue"], opacity=0.55)
        .encode(x=x, y=y)
    )
    cohort_domain = [text["cohort_in"], text["cohort_out"]]
    points = (
        alt.Chart(data)
        .mark_point(size=110, strokeWidth=2.5, filled=False)
        .encode(
            x=x,
            xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-1.5, 1.5])),
            y=y,
            color=alt.value(FINAL_COLOR),
            shape=alt.Shape(
                "cohort_label:N",
                scale=alt.Scale(domain=cohort_domain, range=["circle", "triangle-up"]),
                legend=alt.Legend(title=text["legend_cohort"], orient="bottom"),
            ),
            fill=alt.Fill(
                "cohort_label:N",
                scale=alt.Scale(domain=cohort_domain, range=[FINAL_COLOR, "#FFFFFF"]),
                legend=alt.Legend(title=text["legend_cohort"], orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("system:N"),
                alt.Tooltip("round_label:N", title=text["axis_round"]),
                alt.Tooltip("final:Q", title=text["axis_final"], format=".2~f"),
                alt.Tooltip("cohort_label:N", title=text["legend_cohort"]),
            ],
        )
    )
    return _over_rules([boxes, points], thresholds, step=120)


def org_section_means_chart(
    frame: pd.DataFrame,
    lang: str,
    labels: Mapping[str, str] | None = None,
    thresholds: Sequence[float] = (),
) -> alt.TopLevelMixin:
    """Mean final score and per-section means per round; one panel per population.

    ``frame``: :func:`workshop.history_frames.org_means_frame`, one row per
    population x round x series with ``population_id`` ("all" / "cohort"),
    ``population`` (label), ``round``, ``round_label``, ``series_id``
    ("final" or a section id), ``series`` (label) and ``score`` (the mean).
    ``thresholds`` (optional) adds rules, e.g. the organisation's goal of 2.
    """
    text = chart_labels(lang, labels)
    populations = first_seen(frame, "population")
    x, color = _round_axis_and_series_color(frame, text)
    tooltip = [
        alt.Tooltip("population:N", title=" "),
        alt.Tooltip("round_label:N", title=text["axis_round"]),
        alt.Tooltip("series:N", title=text["legend_series"]),
        alt.Tooltip("score:Q", title=text["axis_mean"], format=".2~f"),
    ]
    y = alt.Y("score:Q", title=text["axis_mean"])
    layers: list[Any] = _series_layers(x, y, color, tooltip)
    values = sorted({v for v in finite(thresholds) if v > 0})
    if values:
        # Inside a facet every layer shares the data: one rule per value and panel.
        rules = (
            alt.Chart()
            .transform_aggregate(rows="count()")
            .transform_calculate(threshold=f"[{', '.join(repr(v) for v in values)}]")
            .transform_flatten(["threshold"])
            .mark_rule(color=THRESHOLD_COLOR, strokeDash=[6, 4], strokeWidth=2)
            .encode(y="threshold:Q")
        )
        layers.insert(0, rules)
    layered = alt.layer(*layers, data=frame).properties(width=alt.Step(110), height=320)
    faceted = layered.facet(column=alt.Column("population:N", sort=populations, title=None))
    return readable(faceted)
