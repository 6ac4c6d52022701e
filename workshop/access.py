"""Who may see and change what: the checks every page makes, in one place.

* **Host** (host, present, wrap-up pages; closing, regenerating links): the
  app's host passcode from the secret configuration, or the workshop's own
  passcode, whose hash the store keeps apart from what tutors edit
  (:meth:`~workshop.store.base.Store.host_passcode_hash`: a protected worksheet
  on Google Sheets). A hash of an older scheme is replaced after a successful
  unlock.
* **Tutor** (writes one group's answers): that group's join code, derived from
  the app secret (:mod:`workshop.keys`), never stored.
* **Participant** (votes on the group's current test, sees the group's spread;
  never writes an answer): the group's participant token, derived likewise.
* **Results** (read only): the workshop's or a group's token, derived likewise.
* **History** (read only, every system): a host, the organisation's history
  passcode, or the history token.

Failed attempts are slowed down by :class:`workshop.throttle.Throttle`, which the
pages consult before calling anything here. Every comparison of a given secret
with the expected one is constant-time (:func:`workshop.keys.same`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from workshop import keys, security
from workshop.config import Settings
from workshop.models import Group, Snapshot, Workshop
from workshop.store.base import Store, StoreError


@dataclass(frozen=True)
class Keys:
    """The app secret as key bytes, and everything derived from it."""

    secret: bytes = field(repr=False)

    def __repr__(self) -> str:  # never the secret
        return "Keys(<hidden>)"

    def join_code(self, group: Group) -> str:
        return keys.join_code(self.secret, group.workshop_id, group.id, group.link_generation)

    def results_token(self, workshop: Workshop, group: Group | None = None) -> str:
        if group is None:
            return keys.results_token(self.secret, workshop.id, "", workshop.link_generation)
        return keys.results_token(self.secret, workshop.id, group.id, group.link_generation)

    def history_token(self, generation: int = 0) -> str:
        return keys.history_token(self.secret, generation)

    def participant_token(self, group: Group) -> str:
        return keys.participant_token(
            self.secret, group.workshop_id, group.id, group.link_generation
        )


def keys_from_settings(settings: Settings) -> Keys:
    """The configured app secret, or the one generated once into the data folder."""
    text = settings.app_secret or keys.load_or_create_secret(settings.secret_dir)
    return Keys(keys.secret_bytes(text))


def join_code_matches(app_keys: Keys, group: Group, typed: str) -> bool:
    """Is ``typed`` the group's current join code (case, spaces and dashes ignored)?"""
    return keys.same(keys.normalise_code(typed), app_keys.join_code(group))


def participant_token_matches(app_keys: Keys, group: Group, given: str) -> bool:
    """Is ``given`` the group's current participant token (constant-time)?"""
    return bool(given) and keys.same(given.strip(), app_keys.participant_token(group))


@dataclass(frozen=True)
class ResultsAccess:
    """What a results token opens: a whole workshop (``group_id`` "") or one group."""

    workshop_id: str
    group_id: str = ""


def results_access(app_keys: Keys, snapshot: Snapshot, token: str) -> ResultsAccess | None:
    """The scope a results token of this workshop opens, or None.

    Every candidate (the workshop's token, then each group's) is compared in
    constant time; a link names its workshop, so only that workshop's tokens
    are candidates.
    """
    if not token:
        return None
    workshop = snapshot.workshop
    if keys.same(token, app_keys.results_token(workshop)):
        return ResultsAccess(workshop.id)
    for group in snapshot.groups:
        if keys.same(token, app_keys.results_token(workshop, group)):
            return ResultsAccess(workshop.id, group.id)
    return None


def history_allowed(app_keys: Keys, given: str, passcode: str) -> bool:
    """The history link's token, or the organisation's history passcode when one is set."""
    if given and keys.same(given, app_keys.history_token()):
        return True
    return bool(passcode) and keys.same(given, passcode)


def client_address(remote_ip: str | None, forwarded_for: str, *, behind_proxy: bool) -> str:
    """The address a failed attempt counts against.

    Streamlit gives no address for a connection from the machine itself, which is
    also what every visitor looks like behind a reverse proxy on the same machine.
    With ``behind_proxy`` (``WORKSHOP_BEHIND_PROXY``) the last address of
    ``X-Forwarded-For``, the one the proxy itself added, is used (the earlier ones
    are whatever the browser claimed); otherwise such visitors share "local".
    """
    if behind_proxy:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return remote_ip or "local"


class HostCheck:
    """Checks a host passcode for a workshop, upgrading an old hash on success."""

    def __init__(self, store: Store, app_passcode: str = "") -> None:
        self.store = store
        self.app_passcode = app_passcode

    def allowed(self, workshop: Workshop | None, given: str) -> bool:
        """True if ``given`` opens host controls of ``workshop`` (or of all, app-wide).

        Raises :class:`~workshop.store.base.StoreError` when the stored hash
        cannot be trusted (its worksheet lost its protection) or read.
        """
        if not given:
            return False
        if self.app_passcode:
            return keys.same(given, self.app_passcode)
        if workshop is None:
            return False
        stored = self.store.host_passcode_hash(workshop.id)
        if not security.verify_passcode(given, stored):
            return False
        if security.needs_rehash(stored):
            # The old hash still works if this fails; the upgrade is tried at the next unlock.
            with contextlib.suppress(StoreError):
                self.store.set_host_passcode_hash(workshop.id, security.hash_passcode(given))
        return True
