"""Exports of a workshop that are safe to open anywhere: CSV, a Markdown report, tickets.

Everything a person typed (group names, notes, action items) ends up in a
spreadsheet or a rendered Markdown page, so both formats are defended:

* **CSV injection.** A spreadsheet runs a cell that starts with ``=``, ``+``,
  ``-`` or ``@`` (also after leading spaces), or with a tab or carriage return,
  as a formula. Every text cell we write that starts like that gets a leading
  apostrophe ``'``, which spreadsheets show as plain text. The rule is applied to
  every cell, including our own, so it never depends on which column a value
  is in; our own values (levels "0"/"0.5"/"1", "N/A", dates, ids) never start
  with those characters, so in practice only user text is changed.
  ``csv`` quoting keeps commas, quotes and line breaks inside notes intact.
* **Markdown/HTML.** User text is HTML-escaped (``<``, ``>``, ``&``) and every
  Markdown special character is backslash-escaped
  (:func:`~workshop.presentation.escape_markdown_file`), so ``<script>`` or
  ``[x](javascript:...)`` is shown as the literal text that was typed.

CSV downloads start with a UTF-8 byte order mark by default (``bom=True``) so
Excel opens Japanese text correctly; tools that dislike it pass ``bom=False``.
CSV headers are fixed English column names (stable for scripts in every
language); titles inside the rows are in ``lang``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

from workshop.advice import Advice, Step, next_band_advice
from workshop.answers import NA_TEXT, canonical_text, format_score, item_answer
from workshop.content.model import Item, Rubric, level_key
from workshop.models import ActionItem, Group, Snapshot, Workshop
from workshop.presentation import escape_markdown_file
from workshop.wrapup import (
    GroupResult,
    Translate,
    answer_cells,
    answer_values,
    discussion_prompts,
    group_results,
    join_names,
    ordered_groups,
    resolve_translate,
    weakest_section_overall,
)

BOM = "\ufeff"
_FORMULA_START = frozenset("=+-@")
_CONTROL_START = frozenset("\t\r")

TIDY_COLUMNS = (
    "workshop",
    "date",
    "group",
    "system",
    "phase",
    "section",
    "item_id",
    "item",
    "value",
    "note",
    "updated_at",
    "updated_by",
)
ACTION_COLUMNS = (
    "workshop",
    "date",
    "priority",
    "what",
    "owner",
    "due",
    "group",
    "system",
    "section",
    "item_id",
    "item",
    "created_at",
    "created_by",
)


# --------------------------------------------------------------------------- cell safety


def csv_safe(text: object) -> str:
    """A cell a spreadsheet will not run as a formula (see the module docstring)."""
    value = "" if text is None else str(text)
    if not value:
        return value
    if value[0] in _CONTROL_START or value.lstrip()[:1] in _FORMULA_START:
        return "'" + value
    return value


def _csv_text(rows: Iterable[Sequence[object]], header: Sequence[str], bom: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return (BOM if bom else "") + buffer.getvalue()


# --------------------------------------------------------------------------- helpers


def stored_value(rubric: Rubric, item_id: str, text: str | None) -> tuple[str, bool]:
    """(value to show, is valid): canonical text ("0.5", "N/A", "") or the raw invalid text."""
    parsed = item_answer(rubric, rubric.item(item_id), text)
    if parsed is None:
        return ("" if text is None else str(text)), False
    return canonical_text(parsed), True


def _groups_by_id(snapshot: Snapshot) -> dict[str, Group]:
    return {group.id: group for group in snapshot.groups}


def _item_or_none(rubric: Rubric, item_id: str) -> Item | None:
    try:
        return rubric.item(item_id)
    except KeyError:
        return None


def sorted_actions(snapshot: Snapshot, group_id: str | None = None) -> list[ActionItem]:
    """Actions by priority, then due date (none last), then group order, then creation."""
    position = {group.id: index for index, group in enumerate(ordered_groups(snapshot))}
    actions = [a for a in snapshot.actions if group_id is None or a.group_id == group_id]
    return sorted(
        actions,
        key=lambda a: (
            a.priority,
            a.due == "",
            a.due,
            position.get(a.group_id, len(position)),
            a.created_at,
            a.id,
        ),
    )


# --------------------------------------------------------------------------- CSV


def tidy_csv(rubric: Rubric, snapshot: Snapshot, lang: str, *, bom: bool = True) -> str:
    """One row per group x rubric item (unanswered items included, value empty)."""
    workshop = snapshot.workshop
    rows = []
    for group, section, item, answer in answer_cells(rubric, snapshot):
        value, _valid = stored_value(rubric, item.id, answer.value if answer else None)
        rows.append(
            (
                workshop.title,
                workshop.date,
                group.name,
                group.system,
                group.phase,
                section.short.get(lang),
                item.id,
                item.title.get(lang),
                value,
                answer.note if answer else "",
                answer.updated_at if answer else "",
                answer.updated_by if answer else "",
            )
        )
    return _csv_text(rows, TIDY_COLUMNS, bom)


def actions_csv(rubric: Rubric, snapshot: Snapshot, lang: str, *, bom: bool = True) -> str:
    """The action items, one row each, in priority order."""
    workshop = snapshot.workshop
    groups = _groups_by_id(snapshot)
    rows = []
    for action in sorted_actions(snapshot):
        group = groups.get(action.group_id)
        item = _item_or_none(rubric, action.item_id)
        rows.append(
            (
                workshop.title,
                workshop.date,
                action.priority,
                action.what,
                action.owner,
                action.due,
                group.name if group else action.group_id,
                group.system if group else "",
                rubric.section(item.section_id).short.get(lang) if item else "",
                action.item_id,
                item.title.get(lang) if item else "",
                action.created_at,
                action.created_by,
            )
        )
    return _csv_text(rows, ACTION_COLUMNS, bom)


# --------------------------------------------------------------------------- Markdown


def _shown_value(rubric: Rubric, item_id: str, text: str | None, t: Translate) -> str:
    value, valid = stored_value(rubric, item_id, text)
    if not valid:
        return t("reports.value_invalid", value=escape_markdown_file(value, table=True))
    if value == "":
        return t("reports.value_unanswered")
    if value == NA_TEXT:
        return t("reports.value_na")
    return f"**{value}**"


def _meta(workshop: Workshop, rubric: Rubric, lang: str, t: Translate) -> str:
    """The line under a document's title: its date and rubric."""
    return t(
        "reports.report_meta",
        date=escape_markdown_file(workshop.date),
        rubric=escape_markdown_file(rubric.title.get(lang)),
    )


