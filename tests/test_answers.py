"""One vocabulary of answers: what scoring counts is what every page, export and sheet shows.

Each case is written out by hand. The decisions where the app used to disagree
with itself are marked "decision".
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.rubric_factory import make_rubric
from workshop.answers import (
    NA_TEXT,
    NOT_APPLICABLE,
    UNANSWERED,
    AnswerError,
    ParsedAnswer,
    answer_choices,
    answer_error,
    canonical_text,
    format_level,
    format_score,
    item_answer,
    parse_answer,
    read_answer,
    stored_value,
)
from workshop.content.model import Text
from workshop.presentation import escape_markdown, escape_markdown_file
from workshop.wrapup_frames import answer_category

LEVELS = (0.0, 0.5, 1.0)
RUBRIC = make_rubric(na_allowed=("data-7",))


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", UNANSWERED),
        (" \u3000\t", UNANSWERED),
        ("0", ParsedAnswer("value", 0.0)),
        ("0,5", ParsedAnswer("value", 0.5)),
        ("０．５", ParsedAnswer("value", 0.5)),
        (".5", ParsedAnswer("value", 0.5)),
        ("1.", ParsedAnswer("value", 1.0)),
        ("0.7", ParsedAnswer("value", 0.7)),  # a number, though not a level
        ("N/A", NOT_APPLICABLE),
        ("対象外", NOT_APPLICABLE),
        ("-", NOT_APPLICABLE),
        ("\u2013", NOT_APPLICABLE),  # en dash from autocorrect
        ("Not applicable", NOT_APPLICABLE),  # decision: the app's own word for N/A
        ("NOT  APPLICABLE", NOT_APPLICABLE),
        ("n.a.", NOT_APPLICABLE),  # decision: was shown as N/A, now also scored as N/A
        ("N. A.", NOT_APPLICABLE),
        ("yes", None),
        ("1e0", None),
        ("+1", None),
        ("-0.5", None),
        ("nan", None),
        ("n.a", None),  # only the spellings listed in NA_WORDS
        ("not", None),
    ],
)
def test_read_answer(text: str, expected: ParsedAnswer | None) -> None:
    assert read_answer(text) == expected


@pytest.mark.parametrize("text", ["not applicable", "Not Applicable", "n.a.", "N.A."])
def test_scoring_accepts_the_words_the_pages_show_as_na(text: str) -> None:
    assert parse_answer(text, LEVELS) == NOT_APPLICABLE
    with pytest.raises(AnswerError) as caught:
        parse_answer(text, LEVELS, item_id="data-1", na_allowed=False)
    assert caught.value.message == "N/A is not allowed for data-1"


def test_item_answer_is_none_where_scoring_reports_an_error() -> None:
    item, na_item = RUBRIC.item("data-1"), RUBRIC.item("data-7")
    assert item_answer(RUBRIC, item, "0,5") == ParsedAnswer("value", 0.5)
    assert item_answer(RUBRIC, na_item, "not applicable") == NOT_APPLICABLE
    assert item_answer(RUBRIC, item, "not applicable") is None  # N/A not allowed here
    assert item_answer(RUBRIC, item, "0.7") is None
    assert item_answer(RUBRIC, item, None) == UNANSWERED


# --------------------------------------------------------------------------- writing back


def test_answer_choices_are_the_canonical_texts() -> None:
    assert answer_choices(LEVELS) == ["0", "0.5", "1", "N/A"]
    assert answer_choices(LEVELS, na_allowed=False) == ["0", "0.5", "1"]
    assert answer_choices((0.0, 1.0, 2.0)) == ["0", "1", "2", "N/A"]
    for choice in answer_choices(LEVELS):
        assert canonical_text(parse_answer(choice, LEVELS)) == choice
    assert NA_TEXT == "N/A"


@pytest.mark.parametrize(
    ("text", "value", "valid"),
    [
        ("0,50", "0.5", True),
        ("-", "N/A", True),  # decision: "-" counts as N/A, so the export says N/A
        ("Not applicable", "N/A", True),
        ("", "", True),
        ("0.7", "0.7", False),  # not a level: exported as typed, marked invalid
        ("yes", "yes", False),
    ],
)
def test_exports_write_the_canonical_text(text: str, value: str, valid: bool) -> None:
    assert stored_value(RUBRIC, "data-7", text) == (value, valid)


@pytest.mark.parametrize(
    ("text", "category"),
    [("０．５", "0.5"), ("-", "N/A"), ("n.a.", "N/A"), ("", "unanswered"), ("0.7", "invalid")],
)
def test_wrapup_heatmap_categories(text: str, category: str) -> None:
    assert answer_category(RUBRIC, "data-7", text) == category


# --------------------------------------------------------------------------- showing


@pytest.mark.parametrize(
    ("text", "en", "ja"),
    [
        ("0.50", "0.5", "0.5"),
        ("0,5", "0.5", "0.5"),  # decision: was shown as typed ("0,5"), scored as 0.5
        ("０．５", "0.5", "0.5"),  # decision: likewise
        ("-", "Not applicable", "対象外"),  # decision: was shown as "-", scored as N/A
        ("ー", "Not applicable", "対象外"),
        ("not applicable", "Not applicable", "対象外"),
        ("0.70", "0.7", "0.7"),  # a number that is not a level stays a number
        ("1e0", "1e0", "1e0"),  # decision: was shown as "1", refused by scoring
        ("+1", "+1", "+1"),  # decision: likewise
        (" yes ", "yes", "yes"),
        ("\u3000", "Unanswered", "未回答"),
    ],
)
def test_format_level_shows_an_answer_as_it_counts(text: str, en: str, ja: str) -> None:
    assert format_level(text, "en") == en
    assert format_level(text, "ja") == ja


TYPED = st.sampled_from(
    (
        *("0", "0.5", "1", ".5", "0,5", "１", "N/A", "na", "n.a.", "Not applicable", "対象外"),
        *("-", "ー", "\u2212", "", " ", "yes", "0.7", "1e0", "+1", "-1", "n.a", "½"),
    )
)


@given(TYPED)
def test_what_is_scored_is_what_is_shown(text: str) -> None:
    """Whatever scoring makes of a text, the results page shows exactly that."""
    try:
        parsed = parse_answer(text, LEVELS)
    except AnswerError:
        assert format_level(text, "en") not in ("Not applicable", "Unanswered")
        return
    expected = {
        "value": canonical_text(parsed),
        "na": "Not applicable",
        "unanswered": "Unanswered",
    }[parsed.kind]
    assert format_level(text, "en") == expected


def test_format_level_takes_its_words_from_the_given_ui_texts() -> None:
    ui = {"common.level_na": Text("N/A (excluded)", "対象外(除外)")}
    assert format_level("-", "ja", ui) == "対象外(除外)"
    assert format_level("", "ja", ui) == "未回答"  # not in ui: the shipped word


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),  # decision: no score, as for NaN (one formatter showed "inf")
        (0.0, "0"),
        (-0.0, "0"),
        (-0.001, "0"),
        (3.0, "3"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.3"),
        (4 * 7 / 6, "4.67"),
        (1.999, "2"),
        (-0.5, "-0.5"),  # a change between rounds on the history page
    ],
)
def test_format_score(value: float | None, text: str) -> None:
    assert format_score(value) == text
    assert format_score(value, "ja") == text


# --------------------------------------------------------------------------- messages


def test_error_messages_come_from_the_ui_texts_in_both_languages() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer("yes", LEVELS, item_id="data-7", na_allowed=True)
    assert caught.value.message == "data-7: 'yes' is not a valid answer; use 0, 0.5, 1 or N/A"
    assert caught.value.localized("ja") == (
        "data-7: 「yes」は回答として使えません。0, 0.5, 1 または N/A のいずれかを入力してください"
    )
    with pytest.raises(AnswerError) as caught:
        parse_answer("yes", LEVELS, na_allowed=False)
    assert caught.value.message == "'yes' is not a valid answer; use 0, 0.5, 1"


def test_row_lists_are_joined_in_each_language() -> None:
    error = answer_error("duplicate_rows", "data-1", "1", row=7, rows=[3, 5, 7])
    assert error.message == "data-1 appears more than once (rows 3 and 5 and 7)"
    assert error.localized("ja") == "data-1 が複数回あります（3、5、7 行目）"
    assert answer_error("duplicate", "", "1").message == "this item is given more than once"


# --------------------------------------------------------------------------- Markdown


def test_one_markdown_escaper_for_the_app_and_for_files() -> None:
    shared = "\\`*_{}[]()#+-.!|~$:"
    for char in shared:
        assert escape_markdown(char) == escape_markdown_file(char) == f"\\{char}"
    # Where the two targets differ, on purpose:
    assert escape_markdown("a/b <&>") == "a\\/b \\<\\&\\>"
    assert escape_markdown_file("a/b <&>") == "a/b &lt;&amp;&gt;"
    assert escape_markdown("one\ntwo") == "one  \ntwo"
    assert escape_markdown_file(" one \n\n two ") == "one  \n  two"
    assert escape_markdown_file("one\r\ntwo", table=True) == "one / two"
