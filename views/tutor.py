"""Tutor: score one group's ML system, item by item, with every level's criteria in view.

What each field shows is the shared record plus the changes waiting in the
server's outbox (:func:`workshop.patches.field_view`), never a widget's leftover
state, so a tab switch, the host going back a section, a reload or a second
device on the same link all show the same thing. A change is written to the
outbox at once (a local file) and sent by the server's sender thread; the page
says whether everything is saved, and if not, why. Widgets are redrawn under a
new key when their field changes elsewhere (:class:`workshop.tutor_form.TutorForm`),
so a value the browser still holds can never be saved as if the tutor chose it.
The group comes from the verified join code in this session, never from what
the browser sends with a change, so one tutor's link cannot write another
group's answers.
"""

from __future__ import annotations

import streamlit as st

from views import (
    auth,
    broadcast,
    context,
    countdown,
    language,
    live,
    markup,
    messages,
    rubric_display,
    tutor_actions,
    tutor_join,
    tutor_notices,
    tutor_previous,
    tutor_votes,
    viewer_time,
)
from workshop import clock, timesource
from workshop.answers import NA_TEXT, answer_choices, canonical_text, format_score, item_answer
from workshop.content.model import Item, Rubric, level_key
from workshop.models import FieldPatch, Group, Snapshot
from workshop.patches import FieldView, field_view
from workshop.presentation import escape_markdown
from workshop.scoring import score_answers
from workshop.security import new_id
from workshop.store.base import StoreUnavailable
from workshop.tutor_form import TutorForm, saved_by
from workshop.workshops import MAX_NAME, InputError, check_note

#: How long a callback waits for the sender to confirm a change (the page says
#: "not saved yet" meanwhile; the sender goes on by itself after that).
SAVE_WAIT_SECONDS = 0.4

t = language.t
lang = language.lang()
engine = live.runtime().engine
content = context.catalog()
markup.page_css()


workshop_id = st.query_params.get("w", "")
group_id = st.query_params.get("g", "")
if not workshop_id or not group_id:
    tutor_join.join_form()

snapshot = live.live_snapshot(workshop_id)
try:
    group: Group = snapshot.group(group_id)
except KeyError:
    st.error(t("errors.workshop_not_found"))
    st.stop()

tutor_join.require_tutor(group)

workshop = snapshot.workshop
rubric: Rubric = content.rubrics[workshop.rubric_id]
agenda = content.agendas[workshop.agenda_id]

origin: str = st.session_state.setdefault("_tutor_origin", new_id("s"))
form_key = f"tutor_form:{workshop_id}:{group_id}"
if form_key not in st.session_state:
    st.session_state[form_key] = TutorForm()
form: TutorForm = st.session_state[form_key]
item_ids = [item.id for item in rubric.items]


def _who() -> str:
    """Who saved: the name typed in the sidebar if it is acceptable, else the group's tutor."""
    return saved_by(st.session_state.get("tutor_name") or "", group, t("tutor.group"))


def _send(patch: FieldPatch) -> None:
    """Keep the change in the outbox and give the sender a moment to confirm it."""
    entry_id = engine.record(workshop_id, group_id, patch, origin)
    engine.wait([entry_id], SAVE_WAIT_SECONDS)
    live.forget_live_snapshot()


def _changed(item_id: str, field_name: str, key: str) -> None:
    """The tutor changed a widget: send that field, and only that field."""
    if not auth.tutor_may_write(workshop_id, group_id):
        return
    raw = st.session_state.get(key)
    text = raw or ""
    if field_name == "note":
        try:
            text = check_note(text)
        except InputError as error:
            st.session_state["tutor_input_error"] = error
            return
    patch = form.changed(
        item_id,
        field_name,
        text,
        made_at=timesource.now_precise_iso(),
        made_by=_who(),
        widget_key=key,
    )
    if patch is not None:
        _send(patch)


