"""The app secret, and the join codes and results tokens derived from it.

Why derived: the shared record (a Google Sheet that tutors are told to edit)
must not hold anything that opens a door. A join code or a results token is
therefore never stored: it is computed from the app secret, the workshop and
group ids and a *link generation* (a counter the host bumps to regenerate a
group's links, which invalidates the old ones). The record holds only the
generation, which is no secret: a tutor who edits it can break their own link,
never open another one. The host page can show every link again at any time,
and checking a code is recomputing it and comparing in constant time.

The app secret comes from the configuration (``WORKSHOP_APP_SECRET`` or
``[workshop] app_secret``); on the embedded default it is generated once into
the data folder, readable by its owner only. Rotating it (see the README's
"Security model") changes every join code and results token at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_BYTES = 32
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector
JOIN_CODE_LENGTH = 8  # 31^8: about 2^39.6, and failed attempts are throttled
TOKEN_LENGTH = 22  # base64url characters: 132 bits
SECRET_FILE = "app-secret"


class SecretError(ValueError):
    """The configured app secret cannot be used (too short, unreadable)."""


def new_secret() -> str:
    """A fresh app secret as text (URL-safe base64 of 32 random bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_bytes(text: str) -> bytes:
    """The key bytes of a configured secret; short secrets are refused with a reason."""
    value = (text or "").strip()
    if len(value) < 32:
        raise SecretError(
            "The app secret must be at least 32 characters long; "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return value.encode("utf-8")


def load_or_create_secret(folder: Path) -> str:
    """The secret kept in ``folder``, created on first use with owner-only permissions.

    Creation is exclusive (``O_EXCL``), so two app processes starting together
    end up with the same secret: the second one reads what the first wrote.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(new_secret() + "\n")
    return path.read_text(encoding="ascii").strip()


def _digest(key: bytes, *parts: str) -> bytes:
    message = "\x1f".join(parts).encode("utf-8")  # unit separator: no part can fake another
    return hmac.new(key, message, hashlib.sha256).digest()


def join_code(key: bytes, workshop_id: str, group_id: str, generation: int) -> str:
    """The group's join code for this generation of its links."""
    digest = _digest(key, "join", workshop_id, group_id, str(generation))
    number = int.from_bytes(digest, "big")
    letters = []
    for _ in range(JOIN_CODE_LENGTH):
        number, index = divmod(number, len(JOIN_CODE_ALPHABET))
        letters.append(JOIN_CODE_ALPHABET[index])
    return "".join(letters)


def results_token(key: bytes, workshop_id: str, group_id: str, generation: int) -> str:
    """The read-only results token of a group (``group_id`` "" for the whole workshop)."""
    digest = _digest(key, "results", workshop_id, group_id, str(generation))
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_LENGTH]


def participant_token(key: bytes, workshop_id: str, group_id: str, generation: int) -> str:
    """The group's participant token: opens voting and viewing, never the group's answers.

    A purpose label of its own ("participate") makes it unrelated to the join code
    and the results token of the same group and generation; regenerating the
    group's links (its generation) invalidates it with them.
    """
    digest = _digest(key, "participate", workshop_id, group_id, str(generation))
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_LENGTH]


def history_token(key: bytes, generation: int) -> str:
    """The read-only link to the history of every ML system across rounds."""
    digest = _digest(key, "history", str(generation))
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_LENGTH]


def normalise_code(code: str) -> str:
    """What a tutor typed, as compared: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of a typed code or token with the expected one."""
    if not expected:
        return False  # nothing can ever match an empty secret
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
