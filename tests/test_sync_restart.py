"""A process that stops in the middle of a send hands its changes to the next one at once.

Found by tests/test_e2e_sheets_outbox.py: the app was restarted during an outage
while its sender was retrying (it mostly is then), so the changes stayed claimed
for the one-minute lease; the restarted app could not send them for up to a
minute after Google was back, while its page said "retrying every few seconds".
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.test_sync import REC, patch, workshop_with_groups
from workshop.outbox import Outbox
from workshop.store.base import StoreUnavailable
from workshop.store.sqlite import SqliteStore
from workshop.sync import SyncEngine


class _Down:
    """A store whose sends hang (retrying an outage) until ``over`` is set, then fail."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.sending = threading.Event()
        self.over = threading.Event()

    def apply_many(self, sets):
        self.sending.set()
        self.over.wait(10)
        raise StoreUnavailable("down", reason="http", status=500)

    def __getattr__(self, name: str):
        return getattr(self.store, name)


def test_a_stopped_sender_gives_back_what_it_was_sending(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "w.sqlite3")
    workshop_with_groups(store)
    path = tmp_path / "outbox.sqlite3"
    down = _Down(store)
    before = SyncEngine(down, Outbox(path), record=REC).start()
    entry = before.record("w1", "g0", patch("data-4", "N/A"))
    assert down.sending.wait(10)  # the change is claimed and being sent

    started = time.monotonic()
    before.close(timeout=0.2)  # SIGTERM: Streamlit's exit runs it (atexit)
    assert time.monotonic() - started < 2

    after = SyncEngine(store, Outbox(path), record=REC)
    after.step()  # at once, not after the minute of the lease
    assert [e.status for e in after.outbox.entries([entry])] == ["written"]
    assert store.snapshot("w1").group_answers("g0")["data-4"].value == "N/A"
    down.over.set()
    after.outbox.close()
    before.outbox.close()
    store.close()
