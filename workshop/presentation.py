"""Small formatting rules shared by pages, reports and the CLI (no Streamlit here)."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping

from workshop.content.model import Band, Rubric


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def band_range_label(rubric: Rubric, band: Band) -> str:
    """``0``, ``(0, 1]``, ... ``> 5``: the band's interval as the paper's table writes it."""
    index = rubric.bands.index(band)
    lower = rubric.bands[index - 1].max if index > 0 else None
    if band.max is None:
        return f"> {_number(lower)}" if lower is not None else "—"
    if lower is None:
        return _number(band.max)
    return f"({_number(lower)}, {_number(band.max)}]"


# --------------------------------------------------------------------------- Markdown

#: What Markdown (CommonMark with GitHub's extensions) gives a meaning to, and ":"
#: so that no ``scheme:`` forms an autolink: backslash-escaped wherever user text
#: goes into Markdown. The two targets differ only as the two tables below say.
_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|~$:"
_HTML_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _table(others: Mapping[str, str]) -> dict[int, str]:
    table = {ord(char): f"\\{char}" for char in _MARKDOWN_SPECIALS}
    table.update({ord(char): text for char, text in others.items()})
    return table


#: In the app: ``<``, ``>`` and ``&`` are backslash-escaped like the rest, and so is
#: ``/``, so that Streamlit's ``:material/icon:`` shortcut never fires.
_IN_APP = _table({char: f"\\{char}" for char in "<>&/"})
#: In an exported file: ``<``, ``>`` and ``&`` become entities, which every renderer
#: (raw HTML allowed or not) shows as the character; ``/`` means nothing there, and
#: a file is also read as plain text, where each backslash is noise.
_IN_FILE = _table(_HTML_ENTITIES)


def escape_markdown(text: str) -> str:
    """User text made inert in the app's Markdown: every special character is escaped.

    Names and titles are shown with Markdown around them (bold titles, captions);
    escaping keeps a name like ``**x**``, ``[click](javascript:...)`` or ``&lt;`` as
    the literal text the person typed. ``:`` and ``/`` are escaped too: GitHub's
    autolinks then see ``https\\://example\\.com`` as the URL it is (without
    ``:`` escaped they took the backslashes into the link), and Streamlit's
    ``:material/icon:`` shortcut does not fire. Free text that may hold links
    (notes, action items) is shown with :func:`user_text_html` instead.
    """
    return text.translate(_IN_APP).replace("\n", "  \n")


def escape_markdown_file(text: object, *, table: bool = False) -> str:
    """User text made inert in an exported Markdown file (report, tickets).

    The same characters as :func:`escape_markdown` are escaped, but ``<``, ``>``
    and ``&`` become entities and ``/`` stays as it is (see ``_IN_FILE``). Lines
    are trimmed and blank ones dropped; they are joined by hard breaks, or by
    `` / `` inside a table cell, where a line break would end the row.
    """
    value = "" if text is None else str(text)
    lines = [line.strip() for line in _LINE_BREAK.split(value.translate(_IN_FILE))]
    lines = [line for line in lines if line] or [""]
    return " / ".join(lines) if table else "  \n  ".join(lines)


# --------------------------------------------------------------------------- user text as HTML

#: ``http://`` or ``https://`` (any case), not glued to a preceding letter or digit,
#: then a host that starts with a letter or digit, then the characters RFC 3986 allows
#: in a URL (ASCII only: a URL typed in Japanese text ends where the Japanese begins).
_URL = re.compile(
    r"(?<![A-Za-z0-9])https?://[A-Za-z0-9][A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]*",
    re.IGNORECASE,
)
#: Punctuation that ends a sentence rather than a URL when it is a URL's last character.
_TRAILING = frozenset(".,:;!?*_~")
_CLOSING = {")": "(", "]": "["}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _url_end(url: str) -> str:
    """The URL without sentence punctuation after it: ``x).`` → ``x``, ``a_(b))`` → ``a_(b)``."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _CLOSING and url.count(_CLOSING[last]) < url.count(last)):
            url = url[:-1]
            continue
        break
    return url


def _inert(text: str) -> str:
    """Text as HTML text: escaped, line breaks as ``<br>``, every ``:`` as ``&#58;``.

    Streamlit rewrites ``:material/`` in a Markdown body before parsing it (raw
    HTML included); a character reference is left alone and shows as ``:``.
    """
    escaped = html.escape(text, quote=True).replace(":", "&#58;")
    return _LINE_BREAK.sub("<br>", escaped)


def user_text_html(text: str) -> str:
    """User text as inline HTML that shows exactly what was typed, with its web links live.

    Every character shows as itself (HTML and Markdown stay inert text), line
    breaks become ``<br>``, and each ``http``/``https`` URL becomes a link to
    exactly that URL, opened in a new tab (``rel="noopener noreferrer"``).
    Punctuation after a URL (``).``, ``,``) stays outside the link; other
    schemes (``javascript:``, ``data:``) are never links. The result holds no
    line break, so inside :func:`html_block` Markdown never parses it.
    """
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = _url_end(match.group())
        start = match.start()
        parts.append(_inert(text[position:start]))
        target = _inert(url)
        parts.append(f'<a href="{target}" target="_blank" rel="noopener noreferrer">{target}</a>')
        position = start + len(url)
    parts.append(_inert(text[position:]))
    return "".join(parts)


USER_TEXT_CLASS = "mts-user-text"
#: Spaces and tabs as typed, long URLs wrapped, a paragraph's space below.
_BLOCK_STYLE = "white-space: pre-wrap; overflow-wrap: anywhere; margin-bottom: 1rem"


def html_block(inner: str) -> str:
    """A ``<div>`` around inline HTML, for ``st.markdown(..., unsafe_allow_html=True)``.

    A line that starts with ``<div`` is an HTML block for Markdown: its content
    is passed through without Markdown parsing (no emphasis, no autolinks, no
    emoji shortcodes, no math) up to the first blank line, and ``inner`` from
    :func:`user_text_html` or :func:`format_html` holds no line break at all.
    ``pre-wrap`` keeps spaces and tabs as typed; long URLs wrap.
    """
    return f'<div class="{USER_TEXT_CLASS}" style="{_BLOCK_STYLE}">{inner}</div>'


def user_text_block(text: str) -> str:
    """:func:`user_text_html` as a block of its own (a note, an action item)."""
    return html_block(user_text_html(text))


def format_html(template: str, *, markup: Mapping[str, str] | None = None, **values: object) -> str:
    """A UI text template filled in as inline HTML.

    The template's own words and every value are shown as text
    (:func:`user_text_html`: links live, nothing else); ``markup`` holds
    fragments this program wrote itself (e.g. ``<strong>P1</strong>``), put in
    as they are. ``{name}`` fields only, no format specs.
    """
    trusted = markup or {}
    parts: list[str] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(user_text_html(literal))
        if field is None:
            continue
        if field in trusted:
            parts.append(trusted[field])
        else:
            parts.append(user_text_html(str(values[field])))
    return "".join(parts)
