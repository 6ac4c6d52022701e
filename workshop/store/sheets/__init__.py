"""The Google Sheets store: the workshop lives in a spreadsheet people can read and edit.

One service account shares about 60 requests a minute across every session of
the app, and people sort, edit and delete rows while the app writes. So pages
are served one shared read, writes find their rows by key in a fresh read, and
every request is paced. One module per job:

* :mod:`.store`: :class:`SheetsStore`, the :class:`~workshop.store.base.Store`
  methods, each short, wiring the parts below together;
* :mod:`.reads`: the shared read every page is served, and when to read again;
* :mod:`.commit`: the group commit (one fresh read, every waiting change planned
  against it, one write); :mod:`.writes` and :mod:`.plans`: what each write puts
  where, found by key in that read; :mod:`.verify`: the check that it landed;
* :mod:`.additions` and :mod:`.prepare`: what adds rows and worksheets;
* :mod:`.snapshot` and :mod:`.lookup`: a workshop as pages see it, and finding
  a workshop, group or worksheet in a read;
* :mod:`.api`: every request, paced (:mod:`.pacing`), retried and counted;
  :mod:`.book`: what the store handles of one process share; :mod:`.rubrics`;
* :mod:`.layout`: how the workshop is laid out in the sheet, as pure functions.

See docs/saving.md for how a tutor's answer gets into the sheet.
"""

from workshop.store.sheets.book import BookState
from workshop.store.sheets.pacing import QuotaPacer
from workshop.store.sheets.prepare import PrepareReport
from workshop.store.sheets.store import SheetsStore, clear_shared_books

__all__ = ["BookState", "PrepareReport", "QuotaPacer", "SheetsStore", "clear_shared_books"]
