"""The session's language and its texts: ``t("home.title")`` and the sidebar switch."""

from __future__ import annotations

from typing import Any

import streamlit as st

from views import context
from workshop.content.model import LANGUAGES
from workshop.i18n import Translator

LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}


def lang() -> str:
    """The session's language: from ``?lang=`` on the first load, then the switch's value."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", "en")
        st.session_state["lang"] = wanted if wanted in LANGUAGES else "en"
    return st.session_state["lang"]


def translator() -> Translator:
    return Translator(context.catalog().ui, lang())


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
