"""History across rounds: how each ML system and the whole organisation progress.

Teams repeat the workshop (monthly, or every six months), each time as a new
workshop. One workshop is one *round*; rounds are ordered by date. Groups are
matched across rounds by the ML system they assess, not by group name (teams
rename their breakout groups, the system stays), after normalising the typed
name: NFKC, case-folded, surrounding blanks removed and inner runs of blanks
collapsed, so "Search Ranking" and " search  ranking" are one system.

Two views, as companies that run the rubric company-wide chart it:

* per system: the final score and every section score per round, with the
  phase the system was in and whether the result was still provisional;
* per organisation and round: the distribution of final scores and the
  per-section means, once for *all* systems and once for the *cohort* of
  systems that took part in the first round (new systems joining later would
  otherwise make the trend look worse or better than the teams' real progress).

Rules worth knowing:

* A workshop without a single answer (e.g. the next round, prepared but not
  yet held) is skipped, as is a workshop whose rubric is not loaded; both are
  listed in :attr:`History.skipped` so a page can say why.
* Inside a round, a group without a single answer is treated as absent: its
  all-zero provisional score would only drag the round down.
* If two groups of one round assess the same system, the one with more
  answers counts (then the earlier one); the other is listed in
  :attr:`History.duplicates`.
* Archived workshops are past rounds and count like any other.

Phase targets (``content/settings/targets.yaml``) say which band a system
should reach in each phase (proof of concept: none; technical validation:
e.g. "1-2"; production: e.g. "2-3", i.e. a final score above 2).

Speed matters because pages rebuild the history on every rerun: the hot loop
uses plain dicts and tuples; pandas DataFrames are built only for the charts.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from workshop.answers import round_score
from workshop.content import shipped_content_dir
from workshop.content.model import Rubric, Text
from workshop.models import PHASES, Group, Snapshot
from workshop.scoring import band_for, score_answers
from workshop.store.base import Store

#: Populations of the organisation view.
ALL = "all"
COHORT = "cohort"
POPULATIONS: tuple[str, ...] = (ALL, COHORT)

#: Series id of the final score in the line-chart frames (the others are section ids).
FINAL = "final"

#: Why a workshop is not a round of the history.
SKIP_NO_ANSWERS = "no_answers"
SKIP_UNKNOWN_RUBRIC = "unknown_rubric"

Translate = Callable[..., str]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Skipped:
    workshop_id: str
    title: str
    date: str
    reason: str  # SKIP_NO_ANSWERS or SKIP_UNKNOWN_RUBRIC


@dataclass(frozen=True)
class Duplicate:
    """Several groups of one round assessed the same system; only ``kept`` counts."""

    workshop_id: str
    system: str
    kept_group_id: str
    ignored_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class History:
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


# --------------------------------------------------------------------------- matching


def system_key(system: str) -> str:
    """The matching key of a system name: NFKC, case-folded, blanks trimmed and collapsed."""
    return " ".join(unicodedata.normalize("NFKC", system or "").casefold().split())


def _system_name(group: Group) -> str:
    """The system a group assesses; if blank (a hand-edited sheet), the group name."""
    return " ".join(group.system.split()) or " ".join(group.name.split())


def _answered_values(snapshot: Snapshot, group: Group) -> tuple[dict[str, str], int]:
    """The group's answer texts by item id, and how many are not blank."""
    values: dict[str, str] = {}
    answered = 0
    for item_id, answer in snapshot.group_answers(group.id).items():
        values[item_id] = answer.value
        if answer.value and answer.value.strip():
            answered += 1
    return values, answered


def _round_order(snapshot: Snapshot) -> tuple[str, str, str]:
    workshop = snapshot.workshop
    return (workshop.date, workshop.created_at, workshop.id)


# --------------------------------------------------------------------------- scoring cache

# Pages rebuild the history on every rerun from the same answers, and scoring is
# the bulk of the work (about 50 us per group and round). Results are kept by
# (rubric, answers), so a rerun only scores what changed. The rubric object is
# kept next to its result and compared by identity: content reloads give new
# objects, and an id() reused after garbage collection can never match.
_CACHE_SIZE = 20_000
_cache: OrderedDict[tuple[int, tuple[tuple[str, str], ...]], tuple[Rubric, _Result]] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class _Result:
    final: float | None
    band_id: str
    sections: tuple[tuple[str, float | None], ...]
    provisional: bool


