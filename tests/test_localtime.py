"""Stored UTC times shown in the viewer's time zone (expected values worked out by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from workshop.localtime import format_local, local_today, to_local, to_utc

# 2026-12-02T03:04:05Z as seconds since the epoch: 20789 days from 1970-01-01 to
# 2026-12-02 (56 years with 14 leap days = 20454, plus 335 days of 2026 before
# December), times 86400, plus 3 h 4 min 5 s = 11045 s.
DEC_2_EPOCH = 20789 * 86400 + 11045


def test_the_epoch_figure_above_is_right() -> None:
    assert DEC_2_EPOCH == 1_796_180_645
    assert to_utc(DEC_2_EPOCH) == dt.datetime(2026, 12, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_tokyo_is_nine_hours_ahead_of_utc() -> None:
    fmt = "%Y-%m-%d %H:%M:%S"
    assert format_local("2026-12-02T03:04:05Z", "Asia/Tokyo", fmt) == "2026-12-02 12:04:05"
    assert format_local("2026-12-02T03:04:05+00:00", "Asia/Tokyo", fmt) == "2026-12-02 12:04:05"
    assert format_local(DEC_2_EPOCH, "Asia/Tokyo", fmt) == "2026-12-02 12:04:05"
    assert format_local(float(DEC_2_EPOCH), "Asia/Tokyo", "%H:%M") == "12:04"


def test_across_midnight_the_date_changes_too() -> None:
    # 20:30 UTC on 1 December is 05:30 on 2 December in Tokyo ...
    assert format_local("2026-12-01T20:30:00Z", "Asia/Tokyo") == "2026-12-02 05:30"
    # ... and 02:00 UTC on 2 December is 21:00 on 1 December in New York (EST, UTC-5).
    assert format_local("2026-12-02T02:00:00Z", "America/New_York") == "2026-12-01 21:00"


def test_daylight_saving_time_in_berlin() -> None:
    # CET is UTC+1 in winter, CEST UTC+2 in summer. In 2026 the clocks go forward on
    # Sunday 29 March at 01:00 UTC and back on Sunday 25 October at 01:00 UTC.
    assert format_local("2026-01-15T12:00:00Z", "Europe/Berlin") == "2026-01-15 13:00"
    assert format_local("2026-07-15T12:00:00Z", "Europe/Berlin") == "2026-07-15 14:00"
    assert format_local("2026-03-29T00:59:00Z", "Europe/Berlin") == "2026-03-29 01:59"
    assert format_local("2026-03-29T01:00:00Z", "Europe/Berlin") == "2026-03-29 03:00"
    # The hour 02:00-03:00 local happens twice in October; %Z tells them apart.
    fmt = "%H:%M %Z"
    assert format_local("2026-10-25T00:30:00Z", "Europe/Berlin", fmt) == "02:30 CEST"
    assert format_local("2026-10-25T01:30:00Z", "Europe/Berlin", fmt) == "02:30 CET"


def test_an_offset_in_the_stored_text_is_respected() -> None:
    # 12:04:05+09:00 is 03:04:05 UTC.
    assert format_local("2026-12-02T12:04:05+09:00", "UTC", "%H:%M:%S") == "03:04:05"
    # Without an offset the store's convention applies: UTC.
    assert format_local("2026-12-02T03:04:05", "Asia/Tokyo", "%H:%M:%S") == "12:04:05"


@pytest.mark.parametrize("name", ["", None, "Mars/Olympus_Mons", "../../etc/passwd", "/etc/UTC"])
def test_an_unknown_zone_falls_back_to_utc(name) -> None:
    assert format_local("2026-12-02T03:04:05Z", name, "%H:%M:%S %Z") == "03:04:05 UTC"


def test_empty_and_unreadable_values() -> None:
    assert format_local("", "Asia/Tokyo") == ""
    assert format_local(None, "Asia/Tokyo") == ""  # type: ignore[arg-type]
    # A hand-typed sheet cell that is no time is shown as it is, not guessed at.
    assert format_local("yesterday", "Asia/Tokyo") == "yesterday"
    assert to_local("yesterday", "Asia/Tokyo") is None


def test_today_in_the_viewers_zone() -> None:
    # 2026-12-01T20:30:00Z: still 1 December in London, already 2 December in Tokyo,
    # and 1 December (15:30) in New York.
    now = DEC_2_EPOCH - (3 * 3600 + 4 * 60 + 5) - 3.5 * 3600
    assert to_utc(now) == dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)
    assert local_today("Europe/London", now) == dt.date(2026, 12, 1)
    assert local_today("Asia/Tokyo", now) == dt.date(2026, 12, 2)
    assert local_today("America/New_York", now) == dt.date(2026, 12, 1)
    assert local_today("", now) == dt.date(2026, 12, 1)
