"""The embedded store: one SQLite file, the default when no Google Sheet is configured.

* :mod:`~workshop.store.sqlite.store`: :class:`SqliteStore`, the store's operations;
* :mod:`~workshop.store.sqlite.database`: the file, its connections and transactions;
* :mod:`~workshop.store.sqlite.tables`: each table's SQL, from its record's columns;
* :mod:`~workshop.store.sqlite.schema`: the migrations, in order.
"""

from workshop.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
