"""Passcodes, join codes, results-link tokens and ids: small, pure, standard library only.

Why each piece looks the way it does:

* Host passcodes are stored only as salted PBKDF2-HMAC-SHA256 hashes, so a
  copied database file or a shared Google Sheet does not reveal them. The
  iteration count is part of the stored text, so it can be raised later and old
  hashes still verify.
* Join codes are typed by tutors from a projector, so they use an alphabet
  without look-alikes (no 0/O, 1/I/L) and are compared ignoring case and spaces.
* Results-link tokens are the only thing protecting a read-only results page,
  so they come from :mod:`secrets` and carry 128 bits.
* Every comparison with a secret runs in constant time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import unicodedata
import uuid

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 240_000
SALT_BYTES = 16
# A hand-edited stored value must not make one login attempt run for minutes.
MAX_ITERATIONS = 5_000_000

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
TOKEN_BYTES = 16


def _passcode_bytes(passcode: str) -> bytes:
    """NFC-normalised UTF-8, so the same Japanese passcode typed on two devices matches."""
    return unicodedata.normalize("NFC", passcode).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_passcode(passcode: str, *, iterations: int = ITERATIONS) -> str:
    """Salted hash of a passcode: ``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``."""
    if not passcode:
        raise ValueError("An empty passcode cannot be hashed.")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", _passcode_bytes(passcode), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_passcode(passcode: str, stored: str) -> bool:
    """True if ``passcode`` matches the ``stored`` hash; False for anything malformed."""
    if not passcode or not isinstance(passcode, str) or not isinstance(stored, str):
        return False
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM:
        return False
    _, iterations_text, salt_text, hash_text = parts
    if not iterations_text.isdigit():
        return False
    iterations = int(iterations_text)
    if not 1 <= iterations <= MAX_ITERATIONS:
        return False
    try:
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(hash_text, validate=True)
    except (binascii.Error, ValueError):
        return False
    if not salt or not expected:
        return False
    actual = hashlib.pbkdf2_hmac(
        "sha256", _passcode_bytes(passcode), salt, iterations, dklen=len(expected)
    )
    return hmac.compare_digest(actual, expected)


def new_join_code(length: int = JOIN_CODE_LENGTH) -> str:
    """A short code a tutor can read off a screen and type without confusing characters."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


def new_token() -> str:
    """An unguessable, URL-safe token for a read-only results link (128 random bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_id(prefix: str = "") -> str:
    """A short unique id (48 random bits), e.g. ``new_id("w")`` -> ``"w_3f9c0a1b2d4e"``.

    Ids are not secrets (they appear in URLs next to a passcode check); they only
    need to be unique within one store, and short enough for worksheet names.
    """
    core = uuid.uuid4().hex[:12]
    return f"{prefix}_{core}" if prefix else core


def _normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def codes_match(given: str, expected: str) -> bool:
    """Compare a typed join code with the real one: case and spaces ignored, constant time."""
    wanted = _normalise_code(expected)
    if not wanted:
        return False  # a group without a code must never be joinable with an empty one
    typed = _normalise_code(given)
    return hmac.compare_digest(typed.encode("utf-8"), wanted.encode("utf-8"))
