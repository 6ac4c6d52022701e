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

Phase targets (:mod:`workshop.targets`) say which band a system should reach
in each phase; each result records whether it does.

Speed matters because pages rebuild the history on every rerun: the hot loop
uses plain dicts and tuples; pandas DataFrames are built only for the charts
(:mod:`workshop.history_frames`). The records are in :mod:`workshop.history_model`,
the page's table of systems in :mod:`workshop.history_summary`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workshop.answers import round_score
from workshop.content.model import Rubric, Text
from workshop.history_model import (
    SKIP_NO_ANSWERS,
    SKIP_UNKNOWN_RUBRIC,
    Duplicate,
    History,
    RoundStats,
    RoundSummary,
    Skipped,
    SystemHistory,
    SystemRound,
    system_key,
)
from workshop.memo import BoundedMemo
from workshop.models import Group, Snapshot
from workshop.scoring import score_answers
from workshop.store.base import Store
from workshop.targets import meets_target

# --------------------------------------------------------------------------- matching


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


@dataclass(frozen=True)
class _Result:
    final: float | None
    band_id: str
    sections: tuple[tuple[str, float | None], ...]
    provisional: bool


_ScoreKey = tuple[int, tuple[tuple[str, str], ...]]
_scores: BoundedMemo[_ScoreKey, tuple[Rubric, _Result]] = BoundedMemo(_CACHE_SIZE)


def _score(rubric: Rubric, values: Mapping[str, str]) -> _Result:
    key = (id(rubric), tuple(sorted(values.items())))
    hit = _scores.get(key)
    if hit is not None and hit[0] is rubric:
        return hit[1]
    score = score_answers(rubric, values)
    result = _Result(
        final=score.final,
        band_id=score.band_id,
        sections=tuple((sid, s.score) for sid, s in score.sections.items()),
        provisional=score.provisional,
    )
    _scores.put(key, (rubric, result))
    return result


def clear_cache() -> None:
    """Forget cached scores (tests, or after the scoring rules change in a running process)."""
    _scores.clear()


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
