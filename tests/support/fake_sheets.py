"""A local, in-memory fake of the Google Sheets v4 HTTP API (plus a fake OAuth token endpoint).

Why this exists: the app talks to Google Sheets through the *real* gspread and google-auth
libraries. Tests, the benchmark and the workshop rehearsal must exercise exactly that code, so
only the transport is redirected (see :func:`redirecting_session`) and this server answers like
Google does: the same URLs, the same JSON shapes, the same error bodies, the same quota rule
(requests per minute per user) and the same failure modes (429, 5xx, dropped connections).

What it models, deliberately:

* Spreadsheets with sheets (id, title, index, grid size), sparse cells and data validations.
* A1 ranges as Google parses them: quoted titles (``'Team A'!A1:G30``), whole sheets
  (``'Team A'``), open ranges (``A2:G``), single-cell anchors for writes (``A1``).
* Reads trim trailing empty cells and rows; numbers come back formatted (``1`` -> ``"1"``).
* ``RAW`` input keeps ``"=1+1"`` as text; ``USER_ENTERED`` parses numbers and booleans and stores
  a leading ``=`` as a formula. Formulas are not evaluated, except ``=HYPERLINK(url, label)``,
  which reads back as its label like in Sheets; any other formula reads back as its own text.
* Writes outside the grid fail with Google's "exceeds grid limits" 400 (``values:append`` grows
  the rows, as Google does). Explicit read bounds outside the grid fail the same way.
* ``values:append`` writes at the first empty row of the table that starts at the range's first
  row (so gspread's ``insert_rows`` works, and a blank middle row receives the append).
* ``spreadsheets:batchUpdate`` is atomic: one bad request and nothing is applied.
* google-auth's own calls are answered too: the JWT-bearer token grant (signature verified) and
  the access-boundary lookup newer google-auth makes after each refresh. The session built by
  :func:`redirecting_session` refuses every other https URL, so no test can reach Google.
* Sheet-title lookup in ranges is exact (case-sensitive); title uniqueness is case-insensitive.
  Where Google's behaviour was uncertain, the fake chooses the stricter rule.

Tests drive faults and quota either in-process (methods on :class:`FakeSheetsServer`) or over
HTTP (``/_fake/...``, wrapped by :class:`RemoteFakeSheets`) when the fake runs as a separate
process: ``python -m tests.support.fake_sheets --port 0 --quota 60 --ready-file PATH``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, NamedTuple
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import requests
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

SHEETS_ORIGIN = "https://sheets.googleapis.com/"
SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)
JWT_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
CLIENT_EMAIL = "fake-sa@fake-project.iam.gserviceaccount.com"
PROJECT_NUMBER = "123456789012"
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
MAX_CELLS = 10_000_000
WINDOW_SECONDS = 60.0

# --------------------------------------------------------------------------------------------
# Transport redirect (the app has its own equivalent in workshop/; this one serves the tests)
# --------------------------------------------------------------------------------------------


# Google origins the fake answers for. Besides Sheets, google-auth (2.5x and later) itself calls
# iamcredentials.googleapis.com after each token refresh (the "Regional Access Boundary" lookup,
# in a background thread, through the session's *auth request*), and oauth2.googleapis.com is
# where a real service-account JSON would send its token request. Any other https URL is refused.
FAKED_ORIGINS = (
    SHEETS_ORIGIN,
    "https://iamcredentials.googleapis.com/",
    "https://oauth2.googleapis.com/",
)


class _RedirectAdapter(HTTPAdapter):
    """Send requests for one Google origin to the fake, keeping path and query."""

    # google-auth deep-copies the auth session for its background lookup: keep our fields.
    __attrs__: ClassVar[list[str]] = [*HTTPAdapter.__attrs__, "_prefix", "_base"]

    def __init__(self, prefix: str = "", base_url: str = "") -> None:
        super().__init__()
        self._prefix = prefix
        self._base = base_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.url and request.url.startswith(self._prefix):
            request.url = self._base + request.url[len(self._prefix) :]
        kwargs["proxies"] = {}  # localhost never goes through a proxy from the environment
        return super().send(request, **kwargs)


class _RefuseAdapter(HTTPAdapter):
    """Fail any https request the fake does not answer: tests must never reach Google."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        raise requests.exceptions.ConnectionError(
            f"fake_sheets: refusing a real network call to {request.url}", request=request
        )


def redirect_google(session: requests.Session, base_url: str) -> requests.Session:
    """Mount the fake on ``session`` for the Google origins it serves; refuse other https."""
    session.mount("https://", _RefuseAdapter())
    for origin in FAKED_ORIGINS:
        session.mount(origin, _RedirectAdapter(origin, base_url))
    return session


def redirecting_session(credentials: Any, base_url: str) -> AuthorizedSession:
    """An AuthorizedSession whose Google calls (API *and* google-auth's own) go to the fake.

    Both sessions need the redirect: the API session, and the auth-request session google-auth
    uses for token refreshes and its access-boundary lookup.
    """
    from google.auth.transport.requests import Request

    auth_request = Request(redirect_google(requests.Session(), base_url))
    session = AuthorizedSession(credentials, auth_request=auth_request)
    redirect_google(session, base_url)
    return session


def credentials_from_info(info: dict[str, Any], scopes: Sequence[str] = SCOPES) -> Any:
    """Real google-auth service-account credentials (their token_uri points at the fake)."""
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))


def gspread_client(info: dict[str, Any], base_url: str) -> Any:
    """A real ``gspread.Client`` wired to the fake: only the transport differs from production."""
    import gspread

    creds = credentials_from_info(info)
    return gspread.Client(auth=creds, session=redirecting_session(creds, base_url))


# --------------------------------------------------------------------------------------------
# Service-account key (generated once per process: RSA generation is the slow part)
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _key_pair() -> tuple[str, str]:
    """(private PKCS#8 PEM, public PEM) of a fresh RSA key; never leaves this machine."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


# --------------------------------------------------------------------------------------------
# Errors in Google's shape
# --------------------------------------------------------------------------------------------

_STATUS_NAMES = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: (
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential. "
        "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    ),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    409: ("ABORTED", "The operation was aborted."),
    429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request timed out."),
}


class ApiError(Exception):
    """An error the fake answers with, serialised as ``{"error": {code, message, status}}``."""

    def __init__(self, code: int, message: str | None = None, details: list[Any] | None = None):
        status, default = _STATUS_NAMES.get(code, ("UNKNOWN", "Unknown error."))
        super().__init__(message or default)
        self.code = code
        self.message = message or default
        self.status = status
        self.details = details

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            err["details"] = self.details
        return {"error": err}


def _bad(message: str) -> ApiError:
    return ApiError(400, message)


def _quota_error(kind: str, limit: int) -> ApiError:
    metric = "Write" if kind == "write" else "Read"
    message = (
        f"Quota exceeded for quota metric '{metric} requests' and limit "
        f"'{metric} requests per minute per user' of service 'sheets.googleapis.com' "
        f"for consumer 'project_number:{PROJECT_NUMBER}'."
    )
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "sheets.googleapis.com",
                "consumer": f"projects/{PROJECT_NUMBER}",
                "quota_metric": f"sheets.googleapis.com/{metric.lower()}_requests",
                "quota_limit": f"{metric}RequestsPerMinutePerUser",
                "quota_limit_value": str(limit),
            },
        }
    ]
    return ApiError(429, message, details)


def _html_error_page(code: int) -> str:
    """What Google's front end sends for some 5xx: HTML, not JSON (gspread then reports -1)."""
    return (
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error "
        f"{code} (Server Error)!!1</title><p><b>{code}.</b> <ins>That's an error.</ins>"
        "<p>The server encountered an error. Please try again later.</html>"
    )


# --------------------------------------------------------------------------------------------
# A1 notation
# --------------------------------------------------------------------------------------------

_A1_RE = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)(?::\$?([A-Za-z]{0,3})\$?(\d*))?$")
_PLAIN_TITLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELLISH_RE = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)$")


