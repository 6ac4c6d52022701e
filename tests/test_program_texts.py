"""Texts the command line and scoring print come from content/ui, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workshop import cli
from workshop.content import load_catalog

ROOT = Path(__file__).resolve().parent.parent
CLI_SOURCES = [ROOT / "workshop" / "cli.py", *sorted((ROOT / "workshop" / "commands").glob("*.py"))]
# cli_text("key" / cli_texts("key", and in score.py the keys it prefixes with "score_".
CLI_KEY = re.compile(r"""\bcli_texts?\(\s*["']([a-z_]+)["']""")
SCORE_KEY = re.compile(r"""(?:\bt|ScoreInputError)\(\s*["']([a-z_]+)["']""")
ANSWER_CODE = re.compile(r"""\banswer_error\(\s*["']([a-z_]+)["']""")


def _keys(pattern: re.Pattern[str], paths: list[Path], prefix: str = "") -> set[str]:
    return {prefix + key for path in paths for key in pattern.findall(path.read_text("utf-8"))}


def test_every_key_the_command_line_uses_exists() -> None:
    ui = load_catalog().ui
    used = _keys(CLI_KEY, CLI_SOURCES) | _keys(
        SCORE_KEY, [ROOT / "workshop" / "commands" / "score.py"], "score_"
    )
    assert len(used) > 50, "the patterns should find the command line's keys"
    assert {key for key in used if f"cli.{key}" not in ui} == set()


def test_every_answer_error_has_its_message() -> None:
    ui = load_catalog().ui
    codes = _keys(ANSWER_CODE, sorted((ROOT / "workshop").glob("*.py")))
    assert {"invalid", "na_not_allowed", "duplicate_rows"} <= codes
    keys = {f"scoring.{code}" for code in codes} | {"scoring.invalid_or_na", "scoring.list_join"}
    assert {key for key in keys if key not in ui} == set()


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["validate", "--help"], ["score", "--help"], ["sheets", "prepare", "--help"]],
)
def test_help_shows_no_missing_text(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(argv)
    out = capsys.readouterr().out
    assert out.startswith("usage: workshop")
    assert "⟦" not in out
