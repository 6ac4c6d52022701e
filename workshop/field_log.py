"""The field log: for every answer field, the text the record held when the app last looked.

Why it exists: two changes of one field conflict when a tutor's page saved over
a text somebody else put there, and :mod:`workshop.patches` lets the later one
win. The record itself (a Google Sheet) does not say when a cell changed, so
the app keeps that here: the text a field holds and when it appeared there,
exactly when the app wrote it (``source`` "app"), or when the app first saw it
when a person typed it into the sheet (``source`` "record").

The log is a table of the outbox file (:class:`workshop.outbox.Outbox` creates
it with :data:`SCHEMA`), and these functions work inside the outbox's
transactions, so a settled change and the log entry it makes are written
together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS field_log (
        record TEXT NOT NULL,
        workshop_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        field TEXT NOT NULL,
        item_id TEXT NOT NULL,
        text TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (record, workshop_id, group_id, item_id, field)
    )
    """,
)


class FieldKey(NamedTuple):
    """One answer field of one group, in one shared record."""

    record: str
    workshop_id: str
    group_id: str
    item_id: str
    field: str


class Logged(NamedTuple):
    """What the log knows of a field: its text and when that text appeared (ISO UTC)."""

    text: str
    changed_at: str


def write(
    conn: sqlite3.Connection, key: FieldKey, text: str, changed_at: str, *, source: str
) -> None:
    """Log that ``key`` holds ``text`` since ``changed_at``; ``source``: "app" or "record"."""
    conn.execute(
        "INSERT INTO field_log (record, workshop_id, group_id, item_id, field, text,"
        " changed_at, source) VALUES (?,?,?,?,?,?,?,?)"
        " ON CONFLICT (record, workshop_id, group_id, item_id, field) DO UPDATE SET"
        " text = excluded.text, changed_at = excluded.changed_at, source = excluded.source",
        (*key, text, changed_at, source),
    )


def read(conn: sqlite3.Connection, key: FieldKey) -> Logged | None:
    """The logged text of ``key`` and when it appeared, or None if the log has none."""
    row = conn.execute(
        "SELECT text, changed_at FROM field_log WHERE record = ? AND workshop_id = ? AND"
        " group_id = ? AND item_id = ? AND field = ?",
        tuple(key),
    ).fetchone()
    return None if row is None else Logged(str(row["text"]), str(row["changed_at"]))


def observe(
    conn: sqlite3.Connection,
    record: str,
    workshop_id: str,
    fields: Iterable[tuple[str, str, str, str]],
    seen_at: str,
) -> int:
    """Log the fields, (group, item, field, text), whose text differs from the log's.

    Such a text got there by hand (the app logs what it writes when it writes
    it), so it is logged as changed at ``seen_at``, the moment the app first saw
    it. Returns how many fields were new or different.
    """
    changed = 0
    for group_id, item_id, field, text in fields:
        key = FieldKey(record, workshop_id, group_id, item_id, field)
        logged = read(conn, key)
        if logged is not None and logged.text == text:
            continue
        write(conn, key, text, seen_at, source="record")
        changed += 1
    return changed
