"""The Markdown report of a workshop, or of one group: scores, prompts, advice, notes, actions.

The report is read as a rendered page (a wiki, a ticket, the results page), and
everything a person typed (group names, notes, action items) is in it, so user
text is HTML-escaped (``<``, ``>``, ``&``) and every Markdown special character
is backslash-escaped (:func:`~workshop.presentation.escape_markdown_file`):
``<script>`` or ``[x](javascript:...)`` is shown as the literal text that was
typed.

Texts are ``reports.<key>`` UI texts in the report's language, through the same
translate callable as :mod:`workshop.wrapup`. The CSV exports are in
:mod:`workshop.exports`; the action items as tickets in :mod:`workshop.tickets`,
which shares :func:`document_meta` with this report.
"""

from __future__ import annotations

from collections.abc import Sequence

from workshop.actions import raised_item, sorted_actions
from workshop.advice import Advice, Step, next_band_advice
from workshop.answers import NA_TEXT, format_score, stored_value
from workshop.content.model import Rubric
from workshop.models import Group, Snapshot, Workshop
from workshop.presentation import escape_markdown_file
from workshop.vote_spreads import spread_words, spreads_by_item
from workshop.wrapup import (
    GroupResult,
    Translate,
    answer_values,
    discussion_prompts,
    group_results,
    groups_by_id,
    join_names,
    resolve_translate,
    weakest_section_overall,
)


def _shown_value(rubric: Rubric, item_id: str, text: str | None, t: Translate) -> str:
    value, valid = stored_value(rubric, item_id, text)
    if not valid:
        return t("reports.value_invalid", value=escape_markdown_file(value, table=True))
    if value == "":
        return t("reports.value_unanswered")
    if value == NA_TEXT:
        return t("reports.value_na")
    return f"**{value}**"


def document_meta(workshop: Workshop, rubric: Rubric, lang: str, t: Translate) -> str:
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
    spreads = spreads_by_item(rubric, snapshot)
    for section in rubric.sections:
        lines += [f"**{escape_markdown_file(section.title.get(lang))}**", ""]
        for item in section.items:
            answer = stored.get(item.id)
            value = _shown_value(rubric, item.id, answer.value if answer else None, t)
            line = f"- `{item.id}` {escape_markdown_file(item.title.get(lang))}: {value}"
            if answer and answer.note.strip():
                line += f" — {escape_markdown_file(answer.note)}"
            spread = spreads.get((group.id, item.id))
            if spread is not None:  # participants' votes: counts only, never who voted what
                line += f" ({escape_markdown_file(spread_words(spread, t))})"
            lines.append(line)
        lines.append("")
    return lines


def _actions_table(
    rubric: Rubric, snapshot: Snapshot, lang: str, t: Translate, group_id: str | None
) -> list[str]:
    actions = sorted_actions(snapshot, group_id or None)
    if not actions:
        return [t("reports.no_actions"), ""]
    groups = groups_by_id(snapshot)
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
        item = raised_item(rubric, action)
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

    meta = document_meta(workshop, rubric, lang, t)
    lines = [f"# {escape_markdown_file(workshop.title)}", "", meta, ""]
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
