"""The Google Sheets store on the local fake, for the store contract suite and Sheets tests.

``tests/test_store_contract.py`` imports this module and calls :func:`register`,
so every contract test also runs against :class:`SheetsStore` talking through
real gspread and google-auth to :class:`FakeSheetsServer` (only the transport
is redirected). Retries never sleep, so fault tests stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.fake_sheets import FakeSheetsServer
from workshop.sheets_client import RetryPolicy
from workshop.store.base import Store
from workshop.store.sheets import SheetsStore, clear_shared_books


@dataclass
class SheetsFixture:
    """A running fake, one spreadsheet on it, and a way to open more store handles."""

    fake: FakeSheetsServer
    key: str
    sleeps: list[float]

    def open_store(self, **options: Any) -> SheetsStore:
        """Another store handle on the same spreadsheet (shares the process cache)."""
        options.setdefault("retry", RetryPolicy(sleep=self.sleeps.append))
        options.setdefault("cache_seconds", 4.0)
        return SheetsStore(
            self.key, self.fake.service_account_info(), endpoint=self.fake.base_url, **options
        )


@contextmanager
def sheets_fixture(sheets: tuple[str, ...] = ("Sheet1",)) -> Iterator[SheetsFixture]:
    """Start a fake with one spreadsheet; forget the process cache afterwards."""
    clear_shared_books()
    with FakeSheetsServer() as fake:
        key = fake.create_spreadsheet("ML Test Score workshop", sheets=sheets)
        try:
            yield SheetsFixture(fake=fake, key=key, sleeps=[])
        finally:
            clear_shared_books()


@contextmanager
def sheets_store_factory(tmp_path: Path) -> Iterator[Store]:
    """A ready, empty :class:`SheetsStore` on a fresh fake (``tmp_path`` is unused)."""
    del tmp_path
    with sheets_fixture() as fixture:
        store = fixture.open_store()
        try:
            yield store
        finally:
            store.close()


def register(backends: dict[str, Callable[[Path], AbstractContextManager[Store]]]) -> None:
    """Add the "sheets" backend to the contract suite's registry."""
    backends["sheets"] = sheets_store_factory
