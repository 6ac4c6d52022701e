"""Altair charts for the wrap-up and the history, readable on a shared screen.

Why they look the way they do:

* They are screen-shared to a room or a video call, so fonts are large
  (axis labels 14 px, titles 16 px) and lines are thick.
* Colours come from the Okabe-Ito palette, which stays distinguishable with the
  common forms of colour blindness. The answer heatmap uses fixed colours per
  answer whose lightness also differs (and prints the answer in the cell), so
  it still reads in greyscale or on a washed-out projector.
* No user-facing text is hard-coded: axis titles and legend entries are UI
  texts (``content/ui/history.yaml``, keys ``history.<key>``) in the language
  given, or come from the ``labels`` mapping a caller passes.

Every builder takes a tidy pandas DataFrame (one row per mark; the columns are
listed in each docstring) and returns an Altair chart; nothing here talks to a
store or to Streamlit. The frames come from :mod:`workshop.wrapup_frames` (one
workshop) and :mod:`workshop.history` (across rounds).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import altair as alt
import pandas as pd

# Okabe & Ito (2008), "Color Universal Design": safe for the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Colours of the sections in rubric order (data, model, infra, monitor, then spares).
SERIES_PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"],
)
FINAL_COLOR = OKABE_ITO["black"]
THRESHOLD_COLOR = "#666666"

#: Answer categories of the heatmap, as :mod:`workshop.wrapup_frames` writes them.
ANSWER_CATEGORIES: tuple[str, ...] = ("0", "0.5", "1", "N/A", "unanswered", "invalid")
#: Fill per category: the levels run light (not done) to dark (automated); N/A is a
#: neutral grey, unanswered is white, invalid is black. Relative lightness (CIE L*)
#: 88, 70, 46, 59, 100, 0: distinct also without colour.
ANSWER_COLORS: dict[str, str] = {
    "0": OKABE_ITO["yellow"],
    "0.5": OKABE_ITO["sky_blue"],
    "1": OKABE_ITO["blue"],
    "N/A": "#8C8C8C",
    "unanswered": "#FFFFFF",
    "invalid": OKABE_ITO["black"],
}
#: What a heatmap cell prints (besides its colour); N/A and unanswered stay quiet.
ANSWER_MARKS: dict[str, str] = {
    "0": "0",
    "0.5": "½",
    "1": "1",
    "N/A": "–",
    "unanswered": "",
    "invalid": "!",
}
_DARK_FILLS = frozenset({"1", "invalid"})  # white text on these

LABEL_FONT_SIZE = 14
TITLE_FONT_SIZE = 16
HEADER_FONT_SIZE = 16

#: UI text keys the charts use (``history.<key>``); a ``labels`` mapping may override any.
LABEL_KEYS: tuple[str, ...] = (
    "axis_group",
    "axis_section_score",
    "axis_item",
    "axis_round",
    "axis_score",
    "axis_final",
    "axis_mean",
    "legend_section",
    "legend_series",
    "legend_answer",
    "legend_cohort",
    "mean_of_groups",
    "answer_0",
    "answer_half",
    "answer_1",
    "answer_na",
    "answer_unanswered",
    "answer_invalid",
    "cohort_in",
    "cohort_out",
    "provisional",
    "phase",
)
_ANSWER_LABEL_KEYS: dict[str, str] = {
    "0": "answer_0",
    "0.5": "answer_half",
    "1": "answer_1",
    "N/A": "answer_na",
    "unanswered": "answer_unanswered",
    "invalid": "answer_invalid",
}


# --------------------------------------------------------------------------- helpers


def chart_labels(lang: str, labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every chart text in ``lang`` (from ``content/ui/history.yaml``), overridden by ``labels``."""
    from workshop.content import load_catalog
    from workshop.templates import translate

    ui = load_catalog().ui
    texts = {key: translate(ui, f"history.{key}", lang) for key in LABEL_KEYS}
    if labels:
        texts.update(labels)
    return texts


ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


def _readable(chart: ChartT) -> ChartT:
    """Large fonts for a shared screen; applied once, at the top level, in one copy."""
    return cast(
        ChartT,
        chart.configure(
            axis=alt.AxisConfig(
                labelFontSize=LABEL_FONT_SIZE,
                titleFontSize=TITLE_FONT_SIZE,
                labelLimit=320,
                titlePadding=10,
            ),
            legend=alt.LegendConfig(
                labelFontSize=LABEL_FONT_SIZE,
                titleFontSize=TITLE_FONT_SIZE,
                symbolSize=220,
                labelLimit=320,
            ),
            header=alt.HeaderConfig(labelFontSize=HEADER_FONT_SIZE, titleFontSize=HEADER_FONT_SIZE),
            title=alt.TitleConfig(fontSize=TITLE_FONT_SIZE + 2),
        ),
    )


