"""Participants' vote spreads across a workshop: what the wrap-up and the results show.

The record keeps, per group and test, the revealed spread (counts only) and the
tutor's note (:class:`~workshop.models.VoteRecord`). Read here, it answers the
wrap-up's question "where did we disagree most?": the tests with the widest
spreads, and the groups whose tutor set an answer most of the group did not
vote for. The wording is :func:`workshop.wrapup.discussion_prompts`' job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workshop.content.model import Rubric
from workshop.models import Snapshot
from workshop.votes import (
    Spread,
    VoteError,
    answer_differs,
    canonical_answer,
    parse_summary,
    spread_label,
)

#: At most this many tests are named as the widest spreads.
MAX_WIDEST = 3


@dataclass(frozen=True)
class ItemSpread:
    """One group's revealed spread on one test, beside the tutor's answer."""

    group_id: str
    item_id: str
    summary: str  # as stored (shown as typed when unreadable)
    spread: Spread | None  # None: the stored summary cannot be read
    note: str
    answer: str  # the group's answer as a vote choice ("" when unanswered)

    @property
    def differs(self) -> bool:
        return self.spread is not None and answer_differs(self.spread, self.answer)

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread.disagreement

    @property
    def width(self) -> float:
        return (self.spread.width or 0.0) if self.spread is not None else 0.0


def item_spreads(rubric: Rubric, snapshot: Snapshot) -> list[ItemSpread]:
    """Every stored spread of the workshop, in group order, then rubric order."""
    order = {item.id: index for index, item in enumerate(rubric.items)}
    found: list[ItemSpread] = []
    for group in snapshot.groups:
        records = snapshot.votes.get(group.id, {})
        answers = snapshot.group_answers(group.id)
        for item_id in sorted(records, key=lambda i: order.get(i, len(order))):
            if item_id not in order:
                continue  # a test of another rubric: nothing to compare it with
            item = rubric.item(item_id)
            record = records[item_id]
            try:
                spread = parse_summary(rubric, item, record.summary)
            except VoteError:
                spread = None
            answer = answers.get(item_id)
            found.append(
                ItemSpread(
                    group.id,
                    item_id,
                    record.summary,
                    spread,
                    record.note,
                    canonical_answer(rubric, item, answer.value) if answer else "",
                )
            )
    return found


def widest(spreads: list[ItemSpread], limit: int = MAX_WIDEST) -> list[ItemSpread]:
    """The widest spreads that split the group (a level apart, or N/A against a level)."""
    split = [s for s in spreads if s.width > 0 or (s.spread is not None and s.spread.na_split)]
    ranked = sorted(
        enumerate(split),
        key=lambda pair: (-pair[1].width, not pair[1].disagreement, pair[0]),
    )
    return [spread for _index, spread in ranked[:limit]]


def differing(spreads: list[ItemSpread]) -> list[ItemSpread]:
    """Where the tutor's answer is not the choice of most of the group's votes."""
    return [s for s in spreads if s.differs]


def disagreements(
    rubric: Rubric,
    snapshot: Snapshot,
    t: Callable[..., str],
    group_name: Callable[[str], str],
    join: Callable[[Sequence[str]], str],
    lang: str,
) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """The wrap-up prompt's detail, the tests and the groups it names; None without any.

    Texts are ``votes.prompt_*``; ``group_name`` and ``join`` are the wrap-up's own
    (group names as the page shows them, lists joined in the reader's language).
    """
    spreads = item_spreads(rubric, snapshot)
    wide, differ = widest(spreads), differing(spreads)
    if not wide and not differ:
        return None
    details: list[str] = []
    if wide:
        parts = [
            t(
                "votes.prompt_spread",
                item=f"{s.item_id} {rubric.item(s.item_id).title.get(lang)}",
                group=group_name(s.group_id),
                spread=spread_label(s.spread) if s.spread else s.summary,
            )
            + (f" ({s.note})" if s.note else "")
            for s in wide
        ]
        details.append(t("votes.prompt_widest", spreads=join(parts)))
    if differ:
        parts = [
            t(
                "votes.prompt_differs_one",
                group=group_name(s.group_id),
                item=s.item_id,
                answer=s.answer,
                majority=s.spread.majority if s.spread else "",
            )
            for s in differ
        ]
        details.append(t("votes.prompt_differs", answers=join(parts)))
    named = [*wide, *differ]
    item_ids = tuple(dict.fromkeys(s.item_id for s in named))
    group_ids = tuple(dict.fromkeys(s.group_id for s in named))
    return " ".join(details), item_ids, group_ids


def spread_words(spread: ItemSpread, t: Callable[..., str]) -> str:
    """A stored spread in words, with the flag and the tutor's note (plain text: the
    caller escapes it for its format). An unreadable summary is shown as typed."""
    if spread.spread is None:
        text = t("votes.results_unreadable", summary=spread.summary)
    elif spread.spread.total == 0:
        text = t("votes.no_votes")
    else:
        text = t("votes.results_spread", spread=spread_label(spread.spread))
        if spread.disagreement:
            text += f" · {t('votes.results_flag')}"
    return f"{text} — {spread.note}" if spread.note else text


def spreads_by_item(rubric: Rubric, snapshot: Snapshot) -> dict[tuple[str, str], ItemSpread]:
    """:func:`item_spreads` by (group id, item id), for pages and reports that list tests."""
    return {(s.group_id, s.item_id): s for s in item_spreads(rubric, snapshot)}
