"""Participants' votes on one test: the choices, the spread, the disagreement flag.

Why: in a breakout the loudest voice sets the score. Participants vote
privately on the test the tutor has open, the tutor reveals the votes together
(planning poker), and the *spread* shows what the group does not agree on. The
tutor still sets the group's answer; votes only inform it.

The rules, in one place:

* A vote is one of the rubric's levels (``0``, ``0.5``, ``1``), ``N/A`` where the
  test allows it, or "don't know" (:data:`UNSURE`, ``?``). Anything else, and
  ``N/A`` on a test where N/A is not allowed, is refused (:class:`VoteError`).
* The spread of a round is the count of each choice. Its *width* is the highest
  level voted minus the lowest ("don't know" and ``N/A`` are not levels).
* A round is a *disagreement* when the width is a whole level (one point) or
  more, e.g. ``0`` against ``1``; or when some vote ``N/A`` while others give the
  test a level (they disagree on whether it applies at all).
* The *majority* is the choice of more than half of the votes that take a side
  ("don't know" takes none); a tie or a plurality is no majority.

The shared record keeps a round's spread as a short text (:func:`summary_text`,
e.g. ``0=1; 0.5=3; 1=2; ?=1``) in the test's row: counts only, never who voted
what. :func:`parse_summary` reads it back and refuses a hand-broken one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workshop.answers import NA_TEXT, answer_choices, item_answer
from workshop.content.model import Item, Rubric

#: The "don't know" vote, as stored and as written in a summary.
UNSURE = "?"
#: A spread at least this wide (in score points) is a disagreement: "a whole level".
DISAGREEMENT_WIDTH = 1.0
#: Longest disagreement note a tutor may keep (a sentence or two, not an essay).
MAX_VOTE_NOTE = 500
_SEPARATOR = ";"


class VoteError(ValueError):
    """A vote or a stored summary the rules refuse; ``code`` names why (a UI text key)."""

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def vote_choices(rubric: Rubric, item: Item) -> list[str]:
    """What a participant may vote on ``item``, in button order."""
    return [*answer_choices(rubric.levels, na_allowed=item.na_allowed), UNSURE]


def check_vote(rubric: Rubric, item: Item, text: str) -> str:
    """The vote as stored (``0``, ``0.5``, ``1``, ``N/A``, ``?``), or :class:`VoteError`.

    The check the server makes whatever the browser sent: ``N/A`` where the test
    does not allow it is ``na_not_allowed``, anything else not offered ``unknown``.
    """
    value = (text or "").strip()
    if value == UNSURE:
        return UNSURE
    if value.upper() == NA_TEXT and not item.na_allowed:
        raise VoteError("na_not_allowed", value)
    if value in answer_choices(rubric.levels, na_allowed=item.na_allowed):
        return value
    raise VoteError("unknown", value)


@dataclass(frozen=True)
class Spread:
    """How one round's votes fall: a count per choice, in :func:`vote_choices` order."""

    counts: tuple[tuple[str, int], ...]

    def count(self, choice: str) -> int:
        return dict(self.counts).get(choice, 0)

    @property
    def total(self) -> int:
        return sum(count for _choice, count in self.counts)

    @property
    def sided(self) -> int:
        """Votes that take a side: every vote but "don't know"."""
        return self.total - self.count(UNSURE)

    @property
    def levels(self) -> tuple[float, ...]:
        """The levels voted at least once, lowest first."""
        return tuple(sorted(float(c) for c, n in self.counts if n and c not in (UNSURE, NA_TEXT)))

    @property
    def width(self) -> float | None:
        """Highest level voted minus lowest; None when nobody voted a level."""
        levels = self.levels
        return levels[-1] - levels[0] if levels else None

    @property
    def na_split(self) -> bool:
        """Some voted N/A while others gave the test a level."""
        return self.count(NA_TEXT) > 0 and bool(self.levels)

    @property
    def disagreement(self) -> bool:
        width = self.width
        return (width is not None and width >= DISAGREEMENT_WIDTH - 1e-9) or self.na_split

    @property
    def majority(self) -> str | None:
        """The choice of more than half of the votes that take a side, if any."""
        sided = self.sided
        for choice, count in self.counts:
            if choice != UNSURE and sided and count * 2 > sided:
                return choice
        return None


def tally(rubric: Rubric, item: Item, votes: Iterable[str]) -> Spread:
    """The spread of ``votes`` (each checked: a refused vote raises :class:`VoteError`)."""
    counts = dict.fromkeys(vote_choices(rubric, item), 0)
    for vote in votes:
        counts[check_vote(rubric, item, vote)] += 1
    return Spread(tuple(counts.items()))


def summary_text(spread: Spread) -> str:
    """The spread as the shared record keeps it: ``0=1; 0.5=3; 1=2; N/A=0; ?=1``."""
    return f"{_SEPARATOR} ".join(f"{choice}={count}" for choice, count in spread.counts)


def spread_label(spread: Spread) -> str:
    """The spread for people: the choices voted, with their counts (``0×1 · 1×3 · ?×1``)."""
    return " · ".join(f"{choice}×{count}" for choice, count in spread.counts if count)


def parse_summary(rubric: Rubric, item: Item, text: str) -> Spread | None:
    """A summary read back from the record; None when blank.

    Tolerates spaces, a missing choice (counted 0) and a trailing separator;
    raises :class:`VoteError` ``bad_summary`` for anything else (a hand edit
    such as ``lots of 1s``, a negative count, N/A where the test has none).
    """
    if not (text or "").strip():
        return None
    counts = dict.fromkeys(vote_choices(rubric, item), 0)
    for part in text.split(_SEPARATOR):
        if not part.strip():
            continue
        choice, equals, number = part.partition("=")
        choice = choice.strip()
        choice = NA_TEXT if choice.upper() == NA_TEXT else choice
        if not equals or choice not in counts or not number.strip().isdigit():
            raise VoteError("bad_summary", text)
        counts[choice] += int(number.strip())
    return Spread(tuple(counts.items()))


def answer_differs(spread: Spread, answer: str) -> bool:
    """The tutor's answer (canonical text) is not what most of the group voted."""
    majority = spread.majority
    return bool(answer) and majority is not None and majority != answer


def canonical_answer(rubric: Rubric, item: Item, text: str) -> str:
    """A stored answer as a vote choice ("" when unanswered or invalid)."""
    parsed = item_answer(rubric, item, text)
    if parsed is None or parsed.kind == "unanswered":
        return ""
    if parsed.kind == "na":
        return NA_TEXT
    return next(c for c in answer_choices(rubric.levels) if float(c) == parsed.value)


def check_vote_note(text: str) -> str:
    """A tutor's note on why the group disagreed, trimmed; too long is ``note_too_long``."""
    value = (text or "").strip()
    if len(value) > MAX_VOTE_NOTE:
        raise VoteError("note_too_long", value[:40])
    return value
