"""No secret in a repr, a log line, an error or an export.

The secrets: the app secret, the host and history passcodes, a passcode's
hash, every join code, results token and the history link's token. A whole
workshop is run through the pages (host unlock, links, tutor join and answer,
results, history, wrong guesses) with every logger of the app and of
Streamlit recording at DEBUG, then each place is searched for each secret.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import APP_SECRET, KEYS, PASSCODE, PageEnv
from workshop.access import Keys
from workshop.config import load_settings
from workshop.content import load_rubric
from workshop.exports import actions_csv, tidy_csv
from workshop.models import AnswerChange, Group, Workshop
from workshop.reports import markdown_report

HISTORY_PASSCODE = "org-history-passcode-1"


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """Every record of the root, ``workshop`` and ``streamlit`` loggers (Streamlit's own
    loggers do not propagate to the root)."""
    handler = Recorder()
    loggers = [logging.getLogger(name) for name in ("", "workshop", "streamlit")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def _secrets(page_env: PageEnv, workshop: Workshop, groups: list[Group]) -> dict[str, str]:
    found = {
        "app secret": APP_SECRET,
        "host passcode": PASSCODE,
        "history passcode": HISTORY_PASSCODE,
        "passcode hash": page_env.store.host_passcode_hash(workshop.id),
        "workshop results token": KEYS.results_token(workshop),
        "history token": KEYS.history_token(),
    }
    for group in groups:
        found[f"join code of {group.name}"] = KEYS.join_code(group)
        found[f"results token of {group.name}"] = KEYS.results_token(workshop, group)
    return found


def _leaks(text: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if value and value in text]


def _submit(at: AppTest, label: str) -> None:
    next(b for b in at.get("form_submit_button") if b.label == label).click().run()


def test_a_whole_workshop_through_the_pages_logs_no_secret(
    page_env: PageEnv, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSHOP_HISTORY_PASSCODE", HISTORY_PASSCODE)
    workshop, groups = page_env.make_workshop(groups=2)
    secrets = _secrets(page_env, workshop, groups)
    assert secrets["passcode hash"].startswith("scrypt$")

    host = page_env.app("views/host.py", w=workshop.id)
    host.text_input(key=f"host_pass_{workshop.id}").input("a-wrong-passcode")
    _submit(host, "Unlock")
    host.text_input(key=f"host_pass_{workshop.id}").input(PASSCODE)
    _submit(host, "Unlock")
    assert any(KEYS.join_code(groups[0]) in c.value for c in host.code)  # the links are shown

    group = groups[0]
    tutor = page_env.app("views/tutor.py", w=workshop.id, g=group.id, code="WRONGCODE")
    tutor = page_env.app("views/tutor.py", w=workshop.id, g=group.id, code=KEYS.join_code(group))
    tutor.radio(key="ans_data-1").set_value("1").run()
    page_env.app("views/results.py", w=workshop.id, token=KEYS.results_token(workshop, group))
    page_env.app("views/results.py", w=workshop.id, token="not-the-token")
    page_env.app("views/history.py", token=KEYS.history_token())
    history = page_env.app("views/history.py")
    history.text_input(key="history_pass").input(HISTORY_PASSCODE)
    _submit(history, "Show the history")

    assert recorder.lines, "the recorder saw nothing: the test would prove nothing"
    assert _leaks("\n".join(recorder.lines), secrets) == []


def test_exports_carry_no_secret(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop(groups=2)
    page_env.store.save_answers(
        workshop.id,
        groups[0].id,
        [AnswerChange("data-1", "1", "see the runbook")],
        updated_by="Ann",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    secrets = _secrets(page_env, workshop, groups)
    snapshot = page_env.store.snapshot(workshop.id)
    rubric = load_rubric(workshop.rubric_id)
    exports = [
        tidy_csv(rubric, snapshot, "en"),
        actions_csv(rubric, snapshot, "en"),
        markdown_report(rubric, snapshot, "en"),
        markdown_report(rubric, snapshot, "en", groups[0].id),
    ]
    assert "see the runbook" in exports[0]
    assert _leaks("\n".join(exports), secrets) == []


def test_no_repr_shows_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(
        {},
        {
            "WORKSHOP_HOST_PASSCODE": PASSCODE,
            "WORKSHOP_HISTORY_PASSCODE": HISTORY_PASSCODE,
            "WORKSHOP_APP_SECRET": APP_SECRET,
        },
    )
    assert (settings.host_passcode, settings.app_secret) == (PASSCODE, APP_SECRET)
    shown = repr(settings) + str(settings) + repr(KEYS) + repr(Keys(APP_SECRET.encode()))
    assert [s for s in (PASSCODE, HISTORY_PASSCODE, APP_SECRET) if s in shown] == []


def test_a_short_app_secret_is_refused_without_quoting_it() -> None:
    from workshop.config import SettingsError

    with pytest.raises(SettingsError) as refused:
        load_settings({}, {"WORKSHOP_APP_SECRET": "too-short-secret"})
    assert "too-short-secret" not in str(refused.value)
    assert "at least 32 characters" in str(refused.value)
