"""Wrap-up (host, screen-shared): compare groups, step through computed prompts, record actions."""

from __future__ import annotations

import datetime as dt
from functools import partial

import streamlit as st

from views import (
    auth,
    chart_display,
    context,
    countdown,
    downloads,
    followthrough_display,
    language,
    live,
    markup,
    messages,
)
from workshop import fingerprints, wrapup_charts
from workshop.actions import MAX_PRIORITY, MIN_PRIORITY, item_choices, listed_actions, new_action
from workshop.exports import actions_csv, export_filename, tidy_csv
from workshop.followthrough_prompt import follow_through_prompt
from workshop.presentation import escape_markdown, format_html
from workshop.reports import markdown_report
from workshop.score_tables import comparison_rows
from workshop.store.base import StoreError
from workshop.tickets import actions_markdown
from workshop.tracker_exports import gh_script, jira_csv
from workshop.workshops import InputError
from workshop.wrapup import discussion_prompts, group_results
from workshop.wrapup_frames import (
    band_thresholds,
    heatmap_frame,
    profile_frame,
    section_scores_frame,
)

t = language.t
lang = language.lang()
store = live.store()
content = context.catalog()
markup.page_css()

workshop_id = live.workshop_from_query()

snapshot = live.live_snapshot(workshop_id)
workshop = snapshot.workshop
if not auth.require_host(workshop, key=f"wrapup_{workshop.id}"):
    st.stop()
rubric = content.rubrics[workshop.rubric_id]
agenda = content.agendas[workshop.agenda_id]
translator = language.translator()

header, timer = st.columns([3, 1])
with header:
    st.header(t("wrapup.title"))
    st.caption(f"{escape_markdown(workshop.title)} · {workshop.date}")


@st.fragment(run_every=countdown.POLL_SECONDS)
def wrapup_clock() -> None:
    """The shared clock, ticking in the browser; the fragment only polls the record."""
    latest = live.live_snapshot(workshop_id)
    countdown.show(agenda, latest.clock, lang, compact=True, key="wrapup_clock")


with timer:
    wrapup_clock()
    if st.button(t("wrapup.refresh"), icon=":material/refresh:"):
        live.forget_live_snapshot()
        st.rerun()

results = group_results(rubric, snapshot)

# ---- side by side
st.subheader(t("wrapup.comparison"))
st.dataframe(comparison_rows(rubric, results, lang, t), hide_index=True, width="stretch")
if any(result.provisional for result in results):
    st.caption(t("wrapup.provisional_note"))

# ---- charts
st.subheader(t("wrapup.charts"))
bars_tab, heat_tab, profile_tab = st.tabs(
    [t("wrapup.chart_sections"), t("wrapup.chart_heatmap"), t("wrapup.chart_profile")]
)
fingerprint = fingerprints.answers_fingerprint(snapshot)
with bars_tab:
    chart_display.show_chart(
        ("wrapup-bars", workshop.id, lang, fingerprint),
        lambda: wrapup_charts.section_bars(
            section_scores_frame(rubric, results, lang), band_thresholds(rubric), lang
        ),
    )
with heat_tab:
    chart_display.show_chart(
        ("wrapup-heatmap", workshop.id, lang, fingerprint),
        lambda: wrapup_charts.answer_heatmap(heatmap_frame(rubric, snapshot, lang), lang),
    )
with profile_tab:
    chart_display.show_chart(
        ("wrapup-profile", workshop.id, lang, fingerprint),
        lambda: wrapup_charts.profile_chart(profile_frame(rubric, results, lang), lang),
        stretch=False,
    )

# ---- prompts, one at a time
st.subheader(t("wrapup.talk_heading"))
prompts = discussion_prompts(rubric, snapshot, lang, t=translator, results=results)
followed = followthrough_display.load(content.rubrics, snapshot)
if followed is not None:  # the next round opens with "did last round's actions pay off?"
    titles = followthrough_display.section_titles(rubric)
    prompts.insert(0, follow_through_prompt(followed[0], titles, lang, translator))
if not prompts:
    st.success(t("wrapup.talk_none"))
