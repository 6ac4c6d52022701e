"""The sheet layout as pure functions: parsing what people typed, without any HTTP."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from tests.rubric_factory import item_ids, make_rubric
from workshop.models import Answer, ClockState, Group, Workshop
from workshop.scoring import score_answers
from workshop.store.sheets.layout.a1 import a1_range, column_letter, quote_title, row_updates
from workshop.store.sheets.layout.actions_table import parse_actions
from workshop.store.sheets.layout.answer_sheet import (
    AnswerSheet,
    answer_sheet_values,
    missing_worksheet,
    parse_answer_sheet,
    score_choices,
    sheet_rows,
)
from workshop.store.sheets.layout.cells import cell, format_float, next_free_row
from workshop.store.sheets.layout.columns import (
    ACTIONS_HEADER,
    ANSWERS_HEADER,
    GROUPS_HEADER,
    MAX_TITLE,
    SETTINGS_HEADER,
)
from workshop.store.sheets.layout.groups_table import (
    group_values,
    group_worksheet_title,
    parse_groups,
)
from workshop.store.sheets.layout.settings_table import (
    clock_values,
    parse_settings,
    workshop_values,
)
from workshop.store.sheets.layout.structure import (
    SheetInfo,
    find_title,
    score_validation_request,
    sheets_from_metadata,
)

RUBRIC = make_rubric(na_allowed={"data-2"}, rubric_id="ml-test-score")
ITEMS = item_ids()
GROUP = Group("g1", "w1", "Team A", "Search", "production", "Ann", 0)
HEADER = list(ANSWERS_HEADER)


def sheet_values(scores: dict[str, str] | None = None) -> list[list[str]]:
    """A group worksheet as the API returns it: header and one row per item."""
    scores = scores or {}
    rows = [list(HEADER)]
    for item in ITEMS:
        rows.append([item, item.split("-")[0], f"title {item}", scores.get(item, ""), "", "", ""])
    return rows


def parse(values: list[list[str]], lang: str = "en") -> AnswerSheet:
    return parse_answer_sheet(values, title="Team A", group=GROUP, rubric=RUBRIC, lang=lang)


def problem_texts(sheet: AnswerSheet) -> list[str]:
    return [f"{p.where}: {p.what}" for p in sheet.problems]


# --------------------------------------------------------------------------- group worksheets


def test_complete_sheet_reads_every_answer_without_problems() -> None:
    values = sheet_values({item: "1" for item in ITEMS})
    values[3][4] = "a note"
    values[3][5] = "2026-11-23T10:00:00+00:00"
    values[3][6] = "ann"
    sheet = parse(values)
    assert sheet.problems == ()
    assert len(sheet.answers) == 28
    assert sheet.answers["data-3"] == Answer(
        "g1", "data-3", "1", "a note", "2026-11-23T10:00:00+00:00", "ann"
    )
    assert sheet.rows["data-1"] == 2 and sheet.rows["monitor-7"] == 29
    assert score_answers(RUBRIC, {k: a.value for k, a in sheet.answers.items()}).final == 7.0


def test_reordered_rows_map_by_item_id_and_report_nothing() -> None:
    values = sheet_values({item: str(n % 2) for n, item in enumerate(ITEMS)})
    shuffled = [values[0], *reversed(values[1:])]
    straight, reordered = parse(values), parse(shuffled)
    assert reordered.problems == ()
    assert {k: a.value for k, a in reordered.answers.items()} == {
        k: a.value for k, a in straight.answers.items()
    }
    assert reordered.rows["monitor-7"] == 2


def test_reordered_columns_are_found_by_header_text() -> None:
    values = sheet_values({"data-1": "0.5"})
    order = [3, 0, 4, 1, 2, 6, 5]  # score first, then item_id, ...
    moved = [[row[i] if i < len(row) else "" for i in order] for row in values]
    moved[0] = [" Score ", "Item ID", "note", "section", "title", "updated_by", "updated_at"]
    sheet = parse(moved)
    assert sheet.problems == ()
    assert sheet.answers["data-1"].value == "0.5"
    assert sheet.header.col("score") == 0


def test_invalid_typed_score_is_kept_as_typed_and_reported_with_row() -> None:
    values = sheet_values({"data-1": "1", "data-4": "yes", "model-1": "0.7"})
    sheet = parse(values)
    # Kept verbatim so scoring reports it too; and reported here with the row to fix.
    assert sheet.answers["data-4"].value == "yes"
    assert sheet.answers["model-1"].value == "0.7"
    texts = problem_texts(sheet)
    assert any(t.startswith("worksheet 'Team A', row 5: data-4: 'yes'") for t in texts), texts
    assert any(t.startswith("worksheet 'Team A', row 9: model-1: '0.7'") for t in texts), texts
    bad = {p.item_id: p for p in sheet.problems}
    assert bad["data-4"].value == "yes" and bad["data-4"].group_id == "g1"
    assert "counts as unanswered" in bad["model-1"].what
    # The valid answer next to them still counts; scoring flags the invalid ones as well.
    score = score_answers(RUBRIC, {k: a.value for k, a in sheet.answers.items()})
    assert score.sections["data"].raw == 1.0
    assert {e.item_id for e in score.errors} == {"data-4", "model-1"}


def test_accepted_variants_are_not_problems_but_na_where_not_allowed_is() -> None:
    sheet = parse(
        sheet_values({"data-1": "0,5", "data-2": "n/a", "data-3": "N/A", "data-4": " 1 "})
    )
    assert [p.item_id for p in sheet.problems] == ["data-3"]
    assert "N/A is not allowed" in sheet.problems[0].what


def test_deleted_item_row_is_reported_and_counts_as_unanswered() -> None:
    values = sheet_values({item: "1" for item in ITEMS})
    del values[3]  # the data-3 row
    sheet = parse(values)
    assert "data-3" not in sheet.answers
    assert problem_texts(sheet) == [
        "worksheet 'Team A': item data-3 has no row; it counts as unanswered"
    ]
    assert sheet.problems[0].item_id == "data-3"


def test_duplicated_item_row_first_wins_and_is_reported() -> None:
    values = sheet_values({"data-2": "1"})
    values.append(["data-2", "data", "copy", "0", "later copy", "", ""])
    sheet = parse(values)
    assert sheet.answers["data-2"].value == "1"
    assert sheet.rows["data-2"] == 3
    assert problem_texts(sheet) == [
        "worksheet 'Team A', row 30: item data-2 appears again (first in row 3); only row 3 counts"
    ]


def test_unknown_item_and_row_without_id_are_reported_and_ignored() -> None:
    values = sheet_values({"data-1": "1"})
    values.append(["data-99", "", "", "1"])
    values.append(["", "", "", "0.5", "orphan"])
    values.append(["", "", "", "", ""])  # blank: nothing to report
    sheet = parse(values)
    assert "data-99" not in sheet.answers
    assert problem_texts(sheet) == [
        "worksheet 'Team A', row 30: unknown item id 'data-99'; this row is ignored",
        "worksheet 'Team A', row 31: this row has a score or note but no item_id; it is ignored",
    ]


def test_item_ids_typed_loosely_still_match() -> None:
    values = sheet_values()
    values[1][0] = " Data-1 "
    values[1][3] = "1"
    sheet = parse(values)
    assert sheet.answers["data-1"].value == "1"
    assert sheet.problems == ()


def test_renamed_score_column_makes_the_sheet_unreadable_with_a_clear_problem() -> None:
    values = sheet_values({"data-1": "1"})
    values[0] = ["item_id", "section", "title", "points", "note", "updated_at", "updated_by"]
    sheet = parse(values)
    assert sheet.answers == {} and not sheet.readable
    assert len(sheet.problems) == 1
    problem = sheet.problems[0]
    assert problem.where == "worksheet 'Team A', row 1"
    assert "column 'score' not found" in problem.what and "cannot be read" in problem.what
    assert problem.group_id == "g1"


def test_renamed_note_column_is_reported_but_scores_still_count() -> None:
    values = sheet_values({"data-1": "1"})
    values[0][4] = "comment"
    sheet = parse(values)
    assert sheet.answers["data-1"].value == "1"
    assert sheet.answers["data-1"].note == ""
    assert [p.value for p in sheet.problems] == ["note"]
    assert "column 'note' not found" in sheet.problems[0].what


def test_empty_worksheet_reports_missing_header() -> None:
    sheet = parse([])
    assert sheet.answers == {}
    assert {p.value for p in sheet.problems} == set(ANSWERS_HEADER)


def test_missing_worksheet_problem_names_sheet_and_group() -> None:
    sheet = missing_worksheet("Team A", GROUP)
    assert not sheet.present and sheet.answers == {}
    (problem,) = sheet.problems
    assert problem.where == "worksheet 'Team A'"
    assert problem.what.startswith(
        "worksheet 'Team A' of group Team A not found (renamed or deleted?)"
    )
    assert problem.group_id == "g1"


def test_problems_are_worded_in_japanese_for_a_japanese_workshop() -> None:
    values = sheet_values({"data-1": "はい"})
    del values[4]  # the data-4 row
    sheet = parse(values, lang="ja")
    texts = problem_texts(sheet)
    assert any(t.startswith("ワークシート「Team A」の 2 行目") for t in texts), texts
    assert any("data-4 の行がありません" in t for t in texts), texts


def test_sheet_rows_keep_cells_as_typed_for_the_cli() -> None:
    values = sheet_values({"data-1": " 0.5 "})
    values.append(["data-1", "", "", "1"])
    header, rows = sheet_rows(values)
    assert header.has("item_id", "score")
    assert rows[0].row == 2 and rows[0].score == " 0.5 "
    assert rows[-1].row == 30 and rows[-1].item_id == "data-1"


def test_new_answer_sheet_has_header_and_one_row_per_item_in_the_language() -> None:
    rows = answer_sheet_values(RUBRIC, "ja")
    # the answers' columns, then the participants' vote summary and its note
    assert rows[0] == [*ANSWERS_HEADER, "votes", "votes_note"]
    assert [r[0] for r in rows[1:]] == ITEMS
    assert rows[1][1:3] == ["data（ja）", "data-1（ja）"]
    assert all(r[3:] == ["", "", "", "", "", ""] for r in rows[1:])


# ------------------------------------------------------------ Settings / Groups / Actions

WORKSHOP = Workshop(
    id="w1",
    title="Autumn 秋",
    date="2026-11-23",
    language="ja",
    rubric_id="ml-test-score",
    agenda_id="standard-60",
    created_at="2026-11-01T00:00:00+00:00",
    archived=True,
    previous_id="w0",
    link_generation=4,
    closed=True,
)
CLOCK = ClockState(3, "paused", 1_790_000_123.25, 412.5, 360.0, 1_790_000_535.75)


def settings_values(*rows: dict[str, str]) -> list[list[str]]:
    return [list(SETTINGS_HEADER)] + [
        [row.get(name, "") for name in SETTINGS_HEADER] for row in rows
    ]


def test_settings_row_round_trips_workshop_and_clock() -> None:
    row = {**workshop_values(WORKSHOP), **clock_values(CLOCK)}
    table = parse_settings(settings_values(row))
    assert table.problems == ()
    parsed = table.rows["w1"]
    assert parsed.workshop == WORKSHOP and parsed.clock == CLOCK and parsed.row == 2
    assert parsed.problems == ()
    assert table.next_row == 3
    # Tutors may edit the sheet: nothing in it opens a door (codes are derived, hashes in Hosts).
    secrets = {"passcode_hash", "results_token", "join_code"}
    assert not secrets & {*SETTINGS_HEADER, *GROUPS_HEADER, *row}


def test_idle_clock_and_blank_cells_read_as_defaults() -> None:
    row = {**workshop_values(WORKSHOP), **clock_values(ClockState())}
    assert parse_settings(settings_values(row)).rows["w1"].clock == ClockState()
    bare = parse_settings(settings_values({"workshop_id": "w2"})).rows["w2"]
    assert bare.clock == ClockState() and bare.workshop.language == "en"


def test_broken_settings_rows_are_reported_and_skipped_or_defaulted() -> None:
    good = {**workshop_values(WORKSHOP), **clock_values(CLOCK)}
    values = settings_values(
        good,
        {"title": "no id here"},
        {**good, "title": "a copy"},
        {"workshop_id": "w3", "clock_segment": "two", "archived": "maybe", "language": "fr"},
    )
    table = parse_settings(values)
    assert list(table.rows) == ["w1", "w3"]
    assert table.rows["w1"].workshop.title == "Autumn 秋"
    assert [f"{p.where}: {p.what}" for p in table.problems] == [
        "worksheet 'Settings', row 3: this row has no workshop_id; it is ignored",
        "worksheet 'Settings', row 4: workshop_id w1 appears again (first in row 2); "
        "this row is ignored",
    ]
    w3 = table.rows["w3"]
    assert w3.clock.segment == 0 and w3.workshop.archived is False
    assert w3.workshop.language == "en"
    assert {p.value for p in w3.problems} == {"two", "maybe", "fr"}
    assert all(p.where == "worksheet 'Settings', row 5" for p in w3.problems)


def test_settings_without_workshop_id_column_reads_nothing_and_says_why() -> None:
    values = [["id", "title"], ["w1", "x"]]
    table = parse_settings(values)
    assert table.rows == {}
    assert any("column 'workshop_id' not found" in p.what for p in table.problems)


def test_groups_parse_sorted_by_position_with_broken_rows_reported() -> None:
    groups = [
        Group("g2", "w1", "Team B", "Ads", "poc", "", 1, link_generation=3),
        Group("g1", "w1", "Team A", "Search", "production", "Ann", 0),
        Group("g9", "w9", "Team A", "Other", "validation", "", 0),
    ]
    values = [list(GROUPS_HEADER)]
    for group in groups:
        cells = group_values(group, group.name)
        values.append([cells[name] for name in GROUPS_HEADER])
    values.append(["w1", "", "No id"])
    values.append(["w1", "g3", "Team C", "x", "prod", "", "later", "", ""])
    values.append(["w1", "g1", "Dup"])
    table = parse_groups(values)
    ordered = table.of_workshop("w1")
    assert [r.group for r in ordered[:2]] == [groups[1], groups[0]]
    g3 = table.find("w1", "g3")
    assert g3 is not None and g3.group.phase == "" and g3.worksheet == "Team C"
    assert {p.value for p in g3.problems} == {"prod", "later"}
    assert [p.where for p in table.problems] == [
        "worksheet 'Groups', row 5",
        "worksheet 'Groups', row 7",
    ]
    assert table.find("w9", "g9") is not None


def test_actions_parse_verbatim_and_report_broken_rows() -> None:
    values = [list(ACTIONS_HEADER)]
    values.append(["a1", "w1", "g1", "data-1", '=HYPERLINK("x")', " Kim ", "2", "", "", ""])
    values.append([])  # a cleared (deleted) action
    values.append(["", "w1", "", "", "what?"])
    values.append(["a3", "w1", "", "", "x", "", "high"])
    table = parse_actions(values)
    first = table.find("a1")
    assert first is not None and first.action.what == '=HYPERLINK("x")'
    assert first.action.owner == " Kim " and first.action.priority == 2
    assert [p.where for p in table.problems] == ["worksheet 'Actions', row 4"]
    third = table.find("a3")
    assert third is not None and third.action.priority == 1
    assert [p.value for p in third.problems] == ["high"]


# ------------------------------------------------------------ titles, A1 and requests


def test_group_worksheet_title_uses_date_when_the_name_is_taken() -> None:
    assert group_worksheet_title("Team A", "2026-11-23", ["Sheet1"]) == "Team A"
    taken = ["team a"]  # titles are unique case-insensitively
    assert group_worksheet_title("Team A", "2026-11-23", taken) == "Team A (2026-11-23)"
    taken.append("Team A (2026-11-23)")
    assert group_worksheet_title("Team A", "2026-11-23", taken) == "Team A (2026-11-23) 2"
    assert group_worksheet_title("Settings", "2026-11-23", []) == "Settings (2026-11-23)"
    long = group_worksheet_title("x" * 150, "2026-11-23", ["x" * 100])
    assert len(long) <= MAX_TITLE and long.endswith("(2026-11-23)")


def test_a1_helpers_quote_titles_and_merge_contiguous_cells() -> None:
    assert column_letter(0) == "A" and column_letter(25) == "Z"
    assert column_letter(26) == "AA" and column_letter(702) == "AAA"
    assert quote_title("Bob's team") == "'Bob''s team'"
    assert a1_range("Team A", 5, 3, 6) == "'Team A'!D5:G5"
    updates = row_updates("T", 4, {3: "1", 4: "n", 6: "by", 5: "at", 9: "x"})
    assert updates == [
        {"range": "'T'!D4:G4", "values": [["1", "n", "at", "by"]]},
        {"range": "'T'!J4", "values": [["x"]]},
    ]


def test_score_validation_is_a_non_strict_dropdown_of_levels_and_na() -> None:
    request = score_validation_request(7, 3, 49, score_choices(RUBRIC))
    body = request["setDataValidation"]
    assert body["range"] == {
        "sheetId": 7,
        "startRowIndex": 1,
        "endRowIndex": 49,
        "startColumnIndex": 3,
        "endColumnIndex": 4,
    }
    assert body["rule"]["strict"] is False
    assert body["rule"]["condition"]["type"] == "ONE_OF_LIST"
    choices = [v["userEnteredValue"] for v in body["rule"]["condition"]["values"]]
    assert choices == ["0", "0.5", "1", "N/A"]


def test_metadata_lists_sheets_by_title() -> None:
    metadata = {
        "sheets": [
            {"properties": {"title": "Settings", "sheetId": 0}},
            {
                "properties": {
                    "title": "Team A",
                    "sheetId": 42,
                    "gridProperties": {"rowCount": 49, "columnCount": 7},
                }
            },
        ]
    }
    sheets = sheets_from_metadata(metadata)
    assert sheets["Team A"] == SheetInfo("Team A", 42, 49, 7)
    assert find_title(sheets, "team a") == "Team A"
    assert find_title(sheets, "Team B") is None


def test_cells_from_the_api_are_text() -> None:
    assert cell([1.0, True, None], 0) == "1"
    assert cell([1.0, True, None], 1) == "TRUE"
    assert cell([1.0, True, None], 2) == ""
    assert cell([], 5) == ""
    assert next_free_row([["h"], ["a"], [], [""], ["b"], []]) == 6
    assert next_free_row([]) == 2


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_clock_numbers_read_back_exactly(value: float) -> None:
    text = format_float(value)
    back = float(text)
    assert back == value or (math.isclose(back, value) and value == 0.0)
