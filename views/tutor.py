"""Tutor: score one group's ML system, item by item, with every level's criteria in view.

Every change is saved as it is made through a :class:`workshop.live.SaveQueue`
kept in the session: if the store cannot be reached the change stays queued,
the page says so and a fragment retries every few seconds. The group comes
from the verified join code in this session, never from what the browser sends
with a change, so one tutor's link cannot write another group's answers.
"""

from __future__ import annotations

import html
from datetime import datetime

import streamlit as st

from views import common
from workshop import clock, timesource
from workshop.content_model import Item, Rubric, level_key
from workshop.live import SaveQueue
from workshop.models import ActionItem, AnswerChange, Group, Snapshot
from workshop.presentation import escape_markdown, format_score
from workshop.scoring import NA_TEXT, AnswerError, canonical_text, parse_answer, score_answers
from workshop.security import codes_match, new_id
from workshop.store.base import StoreError, StoreUnavailable
from workshop.workshops import MAX_NAME, MAX_NOTE, InputError, check_note, check_text

RETRY_SECONDS = 4.0

t = common.t
lang = common.lang()
store = common.store()
content = common.catalog()
common.page_css()


def _authorized(workshop_id: str, group_id: str) -> bool:
    return (workshop_id, group_id) in st.session_state.get("tutor_auth", set())


def _grant(workshop_id: str, group_id: str) -> None:
    granted = set(st.session_state.get("tutor_auth", set()))
    granted.add((workshop_id, group_id))
    st.session_state["tutor_auth"] = granted


def _join_form() -> None:
    """Pick a workshop and group and type the join code (when no link was used)."""
    st.title(t("tutor.join_title"))
    st.caption(t("tutor.join_help"))
    try:
        workshops = store.list_workshops()
    except StoreError as error:
        common.show_store_error(error)
        st.stop()
    if not workshops:
        st.info(t("tutor.no_workshops"))
        st.stop()
    titles = {w.id: f"{w.title} ({w.date})" for w in workshops}
    workshop_id = st.selectbox(t("tutor.workshop"), list(titles), format_func=titles.get)
    groups = common.snapshot_or_stop(workshop_id).groups
    names = {g.id: g.name for g in groups}
    with st.form("join"):
        group_id = st.selectbox(t("tutor.group"), list(names), format_func=names.get)
        code = st.text_input(t("tutor.code"), max_chars=12)
        if st.form_submit_button(t("tutor.join"), type="primary"):
            group = next(g for g in groups if g.id == group_id)
            if codes_match(code, group.join_code):
                _grant(workshop_id, group_id)
                st.query_params["w"] = workshop_id
                st.query_params["g"] = group_id
                st.rerun()
            st.error(t("tutor.wrong_code"))
    st.stop()


workshop_id = st.query_params.get("w", "")
group_id = st.query_params.get("g", "")
if not workshop_id or not group_id:
    _join_form()

snapshot = common.live_snapshot(workshop_id)
try:
    group: Group = snapshot.group(group_id)
except KeyError:
    st.error(t("errors.workshop_not_found"))
    st.stop()

if not _authorized(workshop_id, group_id):
    given = st.query_params.get("code", "")
    if given and codes_match(given, group.join_code):
        _grant(workshop_id, group_id)
    else:
        if given:
            st.error(t("tutor.wrong_code"))
        _join_form()

workshop = snapshot.workshop
rubric: Rubric = content.rubrics[workshop.rubric_id]
agenda = content.agendas[workshop.agenda_id]

queue_key = f"save_queue:{workshop_id}:{group_id}"
if queue_key not in st.session_state:
    st.session_state[queue_key] = SaveQueue(workshop_id=workshop_id, group_id=group_id)
queue: SaveQueue = st.session_state[queue_key]


def _who() -> str:
    """Who saved: the name typed in the sidebar if it is acceptable, else the group's tutor."""
    typed = st.session_state.get("tutor_name") or ""
    try:
        name = check_text(typed, "tutor", MAX_NAME)
    except InputError:
        name = ""
    return name or group.tutor or f"{t('tutor.group')} {group.name}"


def _flush() -> None:
    queue.flush(store, updated_by=_who(), now=timesource.now_iso)
    st.session_state["_last_flush_try"] = timesource.now()
    common.forget_live_snapshot()


def _changed(item_id: str) -> None:
    """A widget changed: queue the item's answer and note, then try to save at once."""
    if not _authorized(workshop_id, group_id):
        return
    value = st.session_state.get(f"ans_{item_id}") or ""
    note = st.session_state.get(f"note_{item_id}") or ""
    try:
        note = check_note(note)
    except InputError as error:
        st.session_state["tutor_input_error"] = error
        return
    queue.stage(AnswerChange(item_id=item_id, value=value, note=note))
    _flush()


def _canonical(item: Item, text: str) -> str | None:
    """The radio option for a stored text; None when unanswered or invalid."""
    try:
        parsed = parse_answer(text, rubric.levels, item_id=item.id, na_allowed=item.na_allowed)
    except AnswerError:
        return None
    return canonical_text(parsed) or None