else:
    key = f"prompt_index_{workshop.id}"
    index = min(st.session_state.get(key, 0), len(prompts) - 1)
    prompt = prompts[index]
    with st.container(border=True):
        st.caption(t("wrapup.talk_position", index=index + 1, count=len(prompts)))
        # Prompts name groups and tests: plain text, escaped like every user text.
        st.markdown(f"### {escape_markdown(prompt.title)}")
        st.markdown(escape_markdown(prompt.detail))
        if prompt.questions:
            st.markdown(f"**{t('wrapup.talk_questions')}**")
            for question in prompt.questions:
                st.markdown(f"- {escape_markdown(question)}")
        back, forward, _ = st.columns([1, 1, 4])
        if back.button(t("wrapup.talk_previous"), disabled=index == 0, key="prompt_prev"):
            st.session_state[key] = index - 1
            st.rerun()
        if forward.button(
            t("wrapup.talk_next"), disabled=index >= len(prompts) - 1, key="prompt_next"
        ):
            st.session_state[key] = index + 1
            st.rerun()

# ---- follow-through since the previous round
if followed is not None:
    st.subheader(t("followup.heading"))
    followthrough_display.show(followed[0], followed[1], rubric, lang)

# ---- action items
st.subheader(t("wrapup.actions_heading"))
groups = {group.id: group for group in snapshot.groups}
item_titles = item_choices(rubric, lang)
with st.form("add_action", clear_on_submit=True):
    what = st.text_area(t("wrapup.action_what"), height=68)
    first, second = st.columns(2)
    group_id = first.selectbox(
        t("wrapup.action_group"),
        list(groups),
        format_func=lambda gid: f"{groups[gid].name} · {groups[gid].system}",
    )
    item_id = second.selectbox(
        t("wrapup.action_item"), list(item_titles), format_func=item_titles.get
    )
    third, fourth, fifth = st.columns(3)
    owner = third.text_input(t("wrapup.action_owner"))
    priority = fourth.number_input(
        t("wrapup.action_priority"), MIN_PRIORITY, MAX_PRIORITY, MIN_PRIORITY
    )
    due = fifth.date_input(t("wrapup.action_due"), value=None, min_value=dt.date(2000, 1, 1))
    if st.form_submit_button(t("wrapup.action_add"), type="primary"):
        try:
            store.add_action(
                new_action(
                    workshop_id=workshop.id,
                    group_id=group_id,
                    item_id=item_id,
                    what=what,
                    owner=owner,
                    priority=priority,
                    due=due,
                    created_by="host",
                )
            )
        except InputError as error:
            messages.show_input_error(error)
        except StoreError as error:
            messages.show_store_error(error)
        else:
            live.forget_live_snapshot()
            st.session_state["wrapup_flash"] = t("wrapup.action_added")
            st.rerun()
flash = st.session_state.pop("wrapup_flash", "")
if flash:
    st.success(flash)
if not snapshot.actions:
    st.caption(t("wrapup.actions_none"))
for action in listed_actions(snapshot.actions):
    line, delete = st.columns([8, 1])
    group = groups.get(action.group_id)
    with line:
        # What and who are free text (often with a ticket link): shown exactly as typed.
        markup.show_html_line(
            format_html(
                t("wrapup.action_line"),
                markup={"priority": f"<strong>P{int(action.priority)}</strong>"},
                what=action.what,
                group=group.name if group else action.group_id,
                item=item_titles.get(action.item_id, action.item_id),
                owner=action.owner or "—",
                due=action.due or t("wrapup.action_no_due"),
            )
        )
    if delete.button(t("wrapup.action_delete"), key=f"del_{action.id}"):
        try:
            store.delete_action(workshop.id, action.id)
        except StoreError as error:
            messages.show_store_error(error)
        live.forget_live_snapshot()
        st.rerun()

# ---- exports
st.subheader(t("wrapup.exports"))
answers_file = partial(tidy_csv, rubric, snapshot, lang)
report_file = partial(markdown_report, rubric, snapshot, lang, t=translator)
actions_file = partial(actions_csv, rubric, snapshot, lang)
tickets_file = partial(actions_markdown, rubric, snapshot, lang, t=translator)
jira_file = partial(jira_csv, rubric, snapshot, lang, t=translator)
gh_file = partial(gh_script, rubric, snapshot, lang, t=translator)
exports = (  # label, builder, kind of file, extension
    (t("reports.download_tidy_csv"), answers_file, "answers", "csv"),
    (t("reports.download_report"), report_file, "report", "md"),
    (t("reports.download_actions_csv"), actions_file, "actions", "csv"),
    (t("reports.download_tickets"), tickets_file, "tickets", "md"),
    (t("followup.download_jira"), jira_file, "jira", "csv"),
    (t("followup.download_gh"), gh_file, "github-issues", "sh"),
)
downloads.download_buttons(
    [(label, build, export_filename(workshop, kind, ext)) for label, build, kind, ext in exports],
    content=fingerprints.snapshot_fingerprint(snapshot),
)
st.caption(t("wrapup.results_links"))
