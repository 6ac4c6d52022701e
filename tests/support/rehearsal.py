"""Helpers for the release-gate rehearsal (``tests/test_rehearsal.py``).

The rehearsal drives a whole workshop through ``streamlit run`` on the Sheets
backend while faults are injected into a fake Google Sheets API running as a
separate process. What is here is the part worth keeping apart from the script
of the run itself:

* extra *users* of the fake (a person typing into the sheet, an auditor
  recomputing the scores), because Google's quota is per user: their requests
  must not be charged to the app's service account;
* a watch for Streamlit exception boxes on every page of a browser context,
  including ones that flash by between two checks;
* tutors in their own browser contexts, clicking answers like people do;
* failing a step with a clear message and a screenshot of every open page;
* the figures the lead quotes (requests per minute from the fake's log,
  faults injected, answers written and found) and the secrets to look for in logs.
"""

from __future__ import annotations

import json
import random
import re
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.support.browser import ARTIFACTS, field_selector, wait_for_app
from tests.support.fake_sheets import RequestRecord, peak_in_window
from workshop.content.model import Rubric

#: The tutor page's radio options, in order (N/A only where the item allows it).
LEVELS: tuple[str, ...] = ("0", "0.5", "1")
NA = "N/A"


# --------------------------------------------------------------------------- users of the fake


def other_user(info: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A second service account on the same fake: another *user* for the per-user quota.

    The fake verifies token requests against its one key pair and charges each
    request to the JWT's issuer (``client_email``), so the same key under another
    address is, for the quota, another person.
    """
    other = dict(info)
    other["client_email"] = f"{name}@fake-project.iam.gserviceaccount.com"
    other["client_id"] = str(100000000000000000000 + zlib.crc32(name.encode()))
    return other


def write_key_file(path: Path, info: Mapping[str, Any]) -> Path:
    path.write_text(json.dumps(dict(info), indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path


def secret_fragments(private_key_pem: str) -> list[str]:
    """What must never appear in a log: the PEM, its base64 body, and each body line."""
    lines = [
        line.strip()
        for line in private_key_pem.strip().splitlines()
        if line.strip() and not line.startswith("-----")
    ]
    body = "".join(lines)
    fragments = [private_key_pem.strip(), body, *[line for line in lines if len(line) >= 40]]
    # The JSON file writes the newlines as "\n": the escaped form is a separate string.
    fragments.append(json.dumps(private_key_pem)[1:-1][:200])
    return fragments


def leaked(text: str, fragments: Sequence[str]) -> list[str]:
    """The fragments found in ``text`` (shortened, so a failure does not print the secret)."""
    return [
        f"{fragment[:12]}…({len(fragment)} chars)" for fragment in fragments if fragment in text
    ]


# --------------------------------------------------------------------------- the plan


def planned_answers(rubric: Rubric, groups: Sequence[str], seed: int = 20261123) -> dict:
    """Group name -> item id -> the answer its tutor gives: a fixed mix of every level and N/A."""
    plan: dict[str, dict[str, str]] = {}
    for index, name in enumerate(groups):
        rng = random.Random(f"{seed}-{index}")
        answers = {}
        for item in rubric.items:
            options = [*LEVELS, NA] if item.na_allowed else list(LEVELS)
            answers[item.id] = rng.choice(options)
        plan[name] = answers
    return plan


def options_of(rubric: Rubric, item_id: str) -> list[str]:
    item = rubric.item(item_id)
    return [*LEVELS, NA] if item.na_allowed else list(LEVELS)


# --------------------------------------------------------------------------- pages


class ExceptionWatch:
    """Records every Streamlit exception box (``stException``) shown on a context's pages.

    A MutationObserver installed before any page script reports each new box
    through a binding, so an exception that is replaced by the next rerun a
    moment later is still caught.
    """

    SCRIPT = """
    (() => {
      const seen = new WeakSet();
      const check = () => {
        for (const el of document.querySelectorAll('[data-testid="stException"]')) {
          if (seen.has(el)) continue;
          seen.add(el);
          window.__mtsException(location.href + ' :: ' + (el.innerText || '').slice(0, 1500));
        }
      };
      new MutationObserver(check).observe(document, {childList: true, subtree: true});
    })();
    """

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.browser_errors: list[tuple[str, str]] = []  # the page's own JavaScript errors

    def attach(self, context: BrowserContext, role: str) -> BrowserContext:
        context.expose_binding(
            "__mtsException", lambda _source, text: self.seen.append((role, str(text)))
        )
        context.add_init_script(self.SCRIPT)
        context.on(
            "weberror", lambda error: self.browser_errors.append((role, str(error.error)[:500]))
        )
        context.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.browser_errors.append(
                    (role, f"console: {message.text[:500]} [{message.location.get('url', '')}]")
                )
            ),
        )
        return context

    #: Streamlit's frontend probes the page's own path for its endpoints before the
    #: server root (``/tutor/_stcore/health`` answers 404): expected, not a fault.
    EXPECTED = re.compile(
        r"status of 404 .*\[https?://[^/]+/[^/\]]+/_stcore/(health|host-config)\]"
    )

    def unexpected_browser_errors(self) -> list[tuple[str, str]]:
        return [(who, text) for who, text in self.browser_errors if not self.EXPECTED.search(text)]


def countdown(page: Page) -> tuple[str, float, float]:
    """(display, remaining seconds, server time of the render) of the page's countdown.

    Read in one go from the newest countdown element: while a fragment reruns,
    the previous render may still be in the page for a moment.
    """
    found = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="countdown"]')].map(e => [
            e.innerText.trim(), e.getAttribute('data-remaining'),
            e.getAttribute('data-rendered-at')])"""
    )
    assert found, f"no countdown on {page.url}"
    text, remaining, at = max(found, key=lambda f: float(f[2] or "-inf"))
    return text, float(remaining), float(at)


