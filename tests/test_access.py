"""Who may see and change what: the checks every page makes (workshop.access)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workshop import keys, security
from workshop.access import (
    HostCheck,
    Keys,
    client_address,
    history_allowed,
    join_code_matches,
    results_access,
)
from workshop.models import ClockState, Group, Snapshot, Workshop
from workshop.store.sqlite import SqliteStore

SECRET = "access-tests-app-secret-0123456789abcdef"
KEYS = Keys(keys.secret_bytes(SECRET))
WORKSHOP = Workshop("w1", "Round", "2026-11-23", "en", "ml-test-score", "standard-60")
TEAM_A = Group("g1", "w1", "Team A", "Search", "production", "", 0)
TEAM_B = Group("g2", "w1", "Team B", "Ads", "production", "", 1)


def _snapshot(workshop: Workshop = WORKSHOP, *groups: Group) -> Snapshot:
    return Snapshot(workshop, groups or (TEAM_A, TEAM_B), {}, ClockState())


def test_a_results_token_opens_exactly_its_own_scope() -> None:
    snapshot = _snapshot()
    whole = results_access(KEYS, snapshot, KEYS.results_token(WORKSHOP))
    assert whole is not None and (whole.workshop_id, whole.group_id) == ("w1", "")
    opened = results_access(KEYS, snapshot, KEYS.results_token(WORKSHOP, TEAM_B))
    assert opened is not None and (opened.workshop_id, opened.group_id) == ("w1", "g2")
    assert results_access(KEYS, snapshot, "") is None
    assert results_access(KEYS, snapshot, KEYS.join_code(TEAM_A)) is None
    # Another workshop's token opens nothing here, even for a group of the same id.
    other = Workshop("w2", "Other", "2026-11-24", "en", "ml-test-score", "standard-60")
    assert results_access(KEYS, snapshot, KEYS.results_token(other)) is None
    # Another app secret's token is another token.
    foreign = Keys(keys.secret_bytes("another-app-secret-0123456789abcdefghij"))
    assert results_access(KEYS, snapshot, foreign.results_token(WORKSHOP, TEAM_A)) is None


def test_a_new_generation_replaces_the_token() -> None:
    renewed = replace(TEAM_A, link_generation=1)
    old = KEYS.results_token(WORKSHOP, TEAM_A)
    assert results_access(KEYS, _snapshot(WORKSHOP, renewed, TEAM_B), old) is None


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("{code}", True),
        ("{lower}", True),
        ("{dashed}", True),
        (" {code} ", True),
        ("", False),
        ("{short}", False),
        ("{code}X", False),
        ("{wide}", False),  # full-width letters are other characters
    ],
)
def test_a_join_code_is_matched_as_a_person_types_it(typed: str, matches: bool) -> None:
    code = KEYS.join_code(TEAM_A)
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in code)
    text = typed.format(
        code=code, lower=code.lower(), dashed=f"{code[:4]}-{code[4:]}", short=code[:-1], wide=wide
    )
    assert join_code_matches(KEYS, TEAM_A, text) is matches
    assert not join_code_matches(KEYS, TEAM_B, text)


def test_history_opens_with_its_token_or_the_configured_passcode_only() -> None:
    assert history_allowed(KEYS, KEYS.history_token(), "")
    assert history_allowed(KEYS, "org-pass", "org-pass")
    assert not history_allowed(KEYS, "", "")  # no passcode configured: "" is no key
    assert not history_allowed(KEYS, "org-pass", "")
    assert not history_allowed(KEYS, KEYS.history_token(1), "")


def test_an_old_hash_is_replaced_on_the_next_successful_unlock(tmp_path) -> None:
    store = SqliteStore(tmp_path / "w.sqlite3")
    try:
        store.create_workshop(WORKSHOP, [TEAM_A], _first_release_hash("old-pass"))
        check = HostCheck(store)
        assert not check.allowed(WORKSHOP, "wrong")
        # A failed unlock changes nothing.
        assert store.host_passcode_hash("w1").startswith("pbkdf2_sha256$")
        assert check.allowed(WORKSHOP, "old-pass")
        upgraded = store.host_passcode_hash("w1")
        assert upgraded.startswith("scrypt$")
        assert security.verify_passcode("old-pass", upgraded)
        assert check.allowed(WORKSHOP, "old-pass")  # and it still opens
    finally:
        store.close()


def _first_release_hash(passcode: str) -> str:
    """A hash as version 0.1 made it (PBKDF2-SHA256, 240,000 rounds), computed by hand."""
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", passcode.encode(), salt, 240_000)
    encoded = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"pbkdf2_sha256$240000${encoded[0]}${encoded[1]}"


def test_the_app_passcode_opens_every_workshop_and_workshop_passcodes_none(tmp_path) -> None:
    store = SqliteStore(tmp_path / "w.sqlite3")
    try:
        store.create_workshop(WORKSHOP, [TEAM_A], security.hash_passcode("workshop-pass"))
        check = HostCheck(store, "app-pass")
        assert check.allowed(WORKSHOP, "app-pass") and check.allowed(None, "app-pass")
        assert not check.allowed(WORKSHOP, "workshop-pass")  # the app's configuration decides
        assert not HostCheck(store).allowed(None, "workshop-pass")  # creating needs the app's
    finally:
        store.close()


@pytest.mark.parametrize(
    ("remote", "forwarded", "behind", "expected"),
    [
        ("203.0.113.7", "", False, "203.0.113.7"),
        (None, "", False, "local"),  # Streamlit hides localhost
        (None, "198.51.100.2", False, "local"),  # a header is not trusted without a proxy
        (None, "6.6.6.6, 198.51.100.2", True, "198.51.100.2"),  # the proxy's own hop wins
        (None, "", True, "local"),
    ],
)
def test_the_client_address_trusts_forwarded_for_only_behind_a_proxy(
    remote: str | None, forwarded: str, behind: bool, expected: str
) -> None:
    assert client_address(remote, forwarded, behind_proxy=behind) == expected