def _phase(group: Group, t: Translate) -> str:
    text = t(f"reports.phase_{group.phase}")
    return escape_markdown_file(group.phase) if text.startswith("reports.") else text


def advice_lines(rubric: Rubric, advice: Advice, lang: str, t: Translate) -> list[str]:
    """The next-band advice as Markdown lines (a sentence, then a nested list per section)."""
    if advice.band is None:
        return [t("reports.advice_no_score")]
    if advice.target is None:
        return [t("reports.advice_top", band=escape_markdown_file(advice.band.label.get(lang)))]
    lines = [
        t(
            "reports.advice_target",
            band=escape_markdown_file(advice.target.label.get(lang)),
            edge=format_score(advice.threshold),
        )
    ]
    for plan in advice.sections:
        section = escape_markdown_file(rubric.section(plan.section_id).title.get(lang))
        if not plan.reachable:
            limits = {"max": format_score(plan.max_score), "edge": format_score(plan.threshold)}
            lines.append("- " + t("reports.advice_unreachable", section=section, **limits))
            continue
        scores = {"score": format_score(plan.score), "after": format_score(plan.score_after)}
        lines.append(
            "- " + t("reports.advice_section", section=section, count=len(plan.steps), **scores)
        )
        for first, last, gain in _merged_steps(plan.steps):
            title = escape_markdown_file(rubric.item(first.item_id).title.get(lang))
            lines.append(
                "  - "
                + t(
                    "reports.advice_step",
                    item=f"`{first.item_id}` {title}",
                    before=first.from_level or t("reports.value_unanswered"),
                    after=last.to_level,
                    gain=format_score(gain),
                )
            )
    return lines


def _merged_steps(steps: Sequence[Step]) -> list[tuple[Step, Step, float]]:
    """Consecutive steps on one item read as one move ("from 0 to 1"), with their total gain."""
    merged: list[tuple[Step, Step, float]] = []
    for step in steps:
        if merged and merged[-1][1].item_id == step.item_id:
            first, _, gain = merged[-1]
            merged[-1] = (first, step, gain + step.gain)
        else:
            merged.append((step, step, step.gain))
    return merged


