"""What the wrap-up shows: each group's result and the computed discussion prompts.

The last 15 minutes of a workshop are for talking, so the host needs a handful of
facts that start a conversation, not a table to read out: the section that is
weak across groups, tests most groups have not started, and tests one group has
automated while another has not begun (who can teach whom). These are computed
from the answers with :mod:`workshop.compare`, never hand-picked, so every screen
shows the same prompts in the same order.

Everything here is pure (no Streamlit, no store): a page passes a
:class:`~workshop.models.Snapshot` and gets plain data back. Texts are looked up
as ``reports.<key>`` (``content/ui/reports.yaml``) through a translate callable
``t(key, **values)``; pages pass their own, otherwise :func:`default_translate`
reads the same YAML.

Groups without a single answer are left out of every comparison: their all-zero
scores would only drag the means down and name them in every "gap".

The charts' data frames are in :mod:`workshop.wrapup_frames` (the only part that
needs pandas); the Markdown report and the exports build on the results here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from workshop.answers import ParsedAnswer, format_score, round_score
from workshop.compare import common_gaps, minimum_section_counts, section_means, teachers
from workshop.compare import weakest_section as compare_weakest_section
from workshop.content.model import Item, Rubric, Section
from workshop.models import Answer, Group, Snapshot
from workshop.scoring import GroupScore, score_answers, valid_answers
from workshop.vote_spreads import disagreements

Translate = Callable[..., str]

# Caps keep the wrap-up short enough to discuss in 15 minutes.
MAX_GAPS = 3
MAX_TEACH = 3
MAX_LOW_ITEMS = 3

# Prompt kinds, in the order they are listed.
KIND_WEAKEST = "weakest_section"
KIND_GAP = "common_gap"
KIND_TEACH = "teach"
KIND_NOT_ENOUGH = "not_enough"
KIND_DISAGREE = "disagreement"


# --------------------------------------------------------------------------- texts


def default_translate(lang: str) -> Translate:
    """A translate callable over the UI texts of ``content/`` (cached by the loader).

    Pages pass their own :class:`workshop.i18n.Translator`; this default keeps the
    pure functions usable from the CLI and tests. An unknown key comes back as the
    key itself, so a missing text is visible instead of crashing an export.
    """
    from workshop.content import load_catalog  # deferred: only needed without a page translator

    texts = load_catalog().ui

    def translate(key: str, **values: object) -> str:
        text = texts.get(key)
        return key if text is None else text.get(lang).format(**values)

    return translate


def resolve_translate(lang: str, t: Translate | None) -> Translate:
    return t if t is not None else default_translate(lang)


def join_names(names: Sequence[str], lang: str) -> str:
    """``A, B, C`` in English, ``A、B、C`` in Japanese.

    Kept in code, not in the UI texts, because the content loader trims texts and
    the English separator needs its trailing space.
    """
    return ("、" if lang == "ja" else ", ").join(names)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class GroupResult:
    """One group's scores as the wrap-up shows them."""

    group: Group
    score: GroupScore
    minimum_sections: tuple[str, ...]  # every section tied at the group's minimum
    provisional: bool  # something unanswered or invalid: the score may still change
    answered: int  # items with a valid level or N/A
    total: int  # items in the rubric

    @property
    def has_answers(self) -> bool:
        return self.answered > 0


def ordered_groups(snapshot: Snapshot) -> list[Group]:
    """Groups by their position (stable, so equal positions keep the store's order)."""
    return sorted(snapshot.groups, key=lambda group: group.position)


def groups_by_id(snapshot: Snapshot) -> dict[str, Group]:
    """Group id -> group, for rows (action items) that name their group by id."""
    return {group.id: group for group in snapshot.groups}


class AnswerCell(NamedTuple):
    """One group's answer to one rubric item (``answer`` None: nothing stored)."""

    group: Group
    section: Section
    item: Item
    answer: Answer | None

    @property
    def text(self) -> str | None:
        return self.answer.value if self.answer else None


def answer_cells(rubric: Rubric, snapshot: Snapshot) -> Iterator[AnswerCell]:
    """Every group x rubric item, groups in their order and items in the rubric's."""
    for group in ordered_groups(snapshot):
        stored = snapshot.group_answers(group.id)
        for section in rubric.sections:
            for item in section.items:
                yield AnswerCell(group, section, item, stored.get(item.id))


