"""Find the Chromium the end-to-end tests drive through Playwright."""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

# Flags a sandboxed, offline machine needs: no background calls to Google's hosts.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def find_chromium() -> str | None:
    """Path of a Chromium binary, or None (then Playwright's bundled one may exist)."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit and Path(explicit).is_file():
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache/ms-playwright"))
    bundled = sorted(glob.glob(str(cache / "chromium-*/chrome-linux*/chrome")))
    return bundled[-1] if bundled else None


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def launch(playwright):
    """Headless Chromium with the flags this offline machine needs."""
    return playwright.chromium.launch(
        executable_path=find_chromium(), headless=True, args=list(CHROMIUM_ARGS)
    )


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has rendered and is not running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText"
        ".includes('Running')",
        timeout=timeout,
    )


def save_screenshot(page, name: str, *, readme: bool = True) -> None:
    """A 1280x720 screenshot as a test artifact, and into the README's folder when asked.

    ``make screenshots`` sets WORKSHOP_SCREENSHOTS_DIR=docs/screenshots so the
    README shows exactly what the test suite saw; ``readme=False`` keeps a
    picture only among the artifacts.
    """
    import os

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    target = os.environ.get("WORKSHOP_SCREENSHOTS_DIR")
    if target and readme:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / name))


def scroll_to_top_of(page, text: str) -> None:
    """Scroll the main area so the element showing ``text`` is at the top of the screen."""
    page.get_by_text(text).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(400)


def scroll_to_page_top(page) -> None:
    """Scroll the main area back to its top (where the page's notices are)."""
    page.locator('[data-testid="stMainBlockContainer"]').evaluate(
        "e => e.scrollIntoView({block: 'start'})"
    )
    page.wait_for_timeout(400)


def field_selector(kind: str, item_id: str) -> str:
    """CSS for the tutor page's widget of one field, whatever generation of its key is drawn.

    The page draws a field under a new key (``ans_data-1__g2``) when it changed
    elsewhere, so tests find it by the stable part of the key. While a rerun
    is drawing, the widget of the previous run can still be on screen (marked
    ``data-stale``) next to the new one; only the current one counts.
    """
    fresh = ':not([data-stale="true"])'
    return f'.st-key-{kind}_{item_id}{fresh}, [class*="st-key-{kind}_{item_id}__g"]{fresh}'