def _score(rubric: Rubric, values: Mapping[str, str]) -> _Result:
    key = (id(rubric), tuple(sorted(values.items())))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is rubric:
            _cache.move_to_end(key)
            return hit[1]
    score = score_answers(rubric, values)
    result = _Result(
        final=score.final,
        band_id=score.band_id,
        sections=tuple((sid, s.score) for sid, s in score.sections.items()),
        provisional=score.provisional,
    )
    with _cache_lock:
        _cache[key] = (rubric, result)
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear_cache() -> None:
    """Forget cached scores (tests, or after the scoring rules change in a running process)."""
    with _cache_lock:
        _cache.clear()


# --------------------------------------------------------------------------- targets


class TargetsError(ValueError):
    """The targets file cannot be used; the message names the file and every problem."""


def meets_target(
    rubric: Rubric, final: float | None, phase: str, targets: Mapping[str, str | None]
) -> bool | None:
    """Whether ``final`` reaches the band the phase should reach.

    None when the phase has no target, there is no final score, or the target
    band is not one of this rubric's bands (a round scored with another rubric).
    Reaching a band means being in it or in a higher one: target "2-3" means a
    final score above 2.
    """
    target = targets.get(phase)
    if target is None or final is None:
        return None
    order = [band.id for band in rubric.bands]
    if target not in order:
        return None
    band = band_for(rubric, final)
    return band is not None and order.index(band.id) >= order.index(target)


def _known_band_ids() -> list[str]:
    """Band ids of every loaded rubric, in rubric order (the catalog never raises)."""
    from workshop.content import load_catalog

    ids: list[str] = []
    for rubric in load_catalog().rubrics.values():
        for band in rubric.bands:
            if band.id not in ids:
                ids.append(band.id)
    return ids