def _sync_widgets(current: Snapshot) -> None:
    """Show what is stored (including edits typed into the sheet) unless a change is queued."""
    answers = current.group_answers(group_id)
    for item in rubric.items:
        if item.id in queue.pending:
            continue
        stored = answers.get(item.id)
        value = stored.value if stored else ""
        note = stored.note if stored else ""
        known_key = f"_known_{item.id}"
        if st.session_state.get(known_key) != (value, note):
            st.session_state[f"ans_{item.id}"] = _canonical(item, value)
            st.session_state[f"note_{item.id}"] = note
            st.session_state[known_key] = (value, note)


def _merged_values(current: Snapshot) -> dict[str, str]:
    values = {item_id: a.value for item_id, a in current.group_answers(group_id).items()}
    values.update({item_id: change.value for item_id, change in queue.pending.items()})
    return values


def _fingerprint(current: Snapshot) -> tuple:
    answers = current.group_answers(group_id)
    return tuple(sorted((i, a.value, a.note) for i, a in answers.items()))


_sync_widgets(snapshot)
rendered_print = _fingerprint(snapshot)
host_view = clock.view(agenda, snapshot.clock, timesource.now())

heading = t(
    "tutor.heading", group=escape_markdown(group.name), system=escape_markdown(group.system)
)
st.markdown(f"### {heading}")
st.caption(f"{escape_markdown(workshop.title)} · {t(f'common.phase_{group.phase}')}")


@st.fragment(run_every=1)
def live_bar() -> None:
    """Clock, save status and retries; redraws the page when the host or the sheet moves on."""
    if queue.pending and timesource.now() - st.session_state.get("_last_flush_try", 0) >= (
        RETRY_SECONDS
    ):
        _flush()
    # Store trouble is told by the page above and the save status, not once more here.
    live = common.live_snapshot(workshop_id, warn=False)
    view = clock.view(agenda, live.clock, timesource.now())
    if view.index != host_view.index or (
        not queue.pending and _fingerprint(live) != rendered_print
    ):
        st.rerun()
    left, right = st.columns([2, 3])
    with left:
        now_scoring = t("tutor.now_scoring", segment=view.segment.title.get(lang))
        st.markdown(
            f'<p class="mts-muted">{html.escape(now_scoring)}'
            f" · {common.status_badge_html(view)}</p>" + common.countdown_html(view, small=True),
            unsafe_allow_html=True,
        )
    with right:
        if queue.pending:
            st.warning(t("tutor.pending", count=queue.count), icon=":material/sync_problem:")
            if queue.last_failure is not None:
                detail = (
                    common.unavailable_reason(queue.last_failure)
                    if isinstance(queue.last_failure, StoreUnavailable)
                    else common.store_error_text(queue.last_failure)
                )
                st.caption(t("tutor.pending_detail", detail=detail))
        elif queue.last_saved_at:
            local = datetime.fromisoformat(queue.last_saved_at).astimezone()
            st.success(
                t("tutor.saved_at", time=local.strftime("%H:%M:%S")), icon=":material/check:"
            )
        else:
            st.info(t("tutor.nothing_yet"), icon=":material/edit_note:")


live_bar()
# Notices come and go between runs; keeping them in one container that is always there
# keeps the tabs below at the same place in the page, which Streamlit's frontend needs
# to keep (and show) the tab bar across reruns.
with st.container():
    if queue.pending:
        st.button(t("tutor.retry_now"), on_click=_flush, key="retry_now")
    error = st.session_state.pop("tutor_input_error", None)
    if error is not None:
        common.show_input_error(error)

with st.sidebar:
    st.text_input(t("tutor.tutor_name"), key="tutor_name", value=group.tutor, max_chars=MAX_NAME)
    follow = st.toggle(t("tutor.follow_host"), value=True, key="follow_host")

labels = {section.id: section.short.get(lang) for section in rubric.sections}
host_section = host_view.segment.section_id
# Following the host opens a new tab widget (a new key) on the host's section. Setting
# the tabs' value instead raced with the 1 s fragment: its request could carry the tab
# the browser still showed, which put the tutor back on the previous section.
if follow and host_section and st.session_state.get("_followed") != host_section:
    st.session_state["_followed"] = host_section
    st.session_state["_tabs_generation"] = st.session_state.get("_tabs_generation", 0) + 1

tabs = st.tabs(
    list(labels.values()),
    key=f"tutor_section_{st.session_state.get('_tabs_generation', 0)}",
    on_change="rerun",
    default=labels.get(host_section or ""),
)
scores = score_answers(rubric, _merged_values(snapshot))
answers = snapshot.group_answers(group_id)
option_labels = {
    level_key(level): f"{level_key(level)} · {rubric.level_labels[level_key(level)].get(lang)}"
    for level in rubric.levels
}
option_labels[NA_TEXT] = f"N/A · {t('common.level_na')}"

