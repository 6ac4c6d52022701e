"""``workshop sheets prepare URL``: set up a Google Sheet for a workshop, and read a group back.

``prepare`` creates whatever is missing (Settings/Groups/Actions worksheets,
the workshop row, group rows, one worksheet per group with a row per rubric
item, the score dropdown) and never touches answers already typed, so it is
safe to run again, e.g. after someone deleted a worksheet by mistake.

:func:`rows_from_sheet` reads one group's worksheet as typed, for
``workshop score --sheet URL --group NAME``: the score command scores those
rows exactly as it scores a CSV.

Credentials come from ``.streamlit/secrets.toml`` (``[gcp_service_account]``)
or ``GOOGLE_APPLICATION_CREDENTIALS``, like the app.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workshop.access import Keys, keys_from_settings
from workshop.commands.texts import cli_text
from workshop.config import Settings, SettingsError, load_settings
from workshop.content import program_texts
from workshop.models import Group, Workshop
from workshop.scoring import AnswerRow
from workshop.store.base import NotFound, StoreConfigError, StoreError
from workshop.templates import translate
from workshop.workshops import InputError

SECRETS_PATH = Path(".streamlit") / "secrets.toml"
DEFAULT_TITLE = "ML Test Score workshop"
EXIT_OK, EXIT_ERROR, EXIT_CONFIG = 0, 1, 2

# --------------------------------------------------------------------------- settings and store


def read_secrets(path: Path = SECRETS_PATH) -> dict[str, Any]:
    """``.streamlit/secrets.toml`` as a dict ({} when absent), like Streamlit reads it."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def settings_for(
    spreadsheet: str,
    *,
    secrets: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """The app's settings, but with the Sheets store on ``spreadsheet``."""
    environment = dict(os.environ if env is None else env)
    if spreadsheet:
        environment["WORKSHOP_SHEET"] = spreadsheet
    environment["WORKSHOP_STORE"] = "sheets"
    return load_settings(read_secrets() if secrets is None else secrets, environment)


def _open_store(source: Settings | argparse.Namespace | str) -> Any:
    from workshop.store.sheets import SheetsStore

    if isinstance(source, Settings):
        settings = source
    elif isinstance(source, str):
        settings = settings_for(source)
    else:
        settings = settings_for(getattr(source, "sheet", "") or getattr(source, "spreadsheet", ""))
    return SheetsStore.from_settings(settings)


# --------------------------------------------------------------------------- scoring from the sheet


def rows_from_sheet(
    source: Settings | argparse.Namespace | str,
    group_name: str,
    workshop_id: str | None = None,
    *,
    store: Any = None,
) -> tuple[str, list[AnswerRow]]:
    """(rubric id, the group's rows as typed) for ``workshop score --sheet``.

    The rows are returned unvalidated, like a CSV's, so :func:`workshop.scoring.score_rows`
    reports bad cells with their row numbers. Raises :class:`NotFound` for an unknown
    workshop or group and :class:`StoreConfigError` for an unreadable worksheet.
    """
    store = store or _open_store(source)
    lang = "en"
    workshops = store.list_workshops(include_archived=True)
    if workshop_id:
        candidates = [w for w in workshops if w.id == workshop_id]
        if not candidates:
            raise NotFound(cli_text("sheets_no_workshop", lang, id=workshop_id))
    else:
        candidates = workshops
    wanted = group_name.strip().casefold()
    matches: list[tuple[Workshop, Group]] = []
    for workshop in candidates:
        for group in store.snapshot(workshop.id).groups:
            if group.name.strip().casefold() == wanted:
                matches.append((workshop, group))
    if not matches:
        where = (
            cli_text("sheets_in_workshop", lang, id=workshop_id)
            if workshop_id
            else cli_text("sheets_the_sheet", lang)
        )
        raise NotFound(cli_text("sheets_no_group", lang, name=group_name, where=where))
    if len(matches) > 1:
        ids = ", ".join(w.id for w, _ in matches)
        raise NotFound(cli_text("sheets_group_ambiguous", lang, name=group_name, ids=ids))
    workshop, group = matches[0]
    return workshop.rubric_id, store.group_rows(workshop.id, group.id)


# --------------------------------------------------------------------------- prepare


def parse_group_list(text: str) -> list[tuple[str, str]]:
    """ "Team A, Team B=Search ranking" -> [("Team A", "Team A"), ("Team B", "Search ranking")].

    The part after "=" names the ML system; without it the system is the group name.
    """
    groups = []
    for part in (text or "").split(","):
        name, _, system = part.partition("=")
        name = name.strip()
        if name:
            groups.append((name, system.strip() or name))
    return groups


def _pick_workshop(store: Any, args: argparse.Namespace, lang: str) -> Workshop | None:
    workshops: list[Workshop] = store.list_workshops(include_archived=False)
    if args.workshop:
        found: Workshop | None = store.get_workshop(args.workshop)
        if found is None:
            raise NotFound(cli_text("sheets_no_workshop", lang, id=args.workshop))
        return found
    if args.title:
        same = [
            w for w in workshops if w.title == args.title and (not args.date or w.date == args.date)
        ]
        return same[0] if same else None
    if len(workshops) > 1:
        raise StoreConfigError(
            cli_text("sheets_ambiguous", lang, ids=", ".join(w.id for w in workshops))
        )
    return workshops[0] if workshops else None


