"""The worked example of docs/custom-rubric.md keeps working as the doc says.

The example rubric and agenda in ``docs/examples`` are what a host copies when
writing their own, so they must pass ``workshop validate``, load through
``WORKSHOP_CONTENT_DIRS`` next to the shipped content, score a CSV with
``workshop score --rubric``, and avoid the Japanese folded-line pitfall the doc
warns about. The outputs quoted in the doc are compared with the real ones so
the doc cannot drift from the code.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.apptest import PASSCODE, PageEnv
from workshop import cli
from workshop.content import ENV_VAR, agenda_fits_rubric, check_paths, load_catalog
from workshop.content.model import Agenda, Rubric, Text

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "docs" / "examples"
DOC = REPO / "docs" / "custom-rubric.md"
ANSWERS = EXAMPLES / "answers" / "image-team.csv"
RUBRIC_ID = "ml-test-score-image"
AGENDA_ID = "image-45"
SECTION_IDS = ["data", "model", "infra", "monitor"]
VALIDATE_OK = "OK: 1 rubrics, 1 agendas, 0 UI files"

# Kana, CJK punctuation, kanji and full-width forms. Whitespace between two of
# them is what a folded YAML line break leaves in Japanese text.
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_FOLDED_SPACE = re.compile(f"[{_CJK}]\\s+[{_CJK}]")
_HAS_JAPANESE = re.compile(f"[{_CJK}]")


def folded_spaces(text: str) -> list[str]:
    """Places in ``text`` where whitespace separates two Japanese characters."""
    return [match.group(0) for match in _FOLDED_SPACE.finditer(text)]


def rubric_texts(rubric: Rubric) -> Iterator[tuple[str, Text]]:
    """Every user-facing text of a rubric, with where it is."""
    yield "title", rubric.title
    yield "description", rubric.description
    for level, text in rubric.level_labels.items():
        yield f"level_labels {level}", text
    for band in rubric.bands:
        yield f"band {band.id} label", band.label
        yield f"band {band.id} meaning", band.meaning
    for section in rubric.sections:
        yield f"section {section.id} title", section.title
        yield f"section {section.id} short", section.short
        yield f"section {section.id} description", section.description
        yield from item_texts(rubric, section.id)


def item_texts(rubric: Rubric, section_id: str) -> Iterator[tuple[str, Text]]:
    """The texts written per item (title, explanation, criteria, N/A, questions)."""
    for item in rubric.section(section_id).items:
        yield f"{item.id} title", item.title
        yield f"{item.id} explanation", item.explanation
        for level, text in item.criteria.items():
            yield f"{item.id} criteria {level}", text
        if item.not_applicable is not None:
            yield f"{item.id} not_applicable", item.not_applicable
        for index, question in enumerate(item.questions):
            yield f"{item.id} questions[{index}]", question


def agenda_texts(agenda: Agenda) -> Iterator[tuple[str, Text]]:
    yield "title", agenda.title
    for segment in agenda.segments:
        yield f"segment {segment.id} title", segment.title
        for index, point in enumerate(segment.talking_points):
            yield f"segment {segment.id} talking_points[{index}]", point


@pytest.fixture
def with_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the content folders at docs/examples, as the doc tells hosts to."""
    monkeypatch.setenv(ENV_VAR, str(EXAMPLES))


@pytest.fixture
def example_catalog(with_examples: None):
    catalog = load_catalog()
    assert catalog.problems == ()
    return catalog


# --------------------------------------------------------------------------- validate


