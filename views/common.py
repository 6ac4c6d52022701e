"""What every page shares: settings, the store, content, language and small view helpers.

Only Streamlit glue lives here; anything worth testing without a browser is in
``workshop/``. Resources (settings, store, content catalog) are cached per
process with ``st.cache_resource`` so all sessions share one store (and one
Sheets read cache) instead of opening one per viewer.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from workshop import image_export, localtime, timesource
from workshop.clock import ClockView
from workshop.config import Settings, SettingsError, load_settings
from workshop.content import Catalog, load_catalog
from workshop.content_model import LANGUAGES
from workshop.i18n import Translator
from workshop.models import Snapshot, Workshop
from workshop.presentation import html_block, user_text_block
from workshop.runtime import Runtime, open_runtime
from workshop.store.base import NotFound, Store, StoreError, StoreUnavailable
from workshop.workshops import InputError, host_allowed, host_grant, host_unlocked

LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
VIEWS = Path(__file__).resolve().parent


def page(name: str) -> str:
    """A page's file for ``st.page_link``: absolute, so it resolves whether Streamlit's
    main script is the checkout's ``app.py`` or the installed ``views/app.py``."""
    return str(VIEWS / f"{name}.py")


def _secrets() -> dict[str, Any]:
    """st.secrets as a dict; an absent secrets.toml simply means "no secrets"."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # Streamlit raises its own error type when no secrets file exists
        return {}


@st.cache_resource(show_spinner=False)
def _settings_cached(_environment: tuple[tuple[str, str], ...]) -> Settings:
    return load_settings(_secrets())


def _environment() -> tuple[tuple[str, str], ...]:
    """The variables settings depend on: a change (e.g. between tests) gives fresh settings."""
    return tuple(
        sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.startswith("WORKSHOP_") or name == "GOOGLE_APPLICATION_CREDENTIALS"
        )
    )


def settings() -> Settings:
    """Settings, or a clear message (and stop) when the configuration is wrong."""
    try:
        return _settings_cached(_environment())
    except SettingsError as error:
        st.error(str(error))
        st.stop()
        raise  # unreachable; st.stop() raises


def _close_runtime(opened: Runtime) -> None:
    opened.close()


@st.cache_resource(show_spinner=False, on_release=_close_runtime)
def _runtime_cached(_settings: Settings, key: str) -> Runtime:
    return open_runtime(_settings)


def runtime() -> Runtime:
    """This process's store, outbox and sender (one for every session of the process)."""
    current = settings()
    try:
        return _runtime_cached(
            current,
            f"{current.store}:{current.db_path}:{current.spreadsheet}:{current.outbox_path}",
        )
    except StoreError as error:
        show_store_error(error)
        st.stop()
        raise  # unreachable; st.stop() raises


def store() -> Store:
    return runtime().store


_catalog_memo: tuple[float, Catalog] | None = None


def catalog() -> Catalog:
    """Rubrics, agendas and UI texts, re-checked against the files at most once a second.

    A page looks up hundreds of texts per run; asking the loader each time would
    stat every content file each time (a measurable share of a render).
    """
    global _catalog_memo
    moment = time.monotonic()
    if _catalog_memo is None or moment - _catalog_memo[0] > 1.0:
        _catalog_memo = (moment, load_catalog())
    return _catalog_memo[1]


