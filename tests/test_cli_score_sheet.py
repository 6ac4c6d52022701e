"""`workshop score --sheet` scores a group straight from the Google Sheet (the local fake)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.sheets_backend import sheets_fixture
from workshop.cli import main
from workshop.content import load_rubric
from workshop.models import AnswerChange
from workshop.scoring import score_answers, to_json
from workshop.workshops import GroupDraft, create_workshop


def test_score_from_the_sheet_matches_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = load_rubric("ml-test-score")
    with sheets_fixture() as fixture:
        store = fixture.open_store()
        workshop, groups = create_workshop(
            store,
            title="Sheet round",
            date="2026-11-23",
            language="en",
            rubric_id="ml-test-score",
            agenda_id="standard-60",
            passcode="sheet-pass",
            groups=[GroupDraft("Team A", "Search"), GroupDraft("Team B", "Fraud")],
        )
        values = {item.id: "1" for item in rubric.items}
        values.update({"monitor-1": "0.5", "monitor-2": "0", "data-2": "N/A", "infra-3": ""})
        store.save_answers(
            workshop.id,
            groups[0].id,
            [AnswerChange(i, v, "") for i, v in values.items()],
            updated_by="t",
            updated_at="2026-11-23T10:00:00+00:00",
        )
        key_file = tmp_path / "sa.json"
        key_file.write_text(json.dumps(fixture.fake.service_account_info()), encoding="utf-8")
        for name in ("WORKSHOP_STORE", "WORKSHOP_DB", "WORKSHOP_HOST_PASSCODE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
        monkeypatch.setenv("WORKSHOP_SHEETS_ENDPOINT", fixture.fake.base_url)

        code = main(["score", "--sheet", fixture.key, "--group", "team a", "--format", "json"])
        output = json.loads(capsys.readouterr().out)
        assert code == 0
        assert output == to_json(score_answers(rubric, values))
        assert output["final"] == pytest.approx(5.5)  # monitor: 5 x 1 + 0.5 + 0
        assert output["provisional"] is True  # infra-3 unanswered

        code = main(["score", "--sheet", fixture.key, "--group", "Nobody"])
        assert code == 1
        assert "Nobody" in capsys.readouterr().err


def test_score_needs_exactly_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score"]) == 1
    assert "either FILE.csv or --sheet" in capsys.readouterr().err
    assert main(["score", "--sheet", "abcdefghijkl"]) == 1
    assert "--sheet needs --group" in capsys.readouterr().err
