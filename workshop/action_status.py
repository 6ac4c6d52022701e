"""Where an action item stands between rounds: open, in progress, done or dropped.

Kept apart from :mod:`workshop.actions` because the Sheets layout reads the
``status`` cell of the Actions worksheet with it and must not pull in the
pages' rules. A person typing into the sheet writes ``Done``, ``in progress``
or ``In-Progress`` as readily as ``in_progress``; all mean the same status.
Anything else is not guessed: the reader reports the cell and keeps "open".
"""

from __future__ import annotations

from workshop.models import ACTION_STATUSES

OPEN = "open"
IN_PROGRESS = "in_progress"
DONE = "done"
DROPPED = "dropped"
#: Statuses that still need work: the follow-through counts them as "still open".
STILL_OPEN: frozenset[str] = frozenset({OPEN, IN_PROGRESS})


def parse_status(text: str) -> str | None:
    """The status a typed text names (blank is "open"), or None when it names none."""
    key = "_".join(text.strip().casefold().replace("-", " ").split())
    if not key:
        return OPEN
    return key if key in ACTION_STATUSES else None
