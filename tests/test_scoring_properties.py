"""Properties of the scoring rules that must hold for every possible sheet."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rubric_factory import make_rubric
from workshop.content.model import Section
from workshop.scoring import score_answers

RUBRIC = make_rubric(na_allowed="all")
ITEM_IDS = [item.id for item in RUBRIC.items]
SECTION_OF = {item.id: item.section_id for item in RUBRIC.items}
LEVEL_TEXTS = ("0", "0.5", "1")
# What a cell may hold: a level, N/A, blank, or junk (invalid -> counts as unanswered).
ANY_TEXT = st.sampled_from((*LEVEL_TEXTS, "N/A", "", "yes", "0,5", "１"))

SETTINGS = settings(max_examples=200, deadline=None)

sheets = st.fixed_dictionaries({item_id: ANY_TEXT for item_id in ITEM_IDS})


@SETTINGS
@given(sheets)
def test_scores_stay_within_bounds(values: dict[str, str]) -> None:
    result = score_answers(RUBRIC, values)
    for section in result.sections.values():
        assert 0 <= section.raw <= section.applicable * RUBRIC.max_level
        assert section.answered + section.unanswered == section.items
        assert section.applicable + section.not_applicable == section.items
        if section.score is not None:
            assert 0 <= section.score <= section.items * RUBRIC.max_level
            assert section.score >= section.raw
        else:
            assert section.all_na and section.applicable == 0


@SETTINGS
@given(sheets)
def test_final_is_the_minimum_of_the_scored_sections(values: dict[str, str]) -> None:
    result = score_answers(RUBRIC, values)
    scored = [s.score for s in result.sections.values() if s.score is not None]
    if not scored:
        assert result.final is None and result.band is None
        return
    assert result.final is not None
    assert all(result.final <= score for score in scored)
    assert result.final in scored
    assert result.minimum_sections
    assert all(result.sections[s].score == result.final for s in result.minimum_sections)
    assert result.band is not None
    assert result.band.max is None or result.final <= result.band.max


@SETTINGS
@given(sheets, st.sampled_from(ITEM_IDS), st.data())
def test_raising_one_answer_never_lowers_scores(
    values: dict[str, str], item_id: str, data: st.DataObject
) -> None:
    # Other cells may hold anything (N/A, blanks, junk); the raised one goes up a level or more.
    lower = data.draw(st.sampled_from(LEVEL_TEXTS[:-1]), label="lower")
    higher = data.draw(st.sampled_from(LEVEL_TEXTS[LEVEL_TEXTS.index(lower) + 1 :]), label="higher")
    before = score_answers(RUBRIC, {**values, item_id: lower})
    after = score_answers(RUBRIC, {**values, item_id: higher})
    section = SECTION_OF[item_id]
    assert after.sections[section].score > before.sections[section].score
    if before.final is not None:
        assert after.final is not None and after.final >= before.final


@SETTINGS
@given(
    st.fixed_dictionaries({item_id: ANY_TEXT for item_id in ITEM_IDS}),
    st.sampled_from(ITEM_IDS),
)
def test_answering_a_blank_item_never_lowers_scores(values: dict[str, str], item_id: str) -> None:
    # A blank counts 0, so filling it with any level (including 0) cannot lower anything.
    blank = score_answers(RUBRIC, {**values, item_id: ""})
    for level in LEVEL_TEXTS:
        filled = score_answers(RUBRIC, {**values, item_id: level})
        section = SECTION_OF[item_id]
        assert (filled.sections[section].score or 0) >= (blank.sections[section].score or 0)


@SETTINGS
@given(st.sampled_from(RUBRIC.sections), st.integers(min_value=0, max_value=6), st.data())
def test_na_items_with_all_others_at_one_score_exactly_seven(
    section: Section, k: int, data: st.DataObject
) -> None:
    ids = [item.id for item in section.items]
    na_ids = data.draw(st.permutations(ids), label="order")[:k]
    values = {item_id: ("N/A" if item_id in na_ids else "1") for item_id in ids}
    result = score_answers(RUBRIC, values).sections[section.id]
    assert result.score == 7.0
    assert result.raw == 7 - k
    assert result.applicable == 7 - k


@SETTINGS
@given(
    st.lists(st.sampled_from((*LEVEL_TEXTS, "N/A", "")), min_size=7, max_size=7),
    st.permutations(range(7)),
)
def test_permuting_items_within_a_section_keeps_its_score(
    texts: list[str], order: list[int]
) -> None:
    ids = [item.id for item in RUBRIC.section("infra").items]
    original = score_answers(RUBRIC, dict(zip(ids, texts, strict=True)))
    shuffled = score_answers(RUBRIC, {ids[i]: texts[j] for i, j in enumerate(order)})
    assert shuffled.sections["infra"] == original.sections["infra"]
    assert shuffled.final == original.final