def _use_mine(entry_id: int, item_id: str, field_name: str, text: str) -> None:
    """After a later change won, the tutor chooses their own value again, knowingly."""
    if not auth.tutor_may_write(workshop_id, group_id):
        return
    patch = form.chosen_again(
        item_id, field_name, text, made_at=timesource.now_precise_iso(), made_by=_who()
    )
    engine.acknowledge([entry_id])
    _send(patch)


def _retry_now() -> None:
    """The tutor pressed "Retry now": send at once, and wait a moment for the answer."""
    engine.retry_now()
    waiting = [entry.id for entry in engine.group(workshop_id, group_id).pending]
    engine.wait(waiting, SAVE_WAIT_SECONDS * 3)
    live.forget_live_snapshot()


def _canonical(item: Item, text: str) -> str | None:
    """The radio option for a stored text; None when unanswered or invalid."""
    parsed = item_answer(rubric, item, text)
    return (canonical_text(parsed) or None) if parsed is not None else None


def _views() -> dict[tuple[str, str], FieldView]:
    latest = live.live_snapshot(workshop_id, warn=False)
    pending = engine.pending_patches(workshop_id, group_id)
    return field_view(latest.group_answers(group_id), pending, item_ids)


def _fingerprint(views: dict[tuple[str, str], FieldView]) -> int:
    """What the page body shows of the fields: a change elsewhere redraws the page.

    A change of this page's own that reaches the record changes no text here,
    so saving never redraws the page under the tutor's next click; the status
    bar says it is saved.
    """
    return hash(tuple(sorted((key, v.text) for key, v in views.items())))


def _access_print(latest: Snapshot) -> tuple[bool, int]:
    """Closing the workshop or regenerating the group's link redraws the page at once."""
    try:
        generation = latest.group(group_id).link_generation
    except KeyError:
        generation = -1
    return latest.workshop.closed, generation


views = _views()
rendered_access = _access_print(snapshot)
closed = workshop.closed
remote = form.sync(views)
rendered_print = _fingerprint(views)
host_view = clock.view(agenda, snapshot.clock, timesource.now())
for item_id, field_name in remote:
    view = views[(item_id, field_name)]
    if view.by:
        st.toast(
            t(
                f"tutor.changed_{field_name}",
                item=item_id,
                who=escape_markdown(view.by),
                time=viewer_time.local_time(view.at, "%H:%M"),
            ),
            icon=":material/sync:",
        )

heading = t(
    "tutor.heading", group=escape_markdown(group.name), system=escape_markdown(group.system)
)
st.markdown(f"### {heading}")
st.caption(f"{escape_markdown(workshop.title)} · {t(f'common.phase_{group.phase}')}")
if closed:
    st.warning(t("tutor.workshop_closed"), icon=":material/lock:")


@st.fragment(run_every=countdown.POLL_SECONDS)
def live_bar() -> None:
    """Clock, the host's message and save status; redraws the page when the host, the sheet or
    a device moves on (the countdown ticks in the browser; this only polls the record)."""
    latest = live.live_snapshot(workshop_id, warn=False)
    view = clock.view(agenda, latest.clock, timesource.now())
    if (
        view.index != host_view.index
        or _fingerprint(_views()) != rendered_print
        or _access_print(latest) != rendered_access
    ):
        st.rerun()
    broadcast.show_message(latest.clock)
    sync = engine.group(workshop_id, group_id)
    left, right = st.columns([2, 3])
    with left:
        countdown.show(agenda, latest.clock, lang, compact=True, key="tutor_clock")
    with right:
        if sync.pending and sync.failure is None:
            st.info(t("tutor.sending", count=sync.count), icon=":material/sync:")
        elif sync.pending:
            st.warning(t("tutor.pending", count=sync.count), icon=":material/sync_problem:")
            failure = sync.failure
            if failure is not None:
                detail = (
                    messages.unavailable_reason(failure)
                    if isinstance(failure, StoreUnavailable)
                    else messages.store_error_text(failure)
                )
                st.caption(t("tutor.pending_detail", detail=detail))
        elif sync.last_written:
            saved_at = viewer_time.local_time(sync.last_written, "%H:%M:%S")
            st.success(t("tutor.saved_at", time=saved_at), icon=":material/check:")
        else:
            st.info(t("tutor.nothing_yet"), icon=":material/edit_note:")