def prepare_sheet(store: Any, args: argparse.Namespace, app_keys: Keys) -> list[str]:
    """Create or complete the workshop in the sheet; returns the lines to print."""
    from workshop import security, workshops

    lang = args.language
    lines: list[str] = []
    names = parse_group_list(args.groups)
    workshop = _pick_workshop(store, args, lang)
    if workshop is None:
        workshop, _ = workshops.create_workshop(
            store,
            title=args.title or DEFAULT_TITLE,
            date=args.date or datetime.now(UTC).date().isoformat(),
            language=args.language,
            rubric_id=args.rubric,
            agenda_id=args.agenda,
            passcode=args.passcode or "",
            groups=[workshops.GroupDraft(name=n, system=s) for n, s in names],
            require_passcode=bool(args.passcode),
        )
        lines.append(cli_text("sheets_created_workshop", lang))
    else:
        existing = store.snapshot(workshop.id).groups
        known = {g.name.strip().casefold() for g in existing}
        position = max((g.position for g in existing), default=-1) + 1
        added = []
        for name, system in names:
            if name.casefold() in known:
                continue
            workshops.check_groups([workshops.GroupDraft(name=name, system=system)])
            store.upsert_group(
                Group(
                    id=security.new_id("g"),
                    workshop_id=workshop.id,
                    name=name,
                    system=system,
                    phase="production",
                    tutor="",
                    position=position,
                )
            )
            known.add(name.casefold())
            position += 1
            added.append(name)
        if added:
            lines.append(cli_text("sheets_added_groups", lang, names=", ".join(added)))

    report = store.prepare(workshop.id)
    if args.passcode:  # after prepare: the protected Hosts worksheet now exists
        store.set_host_passcode_hash(workshop.id, security.hash_passcode(args.passcode))
    if report.hosts_reprotected:
        lines.append(cli_text("sheets_hosts_reprotected", lang))
    if report.secrets_emptied:
        lines.append(cli_text("sheets_secrets_emptied", lang, count=report.secrets_emptied))
    lines.insert(
        0,
        cli_text(
            "sheets_workshop",
            lang,
            id=workshop.id,
            title=workshop.title,
            date=workshop.date,
            language=workshop.language,
            rubric=workshop.rubric_id,
        ),
    )
    if report.worksheets:
        lines.append(cli_text("sheets_created_sheets", lang, names=", ".join(report.worksheets)))
    if report.headers:
        lines.append(cli_text("sheets_added_headers", lang, names=", ".join(report.headers)))
    for sheet, items in report.item_rows.items():
        lines.append(cli_text("sheets_added_rows", lang, sheet=sheet, items=", ".join(items)))
    if len(lines) == 1:
        lines.append(cli_text("sheets_nothing", lang))
    snapshot = store.snapshot(workshop.id)
    worksheets = store.group_worksheets(workshop.id)
    for group in snapshot.groups:
        lines.append(
            "  "
            + cli_text(
                "sheets_group_line",
                lang,
                name=group.name,
                code=app_keys.join_code(group),
                sheet=worksheets.get(group.id, group.name),
            )
        )
    if snapshot.problems:
        lines.append(cli_text("sheets_problems", lang, count=len(snapshot.problems)))
        lines.extend(f"  {p.where}: {p.what}" for p in snapshot.problems)
    lines.append(cli_text("sheets_sheet_url", lang, url=store.url))
    return lines


def _input_error_text(error: InputError, lang: str) -> str:
    """A workshops.InputError in words, from the UI texts (``⟦errors.key⟧`` when missing)."""
    return translate(program_texts(), f"errors.{error.key}", lang, **error.values)


def _prepare_main(args: argparse.Namespace) -> int:
    lang = args.language
    try:
        settings = settings_for(args.spreadsheet)
        store = _open_store(settings)
        lines = prepare_sheet(store, args, keys_from_settings(settings))
    except SettingsError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    except StoreConfigError as error:
        print(str(error), file=sys.stderr)
        return EXIT_CONFIG
    except InputError as error:
        print(_input_error_text(error, lang), file=sys.stderr)
        return EXIT_ERROR
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(lines))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    summary, prepare_summary = cli_text("sheets_help"), cli_text("sheets_prepare_help")
    parser = subparsers.add_parser("sheets", help=summary, description=summary)
    commands = parser.add_subparsers(dest="sheets_command", metavar="COMMAND")
    prepare = commands.add_parser("prepare", help=prepare_summary, description=prepare_summary)
    prepare.add_argument(
        "spreadsheet", metavar="URL_OR_KEY", help=cli_text("sheets_arg_spreadsheet")
    )
    prepare.add_argument("--groups", default="", help=cli_text("sheets_arg_groups"))
    prepare.add_argument(
        "--workshop", default="", metavar="ID", help=cli_text("sheets_arg_workshop")
    )
    prepare.add_argument(
        "--title", default="", help=cli_text("sheets_arg_title", title=DEFAULT_TITLE)
    )
    prepare.add_argument("--date", default="", help=cli_text("sheets_arg_date"))
    prepare.add_argument("--language", choices=("en", "ja"), default="en")
    prepare.add_argument("--rubric", default="ml-test-score")
    prepare.add_argument("--agenda", default="standard-60")
    prepare.add_argument("--passcode", default="", help=cli_text("sheets_arg_passcode"))
    prepare.set_defaults(sheets_func=_prepare_main)

    def dispatch(args: argparse.Namespace) -> int:
        handler = getattr(args, "sheets_func", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return EXIT_CONFIG
        return int(handler(args))

    parser.set_defaults(func=dispatch)
