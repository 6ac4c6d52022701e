"""The Google Sheets store: the workshop lives in a spreadsheet people can read and edit.

What the app and its tests use: :class:`SheetsStore`, :func:`clear_shared_books`,
:class:`QuotaPacer`, :class:`PrepareReport` and :class:`BookState`.
"""

from workshop.store.sheets.book import BookState
from workshop.store.sheets.pacing import QuotaPacer
from workshop.store.sheets.store import PrepareReport, SheetsStore, clear_shared_books

__all__ = ["BookState", "PrepareReport", "QuotaPacer", "SheetsStore", "clear_shared_books"]
