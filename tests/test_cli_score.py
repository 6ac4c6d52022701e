"""``workshop score FILE.csv``: reading CSVs, exit codes, text and JSON output."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from tests.rubric_factory import make_rubric
from workshop import cli
from workshop.commands import score as score_cmd
from workshop.commands.score import (
    EXIT_BELOW,
    EXIT_INVALID,
    EXIT_OK,
    ScoreInputError,
    parse_csv_text,
    read_csv_rows,
    run_score,
)

FIXTURES = Path(__file__).parent / "fixtures" / "answers"
RUBRIC = make_rubric(na_allowed=("data-7",))


def _rows(name: str):
    return read_csv_rows(str(FIXTURES / name))


def _json(name: str, **kwargs) -> tuple[int, dict]:
    result = run_score(_rows(name), RUBRIC, "json", **kwargs)
    return result.exit_code, json.loads(result.output)


# worked_example.csv, hand-checked:
#   data    1, 1, 1, 0.5, 0.5, 0, N/A  -> raw 4.0 over 6 applicable -> 4 * 7 / 6 = 4.6667
#   model   1, 0.5, 0, 1, 1, 1, 1      -> 5.5
#   infra   0.5 x 7                    -> 3.5
#   monitor 1, 1, 0.5, 0, 0, 0, 0      -> 2.5
#   final = min = 2.5 -> band (2, 3] "2-3"
WORKED_SECTIONS = {
    "data": {"score": 4.6667, "raw": 4.0, "answered": 7, "applicable": 6, "items": 7},
    "model": {"score": 5.5, "raw": 5.5, "answered": 7, "applicable": 7, "items": 7},
    "infra": {"score": 3.5, "raw": 3.5, "answered": 7, "applicable": 7, "items": 7},
    "monitor": {"score": 2.5, "raw": 2.5, "answered": 7, "applicable": 7, "items": 7},
}


def test_worked_example_json() -> None:
    code, data = _json("worked_example.csv")
    assert code == EXIT_OK
    assert set(data) == {"sections", "final", "band", "provisional", "errors"}
    assert list(data["sections"]) == list(WORKED_SECTIONS)
    for section_id, expected in WORKED_SECTIONS.items():
        got = data["sections"][section_id]
        assert set(got) == set(expected)
        assert got["score"] == pytest.approx(expected["score"], abs=1e-4)
        assert {k: v for k, v in got.items() if k != "score"} == {
            k: v for k, v in expected.items() if k != "score"
        }
    assert data["final"] == 2.5
    assert data["band"] == "2-3"
    assert data["provisional"] is False
    assert data["errors"] == []


def test_bom_crlf_column_order_extra_column_and_typed_variants_read_the_same() -> None:
    # Same answers written as "１", "0,5", " 0 ", "対象外", columns note,score,item_id,owner,
    # a BOM, CRLF line ends and a two-line quoted note.
    assert _json("worked_example_bom.csv") == _json("worked_example.csv")
    rows = _rows("worked_example_bom.csv")
    assert rows[0].note == "line one\nline two"
    assert (rows[0].row, rows[1].row) == (2, 3)  # a multi-line cell is still one row


def test_no_na_example_and_text_output() -> None:
    # data 1+1+0.5+0.5 = 3; model 1+1+1+0.5+0.5 = 4; infra 1+0.5*3 = 2.5; monitor 4+0.5*2 = 5
    result = run_score(_rows("no_na.csv"), RUBRIC, "text")
    assert result.exit_code == EXIT_OK
    assert result.errors == ""
    lines = result.output.splitlines()
    assert lines[0] == "Rubric: test-rubric"
    table = {line.split()[0]: line.split()[1:] for line in lines[3:7]}
    assert table == {
        "data": ["3", "3", "7/7", "7/7"],
        "model": ["4", "4", "7/7", "7/7"],
        "infra": ["2.5", "2.5", "7/7", "7/7"],
        "monitor": ["5", "5", "7/7", "7/7"],
    }
    assert "Final score: 2.5" in result.output
    assert "band 2-3" in result.output
    assert "Weakest section(s): infra" in result.output
    assert "Complete" in result.output
    assert "Provisional" not in result.output


def test_text_output_scaled_and_all_na_sections() -> None:
    rubric = make_rubric(na_allowed="all")
    rows = parse_csv_text(
        "item_id,score\n"
        + "".join(f"model-{n},N/A\n" for n in range(1, 8))
        + "data-1,N/A\n"
        + "".join(f"data-{n},1\n" for n in range(2, 8))
    )
    result = run_score(rows, rubric, "text")
    data_line = next(line for line in result.output.splitlines() if line.startswith("data"))
    model_line = next(line for line in result.output.splitlines() if line.startswith("model"))
    # data: 6 at 1 over 6 applicable -> 7; raw 6; 7 answered of 7; 6 applicable of 7.
    assert data_line.split()[1:5] == ["7", "6", "7/7", "6/7"]
    assert model_line.split()[1:5] == ["—", "0", "7/7", "0/7"]
    assert "all N/A" in model_line
    # infra and monitor are blank: 0, provisional; final = 0 (model left out).
    assert "Final score: 0" in result.output
    assert "Provisional: 14 item(s)" in result.output
    assert result.exit_code == EXIT_OK


def test_every_section_all_na_text_and_fail_under() -> None:
    rubric = make_rubric(na_allowed="all")
    rows = parse_csv_text("item_id,score\n" + "".join(f"{i.id},n/a\n" for i in rubric.items))
    result = run_score(rows, rubric, "text", fail_under=0)
    assert "Final score: none" in result.output
    assert result.exit_code == EXIT_BELOW  # no final score cannot pass a gate


def test_invalid_cells_exit_1_with_row_numbers() -> None:
    rubric = make_rubric()  # N/A allowed nowhere
    result = run_score(_rows("invalid.csv"), rubric, "text")
    assert result.exit_code == EXIT_INVALID
    assert "Provisional" in result.output
    assert result.errors.splitlines() == [
        "Errors (3):",
        "  row 3: data-2: 'yes' is not a valid answer; use 0, 0.5, 1",
        "  row 11: model-3: '2' is not a valid answer; use 0, 0.5, 1",
        "  row 17: N/A is not allowed for infra-2",
    ]
    code, data = _json("invalid.csv")
    assert code == EXIT_INVALID
    assert [(e["row"], e["item_id"], e["value"]) for e in data["errors"]] == [
        (3, "data-2", "yes"),
        (11, "model-3", "2"),
        (17, "infra-2", "N/A"),
    ]
    assert data["provisional"] is True
    # The invalid cells count 0: data 3 - 1 (data-2 was 1) = 2.
    assert data["sections"]["data"]["raw"] == 2.0
    assert data["sections"]["data"]["answered"] == 6


def test_invalid_beats_fail_under() -> None:
    result = run_score(_rows("invalid.csv"), RUBRIC, "json", fail_under=7)
    assert result.exit_code == EXIT_INVALID


def test_duplicate_rows_name_both_rows() -> None:
    code, data = _json("duplicate.csv")
    assert code == EXIT_INVALID
    assert data["errors"] == [
        {
            "item_id": "data-3",
            "value": "1",
            "message": "data-3 appears more than once (rows 4 and 30)",
            "row": 30,
        }
    ]


def test_unanswered_blank_lines_and_unknown_items() -> None:
    code, data = _json("unanswered.csv")
    # data-1 (row 2) and monitor-7 (row 29) blank; row 30 empty (skipped); row 31 data-99.
    assert code == EXIT_INVALID
    assert data["errors"] == [
        {"item_id": "data-99", "value": "1", "message": "unknown item 'data-99'", "row": 31}
    ]
    assert data["sections"]["data"]["answered"] == 6
    assert data["sections"]["data"]["raw"] == 2.0  # data-1 was the 1 in no_na.csv
    assert data["sections"]["monitor"]["answered"] == 6
    assert data["provisional"] is True


@pytest.mark.parametrize(
    ("limit", "code"),
    [(None, EXIT_OK), (2.0, EXIT_OK), (2.5, EXIT_OK), (2.5000001, EXIT_BELOW), (3, EXIT_BELOW)],
)
def test_fail_under(limit: float | None, code: int) -> None:
    result = run_score(_rows("no_na.csv"), RUBRIC, "text", fail_under=limit)  # final 2.5
    assert result.exit_code == code
    assert ("below --fail-under" in result.errors) == (code == EXIT_BELOW)


def test_fail_under_in_json_keeps_stdout_pure_json() -> None:
    result = run_score(_rows("no_na.csv"), RUBRIC, "json", fail_under=3)
    assert result.exit_code == EXIT_BELOW
    assert json.loads(result.output)["final"] == 2.5
    assert "below" in result.errors


def test_japanese_text_output() -> None:
    # invalid.csv is no_na.csv with data-2 (was 1), model-3 (1), infra-2 (0.5) invalid:
    # data 3 - 1 = 2, model 4 - 1 = 3, infra 2.5 - 0.5 = 2, monitor 5 -> final 2, band 1-2.
    result = run_score(_rows("invalid.csv"), make_rubric(), "text", lang="ja")
    assert "最終スコア: 2  (区分 1-2" in result.output
    assert "最も弱いセクション: data, infra" in result.output
    assert "暫定" in result.output
    assert "3 行目" in result.errors
    assert "infra-2 には N/A（対象外）を使えません" in result.errors


# --------------------------------------------------------------------------- reading


def test_missing_required_column() -> None:
    with pytest.raises(ScoreInputError) as caught:
        _rows("missing_column.csv")
    assert "missing column(s) score" in str(caught.value)
    assert "missing_column.csv" in str(caught.value)
    assert caught.value.text.ja != caught.value.text.en


def test_header_is_matched_tolerantly_and_note_is_optional() -> None:
    rows = parse_csv_text(" Item_ID , SCORE \ndata-1,1\ndata-2\n")
    assert [(r.row, r.item_id, r.score, r.note) for r in rows] == [
        (2, "data-1", "1", ""),
        (3, "data-2", "", ""),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("item_id,score,score\n", "column score appears more than once"),
        ("item,score\n", "missing column(s) item_id"),
    ],
)
def test_unreadable_headers(text: str, message: str) -> None:
    with pytest.raises(ScoreInputError, match=re.escape(message)):
        parse_csv_text(text)


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ScoreInputError, match="cannot read"):
        read_csv_rows(str(tmp_path / "nope.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("item_id,score,note\ndata-1,1,café\n".encode("latin-1"))
    with pytest.raises(ScoreInputError, match="UTF-8"):
        read_csv_rows(str(latin))


# --------------------------------------------------------------------------- argparse entry point


@pytest.fixture
def factory_rubric(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Serve the factory rubric instead of the content folder; records requested ids."""
    requested: list[str] = []

    def load(rubric_id: str):
        requested.append(rubric_id)
        return RUBRIC

    monkeypatch.setattr(score_cmd, "load_rubric", load)
    return requested


