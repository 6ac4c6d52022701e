"""The last read of the spreadsheet, kept on disk for an app process that starts during an outage.

The shared copy of the spreadsheet (:class:`~workshop.store.sheets.book.BookState`)
lives in memory. A process that started while Google could not be reached (an
outage, the quota, a network problem) therefore had nothing to show: every page
stopped at the error, the tutor page could not show the changes waiting for the
tutor in the outbox, and the page stayed that way until someone reloaded it after
Google was back. So the store keeps each read whose values changed in a file in
the data folder (beside the outbox), and a process with no copy that cannot read
starts from that file's copy, marked as old so the first chance to read is
taken. The file is only ever shown: every commit plans its writes on a fresh read.

The file holds what the sheet holds (join codes, passcode hashes, results tokens),
so it is readable by the app's user only, like the rest of the data folder.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from workshop.store.sheets.book import BookState
from workshop.store.sheets.layout.structure import SheetInfo

LOG = logging.getLogger(__name__)
FORMAT = 1


class KeptCopy:
    """One spreadsheet's last read in a JSON file (written atomically, several processes)."""

    def __init__(self, path: str | Path, key: str) -> None:
        self.path = Path(path)
        self.key = key

    def save(self, state: BookState) -> None:
        data = {
            "format": FORMAT,
            "key": self.key,
            "sheets": [
                [info.title, info.sheet_id, info.row_count, info.column_count]
                for info in state.sheets.values()
            ],
            "values": dict(state.values),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError as error:  # a full disk must not stop the pages: they have the memory copy
            LOG.warning("Could not keep the last read of the sheet in %s: %s", self.path, error)
            temporary.unlink(missing_ok=True)

    def load(self, read_at: float = float("-inf")) -> BookState | None:
        """The kept read as a copy read at ``read_at`` (long ago by default), or None."""
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("key") != self.key:
                return None
            sheets = {
                str(title): SheetInfo(str(title), int(sheet_id), int(rows), int(cols))
                for title, sheet_id, rows, cols in data["sheets"]
            }
            values = {
                str(title): [list(row) for row in rows] for title, rows in data["values"].items()
            }
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError) as error:
            LOG.warning("Ignoring the kept read of the sheet in %s: %s", self.path, error)
            return None
        return BookState(sheets, values, read_at)
