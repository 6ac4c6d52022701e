"""Content loading and validation: every rule of docs/content-format.md has a broken case
whose message names the file, the item and what is wrong."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from workshop import cli
from workshop import content as ct
from workshop.content.model import Text

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
RUBRIC_PATH = "rubrics/mini-rubric.yaml"
AGENDA_PATH = "agendas/mini-agenda.yaml"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages show paths relative to the working folder; pin it so they are predictable."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv(ct.ENV_VAR, raising=False)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def valid_rubric() -> dict[str, Any]:
    return _load(VALID / RUBRIC_PATH)


def valid_agenda() -> dict[str, Any]:
    return _load(VALID / AGENDA_PATH)


def item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for s in data["sections"] for i in s["items"] if i["id"] == item_id)


def rubric_problems(mutate: Callable[[dict[str, Any]], Any]) -> list[str]:
    data = valid_rubric()
    mutate(data)
    return [str(problem) for problem in ct.validate_rubric_data(data, RUBRIC_PATH)]


def agenda_problems(mutate: Callable[[dict[str, Any]], Any], rubrics: Any = None) -> list[str]:
    data = valid_agenda()
    mutate(data)
    return [str(problem) for problem in ct.validate_agenda_data(data, AGENDA_PATH, rubrics)]


def ui_problems(data: Any) -> list[str]:
    return [str(problem) for problem in ct.validate_ui_data(data, "ui/demo.yaml")]


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the valid fixture


def test_valid_fixture_loads_into_the_content_model() -> None:
    catalog = ct.load_catalog([VALID])
    assert catalog.problems == ()
    rubric = catalog.rubrics["mini-rubric"]
    assert rubric.levels == (0.0, 0.5, 1.0)
    assert [section.id for section in rubric.sections] == ["data", "model"]
    assert [i.id for i in rubric.items] == ["data-1", "data-2", "model-1", "model-2"]
    assert rubric.item("model-2").section_id == "model"
    # Unquoted numeric criteria keys (data-2) become the same canonical text keys.
    assert set(rubric.item("data-2").criteria) == {"0", "0.5", "1"}
    assert rubric.item("data-2").criteria["0.5"] == Text(
        "Checked at each experiment.", "実験ごとに確認。"
    )
    assert rubric.item("data-2").na_allowed and not rubric.item("data-1").na_allowed
    # Block scalars lose their trailing newline.
    assert rubric.item("data-1").explanation.en == "Inputs are compared with an expected schema."
    assert [band.max for band in rubric.bands] == [0.0, 1.0, None]
    assert rubric.level_labels["1"].ja == "自動化"
    assert rubric.source_path == "tests/fixtures/content/valid/rubrics/mini-rubric.yaml"

    agenda = catalog.agendas["mini-agenda"]
    assert [s.kind for s in agenda.segments] == ["intro", "section", "section", "wrapup"]
    assert [s.section_id for s in agenda.segments] == [None, "data", "model", None]
    assert agenda.segments[2].seconds == pytest.approx(18.0)
    assert agenda.segments[0].talking_points == (
        Text("Aim for understanding.", "理解が目的です。"),
    )
    assert agenda.segments[3].talking_points == ()

    assert catalog.ui["demo.saved_at"] == Text("Saved {time}", "{time} に保存済み")
    assert set(catalog.ui) == {"demo.title", "demo.saved_at", "demo.braces"}
    assert catalog.ui_files == ("tests/fixtures/content/valid/ui/demo.yaml",)


# --------------------------------------------------------------------------- YAML level


def test_yaml_syntax_error_names_the_line() -> None:
    problems = [str(p) for p in ct.validate_paths([BROKEN / "rubrics" / "syntax-error.yaml"])]
    assert len(problems) == 1
    assert problems[0].startswith(
        "tests/fixtures/content/broken/rubrics/syntax-error.yaml: line 6: YAML syntax error: "
    )
    assert "starts on line 5" in problems[0]


def test_duplicate_yaml_keys_are_rejected_with_both_lines() -> None:
    problems = [str(p) for p in ct.validate_paths([BROKEN / "rubrics" / "duplicate-key.yaml"])]
    assert problems == [
        "tests/fixtures/content/broken/rubrics/duplicate-key.yaml: line 5: "
        'duplicate key "title" (first used on line 3)'
    ]


def test_duplicate_keys_are_found_in_nested_mappings_too(tmp_path: Path) -> None:
    path = tmp_path / "ui" / "x.yaml"
    path.parent.mkdir()
    path.write_text("a: {en: A, ja: あ, en: B}\n", encoding="utf-8")
    problems = ct.validate_paths([path])
    assert [(p.where, p.message) for p in problems] == [
        ("line 1", 'duplicate key "en" (first used on line 1)')
    ]


def test_empty_file_and_non_utf8_file(tmp_path: Path) -> None:
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "empty.yaml").write_text("# nothing here\n", encoding="utf-8")
    (tmp_path / "rubrics" / "latin.yaml").write_bytes("id: caf\xe9\n".encode("latin-1"))
    problems = {(Path(p.path).name, p.where, p.message) for p in ct.validate_paths([tmp_path])}
    assert problems == {
        ("empty.yaml", "file", "is empty"),
        ("latin.yaml", "file", "is not UTF-8 text; save it as UTF-8"),
    }


def test_top_level_must_be_a_mapping() -> None:
    assert [str(p) for p in ct.validate_rubric_data([1, 2], RUBRIC_PATH)] == [
        f"{RUBRIC_PATH}: file: the file must be a mapping, got a list"
    ]
    assert [str(p) for p in ct.validate_agenda_data("text", AGENDA_PATH)] == [
        f'{AGENDA_PATH}: file: the file must be a mapping, got text ("text")'
    ]
    assert ui_problems(["a"]) == ["ui/demo.yaml: file: the file must be a mapping, got a list"]


# --------------------------------------------------------------------------- rubric rules

RUBRIC_CASES: list[tuple[str, Callable[[dict[str, Any]], Any], list[str]]] = [
    (
        "missing top-level key",
        lambda d: d.pop("description"),
        ['top level: missing key "description"'],
    ),
    (
        "unknown top-level key",
        lambda d: d.update(version=2),
        [
            'top level: unknown key "version" (allowed: id, title, description, levels, '
            "level_labels, bands, sections)"
        ],
    ),
    (
        "missing item key",
        lambda d: item(d, "data-1").pop("explanation"),
        ['item data-1: missing key "explanation"'],
    ),
    (
        "unknown item key (typo)",
        lambda d: item(d, "model-1").update(not_aplicable={"en": "x", "ja": "x"}),
        [
            'item model-1: unknown key "not_aplicable" (allowed: id, title, explanation, '
            "criteria, questions, not_applicable)"
        ],
    ),
    (
        "criteria translation absent",
        lambda d: item(d, "data-1")["criteria"].update({"0.5": {"en": "By hand"}}),
        ['item data-1: criteria for level "0.5" is missing the ja text'],
    ),
    (
        "title translation empty",
        lambda d: d["title"].update(en="  "),
        ["top level: title has an empty en text"],
    ),
    (
        "not_applicable translation absent",
        lambda d: item(d, "data-2").update(not_applicable={"ja": "対象外"}),
        ["item data-2: not_applicable is missing the en text"],
    ),
    (
        "question translation null",
        lambda d: item(d, "model-2")["questions"][1].update(ja=None),
        ["item model-2: questions[1] is missing the ja text"],
    ),
    (
        "unknown language",
        lambda d: d["sections"][0]["title"].update(fr="Données"),
        ['section data: title has an unknown language "fr" (only en, ja)'],
    ),
    (
        "text given as a plain string",
        lambda d: item(d, "model-1").update(title="Specs"),
        ['item model-1: title must be a mapping like {en: ..., ja: ...}, got text ("Specs")'],
    ),
    (
        "translation that is a number",
        lambda d: d["title"].update(ja=5),
        ["top level: title has a ja text that is a number (5), not text (put it in quotes)"],
    ),
    (
        "levels not a list",
        lambda d: d.update(levels="0, 1"),
        ['top level: levels must be a list, got text ("0, 1")'],
    ),
    (
        "level not a number",
        lambda d: d.update(levels=[0, "half", 1]),
        ['top level: levels[1] must be a number, got text ("half")'],
    ),
    (
        "id not text",
        lambda d: d.update(id=5),
        ["top level: id must be text, got a number (5)"],
    ),
    (
        "sections not a list",
        lambda d: d.update(sections={"data": {}}),
        ["top level: sections must be a list, got a mapping"],
    ),
    (
        "duplicate item id",
        lambda d: item(d, "model-2").update(id="model-1"),
        ['item model-1: duplicate item id "model-1" (also sections[1].items[0])'],
    ),
    (
        "item id without its section prefix",
        lambda d: item(d, "model-2").update(id="data-9"),
        ['item data-9: item id "data-9" must start with "model-", the id of its section'],
    ),
    (
        "item id with invalid characters",
        lambda d: item(d, "data-1").update(id="Data_1"),
        ['sections[0].items[0]: id "Data_1" may only use lowercase letters, digits and "-"'],
    ),
    (
        "section without items",
        lambda d: d["sections"][1].update(items=[]),
        ["section model: items must have at least 1 entry"],
    ),
    (
        "item without questions",
        lambda d: item(d, "data-1").update(questions=[]),
        ["item data-1: questions must have at least 1 entry"],
    ),
    (
        "id different from the file name",
        lambda d: d.update(id="other"),
        [
            'top level: rubric id "other" does not match the file name "mini-rubric.yaml"; '
            'rename the file to "other.yaml" or set id: mini-rubric'
        ],
    ),
    (
        "levels not ascending",
        lambda d: d.update(levels=[0, 1, 0.5]),
        ["top level: levels must be in ascending order without repeats, got [0, 1, 0.5]"],
    ),
    (
        "levels repeated",
        lambda d: d.update(levels=[0, 0.5, 0.5, 1]),
        ["top level: levels must be in ascending order without repeats, got [0, 0.5, 0.5, 1]"],
    ),
    (
        "levels not starting at 0",
        lambda d: d.update(levels=[0.5, 1]),
        ["top level: levels must start at 0 (not done), got 0.5 first"],
    ),
    (
        "fewer than two levels",
        lambda d: d.update(levels=[0]),
        ["top level: levels needs at least two values, e.g. [0, 0.5, 1]"],
    ),
    (
        "criteria missing a level",
        lambda d: item(d, "data-1")["criteria"].pop("1"),
        ['item data-1: criteria has no entry for level "1"'],
    ),
    (
        "criteria with a level not in levels",
        lambda d: item(d, "model-1")["criteria"].update({"2": {"en": "x", "ja": "x"}}),
        ['item model-1: criteria has level "2", which is not one of the levels (0, 0.5, 1)'],
    ),
    (
        "criteria key that is not a number",
        lambda d: item(d, "data-1")["criteria"].update(high={"en": "x", "ja": "x"}),
        ['item data-1: criteria has the key "high", which is not a level number'],
    ),
    (
        "criteria with the same level written twice",
        lambda d: item(d, "data-2")["criteria"].update({"0.50": {"en": "x", "ja": "x"}}),
        ['item data-2: criteria has level "0.5" twice'],
    ),
    (
        "criteria keyed for other levels",
        lambda d: d.update(levels=[0, 1]),
        ['top level: level_labels has level "0.5", which is not one of the levels (0, 1)']
        + [
            f'item {i}: criteria has level "0.5", which is not one of the levels (0, 1)'
            for i in ("data-1", "data-2", "model-1", "model-2")
        ],
    ),
    (
        "level_labels missing a level",
        lambda d: d["level_labels"].pop("0.5"),
        ['top level: level_labels has no entry for level "0.5"'],
    ),
    (
        "bands not ascending",
        lambda d: d["bands"][1].update(max=0),
        ["band 0-1: bands must be in ascending order of max: 0 is not above 0 of band 0"],
    ),
    (
        "last band max not null",
        lambda d: d["bands"][2].update(max=3),
        [
            "band >1: the last band must have max: null "
            "(it holds every score above the previous band)"
        ],
    ),
    (
        "null max before the last band",
        lambda d: d["bands"][0].update(max=None),
        ["band 0: only the last band may have max: null"],
    ),
    (
        "band max not a number",
        lambda d: d["bands"][1].update(max="one"),
        ['band 0-1: max must be a number, got text ("one")'],
    ),
    (
        "band id unquoted number",
        lambda d: d["bands"][0].update(id=0),
        ["bands[0]: id must be text (put it in quotes), got a number (0)"],
    ),
    (
        "duplicate band id",
        lambda d: d["bands"][1].update(id="0"),
        ['band 0: duplicate band id "0" (also bands[0])'],
    ),
    (
        "band missing its meaning",
        lambda d: d["bands"][0].pop("meaning"),
        ['band 0: missing key "meaning"'],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in RUBRIC_CASES],
)
def test_rubric_rule(mutate: Callable[[dict[str, Any]], Any], expected: list[str]) -> None:
    assert rubric_problems(mutate) == [f"{RUBRIC_PATH}: {line}" for line in expected]


def test_duplicate_section_id() -> None:
    def duplicate(data: dict[str, Any]) -> None:
        twin = copy.deepcopy(data["sections"][0])
        for index, entry in enumerate(twin["items"], start=3):
            entry["id"] = f"data-{index}"
        data["sections"].append(twin)

    assert rubric_problems(duplicate) == [
        f'{RUBRIC_PATH}: section data: duplicate section id "data" (also sections[0])'
    ]


def test_valid_rubric_has_no_problems() -> None:
    assert rubric_problems(lambda d: None) == []


def test_missing_translation_fixture_names_file_item_and_level() -> None:
    problems = [str(p) for p in ct.validate_paths([BROKEN / "rubrics" / "missing-ja.yaml"])]
    assert problems == [
        "tests/fixtures/content/broken/rubrics/missing-ja.yaml: item data-2: "
        'criteria for level "0.5" is missing the ja text'
    ]


# --------------------------------------------------------------------------- agenda rules

AGENDA_CASES: list[tuple[str, Callable[[dict[str, Any]], Any], list[str]]] = [
    (
        "unknown segment kind",
        lambda d: d["segments"][0].update(kind="break"),
        ['segment intro: kind "break" is unknown; use one of intro, section, wrapup'],
    ),
    (
        "zero minutes",
        lambda d: d["segments"][1].update(minutes=0),
        ["segment data: minutes must be more than 0, got 0"],
    ),
    (
        "negative minutes",
        lambda d: d["segments"][3].update(minutes=-2.5),
        ["segment wrapup: minutes must be more than 0, got -2.5"],
    ),
    (
        "minutes as text",
        lambda d: d["segments"][1].update(minutes="ten"),
        ['segment data: minutes must be a number, got text ("ten")'],
    ),
    (
        "minutes as true/false",
        lambda d: d["segments"][1].update(minutes=True),
        ["segment data: minutes must be a number, got true/false (true)"],
    ),
    (
        "section segment without a section",
        lambda d: d["segments"][1].pop("section"),
        ["segment data: a section segment needs section: <id of a rubric section>"],
    ),
    (
        "section segment with section null",
        lambda d: d["segments"][2].update(section=None),
        ["segment model: a section segment needs section: <id of a rubric section>"],
    ),
    (
        "intro with a section",
        lambda d: d["segments"][0].update(section="data"),
        ["segment intro: only section segments have a section; use section: null for intro"],
    ),
    (
        "duplicate segment id",
        lambda d: d["segments"][2].update(id="data"),
        ['segment data: duplicate segment id "data" (also segments[1])'],
    ),
    (
        "id different from the file name",
        lambda d: d.update(id="standard-60"),
        [
            'top level: agenda id "standard-60" does not match the file name '
            '"mini-agenda.yaml"; rename the file to "standard-60.yaml" or set id: mini-agenda'
        ],
    ),
    (
        "no segments",
        lambda d: d.update(segments=[]),
        ["top level: segments must have at least 1 entry"],
    ),
    (
        "missing segment key",
        lambda d: d["segments"][3].pop("kind"),
        ['segment wrapup: missing key "kind"'],
    ),
    (
        "unknown segment key",
        lambda d: d["segments"][3].update(notes="x"),
        [
            'segment wrapup: unknown key "notes" (allowed: id, kind, title, minutes, '
            "section, talking_points)"
        ],
    ),
    (
        "talking point without ja",
        lambda d: d["segments"][0]["talking_points"][0].pop("ja"),
        ["segment intro: talking_points[0] is missing the ja text"],
    ),
    (
        "segment title missing translation",
        lambda d: d["segments"][1]["title"].update(en=""),
        ["segment data: title has an empty en text"],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in AGENDA_CASES],
)
def test_agenda_rule(mutate: Callable[[dict[str, Any]], Any], expected: list[str]) -> None:
    assert agenda_problems(mutate) == [f"{AGENDA_PATH}: {line}" for line in expected]


def test_agenda_sections_are_checked_against_the_given_rubrics() -> None:
    rubric = ct.load_catalog([VALID]).rubrics["mini-rubric"]

    def to_monitor(data: dict[str, Any]) -> None:
        data["segments"][2]["section"] = "monitor"

    expected = [
        f'{AGENDA_PATH}: segment model: section "monitor" is not a section of any loaded '
        "rubric (known: data, model)"
    ]
    assert agenda_problems(to_monitor, rubrics=[rubric]) == expected
    assert agenda_problems(to_monitor, rubrics={"mini-rubric": rubric}) == expected
    # Without rubrics there is nothing to check against.
    assert agenda_problems(to_monitor) == []
    assert agenda_problems(lambda d: None, rubrics=[rubric]) == []


def test_agenda_fits_rubric_reports_each_foreign_section() -> None:
    catalog = ct.load_catalog([VALID])
    rubric = catalog.rubrics["mini-rubric"]
    assert ct.agenda_fits_rubric(catalog.agendas["mini-agenda"], rubric) == []
    shipped = ct.load_catalog([REPO / "content"])
    misfits = ct.agenda_fits_rubric(shipped.agendas["standard-60"], rubric)
    assert [(p.where, p.message) for p in misfits] == [
        (
            f"segment {section}",
            f'section "{section}" is not a section of rubric "mini-rubric" '
            "(its sections: data, model)",
        )
        for section in ("infra", "monitor")
    ]


def test_catalog_checks_agendas_against_loaded_rubrics() -> None:
    catalog = ct.load_catalog([VALID, BROKEN])
    assert "unknown-section" not in catalog.agendas
    assert (
        "tests/fixtures/content/broken/agendas/unknown-section.yaml: segment monitor: "
        'section "monitor" is not a section of any loaded rubric (known: data, model)'
    ) in [str(p) for p in catalog.problems]


# --------------------------------------------------------------------------- UI texts


def test_ui_placeholders_must_match() -> None:
    assert ui_problems({"saved_at": {"en": "Saved {time}", "ja": "{when} に保存済み"}}) == [
        "ui/demo.yaml: key saved_at: placeholders differ: en has {time}, ja has {when}"
    ]
    assert ui_problems({"n": {"en": "{count} groups", "ja": "グループ"}}) == [
        "ui/demo.yaml: key n: placeholders differ: en has {count}, ja has none"
    ]
    # Order, repetition, format specs and escaped braces do not matter.
    assert ui_problems({"ok": {"en": "{a} of {b:.1f} {{x}}", "ja": "{b}中{a}、{a} {{y}}"}}) == []


def test_ui_rejects_malformed_and_positional_templates() -> None:
    problems = ui_problems(
        {
            "open": {"en": "Saved {time", "ja": "{time} に保存"},
            "positional": {"en": "Hello {}", "ja": "こんにちは {}"},
        }
    )
    assert len(problems) == 3
    assert problems[0].startswith("ui/demo.yaml: key open: the en text is not a valid template (")
    assert problems[0].endswith("write {{ and }} for literal braces")
    assert "use named placeholders like {name}, not {}" in problems[1]
    assert problems[1].startswith("ui/demo.yaml: key positional: the en text")
    assert problems[2].startswith("ui/demo.yaml: key positional: the ja text")


def test_ui_entries_must_be_texts_with_both_languages() -> None:
    assert ui_problems(
        {
            "title": "Scores",
            "half": {"en": "Half"},
            True: {"en": "Yes", "ja": "はい"},
        }
    ) == [
        'ui/demo.yaml: key title: must be a mapping like {en: ..., ja: ...}, got text ("Scores")',
        "ui/demo.yaml: key half: missing the ja text",
        'ui/demo.yaml: key True: keys may only use letters, digits, "_" and "-" '
        "(quote keys like yes/no/on/off)",
    ]


def test_duplicate_ui_keys_across_files_of_the_same_area() -> None:
    catalog = ct.load_catalog([VALID, BROKEN])
    assert (
        'tests/fixtures/content/broken/ui/demo.yaml: key title: "demo.title" is already '
        "defined in tests/fixtures/content/valid/ui/demo.yaml"
    ) in [str(p) for p in catalog.problems]
    # The first definition stays; the other keys of the second file still load.
    assert catalog.ui["demo.title"].en == "Scores by group"
    assert catalog.ui["demo.extra"] == Text("Extra", "追加")


def test_a_bad_ui_key_does_not_hide_the_rest_of_its_file() -> None:
    catalog = ct.load_catalog([BROKEN])
    assert catalog.ui["placeholders.ok"] == Text("Fine", "問題なし")
    assert "placeholders.saved_at" not in catalog.ui
    with pytest.raises(ct.ContentError) as raised:
        ct.load_ui_texts([BROKEN])
    assert str(raised.value) == (
        "tests/fixtures/content/broken/ui/placeholders.yaml: key saved_at: "
        "placeholders differ: en has {time}, ja has {when}"
    )


# --------------------------------------------------------------------------- files and folders


def test_kind_comes_from_the_folder_name() -> None:
    problems = ct.validate_paths([BROKEN / "rubrics"])
    assert {Path(p.path).name for p in problems} == {
        "syntax-error.yaml",
        "duplicate-key.yaml",
        "missing-ja.yaml",
    }
    assert {p.kind for p in problems} == {"rubric"}


def test_kind_of_a_loose_file_comes_from_its_keys(tmp_path: Path) -> None:
    shutil.copy(VALID / RUBRIC_PATH, tmp_path / "mini-rubric.yaml")
    shutil.copy(VALID / AGENDA_PATH, tmp_path / "mini-agenda.yaml")
    shutil.copy(VALID / "ui" / "demo.yaml", tmp_path / "demo.yaml")
    (tmp_path / "other.yaml").write_text("colour: blue\n", encoding="utf-8")
    catalog = ct.check_paths([tmp_path])
    assert list(catalog.rubrics) == ["mini-rubric"]
    assert list(catalog.agendas) == ["mini-agenda"]
    assert "demo.saved_at" in catalog.ui
    assert [(Path(p.path).name, p.where, p.message) for p in catalog.problems] == [
        (
            "other.yaml",
            "file",
            "cannot tell whether this is a rubric, an agenda or UI texts; "
            "put it in a rubrics/, agendas/ or ui/ folder",
        )
    ]
    # The app loads such loose files from a content folder as well.
    assert list(ct.load_catalog([tmp_path]).rubrics) == ["mini-rubric"]


def test_missing_paths_and_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    problems = [str(p) for p in ct.validate_paths([tmp_path / "nope.yaml", tmp_path / "empty"])]
    assert problems == [
        f"{tmp_path / 'nope.yaml'}: file: does not exist",
        f"{tmp_path / 'empty'}: folder: holds no .yaml files",
    ]
    catalog = ct.load_catalog([VALID, tmp_path / "gone"])
    assert [str(p) for p in catalog.problems] == [
        f"{tmp_path / 'gone'}: folder: does not exist (check WORKSHOP_CONTENT_DIRS or the path "
        "you gave)"
    ]
    assert "mini-rubric" in catalog.rubrics


def test_content_dirs_adds_the_environment_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ct.content_dirs() == [REPO / "content"]
    one, two = tmp_path / "one", tmp_path / "two"
    entries = [str(one), "", str(REPO / "content"), str(two), str(one)]
    monkeypatch.setenv(ct.ENV_VAR, os.pathsep.join(entries))
    assert ct.content_dirs() == [REPO / "content", one, two]


def test_user_folder_adds_content_but_cannot_replace_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "mine"
    data = valid_rubric()
    data["title"]["en"] = "Copy"
    write_yaml(extra / "rubrics" / "mini-rubric.yaml", data)
    agenda = valid_agenda()
    agenda["id"] = "my-agenda"
    write_yaml(extra / "agendas" / "my-agenda.yaml", agenda)
    catalog = ct.load_catalog([VALID, extra])
    assert catalog.rubrics["mini-rubric"].title.en == "Mini rubric"
    assert list(catalog.agendas) == ["mini-agenda", "my-agenda"]
    assert [str(p) for p in catalog.problems] == [
        f'{extra / "rubrics" / "mini-rubric.yaml"}: top level: rubric id "mini-rubric" is '
        "already used by tests/fixtures/content/valid/rubrics/mini-rubric.yaml; "
        "this file is ignored"
    ]
    # The default folders include the environment's, so the app offers the user's agenda.
    monkeypatch.setenv(ct.ENV_VAR, str(extra))
    assert "my-agenda" in ct.load_catalog().agendas


def test_catalog_loads_the_valid_files_and_lists_the_broken_ones() -> None:
    catalog = ct.load_catalog([VALID, BROKEN])
    assert list(catalog.rubrics) == ["mini-rubric"]
    assert list(catalog.agendas) == ["mini-agenda"]
    assert not catalog.ok
    assert {Path(p.path).name for p in catalog.problems} == {
        "syntax-error.yaml",
        "duplicate-key.yaml",
        "missing-ja.yaml",
        "unknown-section.yaml",
        "placeholders.yaml",
        "demo.yaml",
    }
    # The mappings are shared between sessions, so they are read-only.
    with pytest.raises(TypeError):
        catalog.rubrics["x"] = catalog.rubrics["mini-rubric"]  # type: ignore[index]


def test_strict_loaders_raise_for_broken_files_they_need() -> None:
    dirs = [VALID, BROKEN]
    with pytest.raises(ct.ContentError) as raised:
        ct.load_rubrics(dirs)
    assert {Path(p.path).name for p in raised.value.problems} == {
        "syntax-error.yaml",
        "duplicate-key.yaml",
        "missing-ja.yaml",
    }
    assert len(str(raised.value).splitlines()) == 3
    with pytest.raises(ct.ContentError) as raised:
        ct.load_rubric("missing-ja", dirs)
    assert [p.where for p in raised.value.problems] == ["item data-2"]
    # A valid file loads even when others are broken; an unknown id is a KeyError.
    assert ct.load_rubric("mini-rubric", dirs).id == "mini-rubric"
    with pytest.raises(KeyError, match="no rubric 'nope'"):
        ct.load_rubric("nope", dirs)
    with pytest.raises(ct.ContentError, match=r"unknown-section\.yaml: segment monitor"):
        ct.load_agendas(dirs)
    with pytest.raises(ct.ContentError):
        ct.load_agenda("unknown-section", dirs)
    assert ct.load_agenda("mini-agenda", dirs).id == "mini-agenda"
    with pytest.raises(KeyError):
        ct.load_agenda("standard-60", dirs)


def test_strict_loaders_return_plain_dicts_for_valid_content() -> None:
    assert list(ct.load_rubrics([VALID])) == ["mini-rubric"]
    assert list(ct.load_agendas([VALID])) == ["mini-agenda"]
    assert ct.load_ui_texts([VALID])["demo.title"] == Text("Scores by group", "グループ別スコア")


def test_content_error_prints_one_line_per_problem() -> None:
    error = ct.ContentError(
        [
            ct.ContentProblem("content/rubrics/x.yaml", "item data-2", "criteria broken"),
            ct.ContentProblem("content/ui/a.yaml", "", "is empty"),
        ]
    )
    assert str(error) == (
        "content/rubrics/x.yaml: item data-2: criteria broken\ncontent/ui/a.yaml: is empty"
    )


def test_catalog_is_cached_until_a_file_changes(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "rubrics" / "mini-rubric.yaml", valid_rubric())
    first = ct.load_catalog([tmp_path])
    assert ct.load_catalog([tmp_path]) is first
    data = valid_rubric()
    data["title"]["en"] = "Changed"
    write_yaml(path, data)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = ct.load_catalog([tmp_path])
    assert second is not first
    assert second.rubrics["mini-rubric"].title.en == "Changed"
    # A new file is picked up too.
    (tmp_path / "agendas").mkdir()
    shutil.copy(VALID / AGENDA_PATH, tmp_path / AGENDA_PATH)
    assert "mini-agenda" in ct.load_catalog([tmp_path]).agendas


# --------------------------------------------------------------------------- shipped content


def test_shipped_content_is_valid() -> None:
    catalog = ct.load_catalog([REPO / "content"])
    assert [str(p) for p in catalog.problems] == []
    rubric = catalog.rubrics["ml-test-score"]
    assert [section.id for section in rubric.sections] == ["data", "model", "infra", "monitor"]
    assert [len(section.items) for section in rubric.sections] == [7, 7, 7, 7]
    assert rubric.levels == (0.0, 0.5, 1.0)
    assert catalog.agendas, "no agenda shipped"
    for agenda in catalog.agendas.values():
        assert ct.agenda_fits_rubric(agenda, rubric) == []
    assert "common.app_title" in catalog.ui


# --------------------------------------------------------------------------- CLI


def test_cli_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(VALID)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "OK: 1 rubrics, 1 agendas, 1 UI files\n"
    assert captured.err == ""


def test_cli_validate_reports_problems_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(BROKEN / "rubrics" / "missing-ja.yaml")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "tests/fixtures/content/broken/rubrics/missing-ja.yaml: item data-2: "
        'criteria for level "0.5" is missing the ja text',
        "1 problem found",
    ]


def test_cli_validate_without_paths_checks_the_content_dirs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ct.ENV_VAR, str(BROKEN))
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert "broken/rubrics/missing-ja.yaml: item data-2" in err
    assert "broken/ui/placeholders.yaml: key saved_at" in err


def test_cli_checks_a_lone_agenda_against_the_app_rubrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # mini-agenda's sections (data, model) exist in the shipped rubric.
    assert cli.main(["validate", str(VALID / AGENDA_PATH)]) == 0
    assert capsys.readouterr().out == "OK: 0 rubrics, 1 agendas, 0 UI files\n"
    agenda = valid_agenda()
    agenda["segments"][1]["section"] = "features"
    path = write_yaml(tmp_path / "agendas" / "mini-agenda.yaml", agenda)
    assert cli.main(["validate", str(path)]) == 1
    assert 'segment data: section "features" is not a section of any loaded rubric' in (
        capsys.readouterr().err
    )


def test_python_dash_m_workshop_validate_exit_code() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workshop", "validate", str(BROKEN / "ui")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "tests/fixtures/content/broken/ui/placeholders.yaml: key saved_at: "
        "placeholders differ: en has {time}, ja has {when}",
        "1 problem found",
    ]


def test_shipped_japanese_has_no_folded_line_spaces() -> None:
    """YAML folding turns a line break into a space, which is wrong between Japanese words."""
    import re

    from workshop.content import load_catalog

    catalog = load_catalog()
    cjk = r"[\u3040-\u30ff\u4e00-\u9fff、。「」()]"
    pattern = re.compile(f"{cjk} {cjk}")
    texts = [text.ja for text in catalog.ui.values()]
    for rubric in catalog.rubrics.values():
        for item in rubric.items:
            texts += [item.title.ja, item.explanation.ja]
            texts += [criterion.ja for criterion in item.criteria.values()]
    offending = [text for text in texts if pattern.search(text)]
    assert offending == []


def test_validator_rejects_folded_japanese(tmp_path) -> None:
    from workshop.content import validate_paths

    ui = tmp_path / "ui" / "area.yaml"
    ui.parent.mkdir()
    ui.write_text(
        'greeting:\n  en: "Hello"\n  ja: >-\n    こんにちは、\n    世界\n', encoding="utf-8"
    )
    problems = validate_paths([ui])
    assert len(problems) == 1
    assert "space between Japanese characters" in problems[0].message
    assert problems[0].path.endswith("area.yaml")
