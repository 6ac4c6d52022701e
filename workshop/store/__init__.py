"""The store: where workshops, groups, answers, the clock and action items live.

Two backends implement :class:`workshop.store.base.Store`: an embedded SQLite
file (the default, no credentials needed) and a Google Sheet through gspread.
Pages talk only to the interface; :func:`workshop.runtime.open_runtime` (the
app) and :func:`workshop.store.factory.open_store` (commands) pick the backend
from configuration.
"""

from workshop.store.base import (
    NotFound,
    Store,
    StoreConfigError,
    StoreError,
    StoreUnavailable,
)

__all__ = ["NotFound", "Store", "StoreConfigError", "StoreError", "StoreUnavailable"]