def lang() -> str:
    """The session's language: from ``?lang=`` on the first load, then the switch's value."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "en")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "en"
    return st.session_state["lang"]


def translator() -> Translator:
    return Translator(catalog().ui, lang())


def t(key: str, **values: Any) -> str:
    return translator()(key, **values)


def language_switch() -> None:
    """Sidebar switch between English and 日本語, kept in the URL across pages and reloads.

    Page navigation clears query parameters, so the language is written back
    on every run; a shared or reloaded URL therefore opens in the same language.
    """
    current = lang()
    if st.query_params.get("lang") != current:
        st.query_params["lang"] = current

    def _changed() -> None:
        st.session_state["lang"] = st.session_state["_lang_choice"]
        st.query_params["lang"] = st.session_state["lang"]

    st.sidebar.radio(
        t("common.language"),
        options=list(LANGUAGES),
        index=list(LANGUAGES).index(current),
        format_func=LANGUAGE_NAMES.get,
        key="_lang_choice",
        horizontal=True,
        on_change=_changed,
    )


def show_content_problems() -> None:
    """A broken content file must not take the app down: say which file and what is wrong."""
    problems = catalog().problems
    if problems:
        with st.sidebar.expander(t("common.content_problems", count=len(problems)), expanded=False):
            for problem in problems:
                st.markdown(f"- `{problem.path}`: {problem.where} — {problem.message}")


def show_input_error(error: InputError) -> None:
    """An InputError as a sentence in the session's language, naming the field."""
    values = dict(error.values)
    if "field" in values:
        values["field"] = t(f"errors.field_{values['field']}")
    st.error(t(f"errors.{error.key}", **values))


def unavailable_reason(error: StoreUnavailable) -> str:
    """Why the store could not be reached, in the session's language (one sentence)."""
    reasons = {
        "quota": lambda: t("errors.unavailable_quota"),
        "server": lambda: t("errors.unavailable_server", status=error.status or "5xx"),
        "network": lambda: t("errors.unavailable_network"),
        "busy": lambda: t("errors.unavailable_busy"),
    }
    return reasons.get(error.reason, lambda: t("errors.unavailable_unexpected"))()


def store_error_text(error: StoreError) -> str:
    """A store failure as a sentence a reader can act on, in the session's language.

    Transient trouble is explained in both languages; a configuration problem
    keeps the store's own sentence, which names the account, sheet or file to fix.
    """
    if isinstance(error, StoreUnavailable):
        return t("errors.store_unavailable", detail=unavailable_reason(error))
    return t("errors.store_config", detail=str(error))


def show_store_error(error: StoreError) -> None:
    """Transient store trouble is a warning (nothing lost); configuration trouble an error."""
    if isinstance(error, StoreUnavailable):
        st.warning(store_error_text(error))
    else:
        st.error(store_error_text(error))


def snapshot_or_stop(workshop_id: str) -> Snapshot:
    """Read a workshop; a missing one or an unreachable store ends the page with a message."""
    try:
        return store().snapshot(workshop_id)
    except NotFound:
        st.error(t("errors.workshop_not_found"))
    except StoreError as error:
        show_store_error(error)
    st.stop()
    raise AssertionError("unreachable")


def session_is_host(workshop: Workshop | None) -> bool:
    """Has this session given the host passcode (the app's, or this workshop's)?"""
    return host_unlocked(st.session_state.get("host_granted", set()), workshop)


def require_host(workshop: Workshop | None, *, key: str) -> bool:
    """Show a passcode form unless unlocked; True once the session may use host controls."""
    if session_is_host(workshop):
        return True
    app_passcode = settings().host_passcode
    with st.form(f"host_login_{key}"):
        st.markdown(f"**{t('host.locked')}**")
        given = st.text_input(t("host.passcode"), type="password", key=f"host_pass_{key}")
        submitted = st.form_submit_button(t("host.unlock"), type="primary")
    if submitted:
        if host_allowed(workshop, given, app_passcode):
            granted = set(st.session_state.get("host_granted", set()))
            granted.add(host_grant(workshop, app_passcode))
            st.session_state["host_granted"] = granted
            st.rerun()
        st.error(t("host.wrong_passcode"))
    return False


def grant_host(workshop_id: str) -> None:
    """The creator of a workshop chose its passcode: the session is its host."""
    granted = set(st.session_state.get("host_granted", set()))
    granted.add(workshop_id)
    st.session_state["host_granted"] = granted