def test_cli_end_to_end_json(factory_rubric: list[str], capsys: pytest.CaptureFixture) -> None:
    code = cli.main(["score", str(FIXTURES / "worked_example.csv"), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert factory_rubric == ["ml-test-score"]  # the default rubric
    assert json.loads(out)["final"] == 2.5
    assert err == ""


def test_cli_end_to_end_text_errors_on_stderr(
    factory_rubric: list[str], capsys: pytest.CaptureFixture
) -> None:
    code = cli.main(["score", str(FIXTURES / "invalid.csv"), "--rubric", "other"])
    out, err = capsys.readouterr()
    assert code == EXIT_INVALID
    assert factory_rubric == ["other"]
    assert "Final score" in out
    assert "row 3: data-2" in err
    assert "row 3" not in out


def test_cli_fail_under(factory_rubric: list[str], capsys: pytest.CaptureFixture) -> None:
    args = ["score", str(FIXTURES / "no_na.csv"), "--fail-under", "3"]
    assert cli.main(args) == EXIT_BELOW
    assert "below --fail-under 3" in capsys.readouterr().err


def test_cli_reads_stdin(
    factory_rubric: list[str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (FIXTURES / "no_na.csv").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert cli.main(["score", "-", "--format", "json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["final"] == 2.5


def test_cli_input_error_exits_1(factory_rubric: list[str], capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["score", str(FIXTURES / "missing_column.csv"), "--lang", "ja"]) == 1
    assert "score がありません" in capsys.readouterr().err


def test_cli_unknown_rubric_exits_1(capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["score", str(FIXTURES / "no_na.csv"), "--rubric", "nope"]) == 1
    err = capsys.readouterr().err
    assert "cannot load rubric 'nope'" in err
    assert "ml-test-score" in err  # the loader lists the rubrics that exist


def test_cli_with_the_shipped_rubric(capsys: pytest.CaptureFixture) -> None:
    # The real ml-test-score rubric has the same ids and allows N/A on data-7,
    # so the worked example scores the same as with the factory rubric.
    code = cli.main(["score", str(FIXTURES / "worked_example.csv"), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert out["final"] == 2.5
    assert out["band"] == "2-3"
    assert out["sections"]["data"]["score"] == pytest.approx(4 * 7 / 6, abs=1e-6)
    # The shipped rubric does not allow N/A on infra-2, as invalid.csv expects.
    assert cli.main(["score", str(FIXTURES / "invalid.csv")]) == EXIT_INVALID
    assert "row 17: N/A is not allowed for infra-2" in capsys.readouterr().err