def answer_values(snapshot: Snapshot, group_id: str) -> dict[str, str]:
    """Item id -> the text as stored, for one group."""
    return {item_id: answer.value for item_id, answer in snapshot.group_answers(group_id).items()}


def group_results(rubric: Rubric, snapshot: Snapshot) -> list[GroupResult]:
    """Every group's score, in group order."""
    results: list[GroupResult] = []
    total = len(rubric.items)
    for group in ordered_groups(snapshot):
        score = score_answers(rubric, answer_values(snapshot, group.id))
        results.append(
            GroupResult(
                group=group,
                score=score,
                minimum_sections=score.minimum_sections,
                provisional=score.provisional,
                answered=sum(section.answered for section in score.sections.values()),
                total=total,
            )
        )
    return results


def weakest_section_overall(results: Sequence[GroupResult]) -> str | None:
    """The weakest section over the groups with answers (see :func:`compare.weakest_section`)."""
    return compare_weakest_section(
        {result.group.id: result.score for result in results if result.has_answers}
    )


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class Prompt:
    """One computed talking point for the wrap-up discussion."""

    kind: str  # KIND_WEAKEST, KIND_GAP, KIND_TEACH or KIND_NOT_ENOUGH
    title: str
    detail: str  # names the groups and the numbers behind the prompt
    item_ids: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # the rubric's discussion questions for those items
    section_id: str | None = None
    group_ids: tuple[str, ...] = ()  # the groups the prompt names, in group order


def _questions(rubric: Rubric, item_ids: Sequence[str], lang: str) -> tuple[str, ...]:
    return tuple(
        question.get(lang) for item_id in item_ids for question in rubric.item(item_id).questions
    )


def _item_label(rubric: Rubric, item_id: str, lang: str) -> str:
    return f"{item_id} {rubric.item(item_id).title.get(lang)}"


def _lowest_items(
    rubric: Rubric,
    section_id: str,
    parsed: Mapping[str, Mapping[str, ParsedAnswer]],
) -> list[str]:
    """Items of a section with the lowest mean level over the groups that gave one."""
    top = rubric.max_level
    found: list[tuple[float, int, str]] = []
    for position, item in enumerate(rubric.section(section_id).items):
        numbers = [
            answer.value
            for answers in parsed.values()
            if (answer := answers[item.id]).kind == "value" and answer.value is not None
        ]
        if numbers:
            mean = round_score(sum(numbers) / len(numbers))
            if mean < top:
                found.append((mean, position, item.id))
    return [item_id for _, _, item_id in sorted(found)[:MAX_LOW_ITEMS]]