def page_css() -> None:
    """Shared styling for large, screen-shared views (our own CSS, no user text)."""
    st.markdown(
        """
        <style>
        [data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
        .mts-countdown {font-size: 6.5rem; font-weight: 700; line-height: 1;
                        font-variant-numeric: tabular-nums; letter-spacing: -0.02em;}
        .mts-countdown.small {font-size: 2.6rem;}
        .mts-countdown.overtime {color: #b3261e;}
        .mts-countdown.paused {color: #6b6b6b;}
        .mts-segment {font-size: 1.9rem; font-weight: 600; margin: 0;}
        .mts-muted {color: #5f6368;}
        .mts-badge {display: inline-block; padding: 0.1rem 0.55rem; border-radius: 0.8rem;
                    font-size: 0.95rem; font-weight: 600; background: #e8eef7; color: #1f3f73;}
        .mts-badge.overtime {background: #fbe3e1; color: #8c1d18;}
        .mts-badge.paused {background: #eeeeee; color: #444444;}
        </style>
        """,
        unsafe_allow_html=True,
    )


def live_snapshot(workshop_id: str, *, warn: bool = True) -> Snapshot:
    """The workshop as stored, read again only when its revision moved.

    Fragments that tick every second call this; asking the store's revision
    is cheap (a counter), so a change shows on the next tick while an idle
    page costs no read at all (and on Sheets the copy is shared by every
    viewer of the process, never one request per viewer).

    When the store cannot be reached for a moment, the page keeps the last
    snapshot this session saw instead of stopping, with a warning unless ``warn``
    is false (a caller that explains it in its own words).
    """
    memo = st.session_state.get("_live_snapshot")
    last = st.session_state.get("_last_snapshot")
    seen = last is not None and last[0] == workshop_id
    try:
        revision = store().revision(workshop_id)
        if memo and memo[0] == workshop_id and memo[1] == revision:
            return memo[2]
        snapshot = store().snapshot(workshop_id)
    except StoreUnavailable as error:
        if not seen:
            show_store_error(error)
            st.stop()
        # Seen before: a moment without the store (quota, outage) must not stop the page,
        # or its fragments stop ticking. Show what this session last saw and say why.
        if warn:
            show_store_error(error)
        return last[1]
    except NotFound:
        st.error(t("errors.workshop_not_found"))
        st.stop()
        raise
    except StoreError as error:
        if not seen:
            show_store_error(error)
            st.stop()
        if warn:
            show_store_error(error)
        return last[1]
    st.session_state["_live_snapshot"] = (workshop_id, revision, snapshot)
    st.session_state["_last_snapshot"] = (workshop_id, snapshot)
    return snapshot


def forget_live_snapshot() -> None:
    """After this session writes, the next read must see the write."""
    st.session_state.pop("_live_snapshot", None)


def countdown_html(view: ClockView, *, small: bool = False) -> str:
    """The countdown as large text; overtime turns red and shows ``+0:37``."""
    classes = ["mts-countdown"]
    if small:
        classes.append("small")
    if view.overtime:
        classes.append("overtime")
    elif view.status in ("paused", "idle", "finished"):
        classes.append("paused")
    return (
        f'<div class="{" ".join(classes)}" data-testid="countdown" '
        f'data-remaining="{view.remaining:.3f}" data-rendered-at="{view.at:.3f}">'
        f"{html.escape(view.display)}</div>"
    )


def status_badge_html(view: ClockView) -> str:
    if view.overtime:
        css, text = "overtime", t("present.overtime")
    else:
        css, text = view.status, t(f"present.status_{view.status}")
    return f'<span class="mts-badge {css}">{html.escape(text)}</span>'


_chart_specs: OrderedDict[tuple, dict] = OrderedDict()
_chart_lock = threading.Lock()
MAX_CACHED_CHARTS = 128


def answers_fingerprint(snapshot: Snapshot) -> int:
    """Changes whenever any group's answers change: the key of cached charts."""
    return hash(
        tuple(
            (group_id, item_id, answer.value)
            for group_id, answers in sorted(snapshot.answers.items())
            for item_id, answer in sorted(answers.items())
        )
    )


