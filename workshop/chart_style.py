"""How every chart looks, and the pieces the wrap-up and history charts share.

Why they look the way they do:

* They are screen-shared to a room or a video call, so fonts are large
  (axis labels 14 px, titles 16 px) and lines are thick.
* Colours come from the Okabe-Ito palette, which stays distinguishable with the
  common forms of colour blindness.
* No user-facing text is hard-coded: axis titles and legend entries are UI
  texts (``content/ui/history.yaml``, keys ``history.<key>``) in the language
  given, or come from the ``labels`` mapping a caller passes.

The builders are :mod:`workshop.wrapup_charts` (one workshop) and
:mod:`workshop.history_charts` (across rounds); images of a chart are made by
:mod:`workshop.image_export`. Nothing here talks to a store or to Streamlit.
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


def readable(chart: ChartT) -> ChartT:
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


def first_seen(frame: pd.DataFrame, column: str) -> list[Any]:
    """Distinct values of a column in order of first appearance (the frames come sorted)."""
    return list(pd.unique(frame[column])) if column in frame else []


def ordered_by(frame: pd.DataFrame, label: str, order: str) -> list[Any]:
    """Distinct labels sorted by a numeric order column (e.g. round labels by round index)."""
    if frame.empty:
        return []
    pairs = frame[[order, label]].drop_duplicates().sort_values(order, kind="stable")
    return list(pd.unique(pairs[label]))


def finite(values: Sequence[float]) -> list[float]:
    """The values a chart can draw: None, NaN and infinities (an all-N/A section) left out."""
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def threshold_rules(thresholds: Sequence[float]) -> alt.Chart | None:
    """Dashed horizontal rules at the band edges (0 is the axis itself and is left out)."""
    values = sorted({v for v in finite(thresholds) if v > 0})
    if not values:
        return None
    rules: alt.Chart = (
        alt.Chart(pd.DataFrame({"threshold": values}))
        .mark_rule(color=THRESHOLD_COLOR, strokeDash=[6, 4], strokeWidth=2)
        .encode(y=alt.Y("threshold:Q"))
    )
    return rules