def _sections_table(rubric: Rubric, result: GroupResult, lang: str, t: Translate) -> list[str]:
    lines = [
        "| "
        + " | ".join(
            (
                t("reports.col_section"),
                t("reports.col_score"),
                t("reports.col_raw"),
                t("reports.col_answered"),
                t("reports.col_na"),
            )
        )
        + " |",
        "|---|---:|---:|---:|---:|",
    ]
    for section in rubric.sections:
        score = result.score.sections[section.id]
        name = escape_markdown_file(section.title.get(lang), table=True)
        if section.id in result.minimum_sections:
            name = f"**{name}**"
        shown = t("reports.all_na") if score.all_na else format_score(score.score)
        lines.append(
            f"| {name} | {shown} | {format_score(score.raw)} | "
            f"{score.answered}/{score.items} | {score.not_applicable} |"
        )
    return lines


def _group_section(
    rubric: Rubric, snapshot: Snapshot, result: GroupResult, lang: str, t: Translate, level: int
) -> list[str]:
    group = result.group
    head = "#" * level
    lines = [
        f"{head} {escape_markdown_file(group.name)} — {escape_markdown_file(group.system)}",
        "",
        t(
            "reports.group_meta",
            phase=_phase(group, t),
            tutor=escape_markdown_file(group.tutor) or "—",
        ),
        "",
    ]
    score = result.score
    final = format_score(score.final)
    if score.band is not None:
        lines.append(
            t(
                "reports.final_line",
                score=final,
                band=escape_markdown_file(score.band.label.get(lang)),
                meaning=escape_markdown_file(score.band.meaning.get(lang)),
            )
        )
    else:
        lines.append(t("reports.final_none"))
    if result.provisional:
        lines += ["", t("reports.provisional_line", answered=result.answered, total=result.total)]
    if result.minimum_sections:
        weakest = join_names(
            [
                escape_markdown_file(rubric.section(s).title.get(lang))
                for s in result.minimum_sections
            ],
            lang,
        )
        lines += ["", t("reports.group_weakest", sections=weakest)]
    lines += ["", *_sections_table(rubric, result, lang, t), ""]

    lines += [f"{head}# {t('reports.heading_next_band')}", ""]
    advice = next_band_advice(rubric, answer_values(snapshot, group.id))
    lines += [*advice_lines(rubric, advice, lang, t), ""]

    lines += [f"{head}# {t('reports.heading_items')}", ""]
    stored = snapshot.group_answers(group.id)
    for section in rubric.sections:
        lines += [f"**{escape_markdown_file(section.title.get(lang))}**", ""]
        for item in section.items:
            answer = stored.get(item.id)
            value = _shown_value(rubric, item.id, answer.value if answer else None, t)
            line = f"- `{item.id}` {escape_markdown_file(item.title.get(lang))}: {value}"
            if answer and answer.note.strip():
                line += f" — {escape_markdown_file(answer.note)}"
            lines.append(line)
        lines.append("")
    return lines


def _actions_table(
    rubric: Rubric, snapshot: Snapshot, lang: str, t: Translate, group_id: str | None
) -> list[str]:
    actions = sorted_actions(snapshot, group_id or None)
    if not actions:
        return [t("reports.no_actions"), ""]
    groups = _groups_by_id(snapshot)
    lines = [
        "| "
        + " | ".join(
            (
                t("reports.col_priority"),
                t("reports.col_what"),
                t("reports.col_owner"),
                t("reports.col_due"),
                t("reports.col_group"),
                t("reports.col_item"),
            )
        )
        + " |",
        "|---:|---|---|---|---|---|",
    ]
    for action in actions:
        group = groups.get(action.group_id)
        item = _item_or_none(rubric, action.item_id)
        item_text = (
            f"`{item.id}` {escape_markdown_file(item.title.get(lang), table=True)}"
            if item
            else escape_markdown_file(action.item_id, table=True)
        )
        lines.append(
            "| "
            + " | ".join(
                (
                    str(action.priority),
                    escape_markdown_file(action.what, table=True),
                    escape_markdown_file(action.owner, table=True),
                    escape_markdown_file(action.due, table=True),
                    escape_markdown_file(group.name if group else action.group_id, table=True),
                    item_text,
                )
            )
            + " |"
        )
    return [*lines, ""]