def show_chart(key: tuple, build: Callable[[], Any], *, stretch: bool = True) -> None:
    """Render an Altair chart from a spec cached per process under ``key``.

    Building and validating a chart costs tens of milliseconds; every viewer of
    the same data at the same moment gets the same spec, so it is built once.
    """
    with _chart_lock:
        spec = _chart_specs.get(key)
        if spec is not None:
            _chart_specs.move_to_end(key)
    if spec is None:
        spec = build().to_dict(validate=False)
        with _chart_lock:
            _chart_specs[key] = spec
            while len(_chart_specs) > MAX_CACHED_CHARTS:
                _chart_specs.popitem(last=False)
    st.vega_lite_chart(spec=spec, width="stretch" if stretch else "content")


def workshop_from_query(*, link_to_host: bool = False) -> str:
    """The workshop of ``?w=``, or a picker of the open workshops (kept in the URL)."""
    workshop_id = st.query_params.get("w", "")
    if workshop_id:
        return workshop_id
    try:
        workshops = store().list_workshops()
    except StoreError as error:
        show_store_error(error)
        st.stop()
    if not workshops:
        st.info(t("present.no_workshop"))
        if link_to_host:
            st.page_link(page("host"), label=t("host.title"), icon=":material/settings:")
        st.stop()
    workshop_id = st.selectbox(
        t("present.choose_workshop"),
        [w.id for w in workshops],
        format_func={w.id: f"{w.title} ({w.date})" for w in workshops}.get,
    )
    st.query_params["w"] = workshop_id
    return workshop_id


#: Exports built per process, keyed by what they contain (see download_buttons).
MAX_CACHED_EXPORTS = 48
_exports: OrderedDict[tuple, bytes | str] = OrderedDict()
_exports_lock = threading.Lock()


def snapshot_fingerprint(snapshot: Snapshot) -> int:
    """Changes whenever anything an export shows changes: groups, answers, notes, actions."""
    return hash(
        (
            snapshot.workshop,
            snapshot.groups,
            tuple(
                (group_id, item_id, answer)
                for group_id, answers in sorted(snapshot.answers.items())
                for item_id, answer in sorted(answers.items())
            ),
            snapshot.actions,
        )
    )


def export_data(key: tuple, build: Callable[[], bytes | str]) -> bytes | str:
    """An export's content, built once per process for the same ``key``.

    Every viewer of the same data in the same language downloads the same
    bytes, so a results page opened by a whole workshop builds each file once.
    """
    with _exports_lock:
        data = _exports.get(key)
        if data is not None:
            _exports.move_to_end(key)
            return data
    data = build()
    with _exports_lock:
        _exports[key] = data
        while len(_exports) > MAX_CACHED_EXPORTS:
            _exports.popitem(last=False)
    return data


def download_button(
    label: str, build: Callable[[], bytes | str], file_name: str, mime: str, *, content: Any
) -> None:
    """One download button whose file is ready when the page is drawn.

    Streamlit's deferred downloads (``data=callable``) keep the generated file
    unreferenced, and every script run of any session (each 1 s clock fragment)
    sweeps such files: under a live workshop the browser often fetched a 404
    and the download was cancelled (seen in the rehearsal). A file handed over
    with the page stays referenced until the page itself reruns, and the
    export cache keyed by ``content`` (a fingerprint of what the file shows)
    keeps reruns cheap.
    """
    data = export_data((file_name, mime, lang(), content), build)
    st.download_button(
        label, data, file_name=file_name, mime=mime, on_click="ignore", key=f"dl_{file_name}"
    )


def download_buttons(
    buttons: Sequence[tuple[str, Callable[[], bytes | str], str, str]], *, content: Any
) -> None:
    """A row of download buttons: (label, data builder, file name, MIME type) each.

    ``content`` identifies what the files show (e.g. :func:`snapshot_fingerprint`);
    see :func:`download_button` for why the files are built with the page.
    """
    for column, (label, build, file_name, mime) in zip(
        st.columns(len(buttons)), buttons, strict=True
    ):
        with column:
            download_button(label, build, file_name, mime, content=content)


# --------------------------------------------------------------------------- viewer's time zone


