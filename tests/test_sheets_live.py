"""Opt-in: the same store contract, against a real Google Sheet instead of the fake.

Runs only when both are set:

* ``WORKSHOP_LIVE_SHEET``: URL or key of a THROWAWAY spreadsheet whose title
  contains "test", shared with the service account as Editor. Every test
  ERASES it (all worksheets but one are deleted, the last one is cleared).
* ``GOOGLE_APPLICATION_CREDENTIALS``: the service account's JSON key file.

``pytest -m live tests/test_sheets_live.py``. (With ``WORKSHOP_SHEETS_ENDPOINT``
set, the same run goes to that base URL instead, e.g. a fake started with
``python -m tests.support.fake_sheets``: a dry run of this module.) The contract tests are imported
from ``tests/test_store_contract.py`` unchanged; only the ``store`` fixture
differs. Retries wait longer than in the fake tests, because the real quota
(60 requests a minute) is shared with whatever else uses the account.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import test_store_contract as contract
from workshop.sheets_client import RetryPolicy, open_spreadsheet, spreadsheet_key
from workshop.store.sheets import SheetsStore, clear_shared_books

LIVE_SHEET = os.environ.get("WORKSHOP_LIVE_SHEET", "")
CREDENTIALS = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
ENDPOINT = os.environ.get("WORKSHOP_SHEETS_ENDPOINT", "")
LIVE_RETRY = RetryPolicy(attempts=7, base=2.0, cap=32.0)

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not (LIVE_SHEET and CREDENTIALS),
        reason="live Google Sheets tests are opt-in: set WORKSHOP_LIVE_SHEET (a throwaway "
        "sheet with 'test' in its title, shared with the service account as Editor; it is "
        "erased) and GOOGLE_APPLICATION_CREDENTIALS (the account's JSON key file)",
    ),
]

# The contract suite's tests, collected again here with this module's ``store`` fixture.
for _name in dir(contract):
    if _name.startswith("test_"):
        globals()[_name] = getattr(contract, _name)


def _erase(info: dict[str, Any], key: str) -> None:
    """Leave one empty worksheet, so each test starts from an empty store."""
    spreadsheet = LIVE_RETRY.run(lambda: open_spreadsheet(info=info, key=key, endpoint=ENDPOINT))
    if "test" not in spreadsheet.title.lower():
        pytest.fail(
            f"Refusing to erase spreadsheet {spreadsheet.title!r}: its title must contain "
            "'test' to be used by the live tests."
        )
    sheets = LIVE_RETRY.run(spreadsheet.fetch_sheet_metadata)["sheets"]
    keep = sheets[0]["properties"]
    requests = [{"deleteSheet": {"sheetId": s["properties"]["sheetId"]}} for s in sheets[1:]]
    requests.append(
        {
            "updateSheetProperties": {
                "properties": {"sheetId": keep["sheetId"], "title": "Sheet1"},
                "fields": "title",
            }
        }
    )
    LIVE_RETRY.run(lambda: spreadsheet.batch_update({"requests": requests}))
    LIVE_RETRY.run(lambda: spreadsheet.values_clear("'Sheet1'"))


@pytest.fixture
def store() -> Iterator[SheetsStore]:
    info = json.loads(Path(CREDENTIALS).read_text(encoding="utf-8"))
    key = spreadsheet_key(LIVE_SHEET)
    _erase(info, key)
    clear_shared_books()
    opened = SheetsStore(key, info, endpoint=ENDPOINT, retry=LIVE_RETRY)
    try:
        yield opened
    finally:
        opened.close()
        clear_shared_books()


def test_prepare_on_a_real_sheet_is_idempotent(store: SheetsStore) -> None:
    workshop, groups = contract.setup_workshop(store, groups=2)
    store.save_answers(
        workshop.id,
        groups[0].id,
        [contract.AnswerChange("data-1", "1", "live")],
        updated_by="live-test",
        updated_at=contract.AT,
    )
    assert not store.prepare(workshop.id).changed
    snap = store.snapshot(workshop.id)
    assert snap.problems == ()
    assert snap.group_answers(groups[0].id)["data-1"].note == "live"
