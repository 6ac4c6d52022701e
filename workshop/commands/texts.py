"""The command line's words, from ``content/ui/cli.yaml`` like every other UI text.

Kept in the content folder so ``workshop validate`` checks them (both languages,
the same placeholders). Help texts are English, as argparse's own words are;
output is in the language a command is asked for.
"""

from __future__ import annotations

from workshop.content import program_texts
from workshop.content.model import Text
from workshop.templates import translate


def cli_text(key: str, lang: str = "en", **values: object) -> str:
    """``cli.<key>`` in ``lang`` with ``values`` filled in (``⟦cli.key⟧`` if missing)."""
    return translate(program_texts(), f"cli.{key}", lang, **values)


def cli_texts(key: str, **values: object) -> Text:
    """``cli.<key>`` in every language, for a message whose reader's language is not known yet."""
    return Text(en=cli_text(key, "en", **values), ja=cli_text(key, "ja", **values))
