"""Presenter view: the shared agenda clock, the segment's content and a live progress board.

Made to be screen-shared at 1280x720. The clock state lives in the store; the
countdown ticks in the browser (views/countdown.py) and takes the keyboard
shortcuts; the page polls the record every few seconds (the store's revision,
a counter: no read while nothing changed) and redraws what changed, so a
tutor's answer shows on the board within a poll of reaching the record.
``?display=1`` is the display mode for the shared screen: no sidebar or app
chrome, only the clock and the board, sized for 1280x720 and 1920x1080.
"""

from __future__ import annotations

import streamlit as st
from streamlit.logger import get_logger

from views import (
    auth,
    broadcast,
    context,
    countdown,
    language,
    live,
    markup,
    messages,
    present_display,
    viewer_time,
)
from workshop import clock, timesource
from workshop.agenda_controls import (
    JUMP,
    NEXT,
    PAUSE,
    PLUS_1,
    PLUS_5,
    PREVIOUS,
    RESUME,
    START,
    apply_auto_advance,
    apply_control,
    is_enabled,
    main_control,
    shortcut_control,
)
from workshop.content.model import Agenda, Rubric
from workshop.live import overall_progress, section_progress
from workshop.presentation import escape_markdown
from workshop.store.base import StoreError

LOG = get_logger(__name__)

t = language.t
lang = language.lang()
store = live.store()
content = context.catalog()
markup.page_css()

workshop_id = live.workshop_from_query(link_to_host=True)

snapshot = live.live_snapshot(workshop_id)
workshop = snapshot.workshop
if not auth.require_host(workshop, key=f"present_{workshop.id}"):
    st.stop()
rubric: Rubric = content.rubrics[workshop.rubric_id]
agenda: Agenda = content.agendas[workshop.agenda_id]
# Content (segments, items) in the workshop language; the chrome follows the UI switch.
wlang = workshop.language


def _apply(control: str, target: int = 0) -> None:
    """A control was pressed: the stored clock moves and every screen follows."""
    try:
        apply_control(store, workshop_id, agenda, control, target=target, log=LOG)
    except StoreError as error:
        st.session_state["present_error"] = error
    live.forget_live_snapshot()


def _shortcut() -> None:
    """A key was pressed on the presenter page: press the control it stands for."""
    pressed = countdown.pressed_key("present_clock")
    if pressed is None:
        return
    latest = live.live_snapshot(workshop_id, warn=False)
    current = clock.view(agenda, latest.clock, timesource.now())
    control = shortcut_control(current, pressed)
    if control is not None:
        _apply(control)


def _auto_advance() -> None:
    try:
        apply_auto_advance(
            store, workshop_id, agenda, st.session_state["room_auto_advance"], log=LOG
        )
    except StoreError as error:
        st.session_state["present_error"] = error
    live.forget_live_snapshot()


view = clock.view(agenda, snapshot.clock, timesource.now())
segment = view.segment
display = present_display.requested()
if display:
    present_display.page_css()

st.caption(f"{escape_markdown(workshop.title)} · {workshop.date}")

#: Each control's button: its text, icon and widget key.
BUTTONS = {
    START: ("present.start", ":material/play_arrow:", "c_start"),
    PAUSE: ("present.pause", ":material/pause:", "c_pause"),
    RESUME: ("present.resume", ":material/play_arrow:", "c_resume"),
    PLUS_1: ("present.plus1", None, "c_plus1"),
    PLUS_5: ("present.plus5", None, "c_plus5"),
    PREVIOUS: ("present.previous", ":material/skip_previous:", "c_prev"),
    NEXT: ("present.next", ":material/skip_next:", "c_next"),
}
controls = st.container() if display else st.columns([1.1, 0.8, 0.8, 1, 1, 2.2])
shown = (main_control(view), PLUS_1, PLUS_5, PREVIOUS, NEXT)
for column, control in zip([] if display else controls[:5], shown, strict=False):
    text_key, icon, widget_key = BUTTONS[control]
    column.button(
        t(text_key),
        type="primary" if control in (START, RESUME) else "secondary",
        icon=icon,
        key=widget_key,
        on_click=_apply,
        args=(control,),
        disabled=not is_enabled(view, control),
    )

