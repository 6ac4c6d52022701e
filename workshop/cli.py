"""Command-line interface: ``python -m workshop <command> ...`` (also installed as ``workshop``).

Each command lives in its own module under :mod:`workshop.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (returning
the exit code). This keeps the dispatcher free of command logic.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from workshop import __version__
from workshop.commands.texts import cli_text

COMMAND_MODULES: tuple[str, ...] = (
    "workshop.commands.serve",
    "workshop.commands.validate",
    "workshop.commands.score",
    "workshop.commands.sheets",
    "workshop.commands.links",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workshop", description=cli_text("description"))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
