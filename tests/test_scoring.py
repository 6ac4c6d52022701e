"""The scoring engine: tolerant parsing, errors, section and final scores, bands, JSON."""

from __future__ import annotations

import pytest

from tests.rubric_factory import answers, make_rubric
from workshop.answers import (
    NOT_APPLICABLE,
    UNANSWERED,
    AnswerError,
    ParsedAnswer,
    canonical_text,
    format_score,
    parse_answer,
)
from workshop.scoring import (
    AnswerRow,
    band_for,
    normalize_item_id,
    score_answers,
    score_rows,
    to_json,
    valid_answers,
)

LEVELS = (0.0, 0.5, 1.0)
RUBRIC = make_rubric(na_allowed=("data-7", "model-1", "model-2"))
ALL_NA = make_rubric(na_allowed="all")


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0.0),
        ("0.0", 0.0),
        ("00", 0.0),
        (".5", 0.5),
        ("0.5", 0.5),
        ("0.50", 0.5),
        ("0,5", 0.5),
        ("０．５", 0.5),  # full-width digits and dot
        ("０，５", 0.5),  # full-width decimal comma
        ("．５", 0.5),
        ("１", 1.0),
        ("1", 1.0),
        ("1.0", 1.0),
        ("1.", 1.0),
        ("  1  ", 1.0),
        ("\t0.5\n", 0.5),
        ("\u30000\u3000", 0.0),  # ideographic spaces around
        (0.5, 0.5),  # a number cell read from a sheet
        (1, 1.0),
    ],
)
def test_tolerant_values(text: str | float, expected: float) -> None:
    parsed = parse_answer(text, LEVELS)
    assert parsed == ParsedAnswer("value", expected)
    assert parsed.is_value


