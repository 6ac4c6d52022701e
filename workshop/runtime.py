"""Everything a running app process needs to save and show changes, opened together.

The pages of one process share one store (one Sheets cache), one outbox and
one :class:`~workshop.sync.SyncEngine`; several processes on one machine also
share the outbox file, the quota bucket, the send slots, the last read of the
sheet and the app secret through files in the data folder. :func:`open_runtime`
wires them from the settings so the views hold a single object
(``views.live.runtime()``) and nothing of this wiring lives in a view.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop import timesource
from workshop.access import Keys, keys_from_settings
from workshop.config import Settings
from workshop.coordination import Coordination, SendSlots, SharedQuotaPacer
from workshop.outbox import Outbox
from workshop.store.base import Store
from workshop.sync import SyncEngine
from workshop.throttle import Throttle
from workshop.vote_box import VoteBox

#: What a failed attempt counts against besides its session (see workshop.throttle), and
#: how many failures an address has free: a room behind one NAT shares it.
ADDRESS_KEY = "address:"
ADDRESS_FREE_FAILURES = 20

#: Participants' votes, in the data folder (workshop.vote_box).
VOTES_NAME = "votes.sqlite3"

#: The last read of the Google Sheet, in the data folder (workshop.store.sheets.kept).
KEPT_COPY_NAME = "sheets-last-read.json"


@dataclass
class Runtime:
    store: Store
    outbox: Outbox
    engine: SyncEngine
    coordination: Coordination
    #: The app secret and the links and codes derived from it.
    keys: Keys
    #: Failed codes, passcodes and tokens of every session of this process.
    throttle: Throttle
    #: Participants' votes (local; their summaries go out with the groups' commits).
    votes: VoteBox

    def close(self) -> None:
        self.engine.close()
        self.votes.close()
        self.outbox.close()
        self.coordination.close()
        self.store.close()


def record_id(settings: Settings, store: Store) -> str:
    """Which shared record the outbox's changes are for (never sent to another)."""
    if settings.uses_sheets:
        return f"sheets:{getattr(store, 'key', settings.spreadsheet)}"
    return f"local:{settings.db_path.resolve()}"


def open_runtime(settings: Settings, *, start: bool = True) -> Runtime:
    """The store, outbox and sender of this process (the sender thread started)."""
    app_keys = keys_from_settings(settings)
    coordination = Coordination(settings.outbox_path.with_name("coordination.sqlite3"))
    if settings.uses_sheets:
        from workshop.sheets_client import client_email
        from workshop.store.sheets import SheetsStore
        from workshop.store.sheets import pacing as sheets_pacing
        from workshop.store.sheets.pacing import QUOTA_BURST, QUOTA_PER_MINUTE, QUOTA_SHARE

        account = client_email(dict(settings.service_account_info or {}))
        per_minute = QUOTA_PER_MINUTE * QUOTA_SHARE
        sheets_pacing.use_pacer(
            settings.sheets_endpoint,
            account,
            per_minute,
            SharedQuotaPacer(coordination, account, per_minute, QUOTA_BURST),
        )
        store: Store = SheetsStore.from_settings(
            settings,
            background_reads=True,
            kept_copy=settings.outbox_path.with_name(KEPT_COPY_NAME),
        )
        interval = settings.send_interval
    else:
        from workshop.store.sqlite import SqliteStore

        store = SqliteStore(settings.db_path)
        interval = 0.0
    outbox = Outbox(settings.outbox_path)
    record = record_id(settings, store)
    votes = VoteBox(settings.outbox_path.with_name(VOTES_NAME), record)
    engine = SyncEngine(
        store,
        outbox,
        record=record,
        votes=votes,
        send_interval=interval,
        slots=SendSlots(coordination),
        observe_edits=settings.uses_sheets,
    )
    if start:
        engine.start()
    # The throttle's clock is the app's time source, which tests replace with their own.
    throttle = Throttle(free_by_prefix={ADDRESS_KEY: ADDRESS_FREE_FAILURES}, clock=timesource.now)
    return Runtime(store, outbox, engine, coordination, app_keys, throttle, votes)
