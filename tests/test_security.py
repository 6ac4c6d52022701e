"""Passcode hashing and ids."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from workshop.security import (
    SCRYPT_LOG_N,
    hash_passcode,
    needs_rehash,
    new_id,
    verify_passcode,
)


def test_hash_round_trip_and_format() -> None:
    stored = hash_passcode("correct horse 42")
    algorithm, log_n, r, p, salt, digest = stored.split("$")
    # scrypt at current guidance: N = 2^15 (or more), r = 8, p = 1.
    assert (algorithm, int(r), int(p)) == ("scrypt", 8, 1) and int(log_n) >= 15
    assert len(base64.b64decode(salt)) == 16
    # The stored hash is really scrypt of the passcode with that salt (computed here).
    expected = hashlib.scrypt(
        b"correct horse 42", salt=base64.b64decode(salt), n=2 ** int(log_n), r=8, p=1,
        dklen=32, maxmem=64 * 1024 * 1024,
    )  # fmt: skip
    assert base64.b64decode(digest) == expected
    assert "correct horse" not in stored
    assert verify_passcode("correct horse 42", stored)
    assert not needs_rehash(stored)


def test_wrong_passcode_is_rejected() -> None:
    stored = hash_passcode("correct horse 42")
    for wrong in ("correct horse 43", "Correct horse 42", "correct horse 42 ", ""):
        assert not verify_passcode(wrong, stored)


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_passcode("same-pass"), hash_passcode("same-pass")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_passcode("same-pass", first)
    assert verify_passcode("same-pass", second)


def test_japanese_passcode_matches_in_either_unicode_form() -> None:
    composed = "ワークショップ"  # "プ" as one code point
    decomposed = "ワークショッフ\u309a"  # "フ" + combining semi-voiced mark
    stored = hash_passcode(composed)
    assert verify_passcode(decomposed, stored)


def test_a_hash_of_the_first_release_still_verifies_and_asks_to_be_replaced() -> None:
    # PBKDF2-SHA256 at 240k iterations, as version 0.1 stored it, made here by hand.
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", b"old-pass", salt, 240_000)
    encoded = f"{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    stored = f"pbkdf2_sha256$240000${encoded}"
    assert verify_passcode("old-pass", stored)
    assert not verify_passcode("old-pass!", stored)
    assert needs_rehash(stored)
    assert not needs_rehash(hash_passcode("old-pass"))
    assert SCRYPT_LOG_N >= 15


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
        "scrypt$15$8$1$c2FsdA==",  # missing the hash
        "scrypt$30$8$1$c2FsdA==$aGFzaA==",  # 2^30 would need gigabytes
        "scrypt$15$64$1$c2FsdA==$aGFzaA==",
        "scrypt$15$8$9$c2FsdA==$aGFzaA==",
        "scrypt$x$8$1$c2FsdA==$aGFzaA==",
        "scrypt$15$8$1$not base64!$aGFzaA==",
    ],
)
def test_malformed_stored_values_never_verify(stored: str) -> None:
    assert verify_passcode("plaintext-pass", stored) is False


def test_ids_are_short_unique_and_prefixed() -> None:
    ids = {new_id("w") for _ in range(500)}
    assert len(ids) == 500
    assert all(re.fullmatch(r"w_[0-9a-f]{12}", value) for value in ids)
    assert re.fullmatch(r"[0-9a-f]{12}", new_id())
