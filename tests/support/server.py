"""Start the real app with ``streamlit run`` for end-to-end tests, and stop it afterwards.

Every server started here gets the app secret :data:`APP_SECRET` (unless the
test passes its own ``WORKSHOP_APP_SECRET``), so a test computes the join codes
and results links the pages expect with :data:`KEYS`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from workshop import keys
from workshop.access import Keys

ROOT = Path(__file__).resolve().parents[2]
#: The app secret of every browser test's server (join codes and tokens derive from it).
APP_SECRET = "e2e-app-secret-0123456789abcdefghijklmnop"
#: The same secret as :class:`Keys`, to compute the codes and links the server expects.
KEYS = Keys(keys.secret_bytes(APP_SECRET))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    url: str
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def streamlit_app(
    workdir: Path, env: Mapping[str, str] | None = None, timeout: float = 60.0
) -> Iterator[AppServer]:
    """``streamlit run app.py`` on a free port with a fresh SQLite file unless told otherwise."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("WORKSHOP_") and key != "GOOGLE_APPLICATION_CREDENTIALS"
    }
    environment.update(
        {
            "WORKSHOP_DB": str(workdir / "e2e.sqlite3"),
            "WORKSHOP_PUBLIC_URL": url,
            "WORKSHOP_APP_SECRET": APP_SECRET,
            "PYTHONUNBUFFERED": "1",
        }
    )
    environment.update(env or {})
    log_path = workdir / f"streamlit-{port}.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.port", str(port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
            ],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = AppServer(url=url, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{server.log()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start in {timeout} s:\n{server.log()}")
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
