"""Exports a spreadsheet opens safely: the answers and the action items as CSV, and file names.

Everything a person typed (group names, notes, action items) ends up in a
spreadsheet, so the CSV is defended against **CSV injection**: a spreadsheet
runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (also after leading
spaces), or with a tab or carriage return, as a formula. Every text cell we
write that starts like that gets a leading apostrophe ``'``, which spreadsheets
show as plain text. The rule is applied to every cell, including our own, so it
never depends on which column a value is in; our own values (levels
"0"/"0.5"/"1", "N/A", dates, ids) never start with those characters, so in
practice only user text is changed. ``csv`` quoting keeps commas, quotes and
line breaks inside notes intact.

CSV downloads start with a UTF-8 byte order mark by default (``bom=True``) so
Excel opens Japanese text correctly; tools that dislike it pass ``bom=False``.
CSV headers are fixed English column names (stable for scripts in every
language); titles inside the rows are in ``lang``.

The Markdown report is :mod:`workshop.reports`, the action tickets
:mod:`workshop.tickets`; every download, whatever its format, is named by
:func:`export_filename`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from workshop.actions import raised_item, sorted_actions
from workshop.answers import stored_value
from workshop.content.model import Rubric
from workshop.models import Snapshot, Workshop
from workshop.wrapup import answer_cells, groups_by_id

BOM = "\ufeff"
_FORMULA_START = frozenset("=+-@")
_CONTROL_START = frozenset("\t\r")

TIDY_COLUMNS = (
    "workshop",
    "date",
    "group",
    "system",
    "phase",
    "section",
    "item_id",
    "item",
    "value",
    "note",
    "updated_at",
    "updated_by",
    # Participants' revealed vote spread (counts per choice, never who voted what)
    # and the tutor's note on a disagreement.
    "votes",
    "votes_note",
)
ACTION_COLUMNS = (
    "workshop",
    "date",
    "priority",
    "what",
    "owner",
    "due",
    "group",
    "system",
    "section",
    "item_id",
    "item",
    "created_at",
    "created_by",
)


# --------------------------------------------------------------------------- cell safety


def csv_safe(text: object) -> str:
    """A cell a spreadsheet will not run as a formula (see the module docstring)."""
    value = "" if text is None else str(text)
    if not value:
        return value
    if value[0] in _CONTROL_START or value.lstrip()[:1] in _FORMULA_START:
        return "'" + value
    return value


def _csv_text(rows: Iterable[Sequence[object]], header: Sequence[str], bom: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return (BOM if bom else "") + buffer.getvalue()


# --------------------------------------------------------------------------- CSV


def tidy_csv(rubric: Rubric, snapshot: Snapshot, lang: str, *, bom: bool = True) -> str:
    """One row per group x rubric item (unanswered items included, value empty)."""
    workshop = snapshot.workshop
    rows = []
    for group, section, item, answer in answer_cells(rubric, snapshot):
        value, _valid = stored_value(rubric, item.id, answer.value if answer else None)
        votes = snapshot.votes.get(group.id, {}).get(item.id)
        rows.append(
            (
                workshop.title,
                workshop.date,
                group.name,
                group.system,
                group.phase,
                section.short.get(lang),
                item.id,
                item.title.get(lang),
                value,
                answer.note if answer else "",
                answer.updated_at if answer else "",
                answer.updated_by if answer else "",
                votes.summary if votes else "",
                votes.note if votes else "",
            )
        )
    return _csv_text(rows, TIDY_COLUMNS, bom)


def actions_csv(rubric: Rubric, snapshot: Snapshot, lang: str, *, bom: bool = True) -> str:
    """The action items, one row each, in priority order."""
    workshop = snapshot.workshop
    groups = groups_by_id(snapshot)
    rows = []
    for action in sorted_actions(snapshot):
        group = groups.get(action.group_id)
        item = raised_item(rubric, action)
        rows.append(
            (
                workshop.title,
                workshop.date,
                action.priority,
                action.what,
                action.owner,
                action.due,
                group.name if group else action.group_id,
                group.system if group else "",
                rubric.section(item.section_id).short.get(lang) if item else "",
                action.item_id,
                item.title.get(lang) if item else "",
                action.created_at,
                action.created_by,
            )
        )
    return _csv_text(rows, ACTION_COLUMNS, bom)


# --------------------------------------------------------------------------- file names

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-")


def export_filename(workshop: Workshop, kind: str, ext: str) -> str:
    """``<title-slug>-<kind>-<date>.<ext>``, ASCII only.

    A title with no ASCII letters (e.g. Japanese) falls back to the workshop id,
    then to ``workshop``; browsers and mail filters handle ASCII names best.
    """
    slug = next(
        (s for s in (_slug(workshop.title), _slug(workshop.id)) if re.search("[a-z]", s)),
        "workshop",
    )
    kind_slug = _slug(kind) or "export"
    date = workshop.date if _DATE.match(workshop.date or "") else "undated"
    extension = _slug(ext.lstrip("."), 10) or "txt"
    return f"{slug}-{kind_slug}-{date}.{extension}"
