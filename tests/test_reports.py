"""Exports: CSV that spreadsheets will not execute, Markdown that renders user text inert."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

import pytest

from tests.rubric_factory import answers, make_rubric
from workshop.content import load_catalog
from workshop.exports import (
    ACTION_COLUMNS,
    BOM,
    TIDY_COLUMNS,
    actions_csv,
    csv_safe,
    export_filename,
    tidy_csv,
)
from workshop.models import PHASES, ActionItem, Answer, ClockState, Group, Snapshot, Workshop
from workshop.presentation import escape_markdown_file as md_escape
from workshop.reports import markdown_report
from workshop.tickets import actions_markdown

RUBRIC = make_rubric(na_allowed=("data-5",))
PAYLOADS = ('=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(A1)")


def make_snapshot(
    values: Mapping[str, Mapping[str, str]],
    *,
    notes: Mapping[tuple[str, str], str] | None = None,
    actions: tuple[ActionItem, ...] = (),
    title: str = "Spring round",
    names: Mapping[str, str] | None = None,
) -> Snapshot:
    workshop = Workshop("w-1", title, "2026-04-01", "en", "test-rubric", "agenda")
    groups = tuple(
        Group(
            id=group_id,
            workshop_id="w-1",
            name=(names or {}).get(group_id, f"Team {group_id}"),
            system=f"{group_id} search",
            phase="production",
            tutor="Kim",
            position=index,
        )
        for index, group_id in enumerate(values)
    )
    stored = {
        group_id: {
            item_id: Answer(
                group_id,
                item_id,
                value,
                note=(notes or {}).get((group_id, item_id), ""),
                updated_at="2026-04-01T10:00:00Z",
                updated_by="tutor",
            )
            for item_id, value in group_values.items()
        }
        for group_id, group_values in values.items()
    }
    return Snapshot(workshop, groups, stored, ClockState(), actions=actions)


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


# --------------------------------------------------------------------------- CSV safety


@pytest.mark.parametrize(
    "text",
    [*PAYLOADS, "  =1+1", "\t=1", "\rx", "\n=cmd", "-", "@"],
)
def test_formula_like_cells_get_an_apostrophe(text: str) -> None:
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["", "hello", "0.5", "N/A", "a=b", "2026-04-01", "データ"])
def test_plain_cells_are_unchanged(text: str) -> None:
    assert csv_safe(text) == text


def test_tidy_csv_rows_values_and_injection() -> None:
    values = {
        "a": {
            "data-1": ".5",
            "data-2": "yes",
            "data-3": "",
            "data-4": "0",
            "data-5": "n/a",
            "model-1": "1",
        },
        "b": answers(RUBRIC, "0"),
    }
    notes = {("a", f"data-{n}"): payload for n, payload in enumerate(PAYLOADS, start=1)}
    notes[("a", "model-1")] = 'line one, "quoted"\nline two'
    snapshot = make_snapshot(values, notes=notes, names={"b": "=evil()"})
    rows = read_csv(tidy_csv(RUBRIC, snapshot, "en"))
    assert list(rows[0]) == list(TIDY_COLUMNS)
    assert len(rows) == 2 * 28
    a = {row["item_id"]: row for row in rows if row["group"] == "Team a"}
    assert [a[f"data-{n}"]["note"] for n in range(1, 5)] == ["'" + p for p in PAYLOADS]
    assert a["data-1"]["value"] == "0.5"  # canonical
    assert a["data-2"]["value"] == "yes"  # invalid: kept as typed
    assert a["data-4"]["value"] == "0" and a["data-5"]["value"] == "N/A"
    assert a["data-3"]["value"] == "" and a["data-3"]["updated_by"] == "tutor"
    assert a["data-6"]["value"] == "" and a["data-6"]["updated_at"] == ""  # never answered
    assert a["model-1"]["note"] == 'line one, "quoted"\nline two'
    assert a["data-1"]["section"] == "data (en)" and a["data-1"]["item"] == "data-1 (en)"
    assert (a["data-1"]["workshop"], a["data-1"]["date"]) == ("Spring round", "2026-04-01")
    b_rows = [row for row in rows if row["system"] == "b search"]
    assert {row["group"] for row in b_rows} == {"'=evil()"}
    assert {row["value"] for row in b_rows} == {"0"}


def test_csv_bom_and_japanese_round_trip() -> None:
    snapshot = make_snapshot(
        {"a": {"data-1": "1"}},
        notes={("a", "data-1"): "毎晩自動で検証している"},
        title="第3回 ワークショップ",
    )
    with_bom = tidy_csv(RUBRIC, snapshot, "ja")
    without = tidy_csv(RUBRIC, snapshot, "ja", bom=False)
    assert with_bom.startswith(BOM) and not without.startswith(BOM)
    assert with_bom == BOM + without
    row = read_csv(with_bom.encode("utf-8").decode("utf-8-sig"))[0]
    assert row["workshop"] == "第3回 ワークショップ"
    assert row["note"] == "毎晩自動で検証している"
    assert row["item"] == "data-1（ja）"
    assert without.splitlines()[0].split(",")[0] == "workshop"


def test_actions_csv_in_priority_order_and_inert() -> None:
    actions = (
        ActionItem("x2", "w-1", "a", "data-2", "+write tests", owner="@ann", priority=2),
        ActionItem(
            "x1", "w-1", "a", "data-1", "=add schema", owner="Bo", priority=1, due="2026-05-01"
        ),
        ActionItem("x3", "w-1", "b", "", "-review", priority=1),
    )
    snapshot = make_snapshot({"a": {}, "b": {}}, actions=actions)
    rows = read_csv(actions_csv(RUBRIC, snapshot, "en", bom=False))
    assert list(rows[0]) == list(ACTION_COLUMNS)
    assert [row["what"] for row in rows] == ["'=add schema", "'-review", "'+write tests"]
    assert rows[0]["item"] == "data-1 (en)" and rows[0]["group"] == "Team a"
    assert rows[1]["item_id"] == "" and rows[1]["item"] == ""
    assert rows[2]["owner"] == "'@ann" and rows[2]["priority"] == "2"


# --------------------------------------------------------------------------- Markdown


def test_md_escape_makes_html_and_links_inert() -> None:
    assert md_escape("<script>alert(1)</script>") == ("&lt;script&gt;alert\\(1\\)&lt;/script&gt;")
    assert md_escape("[x](javascript:alert(1))") == "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"
    assert md_escape("a & b **c**") == "a &amp; b \\*\\*c\\*\\*"
    assert md_escape("one\ntwo", table=True) == "one / two"
    assert md_escape("a|b", table=True) == "a\\|b"


HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) **bold** | pipe"


def _report_snapshot() -> Snapshot:
    values = {
        "a": answers(RUBRIC, "1", data_1="0.5", data_2="0", data_3="oops", data_4=""),
        "b": answers(RUBRIC, "0.5", monitor_1="0"),
    }
    actions = (
        ActionItem(
            "x1", "w-1", "a", "data-1", "Automate the schema check", owner="Ann", priority=1
        ),
        ActionItem("x2", "w-1", "b", "monitor-1", HOSTILE, priority=2),
    )
    return make_snapshot(
        values,
        notes={("a", "data-1"): HOSTILE, ("b", "model-1"): "shared 毎週"},
        actions=actions,
        names={"b": "<b>Team B</b>"},
    )


def _assert_inert(text: str) -> None:
    assert "<script>" not in text and "<b>" not in text
    assert "](javascript" not in text
    assert "&lt;script&gt;" in text


def test_markdown_report_of_the_whole_workshop() -> None:
    report = markdown_report(RUBRIC, _report_snapshot(), "en")
    _assert_inert(report)
    assert report.startswith("# Spring round\n")
    assert "## Team a — a search" in report and "## &lt;b&gt;Team B&lt;/b&gt; — b search" in report
    # Scores table: a has data 1+... (data-1 0.5, data-2 0, data-3 invalid, data-4 blank) = 3.5.
    band_a, band_b = md_escape("3-5 (en)"), md_escape("2-3 (en)")
    assert f"| Team a | a search | **3.5** | 7 | 7 | 7 | 3.5 * | {band_a} |" in report
    assert f"| &lt;b&gt;Team B&lt;/b&gt; | b search | 3.5 | 3.5 | 3.5 | **3** | 3 | {band_b} |" in (
        report
    )
    assert f"**Final score 3.5** — {band_a}: {band_a}" in report  # band in words
    assert "invalid answer “oops”" in report and "not answered" in report
    assert f"Weakest section across groups: **{md_escape('data (en)')}**" in report
    assert "shared 毎週" in report
    assert "## Points for discussion" in report and "Who can help whom" in report
    assert "| 1 | Automate the schema check | Ann |" in report
    assert "reports." not in report


def test_markdown_report_of_one_group_and_unknown_group() -> None:
    snapshot = _report_snapshot()
    report = markdown_report(RUBRIC, snapshot, "en", group_id="a")
    _assert_inert(report)
    assert "Team a" in report and "Team B" not in report
    assert "Points for discussion" not in report
    # Next band for a (final 3.5, "3-5"): data must pass 5 -> 3 steps of 0.5.
    band, data = md_escape(">5 (en)"), md_escape("data (en)")
    assert f"Next band: {band}. Every section must score above 5:" in report
    # 3 steps reach 5, which is not above the edge: 4 are needed.
    assert f"{data}: 3.5 → 5.5 with 4 step(s)" in report
    # Greedy in rubric order: data-1 0.5 -> 1, data-2 0 -> 0.5 -> 1 (one line), data-3.
    assert f"raise `data-1` {md_escape('data-1 (en)')} from 0.5 to 1 (+0.5)" in report
    assert f"raise `data-2` {md_escape('data-2 (en)')} from 0 to 1 (+1)" in report
    assert f"raise `data-3` {md_escape('data-3 (en)')} from not answered to 0.5" in report
    assert "Automate the schema check" in report and "monitor-1" not in report.split("## Action")[1]
    with pytest.raises(KeyError):
        markdown_report(RUBRIC, snapshot, "en", group_id="nope")


def test_markdown_report_in_japanese_uses_every_text() -> None:
    report = markdown_report(RUBRIC, _report_snapshot(), "ja")
    _assert_inert(report)
    assert "最終スコア 3.5" in report and "data（ja）" in report and "話し合いのポイント" in report
    assert "reports." not in report


def test_markdown_report_of_an_empty_workshop() -> None:
    report = markdown_report(RUBRIC, make_snapshot({}), "en")
    assert "This workshop has no groups." in report
    assert "No group has entered an answer yet" in report
    assert "No action items yet." in report


# --------------------------------------------------------------------------- tickets


def test_actions_markdown_tickets_with_acceptance_criteria() -> None:
    values = {"a": {"data-1": "0.5", "data-2": "1", "data-5": "N/A"}}
    actions = (
        ActionItem("t4", "w-1", "a", "", "Write a runbook", priority=3),
        ActionItem(
            "t1", "w-1", "a", "data-1", "Automate [it](javascript:x)", owner="Ann", priority=1
        ),
        ActionItem("t2", "w-1", "a", "data-3", "Start checking", priority=2, due="2026-06-30"),
        ActionItem("t3", "w-1", "a", "data-2", "Keep it green", priority=2),
        ActionItem("t5", "w-1", "a", "data-5", "Check privacy", priority=4),
    )
    text = actions_markdown(RUBRIC, make_snapshot(values, actions=actions), "en")
    assert "](javascript" not in text
    headings = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    assert headings == [
        "P1 · Automate \\[it\\]\\(javascript\\:x\\)",
        "P2 · Start checking",  # same priority: the one with a due date first
        "P2 · Keep it green",
        "P3 · Write a runbook",
        "P4 · Check privacy",
    ]
    tickets = text.split("\n## ")[1:]
    assert "Owner: Ann" in tickets[0] and "Group: Team a (ML system: a search)" in tickets[0]
    # data-1 is at 0.5: acceptance is the criteria of level 1.
    assert "(now: 0.5)" in tickets[0]
    assert f"Done when (level 1): {md_escape('level 1.0 (en)')}" in tickets[0]
    # data-3 unanswered: the next level above 0.
    assert "(now: not answered)" in tickets[1] and "Due: 2026\\-06\\-30" in tickets[1]
    assert f"Done when (level 0.5): {md_escape('level 0.5 (en)')}" in tickets[1]
    assert "already at the top level" in tickets[2]
    assert "Not tied to a rubric test." in tickets[3]
    assert "not applicable" in tickets[4] and "Done when" not in tickets[4]


def test_actions_markdown_in_japanese_and_empty() -> None:
    actions = (ActionItem("t1", "w-1", "a", "data-1", "スキーマ検証を自動化", priority=1),)
    text = actions_markdown(RUBRIC, make_snapshot({"a": {}}, actions=actions), "ja")
    assert "## 優先度1 · スキーマ検証を自動化" in text
    assert "完了の条件(レベル 0.5)" in text and "reports." not in text
    empty = actions_markdown(RUBRIC, make_snapshot({"a": {}}), "en")
    assert "No action items yet." in empty


# --------------------------------------------------------------------------- texts and names


def test_every_report_text_used_in_code_exists_in_both_languages() -> None:
    from pathlib import Path

    import workshop

    root = Path(workshop.__file__).parent
    source = "".join(
        (root / name).read_text() for name in ("wrapup.py", "reports.py", "tickets.py", "advice.py")
    )
    keys = set(re.findall(r"[\"'](reports\.[a-z_]+)[\"']", source))
    keys |= {f"reports.phase_{phase}" for phase in PHASES}
    assert len(keys) > 40
    texts = load_catalog().ui
    assert [key for key in sorted(keys) if key not in texts] == []
    assert all(texts[key].en and texts[key].ja for key in keys)


def test_export_filename() -> None:
    workshop = Workshop("w-1", "Spring ワークショップ 2026!", "2026-04-01", "ja", "r", "a")
    assert export_filename(workshop, "report", "md") == "spring-2026-report-2026-04-01.md"
    japanese = Workshop("ws-42", "第3回 振り返り", "2026-10-01", "ja", "r", "a")
    assert export_filename(japanese, "Answers CSV", ".csv") == "ws-42-answers-csv-2026-10-01.csv"
    odd = Workshop("", "../../etc/passwd", "not a date", "en", "r", "a")
    name = export_filename(odd, "../x", "c/s v")
    assert name == "etc-passwd-x-undated.c-s-v"
    assert re.fullmatch(r"[a-z0-9.-]+", name)
    blank = Workshop("", "", "", "en", "r", "a")
    assert export_filename(blank, "", "") == "workshop-export-undated.txt"