def _order(frame: pd.DataFrame, column: str) -> list[Any]:
    """Distinct values of a column in order of first appearance (the frames come sorted)."""
    return list(pd.unique(frame[column])) if column in frame else []


def _ordered_by(frame: pd.DataFrame, label: str, order: str) -> list[Any]:
    """Distinct labels sorted by a numeric order column (e.g. round labels by round index)."""
    if frame.empty:
        return []
    pairs = frame[[order, label]].drop_duplicates().sort_values(order, kind="stable")
    return list(pd.unique(pairs[label]))


def _finite(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _threshold_rules(thresholds: Sequence[float]) -> alt.Chart | None:
    """Dashed horizontal rules at the band edges (0 is the axis itself and is left out)."""
    values = sorted({v for v in _finite(thresholds) if v > 0})
    if not values:
        return None
    rules: alt.Chart = (
        alt.Chart(pd.DataFrame({"threshold": values}))
        .mark_rule(color=THRESHOLD_COLOR, strokeDash=[6, 4], strokeWidth=2)
        .encode(y=alt.Y("threshold:Q"))
    )
    return rules


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


# --------------------------------------------------------------------------- one workshop


def section_bars(
    frame: pd.DataFrame,
    thresholds: Sequence[float],
    lang: str,
    labels: Mapping[str, str] | None = None,
) -> alt.TopLevelMixin:
    """Grouped bars: each group's section scores, with the band edges as dashed rules.

    ``frame``: one row per group x section with ``group`` (name), ``section``
    (label, rubric order) and ``score`` (NaN for an all-N/A section); optional
    ``is_minimum`` (outlines the group's weakest section) and ``provisional``.
    :func:`workshop.wrapup_frames.section_scores_frame` builds it. Sections are the
    colour (at most a handful) and groups the x axis, so any number of groups
    stays within the palette.
    """
    text = chart_labels(lang, labels)
    groups = _order(frame, "group")
    sections = _order(frame, "section")
    palette = list(SERIES_PALETTE * 4)[: len(sections)]
    encoding: dict[str, Any] = {
        "x": alt.X("group:N", sort=groups, title=text["axis_group"], axis=alt.Axis(labelAngle=0)),
        "xOffset": alt.XOffset("section:N", sort=sections),
        "y": alt.Y("score:Q", title=text["axis_section_score"]),
        "color": alt.Color(
            "section:N",
            sort=sections,
            scale=alt.Scale(domain=sections, range=palette),
            legend=alt.Legend(title=text["legend_section"], orient="bottom"),
        ),
        "tooltip": [
            alt.Tooltip("group:N", title=text["axis_group"]),
            alt.Tooltip("section:N", title=text["legend_section"]),
            alt.Tooltip("score:Q", title=text["axis_section_score"], format=".2~f"),
        ],
    }
    if "is_minimum" in frame:
        encoding["stroke"] = alt.condition(
            "datum.is_minimum", alt.value(FINAL_COLOR), alt.value(None)
        )
        encoding["strokeWidth"] = alt.condition("datum.is_minimum", alt.value(3), alt.value(0))
    bars = alt.Chart(frame).mark_bar().encode(**encoding)
    layers: list[Any] = [bars]
    rules = _threshold_rules(thresholds)
    if rules is not None:
        layers.append(rules)
    return _readable(alt.layer(*layers).properties(height=380))


def answer_heatmap(
    frame: pd.DataFrame, lang: str, labels: Mapping[str, str] | None = None
) -> alt.TopLevelMixin:
    """Groups x items, one cell per answer, coloured and marked by its category.

    ``frame``: one row per group x item with ``group`` (name), ``item_id``,
    ``answer`` (one of :data:`ANSWER_CATEGORIES`); optional ``item`` (title)
    and ``section`` for the tooltip. :func:`workshop.wrapup_frames.heatmap_frame`
    builds it. The legend lists every category, used or not, so its colours
    never shift between workshops.
    """
    text = chart_labels(lang, labels)
    names = {category: text[_ANSWER_LABEL_KEYS[category]] for category in ANSWER_CATEGORIES}
    data = frame.copy()
    data["answer_label"] = data["answer"].map(names).fillna(data["answer"])
    data["mark"] = data["answer"].map(ANSWER_MARKS).fillna("?")
    data["mark_color"] = [
        "#FFFFFF" if answer in _DARK_FILLS else "#000000" for answer in data["answer"]
    ]
    items = _order(data, "item_id")
    groups = _order(data, "group")
    tooltip = [alt.Tooltip("group:N", title=text["axis_group"])]
    tooltip.append(alt.Tooltip("item_id:N", title=text["axis_item"]))
    if "item" in data:
        tooltip.append(alt.Tooltip("item:N", title=" "))
    tooltip.append(alt.Tooltip("answer_label:N", title=text["legend_answer"]))
    x = alt.X("item_id:N", sort=items, title=text["axis_item"], axis=alt.Axis(labelAngle=-60))
    y = alt.Y("group:N", sort=groups, title=text["axis_group"])
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="#BBBBBB", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "answer_label:N",
                scale=alt.Scale(
                    domain=[names[c] for c in ANSWER_CATEGORIES],
                    range=[ANSWER_COLORS[c] for c in ANSWER_CATEGORIES],
                ),
                legend=alt.Legend(
                    title=text["legend_answer"],
                    orient="bottom",
                    symbolType="square",
                    symbolStrokeColor="#888888",
                ),
            ),
            tooltip=tooltip,
        )
    )
    marks = (
        alt.Chart(data)
        .mark_text(fontSize=LABEL_FONT_SIZE, fontWeight="bold")
        .encode(x=x, y=y, text="mark:N", color=alt.Color("mark_color:N", scale=None))
    )
    return _readable(alt.layer(cells, marks).properties(width=alt.Step(30), height=alt.Step(36)))


