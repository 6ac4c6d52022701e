"""Host: create, list, reopen, duplicate and archive workshops; hand out join links."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from views import auth, context, host_votes, language, live, messages, viewer_time
from workshop.content.model import LANGUAGES
from workshop.links import history_link, join_link, qr_png, results_link
from workshop.models import Group, Workshop
from workshop.presentation import escape_markdown
from workshop.store.base import StoreError
from workshop.workshops import (
    DEFAULT_AGENDA_ID,
    DEFAULT_RUBRIC_ID,
    InputError,
    create_workshop,
    duplicate_workshop,
    parse_group_lines,
    preferred_index,
    regenerate_links,
    set_archived,
    set_closed,
)

t = language.t
lang = language.lang()
settings = context.settings()
store = live.store()
app_keys = live.runtime().keys
content = context.catalog()

st.title(t("host.title"))
st.caption(t("host.intro"))
if store.backend == "sheets":
    st.markdown(f"{t('host.backend_sheets')} · [{t('host.open_sheet')}]({store.url})")
else:
    st.caption(t("host.backend_local"))

if settings.host_passcode and not auth.require_host(None, key="global"):
    st.stop()

selected_id = st.session_state.get("host_selected") or st.query_params.get("w", "")


def _select(workshop_id: str) -> None:
    st.session_state["host_selected"] = workshop_id


def _phase_label(phase: str) -> str:
    return t(f"common.phase_{phase}")


def _change(change: Callable[[], object]) -> None:
    """A host control's store change; a failure leaves the panel as it was, and says why."""
    try:
        change()
    except StoreError as error:
        messages.show_store_error(error)
    else:
        live.forget_live_snapshot()
        st.rerun()


def _new_link_button(workshop: Workshop, group: Group | None) -> None:
    """Regenerate a group's join and results links (or the workshop's results link).

    Behind a popover that says what happens, since the old link stops working at once
    (which is the point when a link leaked).
    """
    label = t("host.new_link") if group is not None else t("host.new_results_link")
    with st.popover(label, icon=":material/autorenew:"):
        st.caption(t("host.new_link_help" if group is not None else "host.new_results_link_help"))
        key = f"regen_{workshop.id}_{group.id if group is not None else ''}"
        if st.button(t("host.new_link_confirm"), key=key, type="primary"):
            group_id = group.id if group is not None else ""
            _change(lambda: regenerate_links(store, workshop.id, group_id))


def _workshop_panel(workshop: Workshop) -> None:
    """The open workshop: links, QR codes, sheet preparation, next round, archive."""
    if not auth.require_host(workshop, key=workshop.id):
        return
    snapshot = live.snapshot_or_stop(workshop.id)
    st.subheader(escape_markdown(workshop.title))
    actions = st.columns([1, 1, 1, 2, 1])
    actions[0].page_link(
        context.page("present"),
        label=t("host.present"),
        icon=":material/slideshow:",
        query_params={"w": workshop.id},
    )
    actions[1].page_link(
        context.page("wrapup"),
        label=t("host.wrapup"),
        icon=":material/forum:",
        query_params={"w": workshop.id},
    )
    label = t("host.unarchive") if workshop.archived else t("host.archive")
    if actions[2].button(label, key=f"archive_{workshop.id}"):
        _change(lambda: set_archived(store, workshop.id, not workshop.archived))
    closing = t("host.reopen_workshop") if workshop.closed else t("host.close_workshop")
    if actions[3].button(
        closing,
        key=f"closed_{workshop.id}",
        icon=":material/lock_open:" if workshop.closed else ":material/lock:",
        help=t("host.close_help"),
    ):
        _change(lambda: set_closed(store, workshop.id, not workshop.closed))
    if workshop.closed:
        st.info(t("host.closed_note"), icon=":material/lock:")

    if store.backend == "sheets":
        with st.container(border=True):
            st.caption(t("host.prepare_help"))
            if st.button(t("host.prepare_sheet"), key=f"prepare_{workshop.id}"):
                try:
                    store.prepare(workshop.id)  # type: ignore[attr-defined]
                    st.success(t("host.prepared"))
                except StoreError as error:
                    messages.show_store_error(error)

    if snapshot.problems:
        with st.expander(t("host.problems_heading"), expanded=True):
            for problem in snapshot.problems:
                st.text(f"{problem.where}: {problem.what}")

    st.markdown(f"#### {t('host.links_heading')}")
    st.caption(t("host.links_help"))
    host_votes.anonymity_toggle(workshop)
    base = context.public_base()
    for group in snapshot.groups:
        with st.container(border=True):
            text_column, qr_column = st.columns([5, 1])
            code = app_keys.join_code(group)
            link = join_link(base, workshop, group, code)
            with text_column:
                name, system = escape_markdown(group.name), escape_markdown(group.system)
                st.markdown(f"**{name}** · {system} · {_phase_label(group.phase)}")
                if group.tutor:
                    st.caption(f"{t('host.col_tutor')}: {escape_markdown(group.tutor)}")
                st.markdown(f"{t('host.join_code')}: `{code}`")
                st.code(link, language=None)
                _new_link_button(workshop, group)
            with qr_column:
                st.image(qr_png(link), width=120)
            host_votes.participant_link_block(workshop, group)

    with st.expander(t("host.results_heading")):
        st.markdown(f"**{t('host.results_all')}**")
        token = app_keys.results_token(workshop)
        st.code(results_link(base, workshop.id, token, workshop.language), language=None)
        _new_link_button(workshop, None)
        for group in snapshot.groups:
            st.markdown(f"**{escape_markdown(group.name)}**")
            token = app_keys.results_token(workshop, group)
            st.code(results_link(base, workshop.id, token, workshop.language), language=None)

    with st.expander(t("host.history_heading")):
        if auth.session_is_app_host():
            st.caption(t("host.history_help"))
            st.code(history_link(base, app_keys.history_token(), lang), language=None)
        else:
            st.caption(t("host.history_cli"))

    with st.expander(t("host.duplicate_heading")):
        st.caption(t("host.duplicate_help"))
        with st.form(f"duplicate_{workshop.id}"):
            title = st.text_input(t("host.field_title"), value=workshop.title)
            date = st.date_input(t("host.field_date"), value=viewer_time.viewer_today())
            if st.form_submit_button(t("host.duplicate")):
                try:
                    copy = duplicate_workshop(
                        store, workshop.id, title=title, date=date.isoformat()
                    )
                except InputError as error:
                    messages.show_input_error(error)
                except StoreError as error:
                    messages.show_store_error(error)
                else:
                    auth.grant_host(copy.id)
                    _select(copy.id)
                    st.session_state["host_flash"] = t(
                        "host.duplicated", title=escape_markdown(copy.title)
                    )
                    st.rerun()


