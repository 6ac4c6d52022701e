"""The wall clock, in one replaceable place.

Pages and the agenda clock ask ``now()`` instead of calling ``time.time()`` so
tests (AppTest runs pages in-process) can move time forward without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

_source: Callable[[], float] = time.time


def now() -> float:
    """Seconds since the epoch, from the current source."""
    return _source()


def now_iso() -> str:
    """The current UTC time as an ISO timestamp (second precision), for updated_at fields."""
    return datetime.fromtimestamp(now(), UTC).replace(microsecond=0).isoformat()


def now_precise_iso() -> str:
    """The current UTC time with microseconds: orders two changes made in the same second."""
    return datetime.fromtimestamp(now(), UTC).isoformat(timespec="microseconds")


def set_source(source: Callable[[], float] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _source
    _source = source or time.time