def discussion_prompts(
    rubric: Rubric,
    snapshot: Snapshot,
    lang: str,
    *,
    t: Translate | None = None,
    results: Sequence[GroupResult] | None = None,
) -> list[Prompt]:
    """Talking points computed from the answers, in a fixed order.

    1. the weakest section across groups (lowest mean; how many groups have it as
       their minimum; its lowest items);
    2. shared gaps: items at 0 for at least half of the groups that answered them
       and for at least two groups (one group's 0 is not "shared"), at most
       :data:`MAX_GAPS`, most groups first;
    3. who can teach whom: items some group has automated (top level) and another
       scores 0, at most :data:`MAX_TEACH`, most learners first.

    Only groups with at least one answer take part. With none, the list is a single
    ``not_enough`` prompt; with one, the weakest-section prompt (about that group)
    followed by a ``not_enough`` prompt saying comparisons need two groups.
    Pass ``results`` when the page already has them, to avoid scoring twice.
    """
    t = resolve_translate(lang, t)
    if results is None:
        results = group_results(rubric, snapshot)
    answering = [result for result in results if result.has_answers]
    names = {result.group.id: result.group.name for result in results}
    order = {result.group.id: index for index, result in enumerate(results)}

    def named(group_ids: Sequence[str]) -> tuple[tuple[str, ...], str]:
        ordered = tuple(sorted(group_ids, key=lambda group_id: order.get(group_id, len(order))))
        return ordered, join_names([names.get(g, g) for g in ordered], lang)

    if not answering:
        return [
            Prompt(
                kind=KIND_NOT_ENOUGH,
                title=t("reports.prompt_not_enough_title"),
                detail=t("reports.prompt_not_enough_none"),
            )
        ]

    prompts: list[Prompt] = []
    scores = {result.group.id: result.score for result in answering}
    values = {result.group.id: answer_values(snapshot, result.group.id) for result in answering}
    parsed = {group_id: valid_answers(rubric, texts) for group_id, texts in values.items()}

    weakest = compare_weakest_section(scores)
    if weakest is not None:
        section = rubric.section(weakest)
        mean = section_means(scores)[weakest]
        maximum = round_score(len(section.items) * rubric.max_level)
        if mean is not None and mean < maximum:
            at_minimum = [g for g, score in scores.items() if weakest in score.minimum_sections]
            group_ids, group_names = named(at_minimum)
            count = minimum_section_counts(scores)[weakest]
            details = [
                t(
                    "reports.prompt_weakest_detail",
                    mean=format_score(mean),
                    max=format_score(maximum),
                    groups=len(answering),
                    count=count,
                    names=group_names,
                )
                if count
                else t(
                    "reports.prompt_weakest_detail_none",
                    mean=format_score(mean),
                    max=format_score(maximum),
                    groups=len(answering),
                )
            ]
            low = _lowest_items(rubric, weakest, parsed)
            if low:
                labels = join_names([_item_label(rubric, item_id, lang) for item_id in low], lang)
                details.append(t("reports.prompt_weakest_items", items=labels))
            prompts.append(
                Prompt(
                    kind=KIND_WEAKEST,
                    title=t("reports.prompt_weakest_title", section=section.title.get(lang)),
                    detail=" ".join(details),
                    item_ids=tuple(low),
                    questions=_questions(rubric, low, lang),
                    section_id=weakest,
                    group_ids=group_ids,
                )
            )

    disagreement = _disagreement_prompt(rubric, snapshot, lang, t, named)
    if disagreement is not None:
        prompts.append(disagreement)

    if len(answering) < 2:
        prompts.append(
            Prompt(
                kind=KIND_NOT_ENOUGH,
                title=t("reports.prompt_not_enough_title"),
                detail=t("reports.prompt_not_enough_one", group=answering[0].group.name),
                group_ids=(answering[0].group.id,),
            )
        )
        return prompts

    gaps = [(item_id, zeros) for item_id, zeros in common_gaps(rubric, values) if len(zeros) >= 2]
    for item_id, zeros in gaps[:MAX_GAPS]:
        group_ids, group_names = named(zeros)
        answered = sum(1 for answers in parsed.values() if answers[item_id].kind == "value")
        prompts.append(
            Prompt(
                kind=KIND_GAP,
                title=t("reports.prompt_gap_title", item=_item_label(rubric, item_id, lang)),
                detail=t(
                    "reports.prompt_gap_detail",
                    count=len(zeros),
                    answered=answered,
                    names=group_names,
                ),
                item_ids=(item_id,),
                questions=_questions(rubric, (item_id,), lang),
                section_id=rubric.item(item_id).section_id,
                group_ids=group_ids,
            )
        )

    for item_id, at_top, at_zero in teachers(rubric, values)[:MAX_TEACH]:
        top_ids, top_names = named(at_top)
        zero_ids, zero_names = named(at_zero)
        prompts.append(
            Prompt(
                kind=KIND_TEACH,
                title=t("reports.prompt_teach_title", item=_item_label(rubric, item_id, lang)),
                detail=t("reports.prompt_teach_detail", teachers=top_names, learners=zero_names),
                item_ids=(item_id,),
                questions=_questions(rubric, (item_id,), lang),
                section_id=rubric.item(item_id).section_id,
                group_ids=top_ids + zero_ids,
            )
        )
    return prompts


def _disagreement_prompt(
    rubric: Rubric,
    snapshot: Snapshot,
    lang: str,
    t: Translate,
    named: Callable[[Sequence[str]], tuple[tuple[str, ...], str]],
) -> Prompt | None:
    """ "Where we disagreed most" (see :func:`workshop.vote_spreads.disagreements`)."""
    found = disagreements(
        rubric,
        snapshot,
        t,
        lambda group_id: named([group_id])[1],
        lambda parts: join_names(parts, lang),
        lang,
    )
    if found is None:
        return None
    detail, item_ids, group_ids = found
    return Prompt(
        kind=KIND_DISAGREE,
        title=t("votes.prompt_title"),
        detail=detail,
        item_ids=item_ids,
        questions=_questions(rubric, item_ids[:MAX_LOW_ITEMS], lang),
        group_ids=named(group_ids)[0],
    )