def _create_form() -> None:
    rubric_ids = sorted(content.rubrics)
    agenda_ids = sorted(content.agendas)
    with st.form("create_workshop", clear_on_submit=False):
        title = st.text_input(t("host.field_title"), value=t("host.default_title"))
        first, second, third = st.columns(3)
        date = first.date_input(t("host.field_date"), value=viewer_time.viewer_today())
        workshop_language = second.selectbox(
            t("host.field_language"),
            list(LANGUAGES),
            index=list(LANGUAGES).index(lang),
            format_func=language.LANGUAGE_NAMES.get,
        )
        rubric_id = third.selectbox(
            t("host.field_rubric"),
            rubric_ids,
            index=preferred_index(rubric_ids, DEFAULT_RUBRIC_ID),
            format_func=lambda rid: content.rubrics[rid].title.get(lang),
        )
        agenda_id = st.selectbox(
            t("host.field_agenda"),
            agenda_ids,
            index=preferred_index(agenda_ids, DEFAULT_AGENDA_ID),
            format_func=lambda aid: (
                f"{content.agendas[aid].title.get(lang)} "
                f"({content.agendas[aid].total_minutes:g} min)"
            ),
        )
        if settings.host_passcode:
            st.caption(t("host.field_passcode_app"))
            passcode = ""
        else:
            passcode = st.text_input(t("host.field_passcode"), type="password")
        st.markdown(f"**{t('host.groups_heading')}**")
        groups_text = st.text_area(
            t("host.groups_help"),
            key="create_groups",
            height=150,
            placeholder=t("host.groups_placeholder"),
        )
        submitted = st.form_submit_button(t("host.create"), type="primary")
    if not submitted:
        return
    try:
        drafts = parse_group_lines(groups_text)
        workshop, _ = create_workshop(
            store,
            title=title,
            date=date.isoformat(),
            language=workshop_language,
            rubric_id=rubric_id,
            agenda_id=agenda_id,
            passcode=passcode,
            groups=drafts,
            require_passcode=not settings.host_passcode,
        )
    except InputError as error:
        messages.show_input_error(error)
        return
    except StoreError as error:
        messages.show_store_error(error)
        return
    auth.grant_host(workshop.id)
    _select(workshop.id)
    st.session_state["host_show_list"] = True
    st.session_state["host_flash"] = t("host.created", title=escape_markdown(workshop.title))
    st.rerun()


flash = st.session_state.pop("host_flash", "")
if flash:
    st.success(flash)

# After creating, show the list. Setting the tab's value in session state is not
# enough: the browser keeps the tab it had and sends it back with the next rerun,
# so the create tab returned on the next click. A new key is a new tab widget,
# which opens on its first tab.
if st.session_state.pop("host_show_list", False):
    st.session_state["host_tab_generation"] = st.session_state.get("host_tab_generation", 0) + 1
list_tab, create_tab = st.tabs(
    [t("host.tab_workshops"), t("host.tab_create")],
    key=f"host_tab_{st.session_state.get('host_tab_generation', 0)}",
    on_change="rerun",
)
with create_tab:
    _create_form()
with list_tab:
    show_archived = st.toggle(t("host.show_archived"), key="host_show_archived")
    try:
        workshops = store.list_workshops(include_archived=show_archived)
    except StoreError as error:
        messages.show_store_error(error)
        st.stop()
    if not workshops:
        st.info(t("host.no_workshops"))
    for workshop in workshops:
        with st.container(border=True):
            info, buttons = st.columns([5, 1])
            archived = f" · _{t('host.archived_badge')}_" if workshop.archived else ""
            closed = f" · _{t('host.closed_badge')}_" if workshop.closed else ""
            info.markdown(f"**{escape_markdown(workshop.title)}**{archived}{closed}")
            info.caption(
                t(
                    "host.workshop_line",
                    date=workshop.date,
                    groups=len(store.snapshot(workshop.id).groups),
                    language=language.LANGUAGE_NAMES.get(workshop.language, workshop.language),
                )
            )
            is_open = selected_id == workshop.id
            if buttons.button(
                t("host.close") if is_open else t("host.open"),
                key=f"open_{workshop.id}",
                type="secondary" if is_open else "primary",
            ):
                _select("" if is_open else workshop.id)
                st.rerun()
            if is_open:
                _workshop_panel(workshop)
