"""Problems said to the person in their language: input to fix, a store away, broken content."""

from __future__ import annotations

import streamlit as st

from views import context
from views.language import t
from workshop.store.base import StoreError, StoreUnavailable
from workshop.workshops import InputError


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


def show_content_problems() -> None:
    """A broken content file must not take the app down: say which file and what is wrong."""
    problems = context.catalog().problems
    if problems:
        with st.sidebar.expander(t("common.content_problems", count=len(problems)), expanded=False):
            for problem in problems:
                st.markdown(f"- `{problem.path}`: {problem.where} — {problem.message}")
