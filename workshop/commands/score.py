"""``workshop score FILE.csv``: score one group's answers from a CSV file.

Split in three so other sources can reuse the middle: *reading* turns a file
into :class:`~workshop.scoring.AnswerRow` objects (a Google Sheet source can
produce the same rows), :func:`run_score` scores rows and renders the result,
and :func:`register` only wires argparse. Exit codes: 0 ok, 1 invalid input or
answers, 2 the final score is below ``--fail-under`` (so CI can gate on it).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from pathlib import Path
from typing import NamedTuple

from workshop.answers import format_score, round_score
from workshop.commands.texts import cli_text, cli_texts
from workshop.content.model import Rubric
from workshop.scoring import AnswerRow, GroupScore, score_rows, to_json

DEFAULT_RUBRIC = "ml-test-score"
REQUIRED_COLUMNS: tuple[str, ...] = ("item_id", "score")
EXIT_OK, EXIT_INVALID, EXIT_BELOW = 0, 1, 2


class ScoreInputError(Exception):
    """The answers cannot be read at all (as opposed to an invalid answer in a cell)."""

    def __init__(self, key: str, **params: str) -> None:
        self.text = cli_texts(f"score_{key}", **params)
        super().__init__(self.text.en)


class ScoreRun(NamedTuple):
    """Result of :func:`run_score`: exit code, text for stdout, text for stderr."""

    exit_code: int
    output: str
    errors: str = ""


# --------------------------------------------------------------------------- reading


def _column_name(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def parse_csv_text(text: str, source: str = "<csv>") -> list[AnswerRow]:
    """Rows of a CSV with a header containing ``item_id`` and ``score`` (any order).

    Extra columns are ignored; ``note`` is optional. Row numbers count records
    with the header as row 1, like a spreadsheet (a quoted multi-line note is one row).
    """
    records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    if not records:
        raise ScoreInputError("empty", source=source)
    header = [_column_name(name) for name in records[0]]
    for name in set(REQUIRED_COLUMNS) | {"note"}:
        if header.count(name) > 1:
            raise ScoreInputError("duplicate_column", source=source, column=name)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ScoreInputError("missing_columns", source=source, columns=", ".join(missing))
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "note") if name in header}

    def cell(record: list[str], name: str) -> str:
        position = index.get(name)
        return record[position] if position is not None and position < len(record) else ""

    return [
        AnswerRow(
            row=number,
            item_id=cell(record, "item_id"),
            score=cell(record, "score"),
            note=cell(record, "note"),
        )
        for number, record in enumerate(records[1:], start=2)
    ]


def read_csv_rows(path: str) -> list[AnswerRow]:
    """Read a UTF-8 CSV (with or without BOM); ``-`` reads standard input."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise ScoreInputError(
            "unreadable", source=path, reason=error.strerror or str(error)
        ) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScoreInputError("not_utf8", source=path) from error
    return parse_csv_text(text, source=path)


# --------------------------------------------------------------------------- scoring + output


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return text + fill if left else fill + text


