"""Action items into an issue tracker: a Jira CSV and a ``gh issue create`` script.

Teams turn the wrap-up's priorities into tickets. Besides the Markdown tickets
(:mod:`workshop.tickets`), two files a tracker takes as they are:

* **Jira CSV** with the columns Jira's CSV importer maps by name, without a
  manual mapping step: Summary, Description, Priority, Due date, Assignee and
  Labels (one ``Labels`` column per label, as Jira expects for several). The
  priority 1..99 becomes Jira's default scheme (1 Highest, 2 High, 3 Medium,
  4 Low, 5 and later Lowest); dates are ISO (``yyyy-MM-dd``, which the
  importer's date format setting must name); no byte order mark, which the
  importer would read into the first column's name. Cells are made safe like
  every CSV export (:func:`workshop.exports.csv_safe`).
* **A shell script for the GitHub CLI**: one ``gh issue create`` per action,
  after creating the labels it uses (``gh label create --force`` makes that
  safe to repeat). Every text is quoted with :func:`shlex.quote`, so nothing a
  person typed can run as a command.

Both carry, for every action, the test id, the group's current level and the
target level, and the target level's criteria as acceptance. Only actions
still to do (open or in progress) are exported: done and dropped ones need no
ticket.
"""

from __future__ import annotations

import csv
import io
import shlex
from dataclasses import dataclass

from workshop.action_status import STILL_OPEN
from workshop.actions import raised_item, sorted_actions
from workshop.answers import NA_TEXT, stored_value
from workshop.content.model import Rubric, level_key
from workshop.exports import csv_safe
from workshop.models import ActionItem, Snapshot
from workshop.wrapup import Translate, groups_by_id, resolve_translate

JIRA_COLUMNS = ("Summary", "Description", "Priority", "Due date", "Assignee")
JIRA_PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
#: Jira limits a summary to 255 characters.
MAX_SUMMARY = 255
#: The label every exported ticket carries, so a team can find them all.
LABEL = "ml-test-score"


@dataclass(frozen=True)
class Target:
    """The test an action raises: where the group is now and what the next level asks."""

    item_id: str
    title: str
    now: str  # "0.5", "N/A", "" (unanswered) or the text as typed when unreadable
    target: str  # the next level ("1"), or "" (at the top, N/A, or no such test)
    criteria: str  # what the next level asks, in the export's language
    section_id: str = ""


def target_of(rubric: Rubric, snapshot: Snapshot, action: ActionItem, lang: str) -> Target:
    """Where the action's test is and the level it aims for (criteria as acceptance)."""
    item = raised_item(rubric, action)
    if item is None:
        return Target(action.item_id, "", "", "", "")
    answer = snapshot.group_answers(action.group_id).get(item.id)
    value, valid = stored_value(rubric, item.id, answer.value if answer else None)
    base = Target(item.id, item.title.get(lang), value, "", "", item.section_id)
    if value == NA_TEXT:
        return base
    current = float(value) if valid and value else rubric.levels[0]
    higher = [level for level in rubric.levels if level > current]
    if not higher:
        return base
    target = level_key(higher[0])
    criteria = item.criteria.get(target)
    return Target(
        item.id,
        item.title.get(lang),
        value,
        target,
        criteria.get(lang) if criteria else "",
        item.section_id,
    )


def to_do(snapshot: Snapshot) -> list[ActionItem]:
    """The actions a tracker gets: open or in progress, in the exports' order."""
    return [a for a in sorted_actions(snapshot) if a.status in STILL_OPEN]


def jira_priority(priority: int) -> str:
    return JIRA_PRIORITIES[min(max(priority, 1), len(JIRA_PRIORITIES)) - 1]


def labels_of(target: Target) -> list[str]:
    """Labels without blanks (Jira and GitHub both take these as they are)."""
    return [label for label in (LABEL, target.item_id, target.section_id) if label]


def summary(action: ActionItem, target: Target) -> str:
    text = f"[{target.item_id}] {action.what}" if target.item_id else action.what
    first_line = " ".join(text.split())
    return first_line if len(first_line) <= MAX_SUMMARY else first_line[: MAX_SUMMARY - 1] + "…"


def description_lines(
    snapshot: Snapshot, action: ActionItem, target: Target, lang: str, t: Translate
) -> list[str]:
    """What the ticket says: the action, group, test, levels and acceptance (plain text)."""
    groups = groups_by_id(snapshot)
    group = groups.get(action.group_id)
    lines = [action.what, ""]
    if group is not None:
        lines.append(t("reports.ticket_group", group=group.name, system=group.system or "—"))
    if not target.title:
        lines.append(t("reports.ticket_no_item"))
        return lines
    now = target.now or t("reports.value_unanswered")
    lines.append(t("followup.tracker_test", item=target.item_id, title=target.title))
    lines.append(t("followup.tracker_levels", now=now, target=target.target or "—"))
    if target.target:
        lines.append(t("reports.ticket_acceptance", level=target.target, criteria=target.criteria))
    elif target.now == NA_TEXT:
        lines.append(t("reports.ticket_na"))
    else:
        lines.append(t("reports.ticket_at_top"))
    lines.append(t("followup.tracker_source", workshop=snapshot.workshop.title))
    return lines


def jira_csv(rubric: Rubric, snapshot: Snapshot, lang: str, *, t: Translate | None = None) -> str:
    """Actions still to do as a CSV Jira's importer maps by column name (no BOM)."""
    t = resolve_translate(lang, t)
    actions = to_do(snapshot)
    targets = [target_of(rubric, snapshot, a, lang) for a in actions]
    label_columns = max((len(labels_of(target)) for target in targets), default=1)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*JIRA_COLUMNS, *(["Labels"] * label_columns)])
    for action, target in zip(actions, targets, strict=True):
        labels = labels_of(target)
        row = [
            summary(action, target),
            "\n".join(description_lines(snapshot, action, target, lang, t)),
            jira_priority(action.priority),
            action.due,
            action.owner,
            *labels,
            *([""] * (label_columns - len(labels))),
        ]
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()


def gh_script(rubric: Rubric, snapshot: Snapshot, lang: str, *, t: Translate | None = None) -> str:
    """A POSIX shell script creating one GitHub issue per action still to do."""
    t = resolve_translate(lang, t)
    actions = to_do(snapshot)
    targets = [target_of(rubric, snapshot, a, lang) for a in actions]
    lines = [
        "#!/bin/sh",
        f"# {t('followup.gh_comment', workshop=' '.join(snapshot.workshop.title.split()))}",
        "# gh issue create: https://cli.github.com/manual/gh_issue_create",
        "set -e",
    ]
    used = sorted({label for target in targets for label in labels_of(target)})
    lines += [f"gh label create {shlex.quote(label)} --force" for label in used]
    for action, target in zip(actions, targets, strict=True):
        body = description_lines(snapshot, action, target, lang, t)
        if action.owner:
            body.append(t("reports.ticket_owner", owner=action.owner))
        if action.due:
            body.append(t("reports.ticket_due", due=action.due))
        command = [
            "gh issue create",
            f"--title {shlex.quote(summary(action, target))}",
            *(f"--label {shlex.quote(label)}" for label in labels_of(target)),
            f"--body {shlex.quote(chr(10).join(body))}",
        ]
        lines.append(" \\\n  ".join(command))
    return "\n".join(lines) + "\n"
