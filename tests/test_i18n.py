"""UI-text lookup and number formatting: never crash, always show something readable."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.answers import format_level, format_score
from workshop.content import load_ui_texts
from workshop.content.model import Text
from workshop.i18n import Translator
from workshop.templates import fill, translate

REPO = Path(__file__).resolve().parent.parent

UI = {
    "home.title": Text("Scores by group", "グループ別スコア"),
    "home.saved_at": Text("Saved {time}", "{time} に保存済み"),
    "home.count": Text("{done} of {total} groups", "{total} グループ中 {done} グループ"),
    "home.braces": Text("Use {{name}} for {what}", "{what} には {{name}} を使う"),
    "home.spec": Text("Average {value:.1f}", "平均 {value:.1f}"),
}


def test_translate_picks_the_language_and_fills_values() -> None:
    assert translate(UI, "home.title", "en") == "Scores by group"
    assert translate(UI, "home.title", "ja") == "グループ別スコア"
    assert translate(UI, "home.saved_at", "ja", time="10:05") == "10:05 に保存済み"
    assert translate(UI, "home.count", "en", done=3, total=5) == "3 of 5 groups"
    assert translate(UI, "home.count", "ja", done=3, total=5) == "5 グループ中 3 グループ"
    assert translate(UI, "home.spec", "en", value=2.25) == "Average 2.2"


def test_unknown_language_falls_back_to_english() -> None:
    assert translate(UI, "home.title", "fr") == "Scores by group"


def test_missing_key_is_shown_not_raised() -> None:
    assert translate(UI, "home.nope", "en") == "⟦home.nope⟧"
    assert translate({}, "common.app_title", "ja", name="x") == "⟦common.app_title⟧"


def test_missing_value_keeps_its_placeholder_visible() -> None:
    assert translate(UI, "home.saved_at", "en") == "Saved {time}"
    assert translate(UI, "home.count", "en", done=1) == "1 of {total} groups"
    # A format spec on an unfilled placeholder does not crash either.
    assert translate(UI, "home.spec", "en") == "Average {value}"


def test_escaped_braces_become_literal_braces() -> None:
    assert translate(UI, "home.braces", "en", what="a value") == "Use {name} for a value"
    assert translate(UI, "home.braces", "ja", what="値") == "値 には {name} を使う"


def test_malformed_templates_are_returned_unchanged() -> None:
    assert fill("Saved {time", {"time": "now"}) == "Saved {time"
    assert fill("Total {n:d}", {"n": "many"}) == "Total {n:d}"
    assert fill("Attr {user.name}", {}) == "Attr {user.name}"


@given(st.text(max_size=40), st.dictionaries(st.text(max_size=5), st.text(max_size=5)))
def test_fill_never_raises(template: str, values: dict[str, str]) -> None:
    assert isinstance(fill(template, values), str)


def test_translator_is_bound_to_a_language() -> None:
    t = Translator(UI, "ja")
    assert t("home.saved_at", time="9:00") == "9:00 に保存済み"
    assert t("home.missing") == "⟦home.missing⟧"
    assert t.has("home.title") and not t.has("home.missing")
    assert t.pick(Text("Data", "データ")) == "データ"
    assert t.pick(None) == ""
    assert t.score(2.5) == "2.5"
    assert Translator(UI, "en")("home.title") == "Scores by group"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.5, "2.5"),
        (3, "3"),
        (3.0, "3"),
        (0, "0"),
        (-0.0, "0"),
        (7 / 3, "2.33"),
        (1.999, "2"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_format_score(value: float | None, expected: str) -> None:
    assert format_score(value, "en") == expected
    assert format_score(value, "ja") == expected


@pytest.mark.parametrize(
    ("value_text", "en", "ja"),
    [
        ("0", "0", "0"),
        ("0.50", "0.5", "0.5"),
        ("1.0", "1", "1"),
        (" 1 ", "1", "1"),
        ("N/A", "Not applicable", "対象外"),
        ("n/a", "Not applicable", "対象外"),
        ("対象外", "Not applicable", "対象外"),
        ("", "Unanswered", "未回答"),
        (None, "Unanswered", "未回答"),
        ("done", "done", "done"),  # hand-typed text stays visible for the scorer to report
    ],
)
def test_format_level(value_text: str | None, en: str, ja: str) -> None:
    assert format_level(value_text, "en") == en
    assert format_level(value_text, "ja") == ja


def test_format_level_uses_the_ui_texts_when_given() -> None:
    ui = {"common.level_na": Text("N/A (excluded)", "対象外(除外)")}
    assert format_level("NA", "ja", ui) == "対象外(除外)"
    assert format_level("", "en", ui) == "Unanswered"  # key absent: built-in words
    assert Translator(ui, "en").level("n/a") == "N/A (excluded)"


def test_common_ui_file_has_the_shared_keys_in_both_languages() -> None:
    ui = load_ui_texts([REPO / "content"])
    t_en, t_ja = Translator(ui, "en"), Translator(ui, "ja")
    assert t_en("common.app_title") == "ML Test Score Workshop"
    assert t_ja("common.app_title") == "ML Test Score ワークショップ"
    assert t_ja("common.level_na") == "対象外"
    assert t_ja("common.level_unanswered") == "未回答"
    assert [t_en(f"common.phase_{p}") for p in ("poc", "validation", "production")] == [
        "Proof of concept",
        "Validation",
        "Production",
    ]
    assert [t_ja(f"common.phase_{p}") for p in ("poc", "validation", "production")] == [
        "PoC(概念実証)",
        "技術検証",
        "本番運用",
    ]
    assert t_en("common.content_problems", count=2) == "Content problems (2)"
    assert t_ja("common.content_problems", count=2) == "コンテンツの問題(2 件)"
    for key in ("common.language", "common.error_heading", "common.phase"):
        assert "⟦" not in t_en(key) and "⟦" not in t_ja(key)
        assert t_en(key) != t_ja(key)
