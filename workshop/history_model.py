"""The records of the history across rounds: systems, rounds and their statistics.

Built by :func:`workshop.history.build_history` (where the matching and
counting rules are explained), charted by :mod:`workshop.history_frames`,
tabled by :mod:`workshop.history_summary`. Kept apart so a reader of the
records need not read how they are built.

Records have slots: pages rebuild the history on every rerun, hundreds of
records each time (50 systems over 12 rounds is 600 system results).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from workshop.content.model import Text

#: Populations of the organisation view.
ALL = "all"
COHORT = "cohort"
POPULATIONS: tuple[str, ...] = (ALL, COHORT)

#: Why a workshop is not a round of the history.
SKIP_NO_ANSWERS = "no_answers"
SKIP_UNKNOWN_RUBRIC = "unknown_rubric"


def system_key(system: str) -> str:
    """The matching key of a system name: NFKC, case-folded, blanks trimmed and collapsed.

    Groups are matched across rounds by this key, so "Search Ranking" and
    " search  ranking" are one system.
    """
    return " ".join(unicodedata.normalize("NFKC", system or "").casefold().split())


@dataclass(frozen=True, slots=True)
class SystemRound:
    """One system's result in one round."""

    round_index: int
    workshop_id: str
    date: str
    group_id: str
    group_name: str
    phase: str
    final: float | None  # None when every section is all N/A
    band_id: str
    sections: dict[str, float | None]  # section id -> score (None: all N/A)
    provisional: bool
    target_band: str | None = None  # the phase's target band, if targets were given
    meets_target: bool | None = None  # None: no target for the phase, or no final score


@dataclass(frozen=True, slots=True)
class SystemHistory:
    """Every round one ML system took part in, oldest first."""

    key: str  # normalised system name, the matching key
    system: str  # the name as typed in the most recent round
    rounds: tuple[SystemRound, ...]
    in_cohort: bool  # took part in the first round

    def at(self, round_index: int) -> SystemRound | None:
        for result in self.rounds:
            if result.round_index == round_index:
                return result
        return None

    @property
    def latest(self) -> SystemRound:
        return self.rounds[-1]

    @property
    def previous(self) -> SystemRound | None:
        """The round before the latest one this system took part in."""
        return self.rounds[-2] if len(self.rounds) > 1 else None


@dataclass(frozen=True, slots=True)
class RoundStats:
    """One population (all systems, or the cohort) in one round."""

    systems: tuple[str, ...]  # system keys, in history order
    finals: tuple[float, ...]  # final scores of the systems that have one, same order
    band_counts: dict[str, int]  # band id -> systems, every band of the rubric (0 included)
    no_final: int  # systems whose sections are all N/A
    section_means: dict[str, float | None]  # section id -> mean over systems with a score
    mean_final: float | None
    median_final: float | None
    provisional: int  # systems whose result is still provisional
    with_target: int  # systems whose phase has a target (and a final score)
    meeting_target: int

    @property
    def count(self) -> int:
        return len(self.systems)


@dataclass(frozen=True, slots=True)
class RoundSummary:
    """One round (workshop) of the organisation."""

    index: int  # 0 = first round
    workshop_id: str
    title: str
    date: str
    label: str  # unique, short label for chart axes (the date, numbered if repeated)
    archived: bool
    rubric_id: str
    all: RoundStats
    cohort: RoundStats

    def stats(self, population: str) -> RoundStats:
        return self.cohort if population == COHORT else self.all


@dataclass(frozen=True, slots=True)
class Skipped:
    """A workshop that is not a round of the history, and why (the page says so)."""

    workshop_id: str
    title: str
    date: str
    reason: str  # SKIP_NO_ANSWERS or SKIP_UNKNOWN_RUBRIC


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Several groups of one round assessed the same system; only ``kept`` counts."""

    workshop_id: str
    system: str
    kept_group_id: str
    ignored_group_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class History:
    """Every round and every system, as :func:`workshop.history.build_history` found them."""

    rounds: tuple[RoundSummary, ...]
    systems: tuple[SystemHistory, ...]  # by first round, then by group position
    section_ids: tuple[str, ...]
    section_titles: dict[str, Text]  # short section titles, from the newest rubric having them
    skipped: tuple[Skipped, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    _by_key: dict[str, SystemHistory] = field(default_factory=dict, repr=False, compare=False)

    @property
    def cohort(self) -> frozenset[str]:
        return frozenset(s.key for s in self.systems if s.in_cohort)

    def system(self, name: str) -> SystemHistory | None:
        """A system by name as typed (any case or spacing) or by key; None if unknown."""
        return self._by_key.get(system_key(name))

    def section_label(self, section_id: str, lang: str) -> str:
        title = self.section_titles.get(section_id)
        return title.get(lang) if title else section_id

    @property
    def latest(self) -> RoundSummary | None:
        return self.rounds[-1] if self.rounds else None