live_bar()


# Notices come and go between runs; keeping them in one container that is always there
# keeps the tabs below at the same place in the page, which Streamlit's frontend needs
# to keep (and show) the tab bar across reruns.
with st.container():
    if engine.group(workshop_id, group_id).failure is not None:
        st.button(t("tutor.retry_now"), on_click=_retry_now, key="retry_now")
    for entry in engine.notices(origin, workshop_id, group_id, _who()):
        if entry.workshop_id == workshop_id and entry.group_id == group_id:
            tutor_notices.show(entry, acknowledge=engine.acknowledge, use_mine=_use_mine)
    error = st.session_state.pop("tutor_input_error", None)
    if error is not None:
        messages.show_input_error(error)

with st.sidebar:
    st.text_input(t("tutor.tutor_name"), key="tutor_name", value=group.tutor, max_chars=MAX_NAME)
    follow = st.toggle(t("tutor.follow_host"), value=True, key="follow_host")

tutor_votes.panel(group, rubric, lang, closed=closed)
show_previous = tutor_previous.beside_each_test(
    workshop, group, rubric, form=form, closed=closed, who=_who, send=_send
)

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
scores = score_answers(rubric, {item_id: views[(item_id, "value")].text for item_id in item_ids})
option_labels = {
    level_key(level): f"{level_key(level)} · {rubric.level_labels[level_key(level)].get(lang)}"
    for level in rubric.levels
}
option_labels[NA_TEXT] = f"{NA_TEXT} · {t('common.level_na')}"


def _provenance(value: FieldView, note: FieldView) -> None:
    """Who changed the item last and when (whether it is saved yet is the status bar's job)."""
    latest = max((value, note), key=lambda v: v.at)
    if latest.by and latest.at:
        st.caption(
            t(
                "tutor.updated_by",
                who=escape_markdown(latest.by),
                time=viewer_time.local_time(latest.at, "%Y-%m-%d %H:%M:%S"),
            )
        )


for tab, section in zip(tabs, rubric.sections, strict=True):
    if tab.open is False:
        continue  # not drawn; reopening it draws its fields from the record again
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
            value_view = views[(item.id, "value")]
            note_view = views[(item.id, "note")]
            with st.container(border=True):
                rubric_display.show_item_levels(rubric, item, lang, small=True)
                if item.not_applicable is not None:
                    st.caption(t("tutor.na_when", text=item.not_applicable.get(lang)))
                show_previous(item, value_view.text)
                options = answer_choices(rubric.levels, na_allowed=item.na_allowed)
                shown = _canonical(item, value_view.text)
                if value_view.text and shown is None:
                    st.warning(
                        t("tutor.sheet_value_invalid", value=escape_markdown(value_view.text))
                    )
                answer_key = form.key(item.id, "value")
                form.drawn(answer_key, shown if shown in options else "")
                st.radio(
                    t("tutor.answer"),
                    options,
                    index=options.index(shown) if shown in options else None,
                    format_func=option_labels.get,
                    horizontal=True,
                    key=answer_key,
                    disabled=closed,
                    on_change=_changed,
                    args=(item.id, "value", answer_key),
                )
                note_key = form.key(item.id, "note")
                form.drawn(note_key, note_view.text)
                st.text_area(
                    t("tutor.note"),
                    value=note_view.text,
                    key=note_key,
                    height=68,
                    disabled=closed,
                    on_change=_changed,
                    args=(item.id, "note", note_key),
                )
                _provenance(value_view, note_view)


tutor_actions.action_items(
    workshop_id,
    group_id,
    rubric,
    snapshot.actions,
    lang,
    who=_who,
    expanded=host_view.segment.kind == "wrapup",
    closed=closed,
)
