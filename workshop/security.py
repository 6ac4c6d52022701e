"""Host passcode hashes and ids: small, pure, standard library only.

Why each piece looks the way it does:

* Host passcodes are stored only as salted scrypt hashes (``hashlib.scrypt``,
  N=2^15, r=8, p=1: about 32 MiB and a tenth of a second per attempt, which is
  what current guidance asks of a password hash), so a copied database file
  does not reveal them. The parameters are part of the stored text, so they can
  be raised later; hashes of an older scheme (PBKDF2-SHA256 at 240k iterations,
  the first release) still verify, and :func:`needs_rehash` tells the caller to
  store a new hash after the next successful unlock.
* Join codes, tutor and results tokens are not stored anywhere: they are
  derived from the app secret (see :mod:`workshop.keys`), so nothing here
  generates them.
* The hash comparison runs in constant time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import unicodedata
import uuid

PBKDF2 = "pbkdf2_sha256"
SCRYPT = "scrypt"
#: scrypt cost: 2^15 (memory 128 * N * r = 32 MiB per attempt).
SCRYPT_LOG_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# A hand-edited stored value must not make one login attempt run for minutes or eat memory.
MAX_ITERATIONS = 5_000_000
MAX_SCRYPT_LOG_N = 17
MAX_SCRYPT_R = 16
MAX_SCRYPT_P = 4


def _passcode_bytes(passcode: str) -> bytes:
    """NFC-normalised UTF-8, so the same Japanese passcode typed on two devices matches."""
    return unicodedata.normalize("NFC", passcode).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(passcode: str, salt: bytes, log_n: int, r: int, p: int, length: int) -> bytes:
    n = 2**log_n
    return hashlib.scrypt(
        _passcode_bytes(passcode), salt=salt, n=n, r=r, p=p, dklen=length,
        maxmem=256 * n * r * p + 1024 * 1024,
    )  # fmt: skip


def hash_passcode(passcode: str) -> str:
    """Salted hash of a passcode: ``scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>``."""
    if not passcode:
        raise ValueError("An empty passcode cannot be hashed.")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(passcode, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"{SCRYPT}${SCRYPT_LOG_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _decode(*texts: str) -> list[bytes] | None:
    try:
        values = [base64.b64decode(text, validate=True) for text in texts]
    except (binascii.Error, ValueError):
        return None
    return values if all(values) else None


def _numbers(*texts: str) -> list[int] | None:
    return [int(text) for text in texts] if all(text.isdigit() for text in texts) else None


def verify_passcode(passcode: str, stored: str) -> bool:
    """True if ``passcode`` matches the ``stored`` hash (scrypt, or the older PBKDF2).

    False for anything malformed or out of bounds (a hand-edited value).
    """
    if not passcode or not isinstance(passcode, str) or not isinstance(stored, str):
        return False
    parts = stored.split("$")
    if parts[0] == SCRYPT and len(parts) == 6:
        numbers, decoded = _numbers(*parts[1:4]), _decode(*parts[4:6])
        if numbers is None or decoded is None:
            return False
        (log_n, r, p), (salt, expected) = numbers, decoded
        if not (
            1 <= log_n <= MAX_SCRYPT_LOG_N and 1 <= r <= MAX_SCRYPT_R and 1 <= p <= MAX_SCRYPT_P
        ):
            return False
        actual = _scrypt(passcode, salt, log_n, r, p, len(expected))
        return hmac.compare_digest(actual, expected)
    if parts[0] == PBKDF2 and len(parts) == 4:
        numbers, decoded = _numbers(parts[1]), _decode(*parts[2:4])
        if numbers is None or decoded is None or not 1 <= numbers[0] <= MAX_ITERATIONS:
            return False
        salt, expected = decoded
        actual = hashlib.pbkdf2_hmac(
            "sha256", _passcode_bytes(passcode), salt, numbers[0], dklen=len(expected)
        )
        return hmac.compare_digest(actual, expected)
    return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash that just verified should be replaced by one at today's cost."""
    parts = (stored or "").split("$")
    current = [SCRYPT, str(SCRYPT_LOG_N), str(SCRYPT_R), str(SCRYPT_P)]
    return parts[:4] != current or len(parts) != 6


def new_id(prefix: str = "") -> str:
    """A short unique id (48 random bits), e.g. ``new_id("w")`` -> ``"w_3f9c0a1b2d4e"``.

    Ids are not secrets (they appear in URLs next to a passcode check); they only
    need to be unique within one store, and short enough for worksheet names.
    """
    core = uuid.uuid4().hex[:12]
    return f"{prefix}_{core}" if prefix else core
