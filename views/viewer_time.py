"""Times in the viewer's time zone: stored in UTC, shown as the viewer's browser reports."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from workshop import localtime, timesource


def viewer_timezone() -> str:
    """The IANA time zone the viewer's browser reports (``Asia/Tokyo``), or "UTC" if none.

    Stored times stay UTC; pages show them with :func:`local_time`.
    """
    try:
        zone_name = st.context.timezone
    except Exception:  # outside a script run (no browser to ask)
        zone_name = None
    return zone_name or localtime.UTC_NAME


def local_time(value: str | float, fmt: str = localtime.DEFAULT_FORMAT) -> str:
    """A stored UTC time (ISO text or epoch seconds) in the viewer's time zone."""
    return localtime.format_local(value, viewer_timezone(), fmt)


def viewer_today() -> dt.date:
    """Today in the viewer's time zone (the default of date inputs)."""
    return localtime.local_today(viewer_timezone(), timesource.now())
