"""Reaching a Google Sheet through gspread: credentials, retries and error messages.

Three jobs, kept apart from the store logic so each is testable on its own:

* :func:`open_spreadsheet` builds real google-auth service-account credentials
  and a real gspread client. With ``sheets_endpoint`` set (tests, the quota
  benchmark) only the *transport* is redirected to that base URL; gspread and
  google-auth run unchanged, so the fake server sees the same HTTP requests
  Google would.
* :func:`with_retries` / :class:`RetryPolicy` retry what is worth retrying
  (429 quota, 5xx, dropped connections, timeouts) with bounded exponential
  backoff and jitter. Sleep and randomness are injectable so tests never wait.
* :func:`to_store_error` turns what is left into :class:`StoreUnavailable`
  (try again later; nothing lost) or :class:`StoreConfigError` (a person must
  fix something, and the message says what, naming the service account).

The private key is never put into a message, a repr or a log line.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar
from urllib.parse import urlsplit

import gspread
import requests
from google.auth import exceptions as auth_exceptions
from google.auth.transport.requests import AuthorizedSession
from google.auth.transport.requests import Request as AuthRequest
from google.oauth2 import service_account
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from workshop.config import Settings
from workshop.store.base import StoreConfigError, StoreError, StoreUnavailable

SCOPES: tuple[str, ...] = ("https://www.googleapis.com/auth/spreadsheets",)
#: Google hosts whose requests are sent to ``sheets_endpoint`` when it is set.
GOOGLE_PREFIXES: tuple[str, ...] = (
    "https://sheets.googleapis.com/",
    "https://www.googleapis.com/",
    "https://oauth2.googleapis.com/",
    # google-auth looks up the service account's "allowed locations" after each token
    # refresh, in a background thread, through a deep copy of the auth session.
    "https://iamcredentials.googleapis.com/",
)
REQUIRED_FIELDS: tuple[str, ...] = ("client_email", "private_key", "token_uri")
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 30.0)  # connect, read (seconds)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]{10,}")

T = TypeVar("T")

#: What talking to Google can raise (HTTP errors, transport, auth); other exceptions are bugs.
API_ERRORS: tuple[type[BaseException], ...] = (
    gspread.exceptions.GSpreadException,
    requests.exceptions.RequestException,
    auth_exceptions.GoogleAuthError,
    PermissionError,
)


# --------------------------------------------------------------------------- keys


def spreadsheet_key(url_or_key: str) -> str:
    """The spreadsheet key from a docs.google.com URL (gspread reads it), or the key itself."""
    text = (url_or_key or "").strip()
    try:
        return gspread.utils.extract_id_from_url(text)
    except gspread.exceptions.NoValidUrlKeyFound:
        if _BARE_KEY.fullmatch(text):
            return text
    raise StoreConfigError(
        f"{text!r} is not a Google Sheets address or key.",
        hint="Copy the sheet's address from the browser, e.g. "
        "https://docs.google.com/spreadsheets/d/<key>/edit, into WORKSHOP_SHEET "
        "or [workshop] spreadsheet in .streamlit/secrets.toml.",
    )


def client_email(info: Mapping[str, Any] | None) -> str:
    """The service account's address, which people must share the sheet with."""
    return str((info or {}).get("client_email", "")) or "the service account"


# --------------------------------------------------------------------------- transport


class RedirectAdapter(HTTPAdapter):
    """Sends requests for Google's hosts to another base URL (a local fake).

    Only the URL changes; method, headers and body are what gspread and
    google-auth produced, so the fake exercises the real client code.
    """

    # HTTPAdapter pickles/copies only the fields listed here; google-auth deep-copies the
    # auth session, and a copy without base_url would send the request to Google itself.
    __attrs__ = [*HTTPAdapter.__attrs__, "base_url", "prefixes"]  # noqa: RUF012

    def __init__(self, base_url: str, prefixes: tuple[str, ...] = GOOGLE_PREFIXES) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"
        self.prefixes = prefixes

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = request.url or ""
        for prefix in self.prefixes:
            if url.startswith(prefix):
                request.url = self.base_url + url[len(prefix) :]
                # Proxies were chosen for Google's address; choose again for the new one
                # (a local fake must never be reached through a proxy from the environment).
                host = urlsplit(request.url).hostname or ""
                local = host in ("localhost", "127.0.0.1", "::1")
                kwargs["proxies"] = {} if local else get_environ_proxies(request.url)
                break
        return super().send(request, *args, **kwargs)