def load_targets(
    path: str | Path | None = None, band_ids: Iterable[str] | None = None
) -> dict[str, str | None]:
    """The target band per phase, from ``path`` (default ``content/settings/targets.yaml``).

    The file maps a phase (``poc``, ``validation``, ``production``) to a band id
    of the rubric, or to ``null`` for "no target". A phase left out has no
    target. ``band_ids`` are the allowed band ids (default: those of every
    loaded rubric). Raises :class:`TargetsError` naming the file and every
    problem (unknown phase, unknown band, not a mapping, unreadable file).
    """
    target_path = (
        Path(path) if path is not None else shipped_content_dir() / "settings" / "targets.yaml"
    )
    shown = str(target_path)
    try:
        data = yaml.safe_load(target_path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise TargetsError(f"{shown}: cannot be read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise TargetsError(f"{shown}: YAML syntax error: {error}") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TargetsError(f"{shown}: must map each phase to a band id, got {type(data).__name__}")
    allowed = list(band_ids) if band_ids is not None else _known_band_ids()
    problems: list[str] = []
    targets: dict[str, str | None] = dict.fromkeys(PHASES)
    for phase, raw in data.items():
        if phase not in PHASES:
            problems.append(f"{shown}: unknown phase {phase!r} (use {', '.join(PHASES)})")
            continue
        if raw is None:
            continue
        # An unquoted band "0" arrives as the number 0.
        band = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else None
        if band is None or (allowed and band not in allowed):
            problems.append(
                f"{shown}: phase {phase!r}: unknown band id {raw!r} "
                f"(use one of {', '.join(allowed)}, or null for no target)"
            )
            continue
        targets[phase] = band
    if problems:
        raise TargetsError("\n".join(problems))
    return targets


# --------------------------------------------------------------------------- building


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round_score((ordered[middle - 1] + ordered[middle]) / 2)


def _stats(
    results: Sequence[tuple[str, SystemRound]], rubric: Rubric, section_ids: Sequence[str]
) -> RoundStats:
    finals = [r.final for _, r in results if r.final is not None]
    counts = {band.id: 0 for band in rubric.bands}
    for _, result in results:
        if result.band_id in counts:
            counts[result.band_id] += 1
    means: dict[str, float | None] = {}
    for section_id in section_ids:
        numbers = [score for _, r in results if (score := r.sections.get(section_id)) is not None]
        means[section_id] = round_score(sum(numbers) / len(numbers)) if numbers else None
    with_target = [r for _, r in results if r.meets_target is not None]
    return RoundStats(
        systems=tuple(key for key, _ in results),
        finals=tuple(finals),
        band_counts=counts,
        no_final=sum(1 for _, r in results if r.final is None),
        section_means=means,
        mean_final=round_score(sum(finals) / len(finals)) if finals else None,
        median_final=_median(finals),
        provisional=sum(1 for _, r in results if r.provisional),
        with_target=len(with_target),
        meeting_target=sum(1 for r in with_target if r.meets_target),
    )


def _unique_labels(dates: Sequence[str]) -> list[str]:
    """The date of each round; repeated dates get a number so chart axes keep them apart."""
    totals: dict[str, int] = {}
    for date in dates:
        totals[date] = totals.get(date, 0) + 1
    seen: dict[str, int] = {}
    labels = []
    for date in dates:
        seen[date] = seen.get(date, 0) + 1
        labels.append(date if totals[date] == 1 else f"{date} #{seen[date]}")
    return labels


def build_history(
    rubrics: Mapping[str, Rubric],
    snapshots: Sequence[Snapshot],
    targets: Mapping[str, str | None] | None = None,
) -> History:
    """Rounds, systems and organisation statistics from one snapshot per workshop.

    ``rubrics`` maps rubric id -> rubric (each round is scored with its own);
    ``snapshots`` may come in any order: rounds are ordered by date, then by
    creation time. ``targets`` (see :func:`load_targets`) adds ``meets_target``.
    """
    skipped: list[Skipped] = []
    duplicates: list[Duplicate] = []
    # Per kept round: (snapshot, rubric, [(key, group, values)])
    kept: list[tuple[Snapshot, Rubric, list[tuple[str, Group, dict[str, str]]]]] = []

    for snapshot in sorted(snapshots, key=_round_order):
        workshop = snapshot.workshop
        rubric = rubrics.get(workshop.rubric_id)
        if rubric is None:
            skipped.append(Skipped(workshop.id, workshop.title, workshop.date, SKIP_UNKNOWN_RUBRIC))
            continue
        chosen: dict[str, tuple[int, Group, dict[str, str]]] = {}
        ignored: dict[str, list[str]] = {}
        for group in sorted(snapshot.groups, key=lambda g: g.position):
            values, answered = _answered_values(snapshot, group)
            if not answered:
                continue
            key = system_key(_system_name(group))
            current = chosen.get(key)
            if current is None:
                chosen[key] = (answered, group, values)
            elif answered > current[0]:
                ignored.setdefault(key, []).append(current[1].id)
                chosen[key] = (answered, group, values)
            else:
                ignored.setdefault(key, []).append(group.id)
        if not chosen:
            skipped.append(Skipped(workshop.id, workshop.title, workshop.date, SKIP_NO_ANSWERS))
            continue
        for key, group_ids in ignored.items():
            duplicates.append(
                Duplicate(
                    workshop.id, _system_name(chosen[key][1]), chosen[key][1].id, tuple(group_ids)
                )
            )
        kept.append((snapshot, rubric, [(key, g, v) for key, (_, g, v) in chosen.items()]))

    section_ids: list[str] = []
    section_titles: dict[str, Text] = {}
    for _, rubric, _ in kept:
        for section in rubric.sections:
            if section.id not in section_ids:
                section_ids.append(section.id)
            section_titles[section.id] = section.short  # newest rubric wins

    labels = _unique_labels([snapshot.workshop.date for snapshot, _, _ in kept])
    per_system: dict[str, list[SystemRound]] = {}
    names: dict[str, str] = {}
    per_round: list[list[tuple[str, SystemRound]]] = []
    for index, (snapshot, rubric, groups) in enumerate(kept):
        results: list[tuple[str, SystemRound]] = []
        for key, group, values in groups:
            score = _score(rubric, values)
            target = targets.get(group.phase) if targets is not None else None
            result = SystemRound(
                round_index=index,
                workshop_id=snapshot.workshop.id,
                date=snapshot.workshop.date,
                group_id=group.id,
                group_name=group.name,
                phase=group.phase,
                final=score.final,
                band_id=score.band_id,
                sections=dict(score.sections),
                provisional=score.provisional,
                target_band=target,
                meets_target=(
                    meets_target(rubric, score.final, group.phase, targets)
                    if targets is not None
                    else None
                ),
            )
            per_system.setdefault(key, []).append(result)
            names[key] = _system_name(group)
            results.append((key, result))
        per_round.append(results)

    cohort = {key for key, _ in per_round[0]} if per_round else set()
    systems = tuple(
        SystemHistory(key=key, system=names[key], rounds=tuple(rounds), in_cohort=key in cohort)
        for key, rounds in per_system.items()
    )
    order = {system.key: position for position, system in enumerate(systems)}

    rounds: list[RoundSummary] = []
    for index, ((snapshot, rubric, _), results) in enumerate(zip(kept, per_round, strict=True)):
        results.sort(key=lambda pair: order[pair[0]])
        workshop = snapshot.workshop
        rounds.append(
            RoundSummary(
                index=index,
                workshop_id=workshop.id,
                title=workshop.title,
                date=workshop.date,
                label=labels[index],
                archived=workshop.archived,
                rubric_id=rubric.id,
                all=_stats(results, rubric, section_ids),
                cohort=_stats([p for p in results if p[0] in cohort], rubric, section_ids),
            )
        )

    return History(
        rounds=tuple(rounds),
        systems=systems,
        section_ids=tuple(section_ids),
        section_titles=section_titles,
        skipped=tuple(skipped),
        duplicates=tuple(duplicates),
        _by_key={system.key: system for system in systems},
    )


def history_of(
    store: Store,
    rubrics: Mapping[str, Rubric],
    targets: Mapping[str, str | None] | None = None,
) -> History:
    """The history of every workshop in ``store`` (archived ones included), in one read."""
    workshops = store.list_workshops(include_archived=True)
    return build_history(rubrics, store.snapshots([w.id for w in workshops]), targets)


# --------------------------------------------------------------------------- chart data

#: Columns of :func:`system_frame` (input of ``charts.system_history_chart``).
SYSTEM_FRAME_COLUMNS = (
    "round",
    "round_label",
    "series_id",
    "series",
    "score",
    "provisional",
    "phase",
)
#: Columns of :func:`org_finals_frame` (input of ``charts.org_distribution_chart``).
ORG_FINALS_COLUMNS = (
    "round",
    "round_label",
    "system",
    "final",
    "in_cohort",
    "provisional",
    "phase",
)
#: Columns of :func:`org_means_frame` (input of ``charts.org_section_means_chart``).
ORG_MEANS_COLUMNS = (
    "round",
    "round_label",
    "population_id",
    "population",
    "series_id",
    "series",
    "score",
)


def _translate(lang: str, t: Translate | None) -> Translate:
    if t is not None:
        return t
    from workshop.content import load_catalog
    from workshop.i18n import Translator

    return Translator(load_catalog().ui, lang)


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def system_frame(
    history: History, system: str, lang: str, t: Translate | None = None
) -> pd.DataFrame:
    """One row per round x series (final score, then each section) for one system.

    Rounds the system missed are absent (the line joins its own rounds).
    Raises KeyError for an unknown system.
    """
    found = history.system(system)
    if found is None:
        raise KeyError(system)
    final_label = _translate(lang, t)("history.final")
    labels = {summary.index: summary.label for summary in history.rounds}
    rows = []
    for result in found.rounds:
        rows.append(
            (
                result.round_index,
                labels[result.round_index],
                FINAL,
                final_label,
                _number(result.final),
                result.provisional,
                result.phase,
            )
        )
        for section_id in history.section_ids:
            if section_id not in result.sections:
                continue
            rows.append(
                (
                    result.round_index,
                    labels[result.round_index],
                    section_id,
                    history.section_label(section_id, lang),
                    _number(result.sections[section_id]),
                    result.provisional,
                    result.phase,
                )
            )
    return pd.DataFrame(rows, columns=list(SYSTEM_FRAME_COLUMNS))


def org_finals_frame(history: History) -> pd.DataFrame:
    """One row per round x system with a final score; ``in_cohort`` marks the cohort."""
    by_key = {system.key: system for system in history.systems}
    rows = []
    for summary in history.rounds:
        for key in summary.all.systems:
            system = by_key[key]
            result = system.at(summary.index)
            if result is None or result.final is None:
                continue
            rows.append(
                (
                    summary.index,
                    summary.label,
                    system.system,
                    float(result.final),
                    system.in_cohort,
                    result.provisional,
                    result.phase,
                )
            )
    return pd.DataFrame(rows, columns=list(ORG_FINALS_COLUMNS))


def org_means_frame(history: History, lang: str, t: Translate | None = None) -> pd.DataFrame:
    """One row per population x round x series: the mean final score and each section mean."""
    translate = _translate(lang, t)
    population_labels = {
        ALL: translate("history.population_all"),
        COHORT: translate("history.population_cohort"),
    }
    final_label = translate("history.mean_final")
    rows = []
    for population in POPULATIONS:
        for summary in history.rounds:
            stats = summary.stats(population)
            if not stats.count:
                continue
            common = (summary.index, summary.label, population, population_labels[population])
            rows.append((*common, FINAL, final_label, _number(stats.mean_final)))
            for section_id in history.section_ids:
                rows.append(
                    (
                        *common,
                        section_id,
                        history.section_label(section_id, lang),
                        _number(stats.section_means.get(section_id)),
                    )
                )
    return pd.DataFrame(rows, columns=list(ORG_MEANS_COLUMNS))
