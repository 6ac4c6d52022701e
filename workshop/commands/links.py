"""``workshop links [WORKSHOP_ID]``: the join codes and links, for whoever runs the server.

Codes and links are derived from the app secret and never stored
(:mod:`workshop.keys`), so they can always be printed again here: after the
host lost the host page, after a rotation of the app secret, or to hand out
the organisation's read-only history link, which only the app's host (or this
command) can see. Reads the same configuration as the app (secrets.toml or the
environment).
"""

from __future__ import annotations

import argparse
import sys

from workshop.access import keys_from_settings
from workshop.commands.texts import cli_text
from workshop.config import SettingsError, load_settings
from workshop.content import program_texts
from workshop.links import history_link, join_link, participant_link, results_link
from workshop.store.base import NotFound, StoreError
from workshop.store.factory import open_store
from workshop.templates import translate

EXIT_OK, EXIT_ERROR, EXIT_CONFIG = 0, 1, 2
#: Where ``streamlit run`` and ``workshop serve`` listen unless told otherwise.
DEFAULT_BASE_URL = "http://localhost:8501"


def _lines(args: argparse.Namespace) -> list[str]:
    from workshop.commands.sheets import read_secrets

    settings = load_settings(read_secrets())
    lang = args.language
    base = (args.base_url or settings.public_url or DEFAULT_BASE_URL).rstrip("/")
    app_keys = keys_from_settings(settings)
    store = open_store(settings)
    try:
        lines: list[str] = []
        if not args.workshop:
            for workshop in store.list_workshops(include_archived=True):
                lines.append(
                    cli_text(
                        "links_workshop_line",
                        lang,
                        id=workshop.id,
                        title=workshop.title,
                        date=workshop.date,
                    )
                )
            if not lines:
                lines.append(cli_text("links_no_workshops", lang))
        else:
            snapshot = store.snapshot(args.workshop)
            workshop = snapshot.workshop
            lines.append(cli_text("links_heading", lang, title=workshop.title, date=workshop.date))
            for group in snapshot.groups:
                code = app_keys.join_code(group)
                lines.append(cli_text("links_group", lang, name=group.name, code=code))
                lines.append(f"    {join_link(base, workshop, group, code)}")
                token = app_keys.results_token(workshop, group)
                lines.append(f"    {results_link(base, workshop.id, token, workshop.language)}")
                voting = participant_link(base, workshop, group, app_keys.participant_token(group))
                label = translate(program_texts(), "votes.cli_participant_link", lang)
                lines.append(f"    {label} {voting}")
            lines.append(cli_text("links_results_all", lang))
            token = app_keys.results_token(workshop)
            lines.append(f"    {results_link(base, workshop.id, token, workshop.language)}")
        lines.append(cli_text("links_history", lang))
        lines.append(f"    {history_link(base, app_keys.history_token(), lang)}")
        return lines
    finally:
        store.close()


def _main(args: argparse.Namespace) -> int:
    try:
        lines = _lines(args)
    except SettingsError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    except NotFound:
        print(cli_text("links_not_found", args.language, id=args.workshop), file=sys.stderr)
        return EXIT_ERROR
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(lines))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary = cli_text("links_help")
    parser = subparsers.add_parser("links", help=summary, description=summary)
    parser.add_argument(
        "workshop", nargs="?", default="", metavar="WORKSHOP_ID", help=cli_text("links_arg_id")
    )
    parser.add_argument(
        "--base-url",
        default="",
        metavar="URL",
        help=cli_text("links_arg_base", url=DEFAULT_BASE_URL),
    )
    parser.add_argument("--language", choices=("en", "ja"), default="en")
    parser.set_defaults(func=_main)