def display_seconds(display: str) -> int:
    """ "4:05" -> 245, "+0:07" (overtime) -> -7."""
    sign = -1 if display.startswith("+") else 1
    minutes, seconds = display.lstrip("+").split(":")
    return sign * (int(minutes) * 60 + int(seconds))


_STARTED = [time.monotonic()]
#: (seconds since the start, what happened): the run's timeline, for the figures.
TIMELINE: list[tuple[float, str]] = []


def start_progress() -> None:
    _STARTED[0] = time.monotonic()
    TIMELINE.clear()


def progress(message: str) -> None:
    """One line of the run's timeline (printed, so a failure shows how far it got)."""
    at = round(time.monotonic() - _STARTED[0], 1)
    TIMELINE.append((at, message))
    print(f"[rehearsal {at:6.1f} s] {message}", flush=True)


@contextmanager
def step(name: str, pages: Mapping[str, Page]) -> Iterator[None]:
    """Run one step of the rehearsal; on failure, screenshot every page and say which step."""
    progress(name)
    try:
        yield
    except Exception as error:
        ARTIFACTS.mkdir(exist_ok=True)
        shots = []
        for role, page in pages.items():
            path = ARTIFACTS / f"rehearsal-failed-{_slug(name)}-{_slug(role)}.png"
            try:
                page.screenshot(path=str(path))
                shots.append(path.name)
                # The main area scrolls by itself: keep its whole text next to the picture.
                text = page.evaluate("() => document.body.innerText")
                status = page.evaluate(
                    """() => [...document.querySelectorAll(
                        '[data-testid="stStatusWidget"], [data-testid="stConnectionStatus"]')]
                        .map(e => e.getAttribute('data-testid') + ': ' + e.innerText)"""
                )
                path.with_suffix(".txt").write_text(
                    f"url: {page.url}\nstatus: {status}\n\n{text}", encoding="utf-8"
                )
            except Exception:  # a closed page cannot be photographed; the others still are
                pass
        raise AssertionError(
            f"rehearsal step “{name}” failed: {error}\n"
            f"screenshots in test-artifacts/: {', '.join(shots) or 'none'}"
        ) from error


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Tutor:
    """One tutor's page: clicks answers, waits for them to be counted and saved."""

    name: str  # the group's name
    page: Page
    rubric: Rubric
    clicked: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    last_click: float = 0.0

    def open(self, link: str) -> None:
        self.page.goto(link)
        wait_for_app(self.page, timeout=60_000)

    def radio(self, item_id: str, value: str):
        index = options_of(self.rubric, item_id).index(value)
        return (
            self.page.locator(field_selector("ans", item_id))
            .locator('label[data-testid="stRadioOption"]')
            .nth(index)
        )

    def expect_checked(self, item_id: str, value: str, timeout: float = 60_000) -> None:
        index = options_of(self.rubric, item_id).index(value)
        expect(
            self.page.locator(field_selector("ans", item_id))
            .locator("input[type=radio]")
            .nth(index)
        ).to_be_checked(timeout=timeout)

    def expect_answered(self, count: int, timeout: float = 60_000) -> None:
        try:
            expect(self.page.get_by_text(f"· {count} of 7 answered")).to_be_visible(timeout=timeout)
        except AssertionError:
            raise AssertionError(
                f"{self.name}'s page does not show {count} of 7 answered; {self.liveness()}"
            ) from None

    def liveness(self) -> str:
        """Whether the page still redraws: its countdown is re-rendered every second."""
        try:
            _text, _remaining, rendered_at = countdown(self.page)
        except Exception as error:  # no countdown at all says something too
            return f"no countdown on the page ({error})"
        age = time.time() - rendered_at
        if age > 10:
            return f"the page stopped redrawing: its countdown was rendered {age:.0f} s ago"
        return f"the page still redraws (countdown rendered {age:.1f} s ago)"

    def click(self, item_id: str, value: str, *, min_interval: float = 1.0) -> None:
        """Click like a person: not faster than one answer per ``min_interval`` seconds."""
        wait = self.last_click + min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.radio(item_id, value).click(timeout=60_000)
        self.last_click = time.monotonic()
        self.clicked[item_id] = value

    def expect_saved(self, timeout: float = 90_000) -> None:
        expect(self.page.get_by_text("All changes saved")).to_be_visible(timeout=timeout)


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class RequestFigures:
    """Requests per minute and faults, from the fake's own log."""

    peak_total: int  # every user, admitted requests, any 60 s window
    peak_by_user: dict[str, int]
    peak_app: dict[str, int]  # the app's account: "all", "read", "write", "meta"
    requests_by_user: dict[str, int]
    quota_refusals: int  # 429s the fake sent because a user was over the quota
    injected_429: int
    injected_5xx: int
    dropped: int
    dropped_writes: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def request_figures(records: Sequence[RequestRecord], app_user: str) -> RequestFigures:
    api = [r for r in records if r.kind in ("read", "write", "meta", "other")]
    counted = [r for r in api if r.counted]
    users = sorted({r.user for r in counted})
    app = [r for r in counted if r.user == app_user]
    return RequestFigures(
        peak_total=peak_in_window([r.t for r in counted]),
        peak_by_user={u: peak_in_window([r.t for r in counted if r.user == u]) for u in users},
        peak_app={
            "all": peak_in_window([r.t for r in app]),
            **{k: peak_in_window([r.t for r in app if r.kind == k]) for k in ("read", "write")},
            "meta": peak_in_window([r.t for r in app if r.kind == "meta"]),
        },
        requests_by_user={u: sum(1 for r in counted if r.user == u) for u in users},
        # An injected fault answers before the caller is identified; the quota check after.
        quota_refusals=sum(1 for r in api if r.status == 429 and r.user and not r.counted),
        injected_429=sum(1 for r in api if r.status == 429 and not r.user),
        injected_5xx=sum(1 for r in api if r.status >= 500 and not r.counted),
        dropped=sum(1 for r in api if r.dropped),
        dropped_writes=sum(1 for r in api if r.dropped and r.kind == "write"),
    )


def sheet_answers(rows: Sequence[Sequence[Any]]) -> dict[str, list[str]]:
    """Item id -> every score found for it in a group worksheet (a list, to see duplicates)."""
    if not rows:
        return {}
    header = [str(name).strip().lower() for name in rows[0]]
    item_col, score_col = header.index("item_id"), header.index("score")
    found: dict[str, list[str]] = {}
    for row in rows[1:]:
        item = str(row[item_col]).strip() if item_col < len(row) else ""
        if not item:
            continue
        score = str(row[score_col]).strip() if score_col < len(row) else ""
        found.setdefault(item, []).append(score)
    return found


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": round(ordered[len(ordered) // 2], 2),
        "p90": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 2),
        "max": round(ordered[-1], 2),
    }