def col_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    """ "A" -> 0, "AA" -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@dataclass(frozen=True)
class Rect:
    """A parsed A1 range: half-open indexes, ``None`` = up to the grid's end.

    ``anchor`` marks a single cell (``A1``): reads return that cell, writes start there.
    """

    r0: int
    c0: int
    r1: int | None
    c1: int | None
    anchor: bool = False


def parse_a1(text: str) -> Rect | None:
    """Parse the part after ``!``; None when it is not A1 notation (e.g. a sheet title)."""
    m = _A1_RE.match(text)
    if not m:
        return None
    ca, ra, cb, rb = m.groups()
    if ":" not in text:
        if not (ca and ra) or int(ra) < 1:
            return None
        return Rect(int(ra) - 1, col_index(ca), None, None, anchor=True)
    if not (ca or ra) or not (cb or rb) or "0" in (ra, rb):
        return None
    if (ra == "" and rb != "" and cb == "") or (ca == "" and cb != "" and rb == ""):
        return None  # "A:2" / "1:B" mix a column-only side with a row-only side
    r0 = int(ra) - 1 if ra else 0
    c0 = col_index(ca) if ca else 0
    r1 = int(rb) if rb else None
    c1 = col_index(cb) + 1 if cb else None
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return Rect(r0, c0, r1, c1)


def split_range(text: str) -> tuple[str | None, str | None]:
    """``"'Team A'!A1:B2"`` -> ``("Team A", "A1:B2")``; raises ValueError when malformed."""
    if text.startswith("'"):
        title, i = [], 1
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(ch)
            i += 1
        else:
            raise ValueError("unterminated quote")
        rest = text[i + 1 :]
        if rest == "":
            return "".join(title), None
        if rest.startswith("!") and len(rest) > 1:
            return "".join(title), rest[1:]
        raise ValueError("bad range")
    if "!" in text:
        title_part, a1 = text.split("!", 1)
        if not title_part or not a1:
            raise ValueError("bad range")
        return title_part, a1
    if parse_a1(text) is not None:
        return None, text
    return text, None


def quote_title(title: str) -> str:
    """How Google prints a sheet title in a range: bare when unambiguous, else quoted."""
    if _PLAIN_TITLE_RE.match(title) and not _CELLISH_RE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def a1_text(r0: int, c0: int, r1: int, c1: int) -> str:
    """Half-open indexes -> ``A1:B2`` (or ``A1`` for one cell)."""
    start = f"{col_letters(c0)}{r0 + 1}"
    if r1 - r0 == 1 and c1 - c0 == 1:
        return start
    return f"{start}:{col_letters(c1 - 1)}{r1}"


# --------------------------------------------------------------------------------------------
# Values: input parsing and output rendering
# --------------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_HYPERLINK_RE = re.compile(
    r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.IGNORECASE
)
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")


class StoredCell(NamedTuple):
    """What a cell holds: ``value`` (str, int, float, bool or None) and whether it is a formula."""

    value: Any
    formula: bool


def parse_input(value: Any, option: str) -> StoredCell:
    """Turn one JSON value from a write into what Sheets would store."""
    if isinstance(value, bool | int | float):
        return StoredCell(value, False)
    if isinstance(value, dict | list):
        raise _bad(f"Invalid values: struct_value is not a valid cell value: {json.dumps(value)}")
    text = str(value)
    if text == "":
        return StoredCell(None, False)
    if option == "RAW":
        return StoredCell(text, False)
    if text.startswith("'"):
        return StoredCell(text[1:], False)
    if text.startswith("=") and len(text) > 1:
        return StoredCell(text, True)
    if _NUMBER_RE.match(text.strip()):
        number = float(text)
        is_int = number.is_integer() and abs(number) < 1e15
        return StoredCell(int(number) if is_int else number, False)
    if text.upper() in ("TRUE", "FALSE"):
        return StoredCell(text.upper() == "TRUE", False)
    return StoredCell(text, False)


def format_number(value: float | int) -> str:
    """Render a number the way Sheets' default format shows it: 1 -> "1", 0.5 -> "0.5"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return f"{value:.15g}".upper()


def _formula_result(text: str) -> Any:
    m = _HYPERLINK_RE.match(text)
    if m:
        url, label = m.groups()
        return (label if label is not None else url).replace('""', '"')
    return text


def render(cell: StoredCell, option: str = "FORMATTED_VALUE") -> Any:
    """One stored cell as a values read returns it."""
    value, formula = cell
    if formula:
        if option == "FORMULA":
            return value
        value = _formula_result(value)
    if option != "FORMATTED_VALUE":
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value)
    return "" if value is None else value


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells of each row and trailing empty rows, like the API."""
    out = []
    for row in rows:
        end = len(row)
        while end and row[end - 1] in ("", None):
            end -= 1
        out.append(row[:end])
    while out and not out[-1]:
        out.pop()
    return out


def _transpose(rows: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    return [[r[c] if c < len(r) else None for r in rows] for c in range(width)]


# --------------------------------------------------------------------------------------------
# The in-memory model
# --------------------------------------------------------------------------------------------


@dataclass
class _Cell:
    value: Any = None
    formula: bool = False
    validation: dict[str, Any] | None = None


@dataclass
class _Sheet:
    props: dict[str, Any]
    cells: dict[tuple[int, int], _Cell] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def rows(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def cols(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def set(self, r: int, c: int, stored: StoredCell) -> None:
        cell = self.cells.get((r, c))
        if cell is None:
            if stored.value is None:
                return
            cell = self.cells[(r, c)] = _Cell()
        cell.value, cell.formula = stored
        if cell.value is None and cell.validation is None:
            del self.cells[(r, c)]

    def get(self, r: int, c: int) -> StoredCell:
        cell = self.cells.get((r, c))
        return StoredCell(None, False) if cell is None else StoredCell(cell.value, cell.formula)

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        grid = self.props["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
        if cols is not None:
            grid["columnCount"] = cols
        self.cells = {k: v for k, v in self.cells.items() if k[0] < self.rows and k[1] < self.cols}

    def permute_rows(self, start: int, order: Sequence[int]) -> None:
        """Rows ``start + i`` take the cells of rows ``start + order[i]`` (0-based rows).

        Whole cells move (values, formulas and data validation), as in Sheets,
        where a sort or a row move carries the row's formatting and rules along.
        """
        end = start + len(order)
        moved = {k: v for k, v in self.cells.items() if not start <= k[0] < end}
        for new_index, old_index in enumerate(order):
            for (r, c), cell in self.cells.items():
                if r == start + old_index:
                    moved[(start + new_index, c)] = cell
        self.cells = moved

    def shift(self, axis: int, start: int, delta: int) -> None:
        """Shift cells at ``axis`` index >= start by delta; a negative delta deletes those first."""
        moved: dict[tuple[int, int], _Cell] = {}
        for key, cell in self.cells.items():
            pos = key[axis]
            if pos < start:
                moved[key] = cell
            elif delta < 0 and pos < start - delta:
                continue
            else:
                new = list(key)
                new[axis] = pos + delta
                moved[(new[0], new[1])] = cell
        self.cells = moved


@dataclass
class _Spreadsheet:
    key: str
    props: dict[str, Any]
    sheets: list[_Sheet]
    shared: bool = True
    next_sheet_id: int = 1_000_000_007
    other_requests: list[dict[str, Any]] = field(default_factory=list)
    owner: str = CLIENT_EMAIL  # the owner may always edit, protected ranges included
    protected: list[dict[str, Any]] = field(default_factory=list)  # ProtectedRange objects
    next_protection_id: int = 1_000_001

    def protections(self, sheet_id: int) -> list[dict[str, Any]]:
        return [p for p in self.protected if p["range"].get("sheetId", 0) == sheet_id]

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def by_title(self, title: str) -> _Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def by_id(self, sheet_id: Any) -> _Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def title_taken(self, title: str, except_id: int | None = None) -> bool:
        folded = title.casefold()
        return any(s.title.casefold() == folded and s.sheet_id != except_id for s in self.sheets)

    def new_sheet(self, title: str, rows: int, cols: int, sheet_id: int | None = None) -> _Sheet:
        if sheet_id is None:
            sheet_id = 0 if not self.sheets else self.next_sheet_id
            self.next_sheet_id += 7919
        props = {
            "sheetId": sheet_id,
            "title": title,
            "index": len(self.sheets),
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
        return _Sheet(props)

    def resolve(self, text: str) -> tuple[_Sheet, Rect]:
        """A range string -> (sheet, rect); 400 "Unable to parse range" like Google."""
        try:
            title, a1 = split_range(text)
        except ValueError:
            raise _bad(f"Unable to parse range: {text}") from None
        sheet = self.sheets[0] if title is None else self.by_title(title)
        rect = Rect(0, 0, None, None) if a1 is None else parse_a1(a1)
        if sheet is None or rect is None:
            raise _bad(f"Unable to parse range: {text}")
        return sheet, rect

    def cell_count(self) -> int:
        return sum(s.rows * s.cols for s in self.sheets)


def _grid_error(sheet: _Sheet, a1: str) -> ApiError:
    return _bad(
        f"Range ({quote_title(sheet.title)}!{a1}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def _bounded(sheet: _Sheet, rect: Rect, text: str) -> tuple[int, int, int, int]:
    """Clip open ends to the grid; explicit bounds outside the grid are Google's 400."""
    r1 = rect.r0 + 1 if rect.anchor else rect.r1
    c1 = rect.c0 + 1 if rect.anchor else rect.c1
    if (
        rect.r0 >= sheet.rows
        or rect.c0 >= sheet.cols
        or (r1 is not None and r1 > sheet.rows)
        or (c1 is not None and c1 > sheet.cols)
    ):
        a1 = text.split("!", 1)[1] if "!" in text else text
        raise _grid_error(sheet, a1)
    return rect.r0, rect.c0, sheet.rows if r1 is None else r1, sheet.cols if c1 is None else c1


def _read(sheet: _Sheet, rect: Rect, text: str, option: str, major: str) -> dict[str, Any]:
    r0, c0, r1, c1 = _bounded(sheet, rect, text)
    present = {
        k: c
        for k, c in sheet.cells.items()
        if r0 <= k[0] < r1 and c0 <= k[1] < c1 and c.value is not None
    }
    height = max((k[0] for k in present), default=r0 - 1) - r0 + 1
    width = max((k[1] for k in present), default=c0 - 1) - c0 + 1
    grid = [
        [render(sheet.get(r, c), option) for c in range(c0, c0 + width)]
        for r in range(r0, r0 + height)
    ]
    if major == "COLUMNS":
        grid = _transpose(grid)
    out: dict[str, Any] = {
        "range": f"{quote_title(sheet.title)}!{a1_text(r0, c0, r1, c1)}",
        "majorDimension": major,
    }
    values = _trim([["" if v is None else v for v in row] for row in grid])
    if values:
        out["values"] = values
    return out


