"""The installed package works outside the checkout, like the tools its users already run.

The wheel is built from this checkout, installed (not editable) into a fresh
virtual environment in a temporary folder, and used from there with the
checkout out of reach: ``workshop --version``, ``workshop validate`` on the
shipped content, ``workshop score`` on a CSV, ``workshop sheets prepare``
against the local fake of the Sheets API, and ``workshop serve`` with one page
load in headless Chromium. User data must land in the data folder, never in
site-packages; join links must use the address the browser used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import workshop
from tests.support.fake_sheets import FakeSheetsServer
from tests.support.server import free_port
from workshop.commands.serve import STREAMLIT_OPTIONS

pytestmark = [pytest.mark.browser, pytest.mark.package]

ROOT = Path(__file__).resolve().parents[1]


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return flat


def test_workshop_serve_uses_the_same_streamlit_options_as_the_checkout() -> None:
    checkout = _flatten(tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text()))
    assert checkout == STREAMLIT_OPTIONS


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv outside the checkout with the wheel built from it installed."""
    place = tmp_path_factory.mktemp("installed")
    dist = place / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True, cwd=place, timeout=600,
    )  # fmt: skip
    wheels = list(dist.glob("ml_test_score_workshop-*.whl"))
    assert len(wheels) == 1, wheels
    venv = place / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheels[0])],
        check=True, cwd=place, timeout=900,
    )  # fmt: skip
    yield venv


def _env(place: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WORKSHOP_", "STREAMLIT_", "PYTHON"))
        and k != "GOOGLE_APPLICATION_CREDENTIALS"
    }
    env.update({"WORKSHOP_DATA_DIR": str(place / "user-data"), **extra})
    return env


def _workshop(
    venv: Path, *args: str, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / "workshop"), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_wheel_holds_the_code_the_views_and_the_content(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w"]
    subprocess.run([*command, str(tmp_path), str(ROOT)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {str(path.parent.relative_to(ROOT)) for path in ROOT.glob("workshop/**/__init__.py")}
    for package in packages:  # every subpackage of the domain ships
        assert f"{package}/__init__.py" in names, package
    for expected in (
        "views/app.py", "views/tutor.py", "views/assets/favicon.png",
        "views/assets/countdown.js", "workshop_content/ui/room.yaml",
        "workshop_content/rubrics/ml-test-score.yaml", "workshop_content/ui/tutor.yaml",
        "workshop_content/agendas/standard-60.yaml", "workshop_content/demo/demo.yaml",
    ):  # fmt: skip
        assert expected in names, expected
    assert not any(name.startswith(("tests/", "benchmarks/", "docs/")) for name in names)


def test_the_command_line_works_from_an_installed_copy(installed: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    version = _workshop(installed, "--version", cwd=tmp_path, env=env)
    assert version.stdout.strip() == f"workshop {workshop.__version__}"

    valid = _workshop(installed, "validate", cwd=tmp_path, env=env)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("OK: 1 rubrics")

    # Every Data test done by hand (0.5), everything else automated (1): Data 3.5 is the
    # lowest section, so the final score is 3.5 (hand-computed).
    rows = ["item_id,score,note"]
    for section in ("data", "model", "infra", "monitor"):
        for n in range(1, 8):
            rows.append(f"{section}-{n},{'0.5' if section == 'data' else '1'},")
    answers = tmp_path / "answers.csv"
    answers.write_text("\n".join(rows) + "\n", encoding="utf-8")
    scored = _workshop(installed, "score", str(answers), "--format", "json", cwd=tmp_path, env=env)
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert result["final"] == 3.5

    with FakeSheetsServer() as fake:
        key = fake.create_spreadsheet("Installed copy")
        key_file = tmp_path / "key.json"
        key_file.write_text(json.dumps(fake.service_account_info()), encoding="utf-8")
        prepared = _workshop(
            installed, "sheets", "prepare", key, "--groups", "Team A,Team B",
            cwd=tmp_path,
            env=_env(tmp_path, GOOGLE_APPLICATION_CREDENTIALS=str(key_file),
                     WORKSHOP_SHEETS_ENDPOINT=fake.base_url),
        )  # fmt: skip
        assert prepared.returncode == 0, prepared.stderr
        assert {"Settings", "Groups", "Actions", "Team A", "Team B"} <= set(fake.sheet_titles(key))


def test_workshop_serve_starts_the_app_and_its_links_use_the_browsers_address(
    installed: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.support.browser import launch, wait_for_app
    from tests.test_e2e_live import _create_workshop

    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(installed / "bin" / "workshop"), "serve", "--port", str(port),
         "--address", "127.0.0.1"],
        cwd=tmp_path, env=_env(tmp_path), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "workshop serve did not start in 60 s"
            time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
            page.goto(base)
            wait_for_app(page)
            expect(page.get_by_text("ML Test Score Workshop").first).to_be_visible()
            # A host creates a workshop: its join links use the address the browser used
            # (no WORKSHOP_PUBLIC_URL is set), so they work on this port.
            tutor_links = _create_workshop(page, base)
            assert tutor_links and all(link.startswith(f"{base}/tutor?") for link in tutor_links)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    # The data went to the user data folder, never into the installed package.
    assert (tmp_path / "user-data" / "workshop.sqlite3").is_file()
    site = next((installed / "lib").glob("python3*/site-packages"))
    assert not list(site.rglob("*.sqlite3"))
    assert "Traceback" not in (tmp_path / "serve.log").read_text()