@pytest.mark.parametrize(
    "text",
    [
        "N/A",
        "n/a",
        "NA",
        "na",
        "Na",
        "-",
        "対象外",
        " N/A ",
        "Ｎ／Ａ",  # full-width
        "ｎ／ａ",
        "ＮＡ",
        "－",  # full-width hyphen-minus
        "n / a",
        "\u2013",  # en dash from spreadsheet autocorrect
        "\u2212",  # minus sign
        "ー",  # what a Japanese IME types for "-" in full-width mode
        "ｰ",  # half-width katakana prolonged sound mark
        " 対象外 ",
    ],
)
def test_not_applicable_spellings(text: str) -> None:
    assert parse_answer(text, LEVELS) == NOT_APPLICABLE
    assert parse_answer(text, LEVELS).value is None


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "\t\n", None])
def test_blank_is_unanswered(text: str | None) -> None:
    assert parse_answer(text, LEVELS) == UNANSWERED


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "2",
        "0.7",
        "-1",
        "-0.5",
        "+1",
        "1e0",
        "0.25",
        "1,000.5",
        "0 5",
        "nan",
        "inf",
        "½",
        "x",
    ],
)
def test_anything_else_is_an_error_naming_item_and_value(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(text, LEVELS, item_id="data-3")
    error = caught.value
    assert error.item_id == "data-3"
    assert error.value == text
    assert "data-3" in error.message
    assert repr(text) in error.message
    assert "0, 0.5, 1" in error.message
    assert error.row is None


def test_error_mentions_na_only_when_the_item_allows_it() -> None:
    with pytest.raises(AnswerError) as allowed:
        parse_answer("yes", LEVELS, item_id="data-7", na_allowed=True)
    with pytest.raises(AnswerError) as not_allowed:
        parse_answer("yes", LEVELS, item_id="data-1", na_allowed=False)
    assert "N/A" in allowed.value.message
    assert "N/A" not in not_allowed.value.message


@pytest.mark.parametrize("text", ["N/A", "na", "-", "対象外", "Ｎ／Ａ"])
def test_na_on_an_item_that_does_not_allow_it(text: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer(text, LEVELS, item_id="model-1", na_allowed=False)
    assert caught.value.message == "N/A is not allowed for model-1"
    assert caught.value.value == text
    assert caught.value.code == "na_not_allowed"


def test_messages_exist_in_japanese_too() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("N/A", LEVELS, item_id="model-1", na_allowed=False)
    ja = caught.value.localized("ja")
    assert "model-1" in ja
    assert ja != caught.value.message
    assert caught.value.localized("en") == caught.value.message


def test_other_levels_are_respected() -> None:
    levels_2016 = (0.0, 1.0, 2.0)
    assert parse_answer("2", levels_2016) == ParsedAnswer("value", 2.0)
    with pytest.raises(AnswerError):
        parse_answer("0.5", levels_2016)


@pytest.mark.parametrize(
    ("parsed", "text"),
    [
        (ParsedAnswer("value", 0.0), "0"),
        (ParsedAnswer("value", 0.5), "0.5"),
        (ParsedAnswer("value", 1.0), "1"),
        (NOT_APPLICABLE, "N/A"),
        (UNANSWERED, ""),
    ],
)
def test_canonical_text(parsed: ParsedAnswer, text: str) -> None:
    assert canonical_text(parsed) == text
    # Writing back and parsing again gives the same answer.
    assert parse_answer(text, LEVELS) == parsed


def test_normalize_item_id() -> None:
    assert normalize_item_id(" Data-1 ") == "data-1"
    assert normalize_item_id("ｄａｔａ－１") == "data-1"


# --------------------------------------------------------------------------- section scores


def test_worked_example_with_na_scaling() -> None:
    values = answers(
        RUBRIC,
        # data: 1 + 1 + 1 + 0.5 + 0.5 + 0 = 4.0 over 6 applicable items,
        # scaled to the section's 7 items: 4 * 7 / 6 = 4.6667.
        data_1="1",
        data_2="1",
        data_3="1",
        data_4="0.5",
        data_5="0.5",
        data_6="0",
        data_7="N/A",
        # model: 2 N/A, others 1 -> raw 5, scaled 5 * 7 / 5 = 7.
        model_1="N/A",
        model_2="n/a",
        # infra: 0.5 * 7 = 3.5
        **{f"infra_{n}": "0.5" for n in range(1, 8)},
        # monitor: 1 + 1 + 0 * 5 = 2
        **{f"monitor_{n}": "1" if n <= 2 else "0" for n in range(1, 8)},
    )
    result = score_answers(RUBRIC, values)

    data = result.sections["data"]
    assert data.raw == 4.0
    assert data.score == pytest.approx(4.6667, abs=1e-4)
    assert (data.answered, data.applicable, data.items) == (7, 6, 7)
    assert (data.not_applicable, data.unanswered, data.all_na) == (1, 0, False)

    model = result.sections["model"]
    assert (model.raw, model.score, model.applicable) == (5.0, 7.0, 5)
    assert result.sections["infra"].score == 3.5
    assert result.sections["monitor"].score == 2.0

    # final = min(4.6667, 7, 3.5, 2) = 2 -> band (1, 2]
    assert result.final == 2.0
    assert result.band is not None and result.band.id == "1-2"
    assert result.band_id == "1-2"
    assert result.minimum_sections == ("monitor",)
    assert not result.provisional
    assert result.errors == ()
    assert list(result.sections) == ["data", "model", "infra", "monitor"]


def test_all_ones_is_seven_everywhere() -> None:
    result = score_answers(RUBRIC, answers(RUBRIC, "1"))
    assert [s.score for s in result.sections.values()] == [7.0] * 4
    assert result.final == 7.0
    assert result.band_id == ">5"
    assert result.minimum_sections == ("data", "model", "infra", "monitor")


def test_all_zero_is_band_zero() -> None:
    result = score_answers(RUBRIC, answers(RUBRIC, "0"))
    assert result.final == 0.0
    assert result.band_id == "0"
    assert not result.provisional


def test_unanswered_items_count_zero_and_make_the_result_provisional() -> None:
    values = answers(RUBRIC, "1")
    del values["infra-3"]  # missing id: unanswered
    values["infra-4"] = "  "  # blank: unanswered
    result = score_answers(RUBRIC, values)
    infra = result.sections["infra"]
    # 5 items at 1, two unanswered counting 0: raw 5, nothing to scale.
    assert (infra.score, infra.raw, infra.answered, infra.unanswered) == (5.0, 5.0, 5, 2)
    assert infra.applicable == 7
    assert result.final == 5.0
    assert result.provisional
    assert result.errors == ()


def test_empty_answers_score_zero_provisionally() -> None:
    result = score_answers(RUBRIC, {})
    assert result.final == 0.0
    assert result.provisional
    assert all(s.answered == 0 and s.unanswered == 7 for s in result.sections.values())


def test_invalid_cell_counts_unanswered_and_is_listed() -> None:
    values = answers(RUBRIC, "1", data_2="yes", data_3="0.7")
    result = score_answers(RUBRIC, values)
    data = result.sections["data"]
    # 5 valid items at 1; the two invalid ones count 0 and are not "answered".
    assert (data.score, data.raw, data.answered, data.unanswered) == (5.0, 5.0, 5, 2)
    assert result.provisional
    assert [(e.item_id, e.value) for e in result.errors] == [("data-2", "yes"), ("data-3", "0.7")]


def test_na_on_a_disallowed_item_is_an_error_not_a_scaling() -> None:
    values = answers(RUBRIC, "1", infra_1="N/A")
    result = score_answers(RUBRIC, values)
    infra = result.sections["infra"]
    # Not scaled (7 applicable): 6 * 1 = 6.
    assert (infra.score, infra.applicable, infra.not_applicable) == (6.0, 7, 0)
    assert [e.message for e in result.errors] == ["N/A is not allowed for infra-1"]
    assert result.provisional


def test_unknown_item_is_an_error() -> None:
    values = answers(RUBRIC, "1")
    values["data-8"] = "1"
    result = score_answers(RUBRIC, values)
    assert result.final == 7.0
    assert [(e.item_id, e.message) for e in result.errors] == [("data-8", "unknown item 'data-8'")]
    assert result.provisional


def test_item_ids_are_matched_tolerantly() -> None:
    values = {f" {item.id.upper()} ": "1" for item in RUBRIC.items}
    result = score_answers(RUBRIC, values)
    assert result.final == 7.0
    assert result.errors == ()


def test_two_spellings_of_one_id_are_an_error() -> None:
    values = answers(RUBRIC, "1")
    values["DATA-1"] = "0"
    result = score_answers(RUBRIC, values)
    assert [(e.item_id, e.code) for e in result.errors] == [("data-1", "duplicate")]
    # Neither value is trusted: data-1 counts as unanswered.
    assert result.sections["data"].score == 6.0


def test_all_na_section_is_left_out_and_flagged() -> None:
    values = answers(ALL_NA, "0.5")
    for n in range(1, 8):
        values[f"model-{n}"] = "N/A"
    result = score_answers(ALL_NA, values)
    model = result.sections["model"]
    assert model.score is None
    assert model.all_na
    assert (model.raw, model.answered, model.applicable, model.not_applicable) == (0.0, 7, 0, 7)
    # final = min of the other three (3.5 each); model is not a minimum.
    assert result.final == 3.5
    assert result.band_id == "3-5"
    assert result.minimum_sections == ("data", "infra", "monitor")
    assert not result.provisional


def test_every_section_all_na_has_no_final() -> None:
    result = score_answers(ALL_NA, answers(ALL_NA, "N/A"))
    assert result.final is None
    assert result.band is None
    assert result.band_id == ""
    assert result.minimum_sections == ()
    assert to_json(result)["band"] == ""
    assert to_json(result)["final"] is None


def test_ties_at_the_minimum_are_all_reported() -> None:
    values = answers(RUBRIC, "1", data_1="0", infra_1="0")
    result = score_answers(RUBRIC, values)
    assert result.final == 6.0
    assert result.minimum_sections == ("data", "infra")


def test_scaled_score_ties_with_an_unscaled_one() -> None:
    # data: 6 at 0.5 + one N/A -> 3 * 7 / 6 = 3.5; infra: 7 at 0.5 -> 3.5.
    values = answers(RUBRIC, "1", data_7="N/A", **{f"data_{n}": "0.5" for n in range(1, 7)})
    values.update({f"infra-{n}": "0.5" for n in range(1, 8)})
    result = score_answers(RUBRIC, values)
    assert result.sections["data"].score == result.sections["infra"].score == 3.5
    assert result.minimum_sections == ("data", "infra")


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("final", "band"),
    [
        (0.0, "0"),
        (1e-7, "0-1"),
        (0.5, "0-1"),
        (1.0, "0-1"),
        (1.0000001, "1-2"),
        (2.0, "1-2"),
        (2.5, "2-3"),
        (3.0, "2-3"),
        (3.5, "3-5"),
        (5.0, "3-5"),
        (5.5, ">5"),
        (7.0, ">5"),
    ],
)
def test_band_edges(final: float, band: str) -> None:
    found = band_for(RUBRIC, final)
    assert found is not None and found.id == band


def test_band_of_no_score() -> None:
    assert band_for(RUBRIC, None) is None


def test_float_noise_at_a_band_edge_lands_in_the_lower_band() -> None:
    # Adding 0.1 + 0.2 + 0.3 + 0.6 * 4 in floating point gives 3.0000000000000004,
    # exactly 3 in decimal: it belongs in (2, 3], not (3, 5].
    rubric = make_rubric(sections=("data",), levels=(0.0, 0.1, 0.2, 0.3, 0.6, 1.0))
    texts = ["0.1", "0.2", "0.3", "0.6", "0.6", "0.6", "0.6"]
    assert sum(float(t) for t in texts) > 3.0  # the noise this test is about
    result = score_answers(rubric, {f"data-{n}": t for n, t in enumerate(texts, start=1)})
    assert result.final == 3.0
    assert result.band_id == "2-3"


def test_scaled_scores_and_band_edges() -> None:
    rubric = make_rubric(sections=("data",), na_allowed="all")
    # raw 0.5 * 3 = 1.5 over 3 applicable of 7 -> 1.5 * 7 / 3 = 3.5 -> (3, 5]
    values = {"data-1": "0.5", "data-2": "0.5", "data-3": "0.5"}
    values |= {f"data-{n}": "N/A" for n in range(4, 8)}
    assert (score_answers(rubric, values).final, score_answers(rubric, values).band_id) == (
        3.5,
        "3-5",
    )
    # raw 4 over 4 applicable -> 4 * 7 / 4 = 7 exactly -> > 5
    values = {f"data-{n}": "1" for n in range(1, 5)} | {f"data-{n}": "N/A" for n in range(5, 8)}
    assert score_answers(rubric, values).final == 7.0
    # no N/A: 6 * 0.5 + 0 = 3, exactly on the edge -> (2, 3]
    values = {f"data-{n}": "0.5" for n in range(1, 7)} | {"data-7": "0"}
    assert score_answers(rubric, values).band_id == "2-3"


# --------------------------------------------------------------------------- rows


def test_score_rows_attaches_row_numbers() -> None:
    rows = [AnswerRow(row=n + 2, item_id=item.id, score="1") for n, item in enumerate(RUBRIC.items)]
    rows[3] = AnswerRow(row=5, item_id="data-4", score="2")
    rows.append(AnswerRow(row=30, item_id="nope", score="1"))
    result = score_rows(RUBRIC, rows)
    assert [(e.item_id, e.row) for e in result.errors] == [("data-4", 5), ("nope", 30)]


def test_duplicate_rows_name_both_rows_and_count_unanswered() -> None:
    rows = [AnswerRow(row=n + 2, item_id=item.id, score="1") for n, item in enumerate(RUBRIC.items)]
    rows.append(AnswerRow(row=30, item_id="Data-3", score="0.5"))
    result = score_rows(RUBRIC, rows)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.item_id == "data-3"
    assert "4" in error.message and "30" in error.message
    assert error.message == "data-3 appears more than once (rows 4 and 30)"
    assert result.sections["data"].score == 6.0
    assert result.provisional


def test_blank_rows_are_skipped_but_a_score_without_id_is_an_error() -> None:
    rows = [AnswerRow(row=n + 2, item_id=item.id, score="1") for n, item in enumerate(RUBRIC.items)]
    rows += [AnswerRow(row=30, item_id="", score=""), AnswerRow(row=31, item_id=" ", score="1")]
    result = score_rows(RUBRIC, rows)
    assert [(e.row, e.code) for e in result.errors] == [(31, "missing_item_id")]


# --------------------------------------------------------------------------- JSON contract


def test_json_contract_shape_and_types() -> None:
    values = answers(RUBRIC, "1", data_7="N/A", data_1="0.5", infra_2="maybe")
    del values["monitor-1"]
    data = to_json(score_answers(RUBRIC, values))

    assert set(data) == {"sections", "final", "band", "provisional", "errors"}
    assert list(data["sections"]) == ["data", "model", "infra", "monitor"]
    for section in data["sections"].values():
        assert set(section) == {"score", "raw", "answered", "applicable", "items"}
        assert type(section["score"]) is float
        assert type(section["raw"]) is float
        for key in ("answered", "applicable", "items"):
            assert type(section[key]) is int
    # data: 0.5 + 5 * 1 = 5.5 over 6 applicable -> 5.5 * 7 / 6 = 6.4167
    assert data["sections"]["data"] == {
        "score": pytest.approx(6.4167, abs=1e-4),
        "raw": 5.5,
        "answered": 7,
        "applicable": 6,
        "items": 7,
    }
    assert data["sections"]["infra"]["answered"] == 6  # the invalid cell is not answered
    assert data["sections"]["monitor"]["answered"] == 6
    assert type(data["final"]) is float and data["final"] == 6.0
    assert data["band"] == ">5"
    assert data["provisional"] is True
    assert data["errors"] == [
        {
            "item_id": "infra-2",
            "value": "maybe",
            "message": "infra-2: 'maybe' is not a valid answer; use 0, 0.5, 1",
            "row": None,
        }
    ]


def test_json_score_is_float_even_when_integral_or_zero() -> None:
    data = to_json(score_answers(RUBRIC, answers(RUBRIC, "0")))
    assert type(data["final"]) is float
    assert all(type(s["score"]) is float for s in data["sections"].values())


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "—"), (0.0, "0"), (3.5, "3.5"), (7.0, "7"), (4.666666667, "4.67"), (2.0 / 3, "0.67")],
)
def test_format_score(value: float | None, text: str) -> None:
    assert format_score(value) == text


def test_valid_answers_drops_invalid_ones() -> None:
    parsed = valid_answers(RUBRIC, {"data-1": "0,5", "data-2": "yes", "infra-1": "N/A"})
    assert parsed["data-1"] == ParsedAnswer("value", 0.5)
    assert parsed["data-2"] == UNANSWERED
    assert parsed["infra-1"] == UNANSWERED  # N/A not allowed there
    assert parsed["data-3"] == UNANSWERED
    assert list(parsed) == [item.id for item in RUBRIC.items]


def test_answer_error_equality_and_row() -> None:
    error = AnswerError("data-1", "x", "msg")
    assert error == AnswerError("data-1", "x", "msg")
    assert error.with_row(4) != error
    assert error.with_row(4).row == 4
    assert len({error, AnswerError("data-1", "x", "msg")}) == 1