def _write(
    sheet: _Sheet, rect: Rect, text: str, rows: Any, option: str, major: str | None
) -> dict[str, Any]:
    """Apply one ValueRange write; returns the UpdateValuesResponse fields."""
    if option not in INPUT_OPTIONS:
        raise _bad(f"Invalid valueInputOption: {option}")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise _bad("Invalid value at 'data.values': expected a list of lists")
    if major == "COLUMNS":
        rows = _transpose(rows)
    elif major not in (None, "ROWS", "DIMENSION_UNSPECIFIED"):
        raise _bad(f"Invalid majorDimension: {major}")
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if not rect.anchor:
        _bounded(sheet, rect, text)  # the requested box itself must be inside the grid
        if rect.r1 is not None and rect.r0 + height > rect.r1:
            raise _bad(
                f"Requested writing within range [{text}], but tried writing to row [{rect.r1 + 1}]"
            )
        if rect.c1 is not None and rect.c0 + width > rect.c1:
            raise _bad(
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{col_letters(rect.c1)}]"
            )
    if rect.r0 + height > sheet.rows:  # name the first cell outside the grid, like Google
        raise _grid_error(sheet, f"{col_letters(rect.c0)}{max(rect.r0, sheet.rows) + 1}")
    if rect.c0 + width > sheet.cols:
        raise _grid_error(sheet, f"{col_letters(max(rect.c0, sheet.cols))}{rect.r0 + 1}")
    parsed = [[None if v is None else parse_input(v, option) for v in row] for row in rows]
    cells = 0
    for i, row in enumerate(parsed):
        for j, stored in enumerate(row):
            if stored is not None:
                sheet.set(rect.r0 + i, rect.c0 + j, stored)
                cells += 1
    out: dict[str, Any] = {"updatedRange": f"{quote_title(sheet.title)}!{text.split('!')[-1]}"}
    if height and width:
        box = a1_text(rect.r0, rect.c0, rect.r0 + height, rect.c0 + width)
        out = {
            "updatedRange": f"{quote_title(sheet.title)}!{box}",
            "updatedRows": height,
            "updatedColumns": width,
            "updatedCells": cells,
        }
    return out


def _clear(sheet: _Sheet, rect: Rect, text: str) -> str:
    r0, c0, r1, c1 = _bounded(sheet, rect, text)
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        sheet.set(key[0], key[1], StoredCell(None, False))
    return f"{quote_title(sheet.title)}!{a1_text(r0, c0, r1, c1)}"


# --------------------------------------------------------------------------------------------
# Request log
# --------------------------------------------------------------------------------------------


@dataclass
class RequestRecord:
    """One request the fake saw. ``counted`` = it passed the quota check (token calls never do).

    ``status`` is 0 when the connection was dropped without a response.
    """

    t: float
    wall: float
    method: str
    path: str
    query: str
    kind: str  # "read" | "write" | "meta" | "token" | "iam" | "other"
    status: int = 0
    counted: bool = False
    user: str = ""
    dropped: bool = False


