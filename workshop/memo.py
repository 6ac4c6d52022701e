"""A bounded, thread-safe memo shared by every session of an app process.

Pages rebuild the same things on every rerun of every viewer: chart specs,
export files, a history's scores. Kept here by key, each is built once while
its key stays the same (the key says what it shows, e.g. a fingerprint of the
answers), and the least recently used entry goes when the memo is full, so
memory stays bounded however long the app runs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedMemo(Generic[K, V]):
    """At most ``limit`` values by key; a lookup makes its entry the most recent."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("A memo must hold at least one entry.")
        self.limit = limit
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept under ``key``, or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond the limit."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        """The value under ``key``, built (outside the lock) and kept if there is none yet.

        Two sessions asking at the same moment may both build it; the value is
        the same, and building outside the lock keeps a slow build from stalling
        every other lookup.
        """
        value = self.get(key)
        if value is None:
            value = build()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