def markdown_report(
    rubric: Rubric,
    snapshot: Snapshot,
    lang: str,
    group_id: str | None = None,
    *,
    t: Translate | None = None,
) -> str:
    """A readable report of the whole workshop, or of one group (``group_id``).

    Whole workshop: a score table of all groups, the computed discussion prompts,
    each group's sections, next-band advice and items with notes, then the action
    items. One group: the same for that group only. Raises KeyError for an
    unknown ``group_id``.
    """
    t = resolve_translate(lang, t)
    workshop = snapshot.workshop
    results = group_results(rubric, snapshot)
    if group_id is not None:
        results = [r for r in results if r.group.id == group_id]
        if not results:
            raise KeyError(group_id)

    lines = [f"# {escape_markdown_file(workshop.title)}", "", _meta(workshop, rubric, lang, t), ""]
    if group_id is None:
        lines += [f"## {t('reports.heading_scores')}", ""]
        if results:
            lines += _scores_table(rubric, results, lang, t)
            weakest = weakest_section_overall(results)
            if weakest is not None:
                lines += [
                    t(
                        "reports.workshop_weakest",
                        section=escape_markdown_file(rubric.section(weakest).title.get(lang)),
                    ),
                    "",
                ]
        else:
            lines += [t("reports.no_groups"), ""]
        lines += [f"## {t('reports.heading_discussion')}", ""]
        for prompt in discussion_prompts(rubric, snapshot, lang, t=t, results=results):
            lines.append(
                f"- **{escape_markdown_file(prompt.title)}** {escape_markdown_file(prompt.detail)}"
            )
            lines += [f"  - {escape_markdown_file(question)}" for question in prompt.questions]
        lines.append("")

    level = 2
    for result in results:
        lines += _group_section(rubric, snapshot, result, lang, t, level)

    lines += [f"## {t('reports.heading_actions')}", ""]
    lines += _actions_table(rubric, snapshot, lang, t, group_id)
    return "\n".join(lines).rstrip() + "\n"


def _scores_table(
    rubric: Rubric, results: Sequence[GroupResult], lang: str, t: Translate
) -> list[str]:
    header = [
        t("reports.col_group"),
        t("reports.col_system"),
        *(escape_markdown_file(s.short.get(lang), table=True) for s in rubric.sections),
        t("reports.col_final"),
        t("reports.col_band"),
    ]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---", "---", *["---:"] * len(rubric.sections), "---:", "---"]) + "|",
    ]
    for result in results:
        cells = [
            escape_markdown_file(result.group.name, table=True),
            escape_markdown_file(result.group.system, table=True),
        ]
        for section in rubric.sections:
            shown = format_score(result.score.sections[section.id].score)
            cells.append(f"**{shown}**" if section.id in result.minimum_sections else shown)
        final = format_score(result.score.final)
        if result.provisional:
            final += " *"
        cells.append(final)
        band = result.score.band
        cells.append(escape_markdown_file(band.label.get(lang), table=True) if band else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", t("reports.scores_legend"), ""]
    return lines


def _acceptance(
    rubric: Rubric, snapshot: Snapshot, action: ActionItem, lang: str, t: Translate
) -> list[str]:
    """Which item the action raises and, as acceptance, that item's next level's criteria."""
    item = _item_or_none(rubric, action.item_id)
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
    groups = _groups_by_id(snapshot)
    title = t("reports.tickets_title", workshop=escape_markdown_file(workshop.title))
    lines = [f"# {title}", "", _meta(workshop, rubric, lang, t), ""]
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


# --------------------------------------------------------------------------- file names

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_JUNK.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-")


def export_filename(workshop: Workshop, kind: str, ext: str) -> str:
    """``<title-slug>-<kind>-<date>.<ext>``, ASCII only.

    A title with no ASCII letters (e.g. Japanese) falls back to the workshop id,
    then to ``workshop``; browsers and mail filters handle ASCII names best.
    """
    slug = next(
        (s for s in (_slug(workshop.title), _slug(workshop.id)) if re.search("[a-z]", s)),
        "workshop",
    )
    kind_slug = _slug(kind) or "export"
    date = workshop.date if _DATE.match(workshop.date or "") else "undated"
    extension = _slug(ext.lstrip("."), 10) or "txt"
    return f"{slug}-{kind_slug}-{date}.{extension}"
