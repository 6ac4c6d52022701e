"""Where the app keeps its data and how it reaches Google, from secrets and environment.

Settings come from two places so the same code serves a laptop, Streamlit
Community Cloud and CI: ``.streamlit/secrets.toml`` (a ``[workshop]`` table and
the conventional ``[gcp_service_account]`` table) and environment variables,
which win. Without Google credentials the embedded SQLite store is used, so
``make run`` works on a fresh machine with no prompts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workshop.keys import SecretError, secret_bytes

#: The app's name for per-user folders (platformdirs).
APP_NAME = "ml-test-score-workshop"


def default_data_dir() -> Path:
    """Where an installed app keeps its data when nothing else is configured.

    The per-user data folder of the platform (``~/.local/share/ml-test-score-workshop``
    on Linux, ``~/Library/Application Support/...`` on macOS, ``%LOCALAPPDATA%`` on
    Windows), never the package's own folder, which may be read-only or replaced by
    the next upgrade.
    """
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class Settings:
    store: str  # "local" or "sheets"
    db_path: Path
    spreadsheet: str  # URL or key of the Google Sheet ("" when local)
    # Never shown in a repr or a log line: it holds the private key.
    service_account_info: Mapping[str, Any] | None = field(repr=False)
    sheets_endpoint: str  # base URL override for the Sheets API (a local fake in tests)
    host_passcode: str = field(repr=False)  # host passcode from secrets ("" = per workshop)
    public_url: str  # base of join and results links ("" = the address the host's browser uses)
    cache_seconds: float  # how long Sheets reads are shared before re-reading
    # The outbox: changes are kept here before they reach the store (beside the database).
    outbox_path: Path = Path()
    # Seconds between two sends of waiting changes to Google Sheets (quota: one read and
    # one write each), shared by every app process on the machine.
    send_interval: float = 4.0
    # The app secret every join code and results token is derived from (workshop.keys);
    # "" = generated once into the data folder (the outbox's folder).
    app_secret: str = field(default="", repr=False)
    # A passcode that opens the History page for the organisation ("" = only hosts and
    # the read-only history link may see it).
    history_passcode: str = field(default="", repr=False)
    # Behind a reverse proxy: a visitor's address is the last hop of X-Forwarded-For.
    behind_proxy: bool = False

    @property
    def uses_sheets(self) -> bool:
        return self.store == "sheets"

    @property
    def secret_dir(self) -> Path:
        """Where a generated app secret lives: the data folder, beside the outbox."""
        return self.outbox_path.parent


class SettingsError(ValueError):
    """The configuration is incomplete or contradictory; the message says what to set."""


def _as_dict(value: Any) -> dict[str, Any]:
    """Streamlit's secrets are Mapping-like AttrDicts; make a plain dict of them."""
    if value is None:
        return {}
    return {key: value[key] for key in value}


def load_settings(
    secrets: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Combine ``secrets`` (parsed secrets.toml) and ``env`` (os.environ) into Settings."""
    env = os.environ if env is None else env
    secrets = secrets or {}
    section = _as_dict(secrets.get("workshop"))

    def pick(env_name: str, key: str, default: str = "") -> str:
        value = env.get(env_name)
        if value:
            return value
        return str(section.get(key, default) or default)

    account: Mapping[str, Any] | None = None
    credentials_file = env.get("GOOGLE_APPLICATION_CREDENTIALS", "")
    if "gcp_service_account" in secrets:
        account = _as_dict(secrets["gcp_service_account"])
    if credentials_file:
        path = Path(credentials_file)
        if not path.is_file():
            raise SettingsError(
                f"GOOGLE_APPLICATION_CREDENTIALS points to {credentials_file}, which does not "
                "exist. Download the service account's JSON key and set the variable to its path."
            )
        try:
            account = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise SettingsError(
                f"{credentials_file} is not a valid JSON key file ({error})."
            ) from error

    spreadsheet = pick("WORKSHOP_SHEET", "spreadsheet")
    store = pick("WORKSHOP_STORE", "store").lower()
    if not store:
        store = "sheets" if spreadsheet and account else "local"
    if store not in ("local", "sheets"):
        raise SettingsError(f'WORKSHOP_STORE must be "local" or "sheets", not "{store}".')
    if store == "sheets" and not spreadsheet:
        raise SettingsError(
            "The Google Sheets store needs a spreadsheet: set WORKSHOP_SHEET or "
            "[workshop] spreadsheet in .streamlit/secrets.toml to the sheet's URL or key."
        )
    if store == "sheets" and not account:
        raise SettingsError(
            "The Google Sheets store needs service account credentials: add a "
            "[gcp_service_account] table to .streamlit/secrets.toml or set "
            "GOOGLE_APPLICATION_CREDENTIALS to the JSON key file."
        )

    data_dir = Path(pick("WORKSHOP_DATA_DIR", "data_dir") or default_data_dir()).expanduser()
    db_path = Path(pick("WORKSHOP_DB", "db_path", str(data_dir / "workshop.sqlite3"))).expanduser()
    try:
        cache_seconds = float(pick("WORKSHOP_CACHE_SECONDS", "cache_seconds", "4"))
    except ValueError as error:
        raise SettingsError("WORKSHOP_CACHE_SECONDS must be a number of seconds.") from error
    try:
        send_interval = float(pick("WORKSHOP_SEND_INTERVAL", "send_interval", "4"))
    except ValueError as error:
        raise SettingsError("WORKSHOP_SEND_INTERVAL must be a number of seconds.") from error
    app_secret = pick("WORKSHOP_APP_SECRET", "app_secret")
    try:
        if app_secret:
            secret_bytes(app_secret)
    except SecretError as error:  # says why and how to make one; never quotes the value
        raise SettingsError(f"WORKSHOP_APP_SECRET / [workshop] app_secret: {error}") from None
    return Settings(
        store=store,
        db_path=db_path,
        spreadsheet=spreadsheet if store == "sheets" else "",
        service_account_info=account if store == "sheets" else None,
        sheets_endpoint=pick("WORKSHOP_SHEETS_ENDPOINT", "sheets_endpoint"),
        host_passcode=pick("WORKSHOP_HOST_PASSCODE", "host_passcode"),
        public_url=pick("WORKSHOP_PUBLIC_URL", "public_url").rstrip("/"),
        cache_seconds=max(0.0, cache_seconds),
        outbox_path=Path(
            pick("WORKSHOP_OUTBOX", "outbox_path", str(db_path.parent / "outbox.sqlite3"))
        ).expanduser(),
        send_interval=max(0.0, send_interval),
        app_secret=app_secret,
        history_passcode=pick("WORKSHOP_HISTORY_PASSCODE", "history_passcode"),
        behind_proxy=pick("WORKSHOP_BEHIND_PROXY", "behind_proxy").strip().lower()
        in ("1", "true", "yes", "on"),
    )
