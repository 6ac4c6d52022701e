"""Action items as Markdown tickets, ready to paste into an issue tracker.

One heading per action item, in the exports' priority order, with its owner,
due date and group, the test it raises, and as acceptance the criteria of that
test's next level, so the ticket says when it is done without the rubric at
hand. User text is escaped as in :mod:`workshop.reports`, whose title line
(:func:`~workshop.reports.document_meta`) a ticket file shares.
"""

from __future__ import annotations

from workshop.actions import raised_item, sorted_actions
from workshop.answers import NA_TEXT, stored_value
from workshop.content.model import Rubric, level_key
from workshop.models import ActionItem, Snapshot
from workshop.presentation import escape_markdown_file
from workshop.reports import document_meta
from workshop.wrapup import Translate, groups_by_id, resolve_translate


def _acceptance(
    rubric: Rubric, snapshot: Snapshot, action: ActionItem, lang: str, t: Translate
) -> list[str]:
    """Which item the action raises and, as acceptance, that item's next level's criteria."""
    item = raised_item(rubric, action)
    if item is None:
        return [f"- {t('reports.ticket_no_item')}"]
    answer = snapshot.group_answers(action.group_id).get(item.id)
    value, valid = stored_value(rubric, item.id, answer.value if answer else None)
    title = escape_markdown_file(item.title.get(lang))
    if value == NA_TEXT:
        return [
            f"- {t('reports.ticket_item', item=f'`{item.id}` {title}', now=t('reports.value_na'))}",
            f"- {t('reports.ticket_na')}",
        ]
    current = float(value) if valid and value else rubric.levels[0]
    now = value if valid and value else t("reports.value_unanswered")
    lines = [f"- {t('reports.ticket_item', item=f'`{item.id}` {title}', now=now)}"]
    higher = [level for level in rubric.levels if level > current]
    if not higher:
        lines.append(f"- {t('reports.ticket_at_top')}")
        return lines
    target = level_key(higher[0])
    criteria = item.criteria.get(target)
    text = escape_markdown_file(criteria.get(lang)) if criteria else ""
    lines.append(f"- {t('reports.ticket_acceptance', level=target, criteria=text)}")
    return lines


def actions_markdown(
    rubric: Rubric, snapshot: Snapshot, lang: str, *, group_id: str = "", t: Translate | None = None
) -> str:
    """Action items as tickets: one heading each, in priority order, ready to paste."""
    t = resolve_translate(lang, t)
    workshop = snapshot.workshop
    groups = groups_by_id(snapshot)
    title = t("reports.tickets_title", workshop=escape_markdown_file(workshop.title))
    lines = [f"# {title}", "", document_meta(workshop, rubric, lang, t), ""]
    actions = sorted_actions(snapshot, group_id or None)
    if not actions:
        lines.append(t("reports.no_actions"))
    for action in actions:
        group = groups.get(action.group_id)
        heading = t(
            "reports.ticket_heading",
            priority=action.priority,
            what=escape_markdown_file(action.what),
        )
        lines += [
            f"## {heading}",
            "",
            f"- {t('reports.ticket_owner', owner=escape_markdown_file(action.owner) or '—')}",
            f"- {t('reports.ticket_due', due=escape_markdown_file(action.due) or '—')}",
            "- "
            + t(
                "reports.ticket_group",
                group=escape_markdown_file(group.name if group else action.group_id),
                system=escape_markdown_file(group.system if group else "") or "—",
            ),
            *_acceptance(rubric, snapshot, action, lang, t),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
