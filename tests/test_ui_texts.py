"""Every UI text a view asks for exists in both languages (no ⟦key⟧ on any screen)."""

from __future__ import annotations

import re
from pathlib import Path

from workshop.content import load_catalog

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"""\bt\(\s*f?["']([a-z_]+\.[a-z0-9_]+)["']""")
PREFIX = re.compile(r"""\bt\(\s*f["']([a-z_]+\.[a-z0-9_]*)\{""")


def _sources() -> list[Path]:
    return [*sorted((ROOT / "views").glob("*.py")), ROOT / "app.py"]


def test_every_literal_key_used_by_a_view_exists() -> None:
    ui = load_catalog().ui
    missing = {
        f"{path.name}: {key}"
        for path in _sources()
        for key in KEY.findall(path.read_text(encoding="utf-8"))
        if key not in ui
    }
    assert missing == set()


def test_every_dynamic_key_prefix_has_texts() -> None:
    ui = load_catalog().ui
    prefixes = {p for path in _sources() for p in PREFIX.findall(path.read_text("utf-8"))}
    assert prefixes, "the pattern should find f-string keys such as common.phase_{...}"
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in ui), prefix


def test_phase_and_status_families_are_complete() -> None:
    ui = load_catalog().ui
    for phase in ("poc", "validation", "production"):
        assert f"common.phase_{phase}" in ui
    for status in ("idle", "running", "paused", "finished"):
        assert f"present.status_{status}" in ui
