"""History across rounds: each ML system over time and the whole organisation's trend."""

from __future__ import annotations

import streamlit as st

from views import auth, chart_display, context, followthrough_display, language, live, messages
from workshop import fingerprints, history_charts
from workshop.access import history_allowed
from workshop.demo import is_demo
from workshop.history import build_history
from workshop.history_frames import org_finals_frame, org_means_frame, system_frame
from workshop.history_summary import latest_rubric, systems_table
from workshop.keys import same
from workshop.presentation import escape_markdown
from workshop.store.base import StoreError
from workshop.targets import TargetsError, load_targets
from workshop.wrapup_frames import band_thresholds

t = language.t
lang = language.lang()
content = context.catalog()

st.title(t("history.title"))
st.caption(t("history.intro"))

try:
    targets = load_targets()
except TargetsError as error:
    st.warning(t("history.targets_problem", detail=str(error)))
    targets = {}


def _history_key_right(given: str) -> bool:
    """The history link's token or passcode, or the app's host passcode."""
    settings = context.settings()
    if history_allowed(live.runtime().keys, given, settings.history_passcode):
        return True
    return bool(settings.host_passcode and given) and same(given, settings.host_passcode)


def _unlock_form() -> None:
    """Everything else is private to the organisation: a passcode, or the history link."""
    with st.form("history_unlock"):
        st.markdown(f"**{t('history.locked')}**")
        given = st.text_input(t("history.passcode"), type="password", key="history_pass")
        submitted = st.form_submit_button(t("history.unlock"), type="primary")
    if submitted:
        opened = auth.attempt(lambda: _history_key_right(given))
        if opened:
            auth.grant_history()
            st.rerun()
        if opened is False:
            st.error(t("history.wrong_passcode"))


link_token = st.query_params.get("token", "")
if link_token and not auth.history_allowed_here():
    opened = auth.attempt(lambda: _history_key_right(link_token))
    if opened:
        auth.grant_history()
    elif opened is False:
        st.error(t("history.wrong_link"))
full_access = auth.history_allowed_here()
try:
    store = live.store()
    workshops = store.list_workshops(include_archived=True)
    if not full_access:
        # Without the organisation's key: the demo (open to everyone) and the
        # workshops this session hosts, nothing of anybody else's systems.
        hosted = auth.hosted_workshops()
        workshops = [w for w in workshops if is_demo(w) or w.id in hosted]
    snapshots = store.snapshots([w.id for w in workshops])
except StoreError as error:
    messages.show_store_error(error)
    st.stop()
if not full_access:
    st.info(t("history.partial" if workshops else "history.refused"), icon=":material/lock:")
    _unlock_form()
    if not workshops:
        st.stop()
history = build_history(content.rubrics, snapshots, targets)
data_key = hash(tuple(fingerprints.answers_fingerprint(snapshot) for snapshot in snapshots))
for skipped in history.skipped:
    key = f"history.skipped_{skipped.reason}"
    st.caption(t(key, title=escape_markdown(skipped.title), date=skipped.date))
for duplicate in history.duplicates:
    st.caption(t("history.duplicate_system", system=escape_markdown(duplicate.system)))
if not history.rounds:
    st.info(t("history.no_rounds"))
    st.stop()

newest_rubric = latest_rubric(history, content.rubrics)
thresholds = band_thresholds(newest_rubric)
st.caption(t("history.rounds_count", count=len(history.rounds), systems=len(history.systems)))

# ---- every system at a glance
st.dataframe(systems_table(history, newest_rubric, lang, t), hide_index=True, width="stretch")
round_stats = history.rounds[-1].all
if round_stats.with_target:
    st.caption(
        t("history.targets_summary", met=round_stats.meeting_target, total=round_stats.with_target)
    )

# ---- one system
st.subheader(t("history.system_heading"))
names = [system.system for system in history.systems]
chosen = st.selectbox(t("history.pick_system"), names, key="history_system")
picked = history.system(chosen)
if picked is not None:
    latest = picked.latest
    target = latest.target_band
    st.caption(
        f"{t(f'common.phase_{latest.phase}')} · "
        + (t("history.target", band=target) if target else t("history.no_target"))
    )
    chart_display.show_chart(
        ("history-system", data_key, lang, chosen),
        lambda: history_charts.system_history_chart(
            system_frame(history, chosen, lang, t), thresholds, lang
        ),
    )

# ---- organisation
st.subheader(t("history.org_heading"))
st.caption(t("history.cohort_explained"))
st.markdown(f"**{t('history.distribution_heading')}**")
distribution = history_charts.org_distribution_chart(
    org_finals_frame(history), lang, thresholds=thresholds
)
st.altair_chart(distribution, width="stretch")
st.markdown(f"**{t('history.means_heading')}**")


def means():
    return history_charts.org_section_means_chart(
        org_means_frame(history, lang, t), lang, thresholds=thresholds
    )


means_key = ("history-means", data_key, lang)
chart_display.show_chart(means_key, means, stretch=False)
# Images are made on request, in a worker process (converting here froze every live
# countdown of the server for seconds): "Prepare PNG", then the download button.
exports = ((t("history.export_png"), "png"), (t("history.export_svg"), "svg"))
for column, (label, extension) in zip(st.columns([1, 1, 2])[:2], exports, strict=True):
    with column:
        chart_display.image_download(label, means_key, means, f"section-means.{extension}")

# ---- follow-through between rounds
followthrough_display.history_section(content.rubrics, snapshots, newest_rubric, lang)
