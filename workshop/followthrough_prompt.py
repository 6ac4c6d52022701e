"""The one discussion prompt that says whether last round's actions paid off.

Built from :class:`workshop.followthrough.FollowThrough` for the wrap-up (first
in the list of prompts) and the history page, e.g. "5 of 8 actions done; 4
raised their test; Monitoring rose in 3 of 5 systems". The parts are joined in
code, not in the UI texts, because the content loader trims texts and the
English separator needs its trailing space (as :func:`workshop.wrapup.join_names`).
"""

from __future__ import annotations

from collections.abc import Mapping

from workshop.content.model import Text
from workshop.followthrough import Counts, FollowThrough
from workshop.wrapup import Prompt, Translate

KIND_FOLLOW_THROUGH = "follow_through"
_SEPARATOR = {"ja": "、"}


def summary_parts(
    follow: FollowThrough, section_titles: Mapping[str, Text], lang: str, t: Translate
) -> list[str]:
    """The sentence's parts: actions done, tests raised, the section that rose most."""
    counts: Counts = follow.counts
    if counts.total:
        parts = [
            t("followup.summary_done", done=counts.done, total=counts.total),
            t("followup.summary_raised", raised=counts.raised),
        ]
    else:
        parts = [t("followup.summary_no_actions")]
    best = follow.best_section
    compared = max((r.compared for r in follow.section_rises.values()), default=0)
    if best is not None:
        section_id, rise = best
        title = section_titles.get(section_id)
        parts.append(
            t(
                "followup.summary_section",
                section=title.get(lang) if title else section_id,
                rose=rise.rose,
                compared=rise.compared,
            )
        )
    elif compared:
        parts.append(t("followup.summary_no_section", compared=compared))
    return parts


def summary_sentence(
    follow: FollowThrough, section_titles: Mapping[str, Text], lang: str, t: Translate
) -> str:
    """The parts joined: ``"5 of 8 actions done; 4 raised their test; ..."``."""
    return _SEPARATOR.get(lang, "; ").join(summary_parts(follow, section_titles, lang, t))


def follow_through_prompt(
    follow: FollowThrough, section_titles: Mapping[str, Text], lang: str, t: Translate
) -> Prompt:
    """The wrap-up's prompt about the previous round's actions (names no group)."""
    counts = follow.counts
    questions = [t("followup.question_open")] if counts.still_open else []
    if any(o.action.status == "done" and not o.raised for o in follow.actions):
        questions.append(t("followup.question_not_moved"))
    questions.append(t("followup.question_next"))
    item_ids = tuple(dict.fromkeys(o.action.item_id for o in follow.actions if o.raised))
    return Prompt(
        kind=KIND_FOLLOW_THROUGH,
        title=t("followup.prompt_title"),
        detail=summary_sentence(follow, section_titles, lang, t),
        item_ids=item_ids,
        questions=tuple(questions),
    )
