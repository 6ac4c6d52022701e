"""The participant link: derived like the other links, its own purpose, printed by the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.test_cli_links import KEYS, env  # noqa: F401 (the fixture)
from workshop import cli, keys
from workshop.access import participant_token_matches
from workshop.links import app_base_url, participant_link
from workshop.models import Group, Workshop
from workshop.store.sqlite import SqliteStore
from workshop.workshops import GroupDraft, create_workshop

WORKSHOP = Workshop("w1", "Round", "2026-11-23", "ja", "ml-test-score", "standard-60")
GROUP = Group("g1", "w1", "Team A", "Search", "production", "", 0, link_generation=3)


def test_the_token_has_a_purpose_of_its_own_and_follows_the_generation() -> None:
    token = KEYS.participant_token(GROUP)
    assert len(token) == keys.TOKEN_LENGTH
    assert token not in (KEYS.results_token(WORKSHOP, GROUP), KEYS.join_code(GROUP))
    assert token != KEYS.participant_token(replace(GROUP, link_generation=4))
    assert token != KEYS.participant_token(replace(GROUP, id="g2"))
    assert participant_token_matches(KEYS, GROUP, token)
    assert participant_token_matches(KEYS, GROUP, f" {token} ")
    assert not participant_token_matches(KEYS, GROUP, "")
    assert not participant_token_matches(KEYS, replace(GROUP, link_generation=4), token)
    assert not participant_token_matches(KEYS, GROUP, KEYS.join_code(GROUP))


def test_the_link_names_the_group_and_the_workshops_language() -> None:
    link = participant_link("https://ws.example.org/app/", WORKSHOP, GROUP, "tok")
    assert link == "https://ws.example.org/app/votes?w=w1&g=g1&token=tok&lang=ja"
    assert app_base_url(link) == "https://ws.example.org/app"


def test_workshop_links_prints_each_groups_participant_link(env: Path, capsys: Any) -> None:  # noqa: F811
    store = SqliteStore(env)
    workshop, groups = create_workshop(
        store,
        title="Round 7",
        date="2026-11-23",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode="host-pass-123",
        groups=[GroupDraft("Team A", "Search"), GroupDraft("Team B", "Ads")],
    )
    store.close()
    assert cli.main(["links", workshop.id, "--base-url", "https://ws.example.org"]) == 0
    out = capsys.readouterr().out
    for group in groups:
        token = KEYS.participant_token(group)
        expected = (
            f"https://ws.example.org/votes?w={workshop.id}&g={group.id}&token={token}&lang=en"
        )
        assert f"participants' voting link: {expected}" in out
    assert cli.main(["links", workshop.id, "--language", "ja"]) == 0
    assert "参加者用の投票リンク:" in capsys.readouterr().out
