"""Action items into a tracker: Jira's CSV importer columns and a `gh issue create` script."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.rubric_factory import make_rubric
from workshop.models import ActionItem, Answer, ClockState, Group, Snapshot, Workshop
from workshop.tracker_exports import gh_script, jira_csv, jira_priority

RUBRIC = make_rubric(na_allowed=("data-3",))
WORKSHOP = Workshop("w1", "Round\n1", "2027-01-15", "en", RUBRIC.id, "standard-60")
GROUP = Group("g1", "w1", "Team A", "Search", "production", "")
ANSWERS = {
    "data-1": Answer("g1", "data-1", "0"),
    "monitor-2": Answer("g1", "monitor-2", "0.5"),
    "data-3": Answer("g1", "data-3", "N/A"),
    "model-1": Answer("g1", "model-1", "1"),
}
HOSTILE = '\'; rm -rf ~ #\n$(touch pwned) `id` "quoted"'
ACTIONS = (
    ActionItem(
        "a1",
        "w1",
        "g1",
        "data-1",
        "Write a schema",
        owner="aiko@example.com",
        priority=1,
        due="2027-02-01",
        created_at="1",
    ),
    ActionItem(
        "a2",
        "w1",
        "g1",
        "monitor-2",
        '=HYPERLINK("x")',
        priority=3,
        created_at="2",
        status="in_progress",
    ),
    ActionItem("a3", "w1", "g1", "data-3", HOSTILE, priority=7, created_at="3"),
    ActionItem("a4", "w1", "g1", "model-1", "Keep it", priority=2, created_at="4"),
    ActionItem("a5", "w1", "g1", "data-2", "Finished", priority=1, created_at="5", status="done"),
    ActionItem(
        "a6", "w1", "g1", "data-2", "Given up", priority=1, created_at="6", status="dropped"
    ),
)
SNAPSHOT = Snapshot(WORKSHOP, (GROUP,), {"g1": ANSWERS}, ClockState(), actions=ACTIONS)


def _rows() -> list[list[str]]:
    text = jira_csv(RUBRIC, SNAPSHOT, "en")
    assert not text.startswith("\ufeff")  # Jira would read the BOM into "Summary"
    return list(csv.reader(io.StringIO(text)))


def test_jira_header_is_what_the_importer_maps_by_name() -> None:
    assert _rows()[0] == [
        "Summary",
        "Description",
        "Priority",
        "Due date",
        "Assignee",
        "Labels",
        "Labels",
        "Labels",
    ]


def test_jira_rows_are_the_open_actions_in_priority_order() -> None:
    rows = _rows()[1:]
    # a5 (done) and a6 (dropped) need no ticket; order: priority 1, 2, 3, 7.
    assert [row[0] for row in rows] == [
        "[data-1] Write a schema",
        "[model-1] Keep it",
        '[monitor-2] =HYPERLINK("x")',
        '[data-3] \'; rm -rf ~ # $(touch pwned) `id` "quoted"',
    ]
    assert [row[2] for row in rows] == ["Highest", "High", "Medium", "Lowest"]
    assert [row[3] for row in rows] == ["2027-02-01", "", "", ""]
    assert [row[4] for row in rows] == ["aiko@example.com", "", "", ""]
    assert rows[0][5:] == ["ml-test-score", "data-1", "data"]
    assert rows[2][5:] == ["ml-test-score", "monitor-2", "monitor"]


def test_jira_description_carries_test_levels_and_acceptance() -> None:
    rows = _rows()[1:]
    assert rows[0][1].split("\n") == [
        "Write a schema",
        "",
        "Group: Team A (ML system: Search)",
        "Test: data-1 data-1 (en)",
        "Level now: 0; target level: 0.5",
        "Done when (level 0.5): level 0.5 (en)",
        "From the ML Test Score workshop “Round",
        "1”.",
    ]
    assert "Level now: 1; target level: —" in rows[1][1]
    assert "already at the top level" in rows[1][1]
    assert "Level now: N/A; target level: —" in rows[3][1]


def test_jira_priorities() -> None:
    assert [jira_priority(p) for p in (1, 2, 3, 4, 5, 99)] == [
        "Highest",
        "High",
        "Medium",
        "Low",
        "Lowest",
        "Lowest",
    ]


def _run_script(script: str, tmp_path: Path) -> list[list[str]]:
    """Run the script with a stand-in ``gh`` that records its arguments, one JSON line a call."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    fake = bin_dir / "gh"
    fake.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
    )
    fake.chmod(0o755)
    path = tmp_path / "issues.sh"
    path.write_text(script)
    work = tmp_path / "repo"
    work.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["sh", str(path)], cwd=work, env=env, check=True, timeout=30)
    assert list(work.iterdir()) == []  # nothing a person typed ran as a command
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_gh_script_creates_labels_then_one_issue_per_open_action(tmp_path: Path) -> None:
    script = gh_script(RUBRIC, SNAPSHOT, "en")
    lines = script.splitlines()
    assert lines[0] == "#!/bin/sh"
    assert lines[1].startswith("# GitHub issues for the open action items of “Round 1”")
    calls = _run_script(script, tmp_path)
    labels = sorted(
        {"ml-test-score", "data-1", "data", "model-1", "model", "monitor-2", "monitor", "data-3"}
    )
    assert calls[: len(labels)] == [["label", "create", label, "--force"] for label in labels]
    issues = calls[len(labels) :]
    assert [call[:2] for call in issues] == [["issue", "create"]] * 4
    titles = [call[call.index("--title") + 1] for call in issues]
    assert titles == [
        "[data-1] Write a schema",
        "[model-1] Keep it",
        '[monitor-2] =HYPERLINK("x")',
        '[data-3] \'; rm -rf ~ # $(touch pwned) `id` "quoted"',
    ]
    first = issues[0]
    assert [first[i + 1] for i, arg in enumerate(first) if arg == "--label"] == [
        "ml-test-score",
        "data-1",
        "data",
    ]
    assert first[first.index("--body") + 1].split("\n") == [
        "Write a schema",
        "",
        "Group: Team A (ML system: Search)",
        "Test: data-1 data-1 (en)",
        "Level now: 0; target level: 0.5",
        "Done when (level 0.5): level 0.5 (en)",
        "From the ML Test Score workshop “Round",
        "1”.",
        "Owner: aiko@example.com",
        "Due: 2027-02-01",
    ]
    hostile = issues[3][issues[3].index("--body") + 1]
    assert hostile.split("\n")[:2] == ["'; rm -rf ~ #", '$(touch pwned) `id` "quoted"']
    assert "The group marked this test not applicable" in hostile


def test_no_open_actions_makes_an_empty_but_valid_file() -> None:
    empty = Snapshot(WORKSHOP, (GROUP,), {"g1": ANSWERS}, ClockState(), actions=ACTIONS[4:])
    assert list(csv.reader(io.StringIO(jira_csv(RUBRIC, empty, "en")))) == [
        ["Summary", "Description", "Priority", "Due date", "Assignee", "Labels"]
    ]
    assert "\ngh issue create" not in gh_script(RUBRIC, empty, "en")


def test_japanese_texts() -> None:
    rows = list(csv.reader(io.StringIO(jira_csv(RUBRIC, SNAPSHOT, "ja"))))
    assert "現在のレベル: 0、目標のレベル: 0.5" in rows[1][1]