# Going to a segment is a button per segment (in a popover), not a select box with a
# callback: a select box whose value follows the stored clock raced with the 1 s clock
# fragment, whose request could still carry the previous pick and fire the callback,
# moving the agenda back right after Next (seen in the rehearsal, even with a new key
# per segment). A button only fires when it is pressed.
jump_menu = (
    st.empty()
    if display
    else controls[5].popover(t("present.jump"), icon=":material/list:", width="stretch")
)
with jump_menu:
    for index, item in enumerate([] if display else agenda.segments):
        st.button(
            f"{index + 1}. {item.title.get(wlang)}",
            key=f"c_jump_{index}",
            on_click=_apply,
            args=(JUMP, index),
            disabled=not is_enabled(view, JUMP, index),
            type="tertiary",
        )
if not display:
    room, auto, chime, screen = st.columns([2.2, 2, 2, 1.4], vertical_alignment="center")
    with room:
        broadcast.host_form(workshop_id, snapshot.clock)
    auto.toggle(
        t("room.auto_advance"),
        value=snapshot.clock.auto_advance,
        key="room_auto_advance",
        help=t("room.auto_advance_help"),
        on_change=_auto_advance,
    )
    chime.toggle(t("room.chime"), key="room_chime", help=t("room.chime_help"))
    screen.page_link(
        context.page("present"),
        label=t("room.display_mode"),
        icon=":material/tv:",
        query_params={"w": workshop.id, "display": "1"},
        help=t("room.display_mode_help"),
    )
st.caption(t("room.shortcuts"))
error = st.session_state.pop("present_error", None)
if error is not None:
    messages.show_store_error(error)

rendered = (view.index, view.status)


@st.fragment(run_every=countdown.POLL_SECONDS)
def clock_panel() -> None:
    """The ticking countdown (in the browser); the poll redraws the page when the agenda moved."""
    latest = live.live_snapshot(workshop_id)
    current = clock.view(agenda, latest.clock, timesource.now())
    if (current.index, current.status) != rendered:
        st.rerun()  # another host tab, a shortcut or auto-advance moved the agenda
    countdown.show(
        agenda,
        latest.clock,
        wlang,
        chime=bool(st.session_state.get("room_chime")),
        on_key=_shortcut,
        key="present_clock",
    )
    if current.extension:
        st.caption(t("present.extended", minutes=f"{current.extension / 60:g}"))


@st.fragment(run_every=countdown.POLL_SECONDS)
def board_panel() -> None:
    latest = live.live_snapshot(workshop_id)
    section_id = segment.section_id
    if section_id:
        st.markdown(f"**{t('present.board_heading')}**")
        for row in section_progress(rubric, latest, section_id):
            mark = " ✓" if row.done else ""
            st.progress(
                row.answered / row.total if row.total else 0.0,
                text=f"{escape_markdown(row.name)} — {row.answered}/{row.total}{mark}",
            )
    else:
        st.markdown(f"**{t('present.board_overall')}**")
        totals = overall_progress(rubric, latest)
        for group in latest.groups:
            answered, total = totals[group.id]
            st.progress(
                answered / total if total else 0.0,
                text=f"{escape_markdown(group.name)} — {answered}/{total}",
            )
    st.caption(
        t("present.board_updated", time=viewer_time.local_time(timesource.now(), "%H:%M:%S"))
    )


main, side = st.columns([3, 2], gap="large")
with main:
    clock_panel()
with side:
    board_panel()
if display:
    present_display.leave_link(workshop.id)
    st.stop()

if view.status == "finished":
    st.success(t("present.finished_note"))
    st.page_link(
        context.page("wrapup"),
        label=t("present.open_wrapup"),
        icon=":material/forum:",
        query_params={"w": workshop.id},
    )

if segment.section_id:
    section = rubric.section(segment.section_id)
    covers = t("present.covers_section", section=section.title.get(wlang), count=len(section.items))
    st.markdown(f"##### {covers}")
    columns = st.columns(2)
    for position, item in enumerate(section.items):
        columns[position % 2].markdown(f"**{item.id}** · {item.title.get(wlang)}")
if segment.talking_points:
    st.markdown(f"##### {t('present.talking_points')}")
    for point in segment.talking_points:
        st.markdown(f"- {point.get(wlang)}")
