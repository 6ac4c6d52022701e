"""Join codes and results tokens are derived from the app secret, never stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import stat
from pathlib import Path

import pytest

from workshop import keys

KEY = b"k" * 32


def test_a_join_code_is_the_hmac_of_its_group_and_generation_in_the_unambiguous_alphabet() -> None:
    code = keys.join_code(KEY, "w_1", "g_1", 0)
    # The oracle: HMAC-SHA256 of the documented message, read as a number in base 31.
    number = int.from_bytes(
        hmac.new(KEY, b"join\x1fw_1\x1fg_1\x1f0", hashlib.sha256).digest(), "big"
    )
    expected = ""
    for _ in range(8):
        number, index = divmod(number, 31)
        expected += keys.JOIN_CODE_ALPHABET[index]
    assert code == expected
    assert len(code) == 8 and not set(code) & set("01ILO")


def test_codes_differ_per_group_generation_purpose_and_secret() -> None:
    codes = {keys.join_code(KEY, "w_1", f"g_{n}", 0) for n in range(2000)}
    assert len(codes) == 2000
    base = keys.join_code(KEY, "w_1", "g_1", 0)
    assert keys.join_code(KEY, "w_1", "g_1", 1) != base  # regenerating changes the code
    assert keys.join_code(KEY, "w_2", "g_1", 0) != base
    assert keys.join_code(b"x" * 32, "w_1", "g_1", 0) != base  # a new secret changes all
    assert keys.join_code(KEY, "w_1", "g_1", 0) == base  # and the same inputs give it again


def test_results_tokens_are_url_safe_and_long() -> None:
    token = keys.results_token(KEY, "w_1", "g_1", 0)
    digest = hmac.new(KEY, b"results\x1fw_1\x1fg_1\x1f0", hashlib.sha256).digest()
    assert token == base64.urlsafe_b64encode(digest).decode()[:22]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", token)
    assert keys.results_token(KEY, "w_1", "", 0) != token  # the workshop's own link
    assert keys.history_token(KEY, 0) != keys.history_token(KEY, 1)


def test_the_secret_is_created_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    first = keys.load_or_create_secret(tmp_path / "data")
    again = keys.load_or_create_secret(tmp_path / "data")
    assert first == again and len(first) >= 43
    mode = stat.S_IMODE(os.stat(tmp_path / "data" / "app-secret").st_mode)
    assert mode == 0o600


def test_a_short_configured_secret_is_refused_with_a_reason() -> None:
    with pytest.raises(keys.SecretError, match="at least 32 characters"):
        keys.secret_bytes("too-short")
    assert keys.secret_bytes(" " + "s" * 40 + "\n") == b"s" * 40


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("k7mp q2ab", "K7MPQ2AB"), ("K7MP-Q2AB", "K7MPQ2AB"), ("\tk7mpq2ab ", "K7MPQ2AB")],
)
def test_what_a_tutor_types_is_compared_without_case_spaces_or_dashes(
    typed: str, normal: str
) -> None:
    assert keys.normalise_code(typed) == normal
    assert keys.same(keys.normalise_code(typed), "K7MPQ2AB")
    assert not keys.same("", "")
