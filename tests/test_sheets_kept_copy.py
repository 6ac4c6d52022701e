"""The last read of the sheet kept on disk: a process that starts during an outage shows it.

Found by tests/test_e2e_sheets_outbox.py: after a restart while Google failed every
request, the tutor page showed only "cannot be reached" (no workshop, not the changes
waiting in the outbox) and stayed so until a reload after Google was back.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.support.sheets_backend import sheets_fixture
from workshop.models import AnswerChange
from workshop.store.base import StoreUnavailable
from workshop.store.sheets import clear_shared_books
from workshop.store.sheets.kept import KeptCopy
from workshop.workshops import GroupDraft, create_workshop


def _workshop(store) -> tuple[str, str]:
    workshop, groups = create_workshop(
        store, title="Kept copy", date="2026-12-02", language="en", rubric_id="ml-test-score",
        agenda_id="standard-60", passcode="kept-passcode",
        groups=[GroupDraft("Team A", "Search"), GroupDraft("Team B", "Fraud")],
    )  # fmt: skip
    return workshop.id, groups[0].id


def test_a_store_that_cannot_read_at_start_shows_the_kept_read_and_never_writes_from_it(
    tmp_path: Path,
) -> None:
    kept = tmp_path / "data" / "sheets-last-read.json"
    with sheets_fixture() as fx:
        first = fx.open_store(background_reads=True, read_backoff_seconds=2.0, kept_copy=kept)
        workshop_id, group_id = _workshop(first)
        first.save_answers(
            workshop_id, group_id, [AnswerChange("data-1", "1", "kept note")],
            updated_by="Aiko", updated_at="2026-12-02T10:00:00+00:00",
        )  # fmt: skip
        assert first.snapshot(workshop_id).group_answers(group_id)["data-1"].note == "kept note"
        assert kept.is_file() and stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert "kept note" in kept.read_text(encoding="utf-8")  # the write-through is kept too

        clear_shared_books()  # another process starts ...
        fx.fake.fail_for(3600, 503)  # ... while Google fails every request
        without = fx.open_store(background_reads=True, read_backoff_seconds=2.0)
        with pytest.raises(StoreUnavailable):
            without.snapshot(workshop_id)
        clear_shared_books()
        second = fx.open_store(background_reads=True, read_backoff_seconds=2.0, kept_copy=kept)
        shown = second.snapshot(workshop_id)
        assert [g.name for g in shown.groups] == ["Team A", "Team B"]
        assert shown.group_answers(group_id)["data-1"].note == "kept note"
        assert second.read_age() == float("inf")  # an old copy: the next chance to read is taken
        with pytest.raises(StoreUnavailable):  # a commit plans on a fresh read, never the file
            second.save_answers(
                workshop_id, group_id, [AnswerChange("data-2", "0", "")],
                updated_by="Aiko", updated_at="2026-12-02T10:01:00+00:00",
            )  # fmt: skip

        fx.fake.clear_faults()
        second.refresh_now()
        assert second.read_age() is not None and second.read_age() < 60
        assert second.snapshot(workshop_id).group_answers(group_id)["data-1"].value == "1"


def test_a_kept_read_of_another_sheet_or_a_broken_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "sheets-last-read.json"
    path.write_text(json.dumps({"format": 1, "key": "other", "sheets": [], "values": {}}))
    assert KeptCopy(path, "mine").load() is None
    path.write_text("{not json")
    assert KeptCopy(path, "mine").load() is None
    assert KeptCopy(tmp_path / "absent.json", "mine").load() is None
