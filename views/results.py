"""Results (participants, afterwards): read-only, reached only through an unguessable link.

A group link shows that group's scores, band, answers with notes, the comparison
with the other groups, its action items and what it takes to reach the next
band; a workshop link shows every group. Nothing here writes to the store.
"""

from __future__ import annotations

import streamlit as st

from views import (
    auth,
    chart_display,
    context,
    downloads,
    language,
    live,
    markup,
    messages,
    results_followup,
)
from workshop import fingerprints, wrapup_charts
from workshop.access import results_access
from workshop.advice import next_band_advice
from workshop.answers import format_level, format_score
from workshop.exports import actions_csv, export_filename, tidy_csv
from workshop.models import Snapshot
from workshop.presentation import escape_markdown
from workshop.reports import advice_lines, markdown_report
from workshop.score_tables import (
    answered_text,
    band_text,
    comparison_rows,
    final_text,
    section_rows,
)
from workshop.store.base import NotFound, StoreError
from workshop.vote_spreads import spread_words, spreads_by_item
from workshop.wrapup import answer_values, group_results
from workshop.wrapup_frames import band_thresholds, heatmap_frame, section_scores_frame

t = language.t
lang = language.lang()
store = live.store()
content = context.catalog()
translator = language.translator()

token = st.query_params.get("token", "")
workshop_id = st.query_params.get("w", "")
if not token or not workshop_id:
    st.info(t("results.missing_token"))
    st.stop()
try:
    snapshot = live.store().snapshot(workshop_id)
except NotFound:
    snapshot = None  # refused like a wrong token: a link says nothing about other workshops
except StoreError as error:
    messages.show_store_error(error)
    st.stop()
app_keys = live.runtime().keys
access = results_access(app_keys, snapshot, token) if snapshot is not None else None
if not (access is not None and auth.results_granted(token)):
    # The first check of a token in this session is throttled like a join code.
    opened = auth.attempt(lambda: access is not None)
    if not opened:
        if opened is False:  # while attempts wait, nothing is said about the token
            st.error(t("errors.link_not_found"))
        st.stop()
    auth.grant_results(token)
assert snapshot is not None and access is not None
group_id = access.group_id
workshop = snapshot.workshop
rubric = content.rubrics[workshop.rubric_id]
results = group_results(rubric, snapshot)


def _downloads(scope: Snapshot, label: str) -> None:
    """CSV and Markdown come with the page; the chart's PNG and SVG are made on request.

    Converting a chart to an image took the server's interpreter for seconds and
    froze every live countdown, so images are made in a worker process, only
    when someone presses "Prepare PNG" / "Prepare SVG" (see chart_display.image_download).
    """
    st.subheader(t("results.downloads"))
    report_group = group_id if group_id else None
    csv_column, report_column, png_column, svg_column = st.columns(4)
    with csv_column:
        downloads.download_button(
            t("reports.download_tidy_csv"),
            lambda: tidy_csv(rubric, scope, lang),
            export_filename(workshop, f"{label}-answers", "csv"),
            content=exports_key,
        )
    with report_column:
        downloads.download_button(
            t("reports.download_report"),
            lambda: markdown_report(rubric, snapshot, lang, report_group, t=translator),
            export_filename(workshop, f"{label}-report", "md"),
            content=exports_key,
        )
    for column, extension in ((png_column, "png"), (svg_column, "svg")):
        with column:
            chart_display.image_download(
                t(f"results.chart_{extension}"),
                bars_key,
                bars,
                export_filename(workshop, f"{label}-chart", extension),
            )


st.caption(f"{t('results.read_only')} · {escape_markdown(workshop.title)} · {workshop.date}")
fingerprint = fingerprints.answers_fingerprint(snapshot)
# What every export on this page shows: the whole workshop (a group's report compares it
# with the others), computed once per rerun for all the download buttons.
exports_key = fingerprints.snapshot_fingerprint(snapshot)


def bars():
    return wrapup_charts.section_bars(
        section_scores_frame(rubric, results, lang), band_thresholds(rubric), lang
    )


bars_key = ("results-bars", workshop.id, lang, fingerprint)


def show_bars() -> None:
    chart_display.show_chart(bars_key, bars)


if group_id:
    group = snapshot.group(group_id)
    result = next(r for r in results if r.group.id == group_id)
    score = result.score
    st.title(
        t(
            "results.group_heading",
            group=escape_markdown(group.name),
            system=escape_markdown(group.system),
        )
    )
    st.caption(t(f"common.phase_{group.phase}"))
    first, second, third = st.columns(3)
    first.metric(t("results.final"), final_text(result, t))
    second.metric(t("results.band"), band_text(result, lang))
    third.metric(t("results.answered"), answered_text(result.answered, result.total))
    if score.band:
        st.info(score.band.meaning.get(lang))
    if result.provisional:
        st.caption(t("wrapup.provisional_note"))

    st.subheader(t("results.sections_heading"))
    st.dataframe(section_rows(rubric, result, lang, t), hide_index=True, width="stretch")

    st.subheader(t("reports.heading_next_band"))
    advice = next_band_advice(rubric, answer_values(snapshot, group_id))
    st.markdown("\n".join(advice_lines(rubric, advice, lang, translator)))

    st.subheader(t("results.compare_heading"))
    st.dataframe(
        comparison_rows(rubric, results, lang, t, highlight=group_id),
        hide_index=True,
        width="stretch",
    )
    show_bars()

    results_followup.actions_section(snapshot, rubric, group_id, lang)
    results_followup.own_follow_through(content.rubrics, snapshot, group_id)

    st.subheader(t("results.items_heading"))
    answers = snapshot.group_answers(group_id)
    spreads = spreads_by_item(rubric, snapshot)
    for section in rubric.sections:
        with st.expander(
            f"{section.title.get(lang)} — {format_score(score.sections[section.id].score)}"
        ):
            for item in section.items:
                answer = answers.get(item.id)
                value = format_level(answer.value if answer else "", lang, content.ui)
                st.markdown(f"**{item.id} · {item.title.get(lang)}** — {escape_markdown(value)}")
                spread = spreads.get((group_id, item.id))
                if spread is not None:
                    st.caption(escape_markdown(spread_words(spread, t)))
                note = answer.note if answer and answer.note else ""
                if note:
                    markup.show_user_text(note)  # exactly as typed, links live
                else:
                    st.markdown(f"_{t('results.no_note')}_")
    _downloads(snapshot.only_group(group.id), group.name)
else:
    st.title(escape_markdown(workshop.title))
    st.subheader(t("results.all_groups"))
    st.dataframe(comparison_rows(rubric, results, lang, t), hide_index=True, width="stretch")
    show_bars()
    chart_display.show_chart(
        ("results-heatmap", workshop.id, lang, fingerprint),
        lambda: wrapup_charts.answer_heatmap(heatmap_frame(rubric, snapshot, lang), lang),
    )
    results_followup.actions_section(snapshot, rubric, "", lang)
    downloads.download_button(
        t("reports.download_actions_csv"),
        lambda: actions_csv(rubric, snapshot, lang),
        export_filename(workshop, "actions", "csv"),
        content=exports_key,
    )
    _downloads(snapshot, "workshop")
