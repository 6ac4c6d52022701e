"""``workshop serve``: start the app from an installed copy, like ``streamlit run``.

People who run tools such as Datasette or MLflow expect ``pipx install X`` and
then ``X serve``. This command finds the app's entry script inside the installed
package (``views/app.py``) and runs ``python -m streamlit run`` on it with the
app's Streamlit options (the same as the checkout's ``.streamlit/config.toml``;
a test keeps the two equal), the port and address given, and the store options
passed to the app through its environment. It starts Streamlit in a child
process so that ``workshop/`` never imports Streamlit itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from workshop.commands.texts import cli_text

#: The app's Streamlit options: keep equal to .streamlit/config.toml (tests/test_package.py).
STREAMLIT_OPTIONS: dict[str, str] = {
    "server.headless": "true",
    "server.runOnSave": "false",
    "browser.gatherUsageStats": "false",
    "runner.postScriptGC": "false",
    "client.toolbarMode": "minimal",
    "theme.base": "light",
    "theme.primaryColor": "#1f5fa8",
}


def entry_script() -> Path:
    """The installed ``views/app.py`` (or the checkout's, in an editable install)."""
    spec = importlib.util.find_spec("views")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(cli_text("serve_not_installed"))
    return Path(next(iter(spec.submodule_search_locations))) / "app.py"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help=cli_text("serve_help"),
        description=cli_text("serve_description"),
    )
    parser.add_argument("--port", type=int, default=8501, help=cli_text("serve_arg_port"))
    parser.add_argument("--address", default="", help=cli_text("serve_arg_address"))
    parser.add_argument("--store", choices=("local", "sheets"), help=cli_text("serve_arg_store"))
    parser.add_argument("--sheet", metavar="URL_OR_KEY", help=cli_text("serve_arg_sheet"))
    parser.add_argument("--db", metavar="PATH", help=cli_text("serve_arg_db"))
    parser.add_argument("--public-url", metavar="URL", help=cli_text("serve_arg_public_url"))
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line for ``args`` (without running it)."""
    line = [sys.executable, "-m", "streamlit", "run", str(entry_script())]
    for name, value in STREAMLIT_OPTIONS.items():
        line += [f"--{name}", value]
    line += ["--server.port", str(args.port)]
    if args.address:
        line += ["--server.address", args.address]
    extra = list(args.streamlit_args or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    return line + extra


def environment(args: argparse.Namespace) -> dict[str, str]:
    """The app's environment: this one, plus the store options given on the command line."""
    env = dict(os.environ)
    for value, name in (
        (args.store, "WORKSHOP_STORE"),
        (args.sheet, "WORKSHOP_SHEET"),
        (args.db, "WORKSHOP_DB"),
        (args.public_url, "WORKSHOP_PUBLIC_URL"),
    ):
        if value:
            env[name] = value
    return env


def run(args: argparse.Namespace) -> int:
    try:
        line = command(args)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        return subprocess.call(line, env=environment(args))
    except KeyboardInterrupt:  # Ctrl+C reached Streamlit too; it has stopped
        return 130
