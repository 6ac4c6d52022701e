"""What every page starts from: settings, the content catalog, page paths, the public address.

Settings are cached per process with ``st.cache_resource`` (fresh when the
``WORKSHOP_*`` environment changes); the store is opened in :mod:`views.live`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import streamlit as st

from workshop.config import Settings, SettingsError, load_settings
from workshop.content import Catalog, load_catalog
from workshop.links import app_base_url

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


def public_base() -> str:
    """The base of join and results links: the configured public URL, else the address
    the host's browser is using right now (a link then works on any deployment)."""
    configured = settings().public_url
    if configured:
        return configured
    return app_base_url(st.context.url or "") or "http://localhost:8501"
