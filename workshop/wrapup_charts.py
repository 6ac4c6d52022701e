"""The wrap-up's charts of one workshop: section bars, the answer heatmap, group profiles.

Every builder takes a tidy pandas DataFrame from :mod:`workshop.wrapup_frames`
(one row per mark; the columns are listed in each docstring) and returns an
Altair chart styled by :mod:`workshop.chart_style`. The answer heatmap uses
fixed colours per answer whose lightness also differs (and prints the answer in
the cell), so it still reads in greyscale or on a washed-out projector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from workshop.chart_style import (
    FINAL_COLOR,
    LABEL_FONT_SIZE,
    OKABE_ITO,
    SERIES_PALETTE,
    chart_labels,
    first_seen,
    readable,
    threshold_rules,
)

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

_ANSWER_LABEL_KEYS: dict[str, str] = {
    "0": "answer_0",
    "0.5": "answer_half",
    "1": "answer_1",
    "N/A": "answer_na",
    "unanswered": "answer_unanswered",
    "invalid": "answer_invalid",
}


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
    groups = first_seen(frame, "group")
    sections = first_seen(frame, "section")
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
    rules = threshold_rules(thresholds)
    if rules is not None:
        layers.append(rules)
    return readable(alt.layer(*layers).properties(height=380))


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
    items = first_seen(data, "item_id")
    groups = first_seen(data, "group")
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
    return readable(alt.layer(cells, marks).properties(width=alt.Step(30), height=alt.Step(36)))


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
    groups = first_seen(data, "group")
    sections = first_seen(data, "section")
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
    return readable(faceted)
