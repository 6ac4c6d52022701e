"""Open the store the settings ask for, alone: for commands that read it once.

The app opens its store with :func:`workshop.runtime.open_runtime` instead (with
the outbox, the sender and, on Sheets, the shared quota pacer); pages never
import a backend directly.
"""

from __future__ import annotations

from workshop.config import Settings
from workshop.store.base import Store


def open_store(settings: Settings) -> Store:
    """The SQLite store by default, the Google Sheets store when configured."""
    if settings.uses_sheets:
        from workshop.store.sheets import SheetsStore

        return SheetsStore.from_settings(settings)
    from workshop.store.sqlite import SqliteStore

    return SqliteStore(settings.db_path)
