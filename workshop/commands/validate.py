"""``workshop validate [PATH ...]``: check content files before a workshop, not during it.

Without a path it checks exactly what the app would load (:func:`content_dirs`),
so a host can run it after editing a rubric or agenda. Problems go to stderr, one
line each naming the file, the item and what is wrong; the exit code is 1 then,
so CI can run it too.
"""

from __future__ import annotations

import argparse
import sys

from workshop.commands.texts import cli_text
from workshop.content import Catalog, check_paths, load_catalog


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "validate", help=cli_text("validate_help"), description=cli_text("validate_description")
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=cli_text("validate_arg_paths"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    catalog = _check(args.paths)
    if catalog.problems:
        for problem in catalog.problems:
            print(problem, file=sys.stderr)
        count = len(catalog.problems)
        key = "validate_problem_found" if count == 1 else "validate_problems_found"
        print(cli_text(key, count=count), file=sys.stderr)
        return 1
    print(
        cli_text(
            "validate_ok",
            rubrics=len(catalog.rubrics),
            agendas=len(catalog.agendas),
            ui_files=len(catalog.ui_files),
        )
    )
    return 0


def _check(paths: list[str]) -> Catalog:
    if not paths:
        return load_catalog()
    # An agenda given alone is checked against the rubrics the app would load.
    return check_paths(paths, rubrics=load_catalog().rubrics)