def render_text(score: GroupScore, rubric: Rubric, lang: str = "en") -> str:
    """A readable table per section, the final score and band, and the provisional flag."""

    def t(key: str) -> str:
        return cli_text(f"score_{key}", lang)

    header = (t("section"), t("score"), t("raw"), t("answered"), t("applicable"))
    rows = [
        (
            s.section_id,
            format_score(s.score),
            format_score(s.raw),
            f"{s.answered}/{s.items}",
            f"{s.applicable}/{s.items}",
        )
        for s in score.sections.values()
    ]
    widths = [max(_width(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [f"{t('rubric')}: {rubric.id}", ""]
    for row, section in zip((header, *rows), (None, *score.sections.values()), strict=True):
        line = "  ".join(
            _pad(cell, width, left=i == 0)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        if section is not None and section.all_na:
            line += f"  ({t('all_na')})"
        lines.append(line.rstrip())
    lines.append("")
    if score.final is None:
        lines.append(t("no_final"))
    else:
        band = score.band
        band_text = f"{band.id} — {band.label.get(lang)}" if band else ""
        lines.append(f"{t('final')}: {format_score(score.final)}  ({t('band')} {band_text})")
        lines.append(f"{t('weakest')}: {', '.join(score.minimum_sections)}")
    if score.provisional:
        missing = sum(s.unanswered for s in score.sections.values())
        lines.append(cli_text("score_provisional", lang, count=missing))
    else:
        lines.append(t("complete"))
    return "\n".join(lines) + "\n"


def render_errors(score: GroupScore, lang: str = "en") -> str:
    if not score.errors:
        return ""
    lines = [cli_text("score_errors", lang, count=len(score.errors))]
    for error in score.errors:
        where = cli_text("score_row", lang, row=error.row) + ": " if error.row is not None else ""
        lines.append(f"  {where}{error.localized(lang)}")
    return "\n".join(lines) + "\n"


def run_score(
    rows: list[AnswerRow],
    rubric: Rubric,
    fmt: str = "text",
    fail_under: float | None = None,
    lang: str = "en",
) -> ScoreRun:
    """Score ``rows`` with ``rubric`` and render the result; no I/O, so it is easy to test."""
    score = score_rows(rubric, rows)
    if score.errors:
        code = EXIT_INVALID
    elif fail_under is not None and (
        score.final is None or round_score(score.final) < round_score(fail_under)
    ):
        code = EXIT_BELOW
    else:
        code = EXIT_OK

    below = ""
    if code == EXIT_BELOW:
        final = format_score(score.final)
        below = cli_text("score_below", lang, final=final, limit=fail_under) + "\n"
    if fmt == "json":
        # stdout stays pure JSON (errors are inside it); only the gate message goes to stderr.
        return ScoreRun(
            code, json.dumps(to_json(score), ensure_ascii=False, indent=2) + "\n", below
        )
    errors = render_errors(score, lang) + below
    return ScoreRun(code, render_text(score, rubric, lang), errors)


# --------------------------------------------------------------------------- argparse


def load_rubric(rubric_id: str) -> Rubric:
    """The named rubric from the content folders, or a :class:`ScoreInputError` saying why not.

    Imported late so ``workshop --help`` does not read YAML.
    """
    from workshop.content import ContentError
    from workshop.content import load_rubric as load

    try:
        return load(rubric_id)
    except KeyError as error:
        reason = str(error.args[0]) if error.args else rubric_id
        raise ScoreInputError("rubric_error", rubric=rubric_id, reason=reason) from error
    except ContentError as error:
        raise ScoreInputError("rubric_error", rubric=rubric_id, reason=str(error)) from error


def _rows_from_sheet(args: argparse.Namespace) -> tuple[str, list[AnswerRow]]:
    """The group's rows straight from the Google Sheet (same scoring as a CSV)."""
    from workshop.commands.sheets import rows_from_sheet

    return rows_from_sheet(args.sheet, args.group, args.workshop or None)


def _main(args: argparse.Namespace) -> int:
    lang = args.lang
    if bool(args.sheet) == bool(args.file):
        print(cli_text("score_source_missing", lang), file=sys.stderr)
        return EXIT_INVALID
    if args.sheet and not args.group:
        print(cli_text("score_group_missing", lang), file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.sheet:
            from workshop.config import SettingsError
            from workshop.store.base import StoreError

            try:
                rubric_id, rows = _rows_from_sheet(args)
            except (StoreError, SettingsError) as error:
                print(str(error), file=sys.stderr)
                return EXIT_INVALID
            rubric = load_rubric(args.rubric or rubric_id)
        else:
            rows = read_csv_rows(args.file)
            rubric = load_rubric(args.rubric or DEFAULT_RUBRIC)
    except ScoreInputError as error:
        print(error.text.get(lang), file=sys.stderr)
        return EXIT_INVALID
    result = run_score(rows, rubric, args.format, args.fail_under, lang)
    sys.stdout.write(result.output)
    sys.stderr.write(result.errors)
    return result.exit_code


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    summary = cli_text("score_help")
    parser = subparsers.add_parser("score", help=summary, description=summary)
    parser.add_argument("file", nargs="?", metavar="FILE.csv", help=cli_text("score_arg_file"))
    parser.add_argument("--sheet", metavar="URL_OR_KEY", help=cli_text("score_arg_sheet"))
    parser.add_argument("--group", metavar="NAME", help=cli_text("score_arg_group"))
    parser.add_argument("--workshop", metavar="ID", help=cli_text("score_arg_workshop"))
    parser.add_argument(
        "--rubric", default="", help=cli_text("score_arg_rubric", rubric=DEFAULT_RUBRIC)
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="X",
        help=cli_text("score_arg_fail_under"),
    )
    parser.add_argument(
        "--lang", choices=("en", "ja"), default="en", help=cli_text("score_arg_lang")
    )
    parser.set_defaults(func=_main)