def profile_chart(
    frame: pd.DataFrame, lang: str, labels: Mapping[str, str] | None = None, columns: int = 5
) -> alt.TopLevelMixin:
    """One small panel per group: its section scores as bars, the mean of all groups as a tick.

    ``frame``: one row per group x section with ``group``, ``section`` (label),
    ``score`` and ``mean`` (the mean of all groups for that section, repeated
    on each row). :func:`workshop.wrapup_frames.profile_frame` builds it.
    """
    text = chart_labels(lang, labels)
    data = frame.copy()
    mean_label = text["mean_of_groups"]
    data["mean_label"] = mean_label
    groups = _order(data, "group")
    sections = _order(data, "section")
    # One colour scale for bars and ticks, so there is one legend, not one per panel.
    scale = alt.Scale(
        domain=[*sections, mean_label],
        range=[*list(SERIES_PALETTE * 4)[: len(sections)], FINAL_COLOR],
    )
    x = alt.X("section:N", sort=sections, title=None, axis=alt.Axis(labelAngle=-30))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("score:Q", title=text["axis_section_score"]),
            color=alt.Color(
                "section:N",
                scale=scale,
                legend=alt.Legend(title=text["legend_section"], orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("group:N", title=text["axis_group"]),
                alt.Tooltip("section:N", title=text["legend_section"]),
                alt.Tooltip("score:Q", title=text["axis_section_score"], format=".2~f"),
                alt.Tooltip("mean:Q", title=mean_label, format=".2~f"),
            ],
        )
    )
    means = (
        alt.Chart()
        .mark_tick(thickness=4, size=34)
        .encode(x=x, y=alt.Y("mean:Q"), color=alt.Color("mean_label:N", scale=scale))
    )
    layered = alt.layer(bars, means, data=data).properties(width=alt.Step(44), height=220)
    faceted = layered.facet(
        facet=alt.Facet("group:N", sort=groups, title=None),
        columns=max(1, min(columns, len(groups) or 1)),
    )
    return _readable(faceted)


# --------------------------------------------------------------------------- across rounds


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
    rounds = _ordered_by(frame, "round_label", "round")
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
    rules = _threshold_rules(thresholds)
    if rules is not None:
        layers.insert(0, rules)
    return _readable(alt.layer(*layers).properties(height=360, width=alt.Step(step)))


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
    rounds = _ordered_by(frame, "round_label", "round")
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
    populations = _order(frame, "population")
    x, color = _round_axis_and_series_color(frame, text)
    tooltip = [
        alt.Tooltip("population:N", title=" "),
        alt.Tooltip("round_label:N", title=text["axis_round"]),
        alt.Tooltip("series:N", title=text["legend_series"]),
        alt.Tooltip("score:Q", title=text["axis_mean"], format=".2~f"),
    ]
    y = alt.Y("score:Q", title=text["axis_mean"])
    layers: list[Any] = _series_layers(x, y, color, tooltip)
    values = sorted({v for v in _finite(thresholds) if v > 0})
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
    return _readable(faceted)


# --------------------------------------------------------------------------- export


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as a PNG image, converted in this process (tests, scripts).

    Pages never call this: vl-convert holds the interpreter while it converts,
    so the app converts in a worker process (:mod:`workshop.image_export`).
    Japanese labels need a CJK font installed (e.g. Debian's ``fonts-noto-cjk``).
    """
    from workshop.image_export import convert, spec_json

    return convert(spec_json(chart.to_dict()), "png", scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text, converted in this process (see :func:`chart_png`)."""
    from workshop.image_export import convert, spec_json

    return convert(spec_json(chart.to_dict()), "svg").decode("utf-8")
