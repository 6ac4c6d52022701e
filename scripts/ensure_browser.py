"""Make sure the browser tests have a Chromium to drive, before pytest starts.

Order of preference: a Chromium given in CHROMIUM_PATH, a system Chromium
(Debian's `chromium` package, which `.ci/run` installs), then Playwright's own
download (works on an ordinary machine with internet access). If none can be
had, say how to get one and fail: the browser tests are part of the suite and
are never silently skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.browser import find_chromium


def main() -> int:
    if find_chromium():
        return 0
    print("No Chromium found; asking Playwright to download one ...", flush=True)
    playwright = shutil.which("playwright") or str(Path(sys.executable).parent / "playwright")
    result = subprocess.run([playwright, "install", "chromium"], check=False)
    if result.returncode == 0 and find_chromium():
        return 0
    print(
        "The browser tests need Chromium. Install it with your package manager "
        "(Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH.",
        file=sys.stderr,
    )
    return 1 if not os.environ.get("WORKSHOP_SKIP_BROWSER_CHECK") else 0


if __name__ == "__main__":
    raise SystemExit(main())
