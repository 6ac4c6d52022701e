"""``workshop links``: every code and link again, from the app secret, for the server's operator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workshop import cli, keys
from workshop.access import Keys
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop, regenerate_links

SECRET = "cli-links-app-secret-0123456789abcdefghij"
KEYS = Keys(keys.secret_bytes(SECRET))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("WORKSHOP_STORE", "WORKSHOP_SHEET", "WORKSHOP_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.setenv("WORKSHOP_DB", str(tmp_path / "w.sqlite3"))
    monkeypatch.setenv("WORKSHOP_APP_SECRET", SECRET)
    return tmp_path / "w.sqlite3"


def test_links_prints_the_codes_and_links_the_host_page_shows(env: Path, capsys: Any) -> None:
    store = SqliteStore(env)
    workshop, groups = create_workshop(
        store,
        title="Round 7",
        date="2026-11-23",
        language="ja",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode="host-pass-123",
        groups=[GroupDraft("Team A", "Search"), GroupDraft("Team B", "Ads")],
    )
    regenerate_links(store, workshop.id, groups[1].id)
    renewed_b = store.snapshot(workshop.id).group(groups[1].id)
    store.close()

    assert cli.main(["links", workshop.id, "--base-url", "https://ws.example.org/"]) == 0
    out = capsys.readouterr().out
    code_a = KEYS.join_code(groups[0])
    assert f"Team A: join code {code_a}" in out
    assert (
        f"https://ws.example.org/tutor?w={workshop.id}&g={groups[0].id}&code={code_a}&lang=ja"
    ) in out
    assert KEYS.join_code(renewed_b) in out and KEYS.join_code(groups[1]) not in out
    token = KEYS.results_token(workshop, groups[0])
    assert f"https://ws.example.org/results?w={workshop.id}&token={token}&lang=ja" in out
    assert KEYS.results_token(workshop) in out
    assert f"https://ws.example.org/history?token={KEYS.history_token()}" in out

    assert cli.main(["links"]) == 0
    listing = capsys.readouterr().out
    assert f"{workshop.id}  2026-11-23  Round 7" in listing
    assert code_a not in listing  # the list names workshops, not their codes


def test_links_of_an_unknown_workshop_say_how_to_list_them(env: Path, capsys: Any) -> None:
    SqliteStore(env).close()
    assert cli.main(["links", "w_nope", "--language", "ja"]) == 1
    assert "ワークショップ w_nope はありません" in capsys.readouterr().err