def peak_in_window(times: Sequence[float], window: float = WINDOW_SECONDS) -> int:
    """Largest number of timestamps inside any half-open window of ``window`` seconds."""
    ordered = sorted(times)
    best = lo = 0
    for hi, t in enumerate(ordered):
        while t - ordered[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _classify(method: str, path: str) -> str:
    if path == "/token":
        return "token"
    if not path.startswith("/v4/spreadsheets/"):
        return "other"
    rest = path[len("/v4/spreadsheets/") :]
    if method == "GET":
        return "meta" if "/" not in rest and ":" not in rest else "read"
    return "write"


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json_response(status: int, payload: Any) -> _Response:
    return _Response(status, json.dumps(payload, ensure_ascii=False).encode())


_DROP = object()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    # One buffered write per response, sent at once: without this, headers and body leave in
    # two packets and delayed ACKs add ~40 ms to every call, which would skew the benchmark.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _HTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        result = self.server.fake._handle(self.command, self.path, self.headers, body)
        if result is None:  # drop: no status line, just close the socket
            self.close_connection = True
            return
        self.send_response(result.status)
        self.send_header("Content-Type", result.content_type)
        self.send_header("Content-Length", str(len(result.body)))
        for name, value in result.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(result.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr lines; the fake keeps its own log."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSheetsServer


class FakeSheetsServer:
    """The fake Sheets API on 127.0.0.1, served from a background thread.

    Use as a context manager (``with FakeSheetsServer() as fake: ...``) or call
    :meth:`start`/:meth:`stop`. ``clock`` (monotonic seconds) can be replaced in tests to move
    quota windows and ``fail_for`` deadlines without sleeping.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        quota_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._host = host
        self._port = port
        self._clock = clock
        self._lock = threading.RLock()
        self._spreadsheets: dict[str, _Spreadsheet] = {}
        self._log: list[RequestRecord] = []
        self._quota: int | None = quota_per_minute
        self._windows: dict[str, deque[float]] = {}
        self._inject: deque[tuple[int, bool, str | None]] = deque()
        self._fail_until: float | None = None
        self._fail_status = 500
        self._drops: deque[tuple[bool, str | None]] = deque()
        self._hooks: list[tuple[str, Callable[[], None]]] = []
        self._user = threading.local()  # who sends the request being served
        self._tokens: dict[str, str] = {}
        self._token_counter = 0
        self._sheet_counter = 0
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSheetsServer:
        if self._httpd is not None:
            return self
        _key_pair()  # generate before serving so the first token call is not slow
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self._port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="fake-sheets", kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeSheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    # ---- credentials -----------------------------------------------------------------------

    def service_account_info(self) -> dict[str, Any]:
        """A complete service-account JSON dict whose token_uri is this fake."""
        private_pem, public_pem = _key_pair()
        return {
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": hashlib.sha1(public_pem.encode()).hexdigest(),
            "private_key": private_pem,
            "client_email": CLIENT_EMAIL,
            "client_id": "100000000000000000001",
            "auth_uri": f"{self.base_url}/auth",
            "token_uri": f"{self.base_url}/token",
            "auth_provider_x509_cert_url": f"{self.base_url}/certs",
            "client_x509_cert_url": f"{self.base_url}/certs/{CLIENT_EMAIL}",
            "universe_domain": "googleapis.com",
        }

    def credentials(self, scopes: Sequence[str] = SCOPES) -> Any:
        return credentials_from_info(self.service_account_info(), scopes)

    def gspread_client(self) -> Any:
        """A real ``gspread.Client`` talking to this fake."""
        return gspread_client(self.service_account_info(), self.base_url)

    def expire_tokens(self) -> None:
        """Forget issued tokens: the next API call gets 401 and google-auth refreshes."""
        with self._lock:
            self._tokens.clear()

    # ---- spreadsheet helpers (what a person would do in the browser) ------------------------

    def create_spreadsheet(
        self,
        title: str = "Fake spreadsheet",
        sheets: Sequence[str] = ("Sheet1",),
        *,
        key: str | None = None,
        locale: str = "en_US",
        time_zone: str = "Etc/GMT",
        rows: int = DEFAULT_ROWS,
        cols: int = DEFAULT_COLS,
        owner: str = CLIENT_EMAIL,
    ) -> str:
        """Create a spreadsheet and return its key (a Drive-like id).

        ``owner`` is the user who may always edit, protected ranges included (the
        person who made the sheet and shared it with the app, or the app itself).
        """
        if not sheets:
            raise ValueError("a spreadsheet needs at least one sheet")
        with self._lock:
            self._sheet_counter += 1
            key = (
                key
                or "fake"
                + hashlib.sha1(f"{self._sheet_counter}-{time.time_ns()}".encode()).hexdigest()[:40]
            )
            if not re.fullmatch(r"[A-Za-z0-9_-]+", key) or key in self._spreadsheets:
                raise ValueError(f"bad or duplicate spreadsheet key: {key!r}")
            props = {"title": title, "locale": locale, "autoRecalc": "ON_CHANGE"}
            props["timeZone"] = time_zone
            ss = _Spreadsheet(key, props, [], owner=owner)
            for name in sheets:
                if ss.title_taken(name):
                    raise ValueError(f"duplicate sheet title: {name!r}")
                ss.sheets.append(ss.new_sheet(name, rows, cols))
            self._spreadsheets[key] = ss
            return key

    def _sheet(self, key: str, title: str) -> _Sheet:
        sheet = self._spreadsheets[key].by_title(title)
        if sheet is None:
            raise KeyError(f"no sheet {title!r} in {key}")
        return sheet

    def sheet_titles(self, key: str) -> list[str]:
        with self._lock:
            return [s.title for s in self._spreadsheets[key].sheets]

    def grid_size(self, key: str, title: str) -> tuple[int, int]:
        """(rowCount, columnCount) of a sheet."""
        with self._lock:
            sheet = self._sheet(key, title)
            return sheet.rows, sheet.cols

    def values(
        self, key: str, title: str, render_option: str = "FORMATTED_VALUE"
    ) -> list[list[Any]]:
        """A whole sheet as a values read would return it (trimmed, formatted)."""
        with self._lock:
            sheet = self._sheet(key, title)
            return _read(sheet, Rect(0, 0, None, None), title, render_option, "ROWS").get(
                "values", []
            )

    def set_values(
        self, key: str, title: str, rows: Sequence[Sequence[Any]], start: str = "A1"
    ) -> None:
        """Simulate a person typing (USER_ENTERED semantics) from ``start`` onwards."""
        with self._lock:
            sheet = self._sheet(key, title)
            rect = parse_a1(start)
            if rect is None or not rect.anchor:
                raise ValueError(f"start must be one cell, got {start!r}")
            try:
                _write(sheet, rect, start, [list(r) for r in rows], "USER_ENTERED", "ROWS")
            except ApiError as exc:
                raise ValueError(exc.message) from None

    def cell(self, sheet_key: str, title: str, a1: str) -> StoredCell:
        """The stored value of one cell and whether it was stored as a formula."""
        with self._lock:
            rect = parse_a1(a1)
            if rect is None or not rect.anchor:
                raise ValueError(f"not a single cell: {a1!r}")
            return self._sheet(sheet_key, title).get(rect.r0, rect.c0)

    def validation(self, key: str, title: str, a1: str) -> dict[str, Any] | None:
        """The data-validation rule stored on one cell, if any."""
        with self._lock:
            rect = parse_a1(a1)
            if rect is None or not rect.anchor:
                raise ValueError(f"not a single cell: {a1!r}")
            cell = self._sheet(key, title).cells.get((rect.r0, rect.c0))
            return None if cell is None else copy.deepcopy(cell.validation)

    def other_requests(self, key: str) -> list[dict[str, Any]]:
        """Formatting-only batchUpdate requests the fake accepted without modelling them."""
        with self._lock:
            return copy.deepcopy(self._spreadsheets[key].other_requests)

    def rename_sheet(self, key: str, old: str, new: str) -> None:
        with self._lock:
            ss = self._spreadsheets[key]
            sheet = self._sheet(key, old)
            if ss.title_taken(new, except_id=sheet.sheet_id):
                raise ValueError(f"duplicate sheet title: {new!r}")
            sheet.props["title"] = new

    def delete_sheet(self, key: str, title: str) -> None:
        with self._lock:
            ss = self._spreadsheets[key]
            sheet = self._sheet(key, title)
            if len(ss.sheets) == 1:
                raise ValueError("cannot delete the last sheet")
            ss.sheets.remove(sheet)
            ss.reindex()

    def add_sheet(
        self, key: str, title: str, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS
    ) -> None:
        with self._lock:
            ss = self._spreadsheets[key]
            if ss.title_taken(title):
                raise ValueError(f"duplicate sheet title: {title!r}")
            ss.sheets.append(ss.new_sheet(title, rows, cols))

    def unshare(self, key: str) -> None:
        """From now on every API call on this spreadsheet gets 403 PERMISSION_DENIED."""
        with self._lock:
            self._spreadsheets[key].shared = False

    def share(self, key: str) -> None:
        with self._lock:
            self._spreadsheets[key].shared = True

    def dump(self, key: str) -> dict[str, Any]:
        """Everything a test may want to compare: title and each sheet's size and values."""
        with self._lock:
            ss = self._spreadsheets[key]
            return {
                "spreadsheetId": key,
                "title": ss.props["title"],
                "sheets": [
                    {
                        "title": s.title,
                        "sheetId": s.sheet_id,
                        "rowCount": s.rows,
                        "columnCount": s.cols,
                        "values": self.values(key, s.title),
                    }
                    for s in ss.sheets
                ],
            }

    # ---- faults, quota and the log ---------------------------------------------------------

    def inject(
        self, status: int, count: int = 1, *, html: bool = False, kind: str | None = None
    ) -> None:
        """The next ``count`` API requests (of ``kind``: "read", "write", "meta", if given)
        fail with ``status`` (Google-shaped body, or HTML)."""
        with self._lock:
            self._inject.extend([(int(status), bool(html), kind)] * int(count))

    def fail_for(self, seconds: float, status: int = 500) -> None:
        """Every API request fails with ``status`` for the next ``seconds`` (server clock)."""
        with self._lock:
            self._fail_until = self._clock() + float(seconds)
            self._fail_status = int(status)

    def drop_next(self, n: int = 1, *, apply: bool = False, kind: str | None = None) -> None:
        """Close the next ``n`` API connections (of ``kind``, if given) without answering.

        The client sees a ConnectionError. ``apply=True`` processes the request
        first, like a response lost after the write.
        """
        with self._lock:
            self._drops.extend([(bool(apply), kind)] * int(n))

    def before_next(self, kind: str, action: Callable[[], None]) -> None:
        """Run ``action`` (in-process) just before the next API request of ``kind`` is served.

        Deterministic interleavings for tests: e.g. a person sorts a worksheet
        between the app's read and its write (``before_next("write", ...)``).
        """
        with self._lock:
            self._hooks.append((kind, action))

    def clear_faults(self) -> None:
        with self._lock:
            self._inject.clear()
            self._drops.clear()
            self._hooks.clear()
            self._fail_until = None

    def set_quota(self, per_minute: int | None) -> None:
        """Per-user limit over a sliding 60 s window of all /v4 requests; None = unlimited.

        Resets the current windows.
        """
        with self._lock:
            self._quota = None if per_minute is None else int(per_minute)
            self._windows.clear()

    def requests_log(self) -> list[RequestRecord]:
        with self._lock:
            return [copy.copy(r) for r in self._log]

    def peak_per_minute(self, kind: str | None = None) -> int:
        """Max requests admitted by the quota check in any 60 s window (token calls excluded)."""
        with self._lock:
            times = [r.t for r in self._log if r.counted and (kind is None or r.kind == kind)]
        return peak_in_window(times)

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    # ---- request handling ------------------------------------------------------------------

    def _handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> _Response | None:
        parts = urlsplit(raw_path)
        path = parts.path
        try:
            if path.startswith("/_fake/"):
                return self._control(method, path, parse_qs(parts.query), body)
            if path == "/token":
                return self._token(method, path, parts.query, body)
            if path.startswith("/v1/projects/") and path.endswith("/allowedLocations"):
                return self._allowed_locations(method, path, parts.query, headers)
            return self._api(method, path, parts.query, headers, body)
        except ApiError as exc:
            return _json_response(exc.code, exc.body())

    def _record(self, method: str, path: str, query: str, kind: str) -> RequestRecord:
        record = RequestRecord(self._clock(), time.time(), method, unquote(path), query, kind)
        with self._lock:
            self._log.append(record)
        return record

    def _token(self, method: str, path: str, query: str, body: bytes) -> _Response:
        from google.auth import jwt

        record = self._record(method, path, query, "token")

        def fail(error: str, description: str) -> _Response:
            record.status = 400
            return _json_response(400, {"error": error, "error_description": description})

        if method != "POST":
            return fail("invalid_request", "Token requests must be POSTed.")
        form = parse_qs(body.decode("utf-8", "replace"))
        grant = form.get("grant_type", [""])[0]
        assertion = form.get("assertion", [""])[0]
        if grant != JWT_GRANT_TYPE:
            return fail("unsupported_grant_type", f"Invalid grant_type: {grant}")
        if not assertion:
            return fail("invalid_request", "Missing required parameter: assertion")
        try:
            claims = jwt.decode(
                assertion,
                certs=_key_pair()[1],
                # google-auth always addresses the assertion to Google's endpoint, as it should
                audience=[GOOGLE_TOKEN_AUDIENCE, f"{self.base_url}/token"],
                clock_skew_in_seconds=30,
            )
        except Exception as exc:  # any verification problem is Google's invalid_grant
            return fail("invalid_grant", f"Invalid JWT: {exc}")
        with self._lock:
            self._token_counter += 1
            token = f"fake-{self._token_counter}"
            self._tokens[token] = str(claims.get("iss", ""))
        record.status = 200
        return _json_response(
            200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}
        )

    def _allowed_locations(self, method: str, path: str, query: str, headers: Any) -> _Response:
        """google-auth's access-boundary lookup: answer "no restriction" so it stops asking."""
        record = self._record(method, path, query, "iam")
        user = self._authenticate(headers)
        if user is None:
            record.status = 401
            return _json_response(401, ApiError(401).body())
        record.user, record.status = user, 200
        return _json_response(200, {"locations": [], "encodedLocations": "0x0"})

    def _authenticate(self, headers: Any) -> str | None:
        """The user behind a bearer token: an issued ``fake-N`` token or a self-signed JWT."""
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            return None
        token = auth[len("Bearer ") :].strip()
        with self._lock:
            if token in self._tokens:
                return self._tokens[token]
        if token.count(".") == 2:
            from google.auth import jwt

            try:
                claims = jwt.decode(token, certs=_key_pair()[1], clock_skew_in_seconds=30)
            except Exception:
                return None
            return str(claims.get("iss", ""))
        return None

    def _take_fault(self, kind: str) -> tuple[str, Any] | None:
        with self._lock:
            for index, (apply, wanted) in enumerate(self._drops):
                if wanted is None or wanted == kind:
                    del self._drops[index]
                    return "drop", apply
            for index, (status, html, wanted) in enumerate(self._inject):
                if wanted is None or wanted == kind:
                    del self._inject[index]
                    return "status", (status, html)
            if self._fail_until is not None:
                if self._clock() < self._fail_until:
                    return "status", (self._fail_status, False)
                self._fail_until = None
        return None

    def _admit(self, user: str) -> bool:
        with self._lock:
            if self._quota is None:
                return True
            now = self._clock()
            window = self._windows.setdefault(user, deque())
            while window and now - window[0] >= WINDOW_SECONDS:
                window.popleft()
            if len(window) >= self._quota:
                return False
            window.append(now)
            return True

    def _api(
        self, method: str, path: str, query: str, headers: Any, body: bytes
    ) -> _Response | None:
        kind = _classify(method, path)
        with self._lock:
            due = [hook for hook in self._hooks if hook[0] == kind]
            self._hooks = [hook for hook in self._hooks if hook[0] != kind]
        for _kind, action in due:
            action()
        record = self._record(method, path, query, kind)
        fault = self._take_fault(kind)
        drop_after = False
        if fault is not None:
            what, arg = fault
            if what == "drop":
                if not arg:
                    record.dropped = True
                    return None
                drop_after = True
            else:
                status, html = arg
                record.status = status
                if html:
                    return _Response(status, _html_error_page(status).encode(), "text/html")
                exc = _quota_error(kind, self._quota or 60) if status == 429 else ApiError(status)
                return _json_response(status, exc.body())
        try:
            user = self._authenticate(headers)
            if user is None:
                raise ApiError(401)
            record.user = user
            if not self._admit(user):
                raise _quota_error(kind, self._quota or 0)
            record.counted = True
            self._user.name = user
            try:
                response = _json_response(200, self._route(method, path, parse_qs(query), body))
            finally:
                self._user.name = ""
        except ApiError as exc:
            response = _json_response(exc.code, exc.body())
            if exc.code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
        record.status = response.status
        if drop_after:
            record.dropped = True
            return None
        return response

    # ---- API routing -----------------------------------------------------------------------

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Any:
        if not path.startswith("/v4/spreadsheets/"):
            raise ApiError(404, "Method not found.")
        rest = path[len("/v4/spreadsheets/") :]
        head, _, tail = rest.partition("/")
        key, _, verb = head.partition(":")
        key = unquote(key)
        payload = self._body(body)
        with self._lock:
            ss = self._spreadsheets.get(key)
            if ss is None:
                raise ApiError(404)
            if not ss.shared:
                raise ApiError(403)
            if not tail:
                if method == "GET" and not verb:
                    return self._metadata(ss, query)
                if method == "POST" and verb == "batchUpdate":
                    return self._batch_update(ss, payload)
            elif tail.startswith("values:") and "/" not in tail:
                action = tail[len("values:") :]
                if method == "GET" and action == "batchGet":
                    return self._batch_get(ss, query)
                if method == "POST" and action == "batchUpdate":
                    return self._values_batch_update(ss, payload)
                if method == "POST" and action == "batchClear":
                    return self._values_batch_clear(ss, payload)
            elif tail.startswith("values/"):
                raw_range = tail[len("values/") :]
                action = ""
                for suffix in (":append", ":clear"):
                    if raw_range.endswith(suffix):
                        raw_range, action = raw_range[: -len(suffix)], suffix[1:]
                rng = unquote(raw_range)
                if method == "GET" and not action:
                    return self._values_get(ss, rng, query)
                if method == "PUT" and not action:
                    return self._values_update(ss, rng, query, payload)
                if method == "POST" and action == "append":
                    return self._values_append(ss, rng, query, payload)
                if method == "POST" and action == "clear":
                    return self._values_batch_clear(ss, {"ranges": [rng]}, single=True)
        raise ApiError(404, "Method not found.")

    @staticmethod
    def _body(body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        try:
            payload = json.loads(body)
        except ValueError:
            raise _bad("Invalid JSON payload received.") from None
        if not isinstance(payload, dict):
            raise _bad("Invalid JSON payload received. Expected an object.")
        return payload

    @staticmethod
    def _param(query: dict[str, list[str]], name: str, default: str, allowed: Sequence[str]) -> str:
        value = query.get(name, [default])[-1] or default
        if value not in allowed:
            raise _bad(f"Invalid value at '{name}' ({value})")
        return value

    # ---- reads -----------------------------------------------------------------------------

    def _metadata(self, ss: _Spreadsheet, query: dict[str, list[str]]) -> dict[str, Any]:
        include = query.get("includeGridData", ["false"])[-1].lower() == "true"
        fields = query.get("fields", [""])[-1]
        include = include or re.search(r"(^|[.,(])data([.,(]|$)", fields) is not None
        sheets = []
        for sheet in ss.sheets:
            entry: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
            protections = ss.protections(sheet.sheet_id)
            if protections:
                entry["protectedRanges"] = copy.deepcopy(protections)
            if include:
                entry["data"] = [self._grid_data(sheet)]
            sheets.append(entry)
        return {
            "spreadsheetId": ss.key,
            "properties": copy.deepcopy(ss.props),
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.key}/edit",
        }

    @staticmethod
    def _grid_data(sheet: _Sheet) -> dict[str, Any]:
        def cell_data(cell: _Cell | None) -> dict[str, Any]:
            if cell is None:
                return {}
            out: dict[str, Any] = {}
            if cell.value is not None:
                v = cell.value
                if cell.formula:
                    out["userEnteredValue"] = {"formulaValue": v}
                    v = _formula_result(v)
                kind = (
                    "boolValue"
                    if isinstance(v, bool)
                    else "numberValue"
                    if isinstance(v, int | float)
                    else "stringValue"
                )
                out.setdefault("userEnteredValue", {kind: v})
                out["effectiveValue"] = {kind: v}
                out["formattedValue"] = render(StoredCell(cell.value, cell.formula))
            if cell.validation is not None:
                out["dataValidation"] = copy.deepcopy(cell.validation)
            return out

        last_row = max((k[0] for k in sheet.cells), default=-1)
        row_data = []
        for r in range(last_row + 1):
            last_col = max((k[1] for k in sheet.cells if k[0] == r), default=-1)
            row_data.append(
                {"values": [cell_data(sheet.cells.get((r, c))) for c in range(last_col + 1)]}
            )
        return {"startRow": 0, "startColumn": 0, "rowData": row_data}

    def _values_get(self, ss: _Spreadsheet, rng: str, query: dict[str, list[str]]) -> Any:
        option = self._param(query, "valueRenderOption", "FORMATTED_VALUE", RENDER_OPTIONS)
        major = self._param(query, "majorDimension", "ROWS", ("ROWS", "COLUMNS"))
        sheet, rect = ss.resolve(rng)
        return _read(sheet, rect, rng, option, major)

    def _batch_get(self, ss: _Spreadsheet, query: dict[str, list[str]]) -> Any:
        option = self._param(query, "valueRenderOption", "FORMATTED_VALUE", RENDER_OPTIONS)
        major = self._param(query, "majorDimension", "ROWS", ("ROWS", "COLUMNS"))
        value_ranges = []
        for rng in query.get("ranges", []):
            sheet, rect = ss.resolve(rng)
            value_ranges.append(_read(sheet, rect, rng, option, major))
        return {"spreadsheetId": ss.key, "valueRanges": value_ranges}

    # ---- value writes (applied to a copy, swapped in on success: all or nothing) ------------

    def _commit(self, ss: _Spreadsheet, work: _Spreadsheet) -> None:
        if work.cell_count() > MAX_CELLS:
            raise _bad(
                "This action would increase the number of cells in the workbook above the "
                f"limit of {MAX_CELLS} cells."
            )
        self._spreadsheets[ss.key] = work

    def _values_update(
        self, ss: _Spreadsheet, rng: str, query: dict[str, list[str]], payload: dict[str, Any]
    ) -> Any:
        option = query.get("valueInputOption", [""])[-1]
        if not option:
            raise _bad("'valueInputOption' is required but not specified")
        work = copy.deepcopy(ss)
        sheet, rect = work.resolve(rng)
        self._guard(work, sheet)
        out = _write(
            sheet, rect, rng, payload.get("values", []), option, payload.get("majorDimension")
        )
        self._commit(ss, work)
        return self._with_data({"spreadsheetId": ss.key, **out}, sheet, query)

    def _with_data(self, out: dict[str, Any], sheet: _Sheet, query: dict[str, list[str]]) -> Any:
        if query.get("includeValuesInResponse", ["false"])[-1].lower() == "true":
            option = query.get("responseValueRenderOption", ["FORMATTED_VALUE"])[-1]
            a1 = out["updatedRange"].split("!", 1)[1]
            rect = parse_a1(a1)
            if rect is not None:
                out["updatedData"] = _read(sheet, rect, out["updatedRange"], option, "ROWS")
        return out

    def _values_batch_update(self, ss: _Spreadsheet, payload: dict[str, Any]) -> Any:
        option = payload.get("valueInputOption") or ""
        if not option:
            raise _bad("'valueInputOption' is required but not specified")
        work = copy.deepcopy(ss)
        responses, sheets = [], set()
        for entry in payload.get("data") or []:
            rng = entry.get("range", "")
            sheet, rect = work.resolve(rng)
            self._guard(work, sheet)
            out = _write(
                sheet, rect, rng, entry.get("values", []), option, entry.get("majorDimension")
            )
            responses.append({"spreadsheetId": ss.key, **out})
            if out.get("updatedCells"):
                sheets.add(sheet.sheet_id)
        self._commit(ss, work)
        result: dict[str, Any] = {"spreadsheetId": ss.key, "responses": responses}
        totals = {
            "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
            "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len(sheets),
        }
        result.update({k: v for k, v in totals.items() if v})
        return result

    def _values_batch_clear(
        self, ss: _Spreadsheet, payload: dict[str, Any], single: bool = False
    ) -> Any:
        work = copy.deepcopy(ss)
        cleared = []
        for rng in payload.get("ranges") or []:
            sheet, rect = work.resolve(rng)
            self._guard(work, sheet)
            cleared.append(_clear(sheet, rect, rng))
        self._commit(ss, work)
        if single:
            return {"spreadsheetId": ss.key, "clearedRange": cleared[0]}
        return {"spreadsheetId": ss.key, "clearedRanges": cleared}

    def _values_append(
        self, ss: _Spreadsheet, rng: str, query: dict[str, list[str]], payload: dict[str, Any]
    ) -> Any:
        option = query.get("valueInputOption", [""])[-1]
        if not option:
            raise _bad("'valueInputOption' is required but not specified")
        insert = self._param(query, "insertDataOption", "OVERWRITE", ("OVERWRITE", "INSERT_ROWS"))
        work = copy.deepcopy(ss)
        sheet, rect = work.resolve(rng)
        self._guard(work, sheet)
        r0, c0, _, c1 = _bounded(sheet, replace_end(rect), rng)
        rows = payload.get("values", [])
        if payload.get("majorDimension") == "COLUMNS":
            rows = _transpose(rows)
        # The "table" is the run of non-empty rows (within the range's columns) that starts at
        # the range's first row; values go to the first empty row after it. So a blank row in
        # the middle of the data receives the append, and an empty anchor row (gspread's
        # insert_rows) is written in place, as with Google.
        filled: dict[int, list[int]] = {}
        for (r, c), cell in sheet.cells.items():
            if r >= r0 and c0 <= c < c1 and cell.value is not None:
                filled.setdefault(r, []).append(c)
        table_end = r0
        while table_end in filled:
            table_end += 1
        table_cols = [c for r in range(r0, table_end) for c in filled[r]]
        start_col = min(table_cols, default=c0)
        out: dict[str, Any] = {"spreadsheetId": ss.key}
        if table_cols:
            box = a1_text(r0, start_col, table_end, max(table_cols) + 1)
            out["tableRange"] = f"{quote_title(sheet.title)}!{box}"
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        if start_col + width > sheet.cols:
            raise _grid_error(sheet, f"{col_letters(sheet.cols)}{table_end + 1}")
        if insert == "INSERT_ROWS" and height:
            sheet.shift(0, table_end, height)
            sheet.resize(rows=sheet.rows + height)
        elif table_end + height > sheet.rows:
            sheet.resize(rows=table_end + height)
        anchor = Rect(table_end, start_col, None, None, anchor=True)
        text = f"{col_letters(start_col)}{table_end + 1}"
        updates = _write(sheet, anchor, text, rows, option, "ROWS")
        self._commit(ss, work)
        out["updates"] = self._with_data({"spreadsheetId": ss.key, **updates}, sheet, query)
        return out

    # ---- spreadsheets:batchUpdate ----------------------------------------------------------

    _COSMETIC = frozenset(
        {
            "repeatCell",
            "updateBorders",
            "autoResizeDimensions",
            "updateDimensionProperties",
            "mergeCells",
            "unmergeCells",
            "addConditionalFormatRule",
            "deleteConditionalFormatRule",
            "addProtectedRange",
            "deleteProtectedRange",
            "setBasicFilter",
            "clearBasicFilter",
            "addBanding",
        }
    )

    def _batch_update(self, ss: _Spreadsheet, payload: dict[str, Any]) -> Any:
        requests_ = payload.get("requests")
        if not isinstance(requests_, list) or not requests_:
            raise _bad("Must specify at least one request.")
        work = copy.deepcopy(ss)
        replies = []
        for i, req in enumerate(requests_):
            if not isinstance(req, dict) or len(req) != 1:
                raise _bad(f"Invalid requests[{i}]: exactly one request kind per entry")
            ((name, body),) = req.items()
            prefix = f"Invalid requests[{i}].{name}: "
            handler = getattr(self, f"_req_{name}", None)
            try:
                if handler is not None:
                    replies.append(handler(work, body or {}))
                elif name in self._COSMETIC:
                    work.other_requests.append(copy.deepcopy(req))
                    replies.append({})
                else:
                    raise _bad(f"the fake Sheets server does not model '{name}'")
            except ApiError as exc:
                raise _bad(prefix + exc.message) from None
        self._commit(ss, work)
        return {"spreadsheetId": ss.key, "replies": replies}

    @staticmethod
    def _sheet_by_id(ss: _Spreadsheet, sheet_id: Any) -> _Sheet:
        sheet = ss.by_id(sheet_id)
        if sheet is None:
            raise _bad(f"No grid with id: {sheet_id}")
        return sheet

    def _req_addSheet(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        props = body.get("properties") or {}
        title = props.get("title")
        if title is None:
            n = len(ss.sheets) + 1
            while ss.title_taken(f"Sheet{n}"):
                n += 1
            title = f"Sheet{n}"
        if not str(title).strip():
            raise _bad("The sheet title must not be empty.")
        if ss.title_taken(title):
            raise _bad(
                f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is not None and ss.by_id(sheet_id) is not None:
            raise _bad(f"A sheet with the id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        rows, cols = grid.get("rowCount", DEFAULT_ROWS), grid.get("columnCount", DEFAULT_COLS)
        if rows < 1 or cols < 1:
            raise _bad("The grid must have at least one row and one column.")
        sheet = ss.new_sheet(title, rows, cols, sheet_id)
        for name, value in props.items():
            if name not in ("title", "sheetId", "index", "gridProperties", "sheetType"):
                sheet.props[name] = copy.deepcopy(value)
        for name, value in grid.items():
            sheet.props["gridProperties"].setdefault(name, value)
        index = props.get("index", len(ss.sheets))
        ss.sheets.insert(max(0, min(int(index), len(ss.sheets))), sheet)
        ss.reindex()
        return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}

    def _req_deleteSheet(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        sheet = self._sheet_by_id(ss, body.get("sheetId"))
        self._guard(ss, sheet)
        if len(ss.sheets) == 1:
            raise _bad("You can't remove all the sheets in a document.")
        ss.sheets.remove(sheet)
        ss.reindex()
        return {}

    def _req_updateSheetProperties(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        props = body.get("properties") or {}
        sheet = self._sheet_by_id(ss, props.get("sheetId"))
        self._guard(ss, sheet)
        for path, value in _masked_updates(props, body.get("fields") or ""):
            if path == "sheetId":
                continue
            if path == "title":
                if not isinstance(value, str) or not value.strip():
                    raise _bad("The sheet title must not be empty.")
                if ss.title_taken(value, except_id=sheet.sheet_id):
                    raise _bad(
                        f'A sheet with the name "{value}" already exists. '
                        "Please enter another name."
                    )
                sheet.props["title"] = value
            elif path == "index":
                ss.sheets.remove(sheet)
                ss.sheets.insert(max(0, min(int(value or 0), len(ss.sheets))), sheet)
                ss.reindex()
            elif path in ("gridProperties.rowCount", "gridProperties.columnCount"):
                if not isinstance(value, int) or value < 1:
                    raise _bad(f"Invalid {path}: {value}")
                if path.endswith("rowCount"):
                    sheet.resize(rows=value)
                else:
                    sheet.resize(cols=value)
            else:
                _set_path(sheet.props, path, value)
        return {}

    def _req_updateSpreadsheetProperties(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        props = body.get("properties") or {}
        for path, value in _masked_updates(props, body.get("fields") or ""):
            _set_path(ss.props, path, value)
        return {}

    def _grid_range(
        self, ss: _Spreadsheet, grid: dict[str, Any]
    ) -> tuple[_Sheet, int, int, int, int]:
        sheet = self._sheet_by_id(ss, grid.get("sheetId", 0))
        r0, r1 = grid.get("startRowIndex", 0), grid.get("endRowIndex", sheet.rows)
        c0, c1 = grid.get("startColumnIndex", 0), grid.get("endColumnIndex", sheet.cols)
        if not (0 <= r0 < r1 <= sheet.rows and 0 <= c0 < c1 <= sheet.cols):
            raise _grid_error(sheet, a1_text(r0, c0, max(r1, r0 + 1), max(c1, c0 + 1)))
        return sheet, r0, c0, r1, c1

    def _req_setDataValidation(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        sheet, r0, c0, r1, c1 = self._grid_range(ss, body.get("range") or {})
        self._guard(ss, sheet, (r0, r1))
        rule = body.get("rule")
        for r in range(r0, r1):
            for c in range(c0, c1):
                cell = sheet.cells.get((r, c))
                if cell is None:
                    if rule is None:
                        continue
                    cell = sheet.cells[(r, c)] = _Cell()
                cell.validation = copy.deepcopy(rule)
                if cell.value is None and cell.validation is None:
                    del sheet.cells[(r, c)]
        return {}

    @staticmethod
    def _axis(dimension: Any) -> int:
        if dimension == "ROWS":
            return 0
        if dimension == "COLUMNS":
            return 1
        raise _bad(f"Invalid dimension: {dimension}")

    def _req_appendDimension(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        sheet = self._sheet_by_id(ss, body.get("sheetId"))
        length = body.get("length")
        if not isinstance(length, int) or length < 1:
            raise _bad("length must be a positive number")
        if self._axis(body.get("dimension")) == 0:
            sheet.resize(rows=sheet.rows + length)
        else:
            sheet.resize(cols=sheet.cols + length)
        return {}

    def _dimension_range(
        self, ss: _Spreadsheet, body: dict[str, Any]
    ) -> tuple[_Sheet, int, int, int]:
        rng = body.get("range") or {}
        sheet = self._sheet_by_id(ss, rng.get("sheetId"))
        axis = self._axis(rng.get("dimension"))
        start, end = rng.get("startIndex", 0), rng.get("endIndex")
        if not isinstance(end, int) or not 0 <= start < end:
            raise _bad(f"Invalid dimension range: {start}..{end}")
        return sheet, axis, start, end

    def _req_insertDimension(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        sheet, axis, start, end = self._dimension_range(ss, body)
        self._guard(ss, sheet)
        size = sheet.rows if axis == 0 else sheet.cols
        if start > size:
            raise _bad(f"Cannot insert at index {start}: the sheet only has {size}.")
        sheet.shift(axis, start, end - start)
        if axis == 0:
            sheet.props["gridProperties"]["rowCount"] += end - start
        else:
            sheet.props["gridProperties"]["columnCount"] += end - start
        return {}

    def _req_deleteDimension(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        sheet, axis, start, end = self._dimension_range(ss, body)
        self._guard(ss, sheet)
        size = sheet.rows if axis == 0 else sheet.cols
        if end > size:
            raise _bad(f"Cannot delete {start}..{end}: the sheet only has {size}.")
        if start == 0 and end == size:
            what = "rows" if axis == 0 else "columns"
            raise _bad(f"You can't delete all the {what} on the sheet.")
        sheet.shift(axis, start, -(end - start))
        if axis == 0:
            sheet.props["gridProperties"]["rowCount"] -= end - start
        else:
            sheet.props["gridProperties"]["columnCount"] -= end - start
        return {}

    def _req_sortRange(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        """Sort the rows of a grid range by columns (what a person's "Sort range" does)."""
        grid = body.get("range") or {}
        sheet = self._sheet_by_id(ss, grid.get("sheetId", 0))
        self._guard(ss, sheet)
        start = int(grid.get("startRowIndex", 0))
        end = int(grid.get("endRowIndex", sheet.rows))
        specs = body.get("sortSpecs") or []
        if not specs:
            raise _bad("sortSpecs is required.")
        rows = list(range(end - start))

        def sort_key(offset: int) -> tuple[Any, ...]:
            key: list[Any] = []
            for spec in specs:
                col = int(spec.get("dimensionIndex", 0))
                value = render(sheet.get(start + offset, col))
                # Blanks last (as Sheets does), numbers before text.
                if value is None or value == "":
                    key.append((2, 0, ""))
                elif isinstance(value, (int, float)):
                    key.append((0, value, ""))
                else:
                    key.append((1, 0, str(value).casefold()))
            return tuple(key)

        order = rows
        for spec in reversed(specs):
            index = specs.index(spec)
            descending = spec.get("sortOrder") == "DESCENDING"
            order = sorted(order, key=lambda o, i=index: sort_key(o)[i], reverse=descending)
            if descending:  # blanks stay last in both orders
                blanks = [o for o in order if sort_key(o)[index][0] == 2]
                order = [o for o in order if sort_key(o)[index][0] != 2] + blanks
        sheet.permute_rows(start, order)
        return {}

    def _req_moveDimension(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        """Move rows (dragging them in the grid): cells go along with their rows."""
        source = body.get("source") or {}
        sheet, axis, start, end = self._dimension_range(ss, {"range": source})
        self._guard(ss, sheet)
        if axis != 0:
            raise _bad("The fake moves rows only.")
        destination = int(body.get("destinationIndex", 0))
        rows = list(range(sheet.rows))
        block = rows[start:end]
        rest = rows[:start] + rows[end:]
        insert_at = destination if destination <= start else destination - len(block)
        order = rest[:insert_at] + block + rest[insert_at:]
        sheet.permute_rows(0, order)
        return {}

    # ---- rows moved by a person (in-process shortcuts for tests) ---------------------------

    def sort_rows(
        self, key: str, title: str, column: int, *, descending: bool = False, header: int = 1
    ) -> None:
        """Sort a worksheet's rows below the header by a column, as a person would."""
        with self._lock:
            ss = self._spreadsheets[key]
            sheet = self._sheet(key, title)
            self._req_sortRange(
                ss,
                {
                    "range": {"sheetId": sheet.sheet_id, "startRowIndex": header},
                    "sortSpecs": [
                        {
                            "dimensionIndex": column,
                            "sortOrder": "DESCENDING" if descending else "ASCENDING",
                        }
                    ],
                },
            )

    def reverse_rows(self, key: str, title: str, *, header: int = 1) -> None:
        """Reverse the order of the used rows below the header."""
        with self._lock:
            sheet = self._sheet(key, title)
            valued = [r for (r, _c), cell in sheet.cells.items() if cell.value not in (None, "")]
            used = max(valued, default=header - 1) + 1
            count = max(0, used - header)
            sheet.permute_rows(header, list(reversed(range(count))))

    def delete_rows(self, key: str, title: str, first: int, last: int) -> None:
        """Delete rows ``first``..``last`` (1-based, inclusive), shifting the rest up."""
        with self._lock:
            ss = self._spreadsheets[key]
            sheet = self._sheet(key, title)
            self._req_deleteDimension(
                ss,
                {
                    "range": {
                        "sheetId": sheet.sheet_id,
                        "dimension": "ROWS",
                        "startIndex": first - 1,
                        "endIndex": last,
                    }
                },
            )

    # ---- protected ranges ------------------------------------------------------------------

    PROTECTED_MESSAGE = (
        "You are trying to edit a protected cell or object. Please contact the spreadsheet "
        "owner to remove protection if you need to edit."
    )

    def _may_edit(self, ss: _Spreadsheet, protection: dict[str, Any]) -> bool:
        user = getattr(self._user, "name", "")
        if not user or user == ss.owner or protection.get("warningOnly"):
            return True
        editors = protection.get("editors") or {}
        # Every user of the fake is in one domain (fake-project...): "everyone in the
        # domain may edit" opens the range to all of them.
        return bool(editors.get("domainUsersCanEdit")) or user in editors.get("users", [])

    def _guard(self, ss: _Spreadsheet, sheet: _Sheet, rows: tuple[int, int] | None = None) -> None:
        """Refuse a change to a protected sheet (or rows of it) by a user who is no editor."""
        for protection in ss.protections(sheet.sheet_id):
            grid = protection["range"]
            if rows is not None and "startRowIndex" in grid:
                start, end = grid.get("startRowIndex", 0), grid.get("endRowIndex", sheet.rows)
                if rows[1] <= start or rows[0] >= end:
                    continue
            if not self._may_edit(ss, protection):
                raise ApiError(403, self.PROTECTED_MESSAGE)

    def _req_addProtectedRange(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        protection = copy.deepcopy(body.get("protectedRange") or {})
        grid = protection.get("range") or {}
        sheet = self._sheet_by_id(ss, grid.get("sheetId", 0))
        protection["range"] = {"sheetId": sheet.sheet_id, **grid}
        protection["protectedRangeId"] = ss.next_protection_id
        ss.next_protection_id += 1
        editors = protection.setdefault("editors", {})
        users = editors.setdefault("users", [])
        for user in (getattr(self._user, "name", ""), ss.owner):  # Google adds them itself
            if user and user not in users:
                users.append(user)
        ss.protected.append(protection)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(protection)}}

    def _protection(self, ss: _Spreadsheet, protection_id: Any) -> dict[str, Any]:
        for protection in ss.protected:
            if protection["protectedRangeId"] == protection_id:
                return protection
        raise _bad(f"No protected range with id: {protection_id}")

    def _req_deleteProtectedRange(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        protection = self._protection(ss, body.get("protectedRangeId"))
        if not self._may_edit(ss, protection):
            raise ApiError(403, self.PROTECTED_MESSAGE)
        ss.protected.remove(protection)
        return {}

    def _req_updateProtectedRange(self, ss: _Spreadsheet, body: dict[str, Any]) -> Any:
        update = body.get("protectedRange") or {}
        protection = self._protection(ss, update.get("protectedRangeId"))
        if not self._may_edit(ss, protection):
            raise ApiError(403, self.PROTECTED_MESSAGE)
        for path, value in _masked_updates(update, body.get("fields") or ""):
            if path != "protectedRangeId":
                _set_path(protection, path, value)
        return {}

    def protections(self, key: str, title: str) -> list[dict[str, Any]]:
        """The protected ranges of a worksheet (in-process shortcut for tests)."""
        with self._lock:
            ss = self._spreadsheets[key]
            return copy.deepcopy(ss.protections(self._sheet(key, title).sheet_id))

    # ---- HTTP control endpoints (/_fake/...) -----------------------------------------------

    def _control(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> _Response:
        payload = self._body(body)
        parts = [unquote(p) for p in path.split("/")[2:]]
        try:
            result = self._control_dispatch(method, parts, query, payload)
        except (KeyError, ValueError, TypeError) as exc:
            return _json_response(400, {"error": {"code": 400, "message": str(exc)}})
        return _json_response(200, result)

    def _control_dispatch(
        self, method: str, parts: list[str], query: dict[str, list[str]], p: dict[str, Any]
    ) -> Any:
        match method, parts:
            case "GET", ["health"]:
                return {"ok": True, "base_url": self.base_url}
            case "GET", ["service_account"]:
                return self.service_account_info()
            case "POST", ["faults"]:
                if "inject" in p:
                    self.inject(**p["inject"])
                if "fail_for" in p:
                    self.fail_for(**p["fail_for"])
                if "drop_next" in p:
                    self.drop_next(**p["drop_next"])
                if p.get("clear"):
                    self.clear_faults()
                return {"ok": True}
            case "POST", ["quota"]:
                self.set_quota(p.get("per_minute"))
                return {"ok": True}
            case "POST", ["expire_tokens"]:
                self.expire_tokens()
                return {"ok": True}
            case "GET", ["log"]:
                kind = query.get("kind", [None])[0]
                return {
                    "records": [asdict(r) for r in self.requests_log()],
                    "peak_per_minute": self.peak_per_minute(kind),
                }
            case "POST", ["reset_log"]:
                self.reset_log()
                return {"ok": True}
            case "POST", ["spreadsheets"]:
                key = self.create_spreadsheet(**p)
                return {"spreadsheetId": key}
            case "GET", ["dump", key]:
                return self.dump(key)
            case "GET", ["cell", key]:
                value = self.cell(key, query["title"][0], query["a1"][0])
                return {"value": value.value, "formula": value.formula}
            case "POST", ["spreadsheets", key, action]:
                return self._sheet_action(key, action, p)
        raise KeyError(f"unknown control endpoint: {method} /_fake/{'/'.join(parts)}")

    def _sheet_action(self, key: str, action: str, p: dict[str, Any]) -> Any:
        if action == "values":
            self.set_values(key, p["title"], p["rows"], p.get("start", "A1"))
        elif action == "rename":
            self.rename_sheet(key, p["old"], p["new"])
        elif action == "delete":
            self.delete_sheet(key, p["title"])
        elif action == "add":
            self.add_sheet(
                key, p["title"], p.get("rows", DEFAULT_ROWS), p.get("cols", DEFAULT_COLS)
            )
        elif action == "unshare":
            self.unshare(key)
        elif action == "share":
            self.share(key)
        else:
            raise KeyError(f"unknown spreadsheet action: {action}")
        return {"ok": True}


def replace_end(rect: Rect) -> Rect:
    """An anchor (``A1``) used as an append table range means "from here, to the grid's end"."""
    return Rect(rect.r0, rect.c0, None, None) if rect.anchor else rect


_MISSING = object()


def _split_fields(fields: str) -> list[str]:
    """``"title,gridProperties(rowCount,columnCount)"`` -> dotted leaf paths."""
    out: list[str] = []
    depth, token = 0, ""
    for ch in fields + ",":
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            token = token.strip().replace("/", ".")
            if "(" in token and token.endswith(")"):
                base, inner = token[: token.index("(")], token[token.index("(") + 1 : -1]
                out.extend(f"{base}.{leaf}" for leaf in _split_fields(inner))
            elif token:
                out.append(token)
            token = ""
        else:
            token += ch
    return out


def _leaves(value: Any, prefix: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{prefix}.{k}")]
    return [(prefix, value)]


def _masked_updates(props: dict[str, Any], fields: str) -> list[tuple[str, Any]]:
    """The (dotted path, value) pairs a field mask selects; absent values mean "clear"."""
    paths = _split_fields(fields)
    if not paths:
        raise _bad("At least one field must be updated, but none were specified (fields).")
    updates: list[tuple[str, Any]] = []
    for path in paths:
        if path == "*":
            updates.extend(leaf for k, v in props.items() for leaf in _leaves(v, k))
            continue
        value: Any = props
        for part in path.split("."):
            value = value.get(part, _MISSING) if isinstance(value, dict) else _MISSING
        updates.extend(_leaves(value, path) if value is not _MISSING else [(path, _MISSING)])
    return updates


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    if value is _MISSING:
        target.pop(leaf, None)
    else:
        target[leaf] = copy.deepcopy(value)


# --------------------------------------------------------------------------------------------
# Driving a fake in another process over HTTP
# --------------------------------------------------------------------------------------------


class RemoteFakeSheets:
    """The control API of a fake running elsewhere (same method names as the server)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _call(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(
            f"{self.base_url}/_fake/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with self._opener.open(req, timeout=10) as resp:
            return json.loads(resp.read())

    def health(self) -> dict[str, Any]:
        return self._call("GET", "health")

    def service_account_info(self) -> dict[str, Any]:
        return self._call("GET", "service_account")

    def gspread_client(self) -> Any:
        return gspread_client(self.service_account_info(), self.base_url)

    def create_spreadsheet(
        self, title: str = "Fake spreadsheet", sheets: Sequence[str] = ("Sheet1",), **kw: Any
    ) -> str:
        return self._call("POST", "spreadsheets", {"title": title, "sheets": list(sheets), **kw})[
            "spreadsheetId"
        ]

    def dump(self, key: str) -> dict[str, Any]:
        return self._call("GET", f"dump/{key}")

    def values(self, key: str, title: str) -> list[list[Any]]:
        sheet = next(s for s in self.dump(key)["sheets"] if s["title"] == title)
        return sheet["values"]

    def cell(self, sheet_key: str, title: str, a1: str) -> StoredCell:
        got = self._call("GET", f"cell/{sheet_key}?" + urlencode({"title": title, "a1": a1}))
        return StoredCell(got["value"], got["formula"])

    def set_values(
        self, key: str, title: str, rows: Sequence[Sequence[Any]], start: str = "A1"
    ) -> None:
        payload = {"title": title, "rows": [list(r) for r in rows], "start": start}
        self._call("POST", f"spreadsheets/{key}/values", payload)

    def rename_sheet(self, key: str, old: str, new: str) -> None:
        self._call("POST", f"spreadsheets/{key}/rename", {"old": old, "new": new})

    def delete_sheet(self, key: str, title: str) -> None:
        self._call("POST", f"spreadsheets/{key}/delete", {"title": title})

    def add_sheet(
        self, key: str, title: str, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLS
    ) -> None:
        self._call("POST", f"spreadsheets/{key}/add", {"title": title, "rows": rows, "cols": cols})

    def unshare(self, key: str) -> None:
        self._call("POST", f"spreadsheets/{key}/unshare", {})

    def share(self, key: str) -> None:
        self._call("POST", f"spreadsheets/{key}/share", {})

    def inject(
        self, status: int, count: int = 1, *, html: bool = False, kind: str | None = None
    ) -> None:
        self._call(
            "POST",
            "faults",
            {"inject": {"status": status, "count": count, "html": html, "kind": kind}},
        )

    def fail_for(self, seconds: float, status: int = 500) -> None:
        self._call("POST", "faults", {"fail_for": {"seconds": seconds, "status": status}})

    def drop_next(self, n: int = 1, *, apply: bool = False, kind: str | None = None) -> None:
        self._call("POST", "faults", {"drop_next": {"n": n, "apply": apply, "kind": kind}})

    def clear_faults(self) -> None:
        self._call("POST", "faults", {"clear": True})

    def set_quota(self, per_minute: int | None) -> None:
        self._call("POST", "quota", {"per_minute": per_minute})

    def expire_tokens(self) -> None:
        self._call("POST", "expire_tokens", {})

    def requests_log(self) -> list[RequestRecord]:
        return [RequestRecord(**r) for r in self._call("GET", "log")["records"]]

    def peak_per_minute(self, kind: str | None = None) -> int:
        suffix = f"?kind={kind}" if kind else ""
        return self._call("GET", "log" + suffix)["peak_per_minute"]

    def reset_log(self) -> None:
        self._call("POST", "reset_log", {})


@dataclass
class FakeProcess:
    """A fake started with :func:`spawn_fake`: the process, its URL and credentials file."""

    process: subprocess.Popen[bytes]
    base_url: str
    service_account_file: Path
    spreadsheets: dict[str, str]
    remote: RemoteFakeSheets

    def service_account_info(self) -> dict[str, Any]:
        return json.loads(self.service_account_file.read_text())

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM and wait; returns the exit code (0 on a clean stop)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


@contextlib.contextmanager
def spawn_fake(
    workdir: Path,
    quota: int | None = None,
    create: Sequence[str] = (),
    timeout: float = 20,
) -> Iterator[FakeProcess]:
    """Run ``python -m tests.support.fake_sheets`` in a child process until the block ends."""
    ready = Path(workdir) / "fake-sheets.ready.json"
    cmd = [
        sys.executable,
        "-m",
        "tests.support.fake_sheets",
        "--port",
        "0",
        "--ready-file",
        str(ready),
    ]
    if quota is not None:
        cmd += ["--quota", str(quota)]
    for title in create:
        cmd += ["--create", title]
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(cmd, cwd=root)
    try:
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if proc.poll() is not None:
                raise RuntimeError(f"fake Sheets process exited early with {proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("fake Sheets process did not become ready")
            time.sleep(0.05)
        info = json.loads(ready.read_text())
        fake = FakeProcess(
            proc,
            info["base_url"],
            Path(info["service_account_file"]),
            info["spreadsheets"],
            RemoteFakeSheets(info["base_url"]),
        )
        yield fake
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the fake until SIGTERM/SIGINT; announce port and credentials via ``--ready-file``."""
    parser = argparse.ArgumentParser(description="Fake Google Sheets v4 API for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--quota", type=int, default=None, help="requests per minute per user")
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument(
        "--service-account-file",
        type=Path,
        default=None,
        help="where to write the service-account JSON (default: <ready-file>.sa.json)",
    )
    parser.add_argument(
        "--create", action="append", default=[], help="create a spreadsheet with this title"
    )
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    server = FakeSheetsServer(port=args.port, host=args.host, quota_per_minute=args.quota).start()
    try:
        sa_file = args.service_account_file or args.ready_file.with_name(
            args.ready_file.name + ".sa.json"
        )
        _write_atomically(sa_file, json.dumps(server.service_account_info(), indent=2))
        created = {title: server.create_spreadsheet(title=title) for title in args.create}
        ready = {
            "port": server.port,
            "base_url": server.base_url,
            "service_account_file": str(sa_file.resolve()),
            "pid": os.getpid(),
            "spreadsheets": created,
        }
        _write_atomically(args.ready_file, json.dumps(ready, indent=2))
        stop.wait()
    finally:
        server.stop()
        with contextlib.suppress(FileNotFoundError):
            args.ready_file.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