class RefuseAdapter(HTTPAdapter):
    """With a redirected transport, any other https host is refused instead of reached."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        raise requests.exceptions.ConnectionError(
            f"refusing {request.url}: with WORKSHOP_SHEETS_ENDPOINT set, only Google's "
            "API hosts are sent (to that endpoint)",
            request=request,
        )


def _redirected(session: requests.Session, endpoint: str) -> requests.Session:
    session.mount("https://", RefuseAdapter())
    adapter = RedirectAdapter(endpoint)
    for prefix in GOOGLE_PREFIXES:
        session.mount(prefix, adapter)
    return session


def make_credentials(info: Mapping[str, Any]) -> service_account.Credentials:
    """Service-account credentials for the Sheets scope; a broken key is a config error."""
    missing = [name for name in REQUIRED_FIELDS if not (info or {}).get(name)]
    if missing:
        raise StoreConfigError(
            "The service account credentials are incomplete (missing " + ", ".join(missing) + ").",
            hint="Paste the whole JSON key of the service account into the "
            "[gcp_service_account] table of .streamlit/secrets.toml, or point "
            "GOOGLE_APPLICATION_CREDENTIALS at the key file.",
        )
    try:
        # google-auth declares no types for this constructor; the annotation says what it returns.
        credentials: service_account.Credentials = (
            service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                dict(info), scopes=list(SCOPES)
            )
        )
    except (ValueError, TypeError, auth_exceptions.GoogleAuthError):
        # The original message may quote parts of the key: do not chain or repeat it.
        raise StoreConfigError(
            f"The private key of {client_email(info)} cannot be read.",
            hint="Download a new JSON key for the service account and replace the "
            "[gcp_service_account] table (or the file GOOGLE_APPLICATION_CREDENTIALS names).",
        ) from None
    return credentials


def make_client(
    info: Mapping[str, Any],
    endpoint: str = "",
    timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
) -> gspread.Client:
    """A gspread client on an AuthorizedSession, its transport redirected if asked."""
    credentials = make_credentials(info)
    token_session = requests.Session()
    if endpoint:
        _redirected(token_session, endpoint)
    # AuthorizedSession (a requests.Session) has no annotations in google-auth.
    session = AuthorizedSession(  # type: ignore[no-untyped-call]
        credentials, auth_request=AuthRequest(token_session)
    )
    if endpoint:
        _redirected(session, endpoint)
    client = gspread.Client(auth=credentials, session=session)
    client.set_timeout(timeout)
    return client


class Spreadsheet(gspread.Spreadsheet):
    """A gspread Spreadsheet that keeps the metadata it fetched when opened.

    gspread reads the whole metadata (every worksheet's title and id) to open a
    spreadsheet but keeps only the spreadsheet's own properties; keeping the
    rest saves the store a second request.
    """

    metadata: Mapping[str, Any]

    def fetch_sheet_metadata(self, params: Any = None) -> Mapping[str, Any]:
        metadata = super().fetch_sheet_metadata(params)
        if params is None:
            self.metadata = metadata
        return metadata


def connect(client: gspread.Client, key: str) -> Spreadsheet:
    """Open by key with one metadata request; errors are gspread's/requests' own."""
    return Spreadsheet(client.http_client, {"id": key})


def open_spreadsheet(
    settings: Settings | None = None,
    *,
    info: Mapping[str, Any] | None = None,
    key: str = "",
    endpoint: str = "",
    timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT,
) -> Spreadsheet:
    """Open the spreadsheet (one metadata request), from Settings or explicit parts.

    Errors arrive as :class:`StoreConfigError` / :class:`StoreUnavailable`.
    """
    if settings is not None:
        info = settings.service_account_info
        key = key or settings.spreadsheet
        endpoint = endpoint or settings.sheets_endpoint
    if not info:
        raise StoreConfigError(
            "No service account credentials are configured.",
            hint="Add a [gcp_service_account] table to .streamlit/secrets.toml or set "
            "GOOGLE_APPLICATION_CREDENTIALS to the JSON key file.",
        )
    sheet_key = spreadsheet_key(key)
    client = make_client(info, endpoint, timeout)
    try:
        return connect(client, sheet_key)
    except API_ERRORS as error:
        raise to_store_error(error, email=client_email(info), key=sheet_key) from error


# --------------------------------------------------------------------------- errors


def status_of(error: BaseException) -> int | None:
    """The HTTP status behind a gspread/requests error, if there was a response."""
    if isinstance(error, gspread.exceptions.APIError):
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return status
        return error.code if isinstance(error.code, int) and error.code > 0 else None
    cause = error.__cause__ or error.__context__
    if isinstance(error, PermissionError | gspread.exceptions.SpreadsheetNotFound) and cause:
        return status_of(cause)
    return None


def is_transient(error: BaseException) -> bool:
    """Worth retrying: quota, server errors, dropped connections, timeouts."""
    if isinstance(error, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
        return True
    if isinstance(error, auth_exceptions.TransportError):
        return True
    if isinstance(error, auth_exceptions.RefreshError):
        return bool(getattr(error, "retryable", False))
    status = status_of(error)
    return status is not None and (status == 429 or status >= 500)


def _api_message(error: BaseException) -> str:
    if isinstance(error, gspread.exceptions.APIError):
        return str(error.error.get("message", "")) if isinstance(error.error, Mapping) else ""
    return ""


def to_store_error(error: BaseException, *, email: str, key: str) -> StoreError:
    """Classify a failure for people: retry later, or what to fix (and where)."""
    if isinstance(error, StoreError):
        return error
    if is_transient(error):
        status = status_of(error)
        why = (
            "its quota is used up for this minute (HTTP 429)"
            if status == 429
            else f"it answered with an error (HTTP {status})"
            if status
            else "the connection failed or timed out"
        )
        return StoreUnavailable(
            f"Google Sheets could not be reached: {why}.",
            hint="Nothing is lost: the change is kept and saved on the next try.",
            reason="quota" if status == 429 else "server" if status else "network",
            status=status,
        )
    status = status_of(error)
    if isinstance(error, auth_exceptions.RefreshError) or status == 401:
        return StoreConfigError(
            f"Google did not accept the credentials of the service account {email}.",
            hint="Check the [gcp_service_account] table in .streamlit/secrets.toml (or the file "
            "GOOGLE_APPLICATION_CREDENTIALS names): it must hold a current JSON key of this "
            "account; create a new key in the Google Cloud console if it was deleted.",
        )
    if status == 403 or isinstance(error, PermissionError):
        return StoreConfigError(
            f"The service account {email} may not open the spreadsheet {key}.",
            hint=f"Share the sheet with {email} as Editor (Share button in Google Sheets), "
            "and make sure the Google Sheets API is enabled for the account's project.",
        )
    if status == 404 or isinstance(error, gspread.exceptions.SpreadsheetNotFound):
        return StoreConfigError(
            f"The spreadsheet {key} was not found.",
            hint="Check the address or key in WORKSHOP_SHEET / [workshop] spreadsheet, and "
            f"share the sheet with {email} as Editor.",
        )
    if status is not None:
        detail = _api_message(error)
        return StoreConfigError(
            f"Google Sheets refused a request (HTTP {status}){': ' + detail if detail else ''}.",
            hint="If a person changed the sheet's structure, press “Prepare the sheet” on the "
            "host page to repair it.",
        )
    return StoreUnavailable(
        f"Google Sheets failed unexpectedly ({type(error).__name__}).",
        hint="Nothing is lost: the change is kept and saved on the next try.",
        reason="unexpected",
    )


# --------------------------------------------------------------------------- retries


def backoff_delay(attempt: int, *, base: float, cap: float, rand: Callable[[], float]) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, capped, "equal jitter".

    Half the delay is fixed and half random, so concurrent clients spread out
    but none retries immediately.
    """
    ceiling = min(cap, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + rand() * ceiling / 2


def with_retries(
    fn: Callable[[], T],
    *,
    attempts: int = 4,
    base: float = 0.5,
    cap: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
    retryable: Callable[[BaseException], bool] = is_transient,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    budget: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``fn`` until it succeeds, a non-retryable error, or ``attempts`` are used.

    With the defaults the waits are at most 0.5 + 1 + 2 s, well inside the
    15 s a person waits for "saved". ``budget`` (seconds) also ends the retries
    once the next one would start later than that after the first call: the
    calls themselves may wait (for the quota), and a page that keeps the change
    pending and tries again later serves a person better than a long wait.
    The last error is re-raised unchanged.
    """
    started = clock() if budget is not None else 0.0
    for attempt in range(1, max(1, attempts) + 1):
        try:
            return fn()
        except Exception as error:
            if attempt >= attempts or not retryable(error):
                raise
            delay = backoff_delay(attempt, base=base, cap=cap, rand=rand)
            if budget is not None and clock() - started + delay > budget:
                raise
            if on_retry is not None:
                on_retry(attempt, error, delay)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class RetryPolicy:
    """The retry settings a store uses; tests pass ``sleep=lambda s: None``."""

    attempts: int = 4
    base: float = 0.5
    cap: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)
    budget: float | None = None  # seconds; see :func:`with_retries`
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def run(self, fn: Callable[[], T], on_retry: Callable[..., None] | None = None) -> T:
        """``fn`` under these settings: each field is the :func:`with_retries` option so named."""
        options = {item.name: getattr(self, item.name) for item in fields(self)}
        return with_retries(fn, on_retry=on_retry, **options)
