"""Times shown in the viewer's time zone; stored times stay UTC (no Streamlit here).

The store keeps ISO timestamps in UTC (``2026-12-02T03:04:05+00:00``) and the
clock keeps seconds since the epoch. A page shows them in the time zone the
viewer's browser reports (an IANA name such as ``Asia/Tokyo``), not in the
server's: a Tokyo room on a UTC server was nine hours off. An unknown or empty
zone name falls back to UTC, so a time is never shown wrong by a guess.

Zone data comes from the system or from the ``tzdata`` package (installed with
pandas), through :mod:`zoneinfo`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_NAME = "UTC"
DEFAULT_FORMAT = "%Y-%m-%d %H:%M"


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The zone called ``name``; UTC for an empty, unknown or malformed name."""
    if not name:
        return ZoneInfo(UTC_NAME)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: not a plain name (e.g. "../etc/passwd" or an absolute path).
        return ZoneInfo(UTC_NAME)


def to_utc(value: str | float | int | dt.datetime) -> dt.datetime | None:
    """A stored time as an aware UTC datetime; None when it is empty or not a time.

    Accepts an ISO timestamp (``Z`` or an offset; one without an offset is taken
    as UTC, as the store writes UTC), seconds since the epoch, or a datetime.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    else:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def to_local(value: str | float | int | dt.datetime, zone_name: str | None) -> dt.datetime | None:
    """A stored time in the zone called ``zone_name`` (UTC when unknown); None if no time."""
    moment = to_utc(value)
    return None if moment is None else moment.astimezone(zone(zone_name))


def format_local(
    value: str | float | int | dt.datetime, zone_name: str | None, fmt: str = DEFAULT_FORMAT
) -> str:
    """A stored time formatted in the viewer's zone; ``""`` for an empty value.

    A value that is not a time (a hand-edited sheet cell) is returned as it is,
    rather than hidden or replaced by a guess.
    """
    moment = to_local(value, zone_name)
    if moment is None:
        return "" if value in (None, "") else str(value)
    return moment.strftime(fmt)


def local_today(zone_name: str | None, now: float) -> dt.date:
    """Today's date in the zone called ``zone_name`` at ``now`` (seconds since the epoch)."""
    return dt.datetime.fromtimestamp(now, zone(zone_name)).date()