def test_validate_accepts_the_examples_via_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(REPO)
    assert cli.main(["validate", "docs/examples"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == VALIDATE_OK
    assert captured.err == ""


def test_validate_accepts_the_examples_via_python_m() -> None:
    env = {key: value for key, value in os.environ.items() if key != ENV_VAR}
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "validate", "docs/examples"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == VALIDATE_OK


def test_validate_with_no_path_checks_the_environment_folder_too(
    with_examples: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["validate"]) == 0
    shipped = load_catalog([REPO / "content"])
    expected = (
        f"OK: {len(shipped.rubrics) + 1} rubrics, {len(shipped.agendas) + 1} agendas, "
        f"{len(shipped.ui_files)} UI files"
    )
    assert capsys.readouterr().out.strip() == expected


# --------------------------------------------------------------------------- loading


def test_content_dirs_offer_the_example_next_to_the_shipped_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    shipped = load_catalog()
    assert RUBRIC_ID not in shipped.rubrics
    assert AGENDA_ID not in shipped.agendas

    # No cache to clear: the catalog cache is keyed on the files found, so a
    # changed folder list is a new key.
    monkeypatch.setenv(ENV_VAR, str(EXAMPLES))
    catalog = load_catalog()
    assert catalog.problems == ()
    assert set(catalog.rubrics) == {*shipped.rubrics, RUBRIC_ID}
    assert set(catalog.agendas) == {*shipped.agendas, AGENDA_ID}
    assert "ml-test-score" in catalog.rubrics and "standard-60" in catalog.agendas


def test_the_example_agenda_runs_45_minutes_with_the_example_sections(example_catalog) -> None:
    rubric = example_catalog.rubrics[RUBRIC_ID]
    agenda = example_catalog.agendas[AGENDA_ID]
    assert [(s.kind, s.section_id, s.minutes) for s in agenda.segments] == [
        ("intro", None, 5),
        ("section", "data", 8),
        ("section", "model", 8),
        ("section", "infra", 8),
        ("section", "monitor", 8),
        ("wrapup", None, 8),
    ]
    assert agenda.total_minutes == 45
    assert agenda_fits_rubric(agenda, rubric) == []
    # Same section ids as the shipped rubric, so either agenda fits either rubric.
    assert agenda_fits_rubric(agenda, example_catalog.rubrics["ml-test-score"]) == []
    assert agenda_fits_rubric(example_catalog.agendas["standard-60"], rubric) == []


def test_the_example_rubric_has_the_shape_the_doc_describes(example_catalog) -> None:
    rubric = example_catalog.rubrics[RUBRIC_ID]
    shipped = example_catalog.rubrics["ml-test-score"]
    assert [s.id for s in rubric.sections] == SECTION_IDS
    # Equal sections on purpose (see docs/custom-rubric.md): scores share one scale.
    assert [len(s.items) for s in rubric.sections] == [7, 7, 7, 7]
    assert rubric.levels == (0.0, 0.5, 1.0)
    assert [(b.id, b.max) for b in rubric.bands] == [(b.id, b.max) for b in shipped.bands]
    assert [item.id for item in rubric.items if item.na_allowed] == [
        "data-6",
        "model-7",
        "infra-6",
    ]
    for item in rubric.items:
        assert 1 <= len(item.questions) <= 2, item.id
    data_titles = " ".join(item.title.en.lower() for item in rubric.section("data").items)
    for topic in ("label", "conditions", "near-duplicates", "augmentation"):
        assert topic in data_titles
    model_text = " ".join(
        f"{item.title.en} {item.explanation.en}" for item in rubric.section("model").items
    )
    assert "side-by-side" in model_text and "LIME" in model_text


def test_the_example_is_written_in_new_words(example_catalog) -> None:
    """Item texts, descriptions and band meanings are not copied from the shipped rubric.

    Section names and level names ("Monitoring", "Not done") may repeat; prose may not.
    """
    rubric = example_catalog.rubrics[RUBRIC_ID]
    shipped = example_catalog.rubrics["ml-test-score"]

    def prose(source: Rubric) -> Iterator[tuple[str, Text]]:
        yield "description", source.description
        for band in source.bands:
            yield f"band {band.id} meaning", band.meaning
        for section in source.sections:
            yield f"section {section.id} description", section.description
            yield from item_texts(source, section.id)

    shipped_prose = {lang_text for _, text in prose(shipped) for lang_text in (text.en, text.ja)}
    copied = [
        (where, lang_text)
        for where, text in prose(rubric)
        for lang_text in (text.en, text.ja)
        if lang_text in shipped_prose
    ]
    assert copied == []


def test_the_host_page_offers_the_example_and_creates_a_workshop_with_it(
    page_env: PageEnv, with_examples: None
) -> None:
    at = page_env.app("views/host.py")
    rubric_box = next(box for box in at.selectbox if box.label == "Rubric")
    agenda_box = next(box for box in at.selectbox if box.label == "Agenda")
    # The lists show titles; the values chosen are the ids.
    assert rubric_box.options == [
        "ML Test Score (2017)",
        "ML Test Score for image systems (example)",
    ]
    assert "Image systems, 45 minutes (45 min)" in agenda_box.options
    assert any(option.startswith("Standard 60-minute") for option in agenda_box.options)
    rubric_box.set_value(RUBRIC_ID)
    agenda_box.set_value(AGENDA_ID)
    at.text_input[1].input(PASSCODE)
    at.text_area(key="create_groups").input("Photo search; Similar items; production; Aiko")
    next(b for b in at.get("form_submit_button") if b.label == "Create workshop").click()
    at.run()
    assert not at.exception
    [workshop] = page_env.store.list_workshops()
    assert (workshop.rubric_id, workshop.agenda_id) == (RUBRIC_ID, AGENDA_ID)


# --------------------------------------------------------------------------- Japanese texts


def test_folded_space_check_catches_the_pitfall(tmp_path: Path) -> None:
    """The pitfall is valid YAML; the validator reports it, naming the file and the text."""
    rubric_file = EXAMPLES / "rubrics" / f"{RUBRIC_ID}.yaml"
    original = rubric_file.read_text(encoding="utf-8")
    single_line = '  ja: "ML Test Score 画像システム版（例）"\n'
    folded = "  ja: >\n    ML Test Score 画像\n    システム版（例）\n"
    assert original.count(single_line) == 1
    target = tmp_path / "rubrics" / rubric_file.name
    target.parent.mkdir()
    target.write_text(original.replace(single_line, folded), encoding="utf-8")

    catalog = check_paths([target])
    assert len(catalog.problems) == 1
    assert "space between Japanese characters" in catalog.problems[0].message
    assert catalog.problems[0].path.endswith(rubric_file.name)
    assert folded_spaces("ML Test Score 画像 システム版（例）") == ["像 シ"]
    # Latin next to Japanese keeps its space; that is ordinary Japanese typography.
    assert folded_spaces("CI やパイプライン、A/B テスト") == []


def test_every_japanese_text_is_one_unbroken_line(example_catalog) -> None:
    rubric = example_catalog.rubrics[RUBRIC_ID]
    agenda = example_catalog.agendas[AGENDA_ID]
    texts = [(f"rubric {where}", text) for where, text in rubric_texts(rubric)]
    texts += [(f"agenda {where}", text) for where, text in agenda_texts(agenda)]
    assert len(texts) > 200  # the walk really visits every item
    problems = [
        (where, text.ja)
        for where, text in texts
        if not text.ja.strip()
        or not _HAS_JAPANESE.search(text.ja)
        or "\n" in text.ja
        or folded_spaces(text.ja)
    ]
    assert problems == []
    assert all(text.en.strip() and text.en != text.ja for _, text in texts)


# --------------------------------------------------------------------------- scoring


# image-team.csv, hand-checked:
#   data    0.5, 0.5, 1, 1, 0.5, 0.5, 1   -> 5.0
#   model   1, 0.5, 0.5, 0, 0.5, 1, N/A   -> raw 3.5 over 6 applicable -> 3.5 * 7 / 6 = 4.0833
#   infra   1, 1, 0.5, 1, 0.5, 0.5, 0.5   -> 5.0
#   monitor 0.5, 0.5, 0, 0.5, 1, 1, 1     -> 4.5
#   final = min = 4.0833 (model) -> band (3, 5] "3-5"
EXPECTED_SECTIONS = {
    "data": {"score": 5.0, "raw": 5.0, "answered": 7, "applicable": 7, "items": 7},
    "model": {"score": 4.0833, "raw": 3.5, "answered": 7, "applicable": 6, "items": 7},
    "infra": {"score": 5.0, "raw": 5.0, "answered": 7, "applicable": 7, "items": 7},
    "monitor": {"score": 4.5, "raw": 4.5, "answered": 7, "applicable": 7, "items": 7},
}


def test_the_example_answers_cover_every_item_once(example_catalog) -> None:
    with ANSWERS.open(encoding="utf-8", newline="") as handle:
        ids = [row["item_id"] for row in csv.DictReader(handle)]
    assert ids == [item.id for item in example_catalog.rubrics[RUBRIC_ID].items]


def test_score_with_the_example_rubric_gives_the_json_contract(
    with_examples: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["score", str(ANSWERS), "--rubric", RUBRIC_ID, "--format", "json"]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    data = json.loads(captured.out)
    assert set(data) == {"sections", "final", "band", "provisional", "errors"}
    assert list(data["sections"]) == SECTION_IDS
    for section_id, expected in EXPECTED_SECTIONS.items():
        got = data["sections"][section_id]
        assert set(got) == set(expected)
        assert got["score"] == pytest.approx(expected["score"], abs=1e-4)
        for key in ("raw", "answered", "applicable", "items"):
            assert got[key] == expected[key], (section_id, key)
        assert type(got["answered"]) is int and type(got["score"]) is float
    assert data["final"] == pytest.approx(3.5 * 7 / 6)
    assert data["band"] == "3-5"
    assert data["provisional"] is False
    assert data["errors"] == []


def test_score_finds_the_rubric_only_through_the_content_folders(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert cli.main(["score", str(ANSWERS), "--rubric", RUBRIC_ID]) == 1
    assert capsys.readouterr().err.strip() == (
        f"cannot load rubric '{RUBRIC_ID}': no rubric '{RUBRIC_ID}' (available: ml-test-score)"
    )


def test_the_outputs_quoted_in_the_doc_are_real(
    with_examples: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"\n{VALIDATE_OK}\n" in doc
    monkeypatch.chdir(REPO)
    assert cli.main(["score", "docs/examples/answers/image-team.csv", "--rubric", RUBRIC_ID]) == 0
    output = capsys.readouterr().out
    assert output.strip() and output in doc