for tab, section in zip(tabs, rubric.sections, strict=True):
    if tab.open is False:
        continue
    with tab:
        section_score = scores.sections[section.id]
        if section_score.all_na:
            st.info(t("tutor.section_score_na"))
        else:
            provisional = f" · _{t('tutor.provisional')}_" if section_score.unanswered else ""
            st.markdown(
                "**"
                + t(
                    "tutor.section_score",
                    score=format_score(section_score.score),
                    max=format_score(len(section.items) * rubric.max_level),
                    answered=section_score.answered,
                    items=section_score.items,
                )
                + f"**{provisional}"
            )
        for item in section.items:
            with st.container(border=True):
                st.markdown(f"**{item.id} · {item.title.get(lang)}**")
                st.caption(item.explanation.get(lang))
                columns = st.columns(len(rubric.levels))
                for column, level in zip(columns, rubric.levels, strict=True):
                    key = level_key(level)
                    column.markdown(f"**{key}** · {rubric.level_labels[key].get(lang)}")
                    column.caption(item.criteria[key].get(lang))
                if item.not_applicable is not None:
                    st.caption(t("tutor.na_when", text=item.not_applicable.get(lang)))
                options = [level_key(level) for level in rubric.levels]
                if item.na_allowed:
                    options.append(NA_TEXT)
                stored = answers.get(item.id)
                if stored and stored.value and _canonical(item, stored.value) is None:
                    st.warning(t("tutor.sheet_value_invalid", value=escape_markdown(stored.value)))
                st.radio(
                    t("tutor.answer"),
                    options,
                    index=None,
                    format_func=option_labels.get,
                    horizontal=True,
                    key=f"ans_{item.id}",
                    on_change=_changed,
                    args=(item.id,),
                )
                st.text_area(
                    t("tutor.note"),
                    key=f"note_{item.id}",
                    height=68,
                    on_change=_changed,
                    args=(item.id,),
                )
                if stored and stored.updated_at and stored.updated_by:
                    st.caption(
                        t(
                            "tutor.updated_by",
                            who=escape_markdown(stored.updated_by),
                            time=stored.updated_at.replace("T", " ")[:19],
                        )
                    )


def _add_action() -> None:
    """A tutor records an improvement for their own group only (group from the session)."""
    if not _authorized(workshop_id, group_id):
        return
    due = st.session_state.get("tutor_action_due")
    try:
        action = ActionItem(
            id=new_id("a"),
            workshop_id=workshop_id,
            group_id=group_id,
            item_id=st.session_state["tutor_action_item"],
            what=check_text(
                st.session_state.get("tutor_action_what", ""), "what", MAX_NOTE, required=True
            ),
            owner=check_text(st.session_state.get("tutor_action_owner", ""), "owner", MAX_NAME),
            priority=int(st.session_state.get("tutor_action_priority", 1)),
            due=due.isoformat() if due else "",
            created_at=timesource.now_iso(),
            created_by=_who(),
        )
        store.add_action(action)
    except InputError as error:
        st.session_state["tutor_input_error_actions"] = error
        return
    except StoreError as error:
        st.session_state["tutor_action_store_error"] = error
        return
    common.forget_live_snapshot()
    st.session_state["tutor_action_what"] = ""
    st.session_state["tutor_action_owner"] = ""


with st.expander(t("tutor.actions_heading"), expanded=host_view.segment.kind == "wrapup"):
    st.caption(t("tutor.actions_help"))
    item_titles = {item.id: f"{item.id} · {item.title.get(lang)}" for item in rubric.items}
    st.text_area(t("wrapup.action_what"), key="tutor_action_what", height=68)
    first, second, third, fourth = st.columns([3, 2, 1, 2])
    first.selectbox(
        t("wrapup.action_item"),
        list(item_titles),
        format_func=item_titles.get,
        key="tutor_action_item",
    )
    second.text_input(t("wrapup.action_owner"), key="tutor_action_owner")
    third.number_input(t("wrapup.action_priority"), 1, 99, 1, key="tutor_action_priority")
    fourth.date_input(t("wrapup.action_due"), value=None, key="tutor_action_due")
    st.button(t("wrapup.action_add"), on_click=_add_action, key="tutor_action_add")
    action_error = st.session_state.pop("tutor_input_error_actions", None)
    if action_error is not None:
        common.show_input_error(action_error)
    store_error = st.session_state.pop("tutor_action_store_error", None)
    if store_error is not None:
        common.show_store_error(store_error)
    for action in sorted(
        (a for a in snapshot.actions if a.group_id == group_id),
        key=lambda a: (a.priority, a.created_at),
    ):
        st.markdown(
            f"- **P{action.priority}** · {escape_markdown(action.what)} — "
            f"{item_titles.get(action.item_id, action.item_id)}"
            + (f" · {escape_markdown(action.owner)}" if action.owner else "")
            + (f" · {action.due}" if action.due else "")
        )
