"""The rubric of each workshop in the spreadsheet, loaded once and shared by the reads.

A rubric that failed to load (an unknown id, a content file with a mistake) is
read around: the sheet still parses, without checking item ids and scores. The
failure is remembered only for a while, so a content file fixed while the app
runs is used without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from workshop.content.model import Rubric

#: How long a rubric that failed to load is remembered as missing before trying again.
RUBRIC_RETRY_SECONDS = 10.0

RubricLoader = Callable[[str], Rubric]


def load_shipped_rubric(rubric_id: str) -> Rubric:
    """The rubric from the content folders (imported late: the store is used without them)."""
    from workshop.content import load_rubric

    return load_rubric(rubric_id)


class Rubrics:
    """Rubric id -> rubric, or None while it cannot be loaded (see the module docstring)."""

    def __init__(
        self, loader: RubricLoader | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.loader: RubricLoader = loader or load_shipped_rubric
        self.clock = clock
        # rubric id -> (rubric or None when it failed to load, when it was loaded)
        self._known: dict[str, tuple[Rubric | None, float]] = {}
        self._lock = threading.Lock()

    def get(self, rubric_id: str) -> Rubric | None:
        with self._lock:
            known = self._known.get(rubric_id)
            now = self.clock()
            if known is None or (known[0] is None and now - known[1] >= RUBRIC_RETRY_SECONDS):
                try:
                    rubric: Rubric | None = self.loader(rubric_id)
                except Exception:  # an unknown or broken rubric: read the sheet without it
                    rubric = None
                known = self._known[rubric_id] = (rubric, now)
            return known[0]
