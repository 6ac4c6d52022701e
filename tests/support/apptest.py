"""Run the real app's pages in-process with AppTest, on a fresh SQLite store and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support.clock import ManualClock
from workshop import keys, timesource
from workshop.access import Keys
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PASSCODE = "host-secret-1"
#: The app secret of every AppTest page (join codes and tokens are derived from it).
APP_SECRET = "apptest-app-secret-0123456789abcdefghij"
#: The same secret as the pages' :class:`Keys`, to compute the codes and links they expect.
KEYS = Keys(keys.secret_bytes(APP_SECRET))


@dataclass
class PageEnv:
    store: SqliteStore
    clock: ManualClock
    db_path: Path
    keys: Keys = KEYS

    def app(self, page: str, **params: str) -> AppTest:
        """A fresh session (a new browser tab) on ``page`` with query parameters.

        The home page runs through ``app.py`` (navigation and language switch);
        AppTest runs any other page's script on its own after ``switch_page``.
        """
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in params.items():
            at.query_params[key] = value
        if page != "views/home.py":
            at.switch_page(page)
        return at.run()

    def make_workshop(self, groups: int = 3, language: str = "en", agenda: str = "standard-60"):
        drafts = [
            GroupDraft(f"Team {chr(65 + i)}", f"System {i + 1}", "production", f"Tutor {i + 1}")
            for i in range(groups)
        ]
        return create_workshop(
            self.store,
            title="Round 1",
            date="2026-11-23",
            language=language,
            rubric_id="ml-test-score",
            agenda_id=agenda,
            passcode=PASSCODE,
            groups=drafts,
        )


@pytest.fixture
def page_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PageEnv]:
    for name in (
        "WORKSHOP_STORE",
        "WORKSHOP_SHEET",
        "WORKSHOP_HOST_PASSCODE",
        "WORKSHOP_HISTORY_PASSCODE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKSHOP_APP_SECRET", APP_SECRET)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    db_path = tmp_path / "pages.sqlite3"
    monkeypatch.setenv("WORKSHOP_DB", str(db_path))
    monkeypatch.setenv("WORKSHOP_PUBLIC_URL", "http://workshop.test")
    st.cache_resource.clear()
    clock = ManualClock(1_800_000_000.0)
    timesource.set_source(clock)
    store = SqliteStore(db_path)
    try:
        yield PageEnv(store=store, clock=clock, db_path=db_path)
    finally:
        timesource.set_source(None)
        store.close()
        st.cache_resource.clear()


def texts(at: AppTest) -> str:
    """Every text the page rendered (markdown, captions, alerts, code), for assertions."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "code", "title"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    parts.extend(str(p.proto.text) for p in at.get("progress"))
    return "\n".join(parts)
