"""Small formatting rules shared by pages, reports and the CLI (no Streamlit here)."""

from __future__ import annotations

from workshop.content_model import Band, Rubric


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


def format_score(value: float | None) -> str:
    """A score for display: ``4.67``, ``3``, or ``—`` when there is none."""
    if value is None:
        return "—"
    rounded = round(value, 2)
    return _number(rounded) if rounded.is_integer() else f"{rounded:.2f}".rstrip("0").rstrip(".")


_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$&")


def escape_markdown(text: str) -> str:
    """User text made inert for Markdown: every special character is backslash-escaped.

    Names and notes are shown with Markdown around them (bold titles, captions);
    escaping keeps a name like ``**x**``, ``[click](javascript:...)`` or ``&lt;`` as
    the literal text the person typed. HTML is never enabled for user text.
    """
    escaped = "".join(f"\\{char}" if char in _MARKDOWN_SPECIALS else char for char in text)
    return escaped.replace("\n", "  \n")
