"""Passcode hashing, join codes, tokens and ids."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from workshop.security import (
    ITERATIONS,
    JOIN_CODE_ALPHABET,
    codes_match,
    hash_passcode,
    new_id,
    new_join_code,
    new_token,
    verify_passcode,
)


def test_hash_round_trip_and_format() -> None:
    stored = hash_passcode("correct horse 42")
    algorithm, iterations, salt, digest = stored.split("$")
    assert algorithm == "pbkdf2_sha256"
    assert int(iterations) == ITERATIONS >= 200_000
    assert len(base64.b64decode(salt)) == 16
    # The stored hash is really PBKDF2-HMAC-SHA256 of the passcode with that salt.
    expected = hashlib.pbkdf2_hmac(
        "sha256", b"correct horse 42", base64.b64decode(salt), int(iterations)
    )
    assert base64.b64decode(digest) == expected
    assert "correct horse" not in stored
    assert verify_passcode("correct horse 42", stored)


def test_wrong_passcode_is_rejected() -> None:
    stored = hash_passcode("correct horse 42")
    for wrong in ("correct horse 43", "Correct horse 42", "correct horse 42 ", ""):
        assert not verify_passcode(wrong, stored)


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_passcode("same-pass"), hash_passcode("same-pass")
    assert first != second
    assert first.split("$")[2] != second.split("$")[2]
    assert verify_passcode("same-pass", first)
    assert verify_passcode("same-pass", second)


def test_japanese_passcode_matches_in_either_unicode_form() -> None:
    composed = "ワークショップ"  # "プ" as one code point
    decomposed = "ワークショッフ\u309a"  # "フ" + combining semi-voiced mark
    stored = hash_passcode(composed)
    assert verify_passcode(decomposed, stored)


def test_cheaper_hashes_still_verify_because_iterations_are_stored() -> None:
    stored = hash_passcode("old-pass", iterations=1_000)
    assert stored.split("$")[1] == "1000"
    assert verify_passcode("old-pass", stored)


def test_empty_passcode_cannot_be_hashed() -> None:
    with pytest.raises(ValueError):
        hash_passcode("")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plaintext-pass",
        "pbkdf2_sha256$1000$c2FsdA==",  # missing the hash
        "md5$1000$c2FsdA==$aGFzaA==",  # another algorithm
        "pbkdf2_sha256$many$c2FsdA==$aGFzaA==",
        "pbkdf2_sha256$0$c2FsdA==$aGFzaA==",
        "pbkdf2_sha256$999999999999$c2FsdA==$aGFzaA==",  # would run for hours
        "pbkdf2_sha256$1000$not base64!$aGFzaA==",
        "pbkdf2_sha256$1000$c2FsdA==$",
        "pbkdf2_sha256$1000$$aGFzaA==",
        "pbkdf2_sha256$1000$c2FsdA==$aGFzaA==$extra",
    ],
)
def test_malformed_stored_values_never_verify(stored: str) -> None:
    assert verify_passcode("plaintext-pass", stored) is False


@pytest.mark.parametrize(
    ("given", "expected", "matches"),
    [
        ("K7MPQ2", "K7MPQ2", True),
        ("k7mpq2", "K7MPQ2", True),
        ("  K7M PQ2 ", "K7MPQ2", True),
        ("k7m\tpq2\n", "K7MPQ2", True),
        ("K7MPQ3", "K7MPQ2", False),
        ("K7MPQ", "K7MPQ2", False),
        ("K7MPQ22", "K7MPQ2", False),
        ("", "K7MPQ2", False),
        ("", "", False),  # a group without a code is never joinable
        ("   ", "  ", False),
        ("ＫＫ", "KK", False),  # full-width letters are other characters
    ],
)
def test_codes_match(given: str, expected: str, matches: bool) -> None:
    assert codes_match(given, expected) is matches


def test_join_codes_use_the_unambiguous_alphabet() -> None:
    assert not set("01ILO") & set(JOIN_CODE_ALPHABET)
    codes = {new_join_code() for _ in range(300)}
    assert all(len(code) == 6 and set(code) <= set(JOIN_CODE_ALPHABET) for code in codes)
    assert len(codes) > 290  # 31**6 possibilities: repeats in 300 draws are very rare
    assert len(set("".join(codes))) > 25  # the whole alphabet is used, not a fixed few


def test_tokens_are_url_safe_long_and_distinct() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", token) for token in tokens)


def test_ids_are_short_unique_and_prefixed() -> None:
    ids = {new_id("w") for _ in range(500)}
    assert len(ids) == 500
    assert all(re.fullmatch(r"w_[0-9a-f]{12}", value) for value in ids)
    assert re.fullmatch(r"[0-9a-f]{12}", new_id())