def viewer_timezone() -> str:
    """The IANA time zone the viewer's browser reports (``Asia/Tokyo``), or "UTC" if none.

    Stored times stay UTC; pages show them with :func:`local_time`.
    """
    try:
        zone_name = st.context.timezone
    except Exception:  # outside a script run (no browser to ask)
        zone_name = None
    return zone_name or localtime.UTC_NAME


def local_time(value: str | float, fmt: str = localtime.DEFAULT_FORMAT) -> str:
    """A stored UTC time (ISO text or epoch seconds) in the viewer's time zone."""
    return localtime.format_local(value, viewer_timezone(), fmt)


def viewer_today() -> dt.date:
    """Today in the viewer's time zone (the default of date inputs)."""
    return localtime.local_today(viewer_timezone(), timesource.now())


# --------------------------------------------------------------------------- user text


def show_user_text(text: str) -> None:
    """A note or other free text exactly as typed, its http(s) links live (see presentation)."""
    st.markdown(user_text_block(text), unsafe_allow_html=True)


def show_html_line(inner: str) -> None:
    """A line built by ``workshop.presentation.format_html`` (user text inside is inert)."""
    st.markdown(html_block(inner), unsafe_allow_html=True)


# --------------------------------------------------------------------------- chart images


def chart_spec(key: tuple, build: Callable[[], Any]) -> dict:
    """The Vega-Lite spec :func:`show_chart` draws under ``key`` (built once per process)."""
    with _chart_lock:
        spec = _chart_specs.get(key)
        if spec is not None:
            _chart_specs.move_to_end(key)
            return spec
    spec = build().to_dict(validate=False)
    with _chart_lock:
        _chart_specs[key] = spec
        while len(_chart_specs) > MAX_CACHED_CHARTS:
            _chart_specs.popitem(last=False)
    return spec


def _want_image(flag: str) -> None:
    st.session_state[flag] = True


@st.fragment
def _image_download(label: str, spec: dict, file_name: str, fmt: str) -> None:
    """Prepare button → "preparing…" → download button, redrawn on its own (a fragment).

    The image is made by the worker process of ``workshop.image_export`` only after
    the button is pressed; this session's run waits for it (without holding the
    interpreter), so no other session stalls. Made once, the image is cached per
    spec: every viewer of the same chart then gets the download button at once.
    """
    exporter = image_export.shared()
    name = fmt.upper()
    wanted = f"_image_wanted_{file_name}"
    slot = st.empty()
    data = exporter.cached(spec, fmt)
    failure = ""
    if data is None and st.session_state.pop(wanted, False):

        def preparing(seconds: float) -> None:
            slot.caption(t("common.image_preparing", format=name, seconds=int(seconds)))

        preparing(0)
        try:
            data = exporter.wait(exporter.submit(spec, fmt), on_tick=preparing)
        except image_export.ExportFailed as error:
            failure = t(f"common.image_failed_{error.reason}", format=name)
    if data is not None:
        slot.download_button(
            label,
            data,
            file_name=file_name,
            mime=image_export.FORMATS[fmt],
            on_click="ignore",
            key=f"dl_{file_name}",
        )
        return
    with slot.container():
        if failure:
            st.error(failure)
        st.button(
            t("common.image_prepare", format=name),
            key=f"prepare_{file_name}",
            on_click=_want_image,
            args=(wanted,),
            icon=":material/image:",
        )


def image_download(label: str, chart_key: tuple, build: Callable[[], Any], file_name: str) -> None:
    """A PNG or SVG download of the chart shown under ``chart_key``, made on request.

    The format comes from ``file_name`` (``.png`` or ``.svg``). Nothing is
    converted while the page renders: see :func:`_image_download`.
    """
    fmt = file_name.rsplit(".", 1)[-1].lower()
    _image_download(label, chart_spec(chart_key, build), file_name, fmt)


def public_base() -> str:
    """The base of join and results links: the configured public URL, else the address
    the host's browser is using right now (a link then works on any deployment)."""
    from workshop.links import app_base_url

    configured = settings().public_url
    if configured:
        return configured
    return app_base_url(st.context.url or "") or "http://localhost:8501"
