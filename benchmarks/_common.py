"""Shared helpers of the benchmark scripts: timing statistics, result table, seeded workshops.

Not a benchmark itself (``make bench`` runs it too, and it does nothing).

The scripts measure, they do not test: they print a table of median and p90
against the target each issue sets, and exit 0 whatever the figures, so a slow
machine never breaks ``make bench``. Data is generated from a fixed seed
through the public :class:`~workshop.store.base.Store` interface, so two runs
measure the same workshop.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The app secret of every page measured (AppTest or streamlit_app), and the codes it gives.
from tests.support.server import APP_SECRET, KEYS  # noqa: E402, F401
from workshop.answers import NA_TEXT  # noqa: E402
from workshop.content.model import Rubric, level_key  # noqa: E402
from workshop.models import AnswerChange, Group, Workshop  # noqa: E402
from workshop.store.base import Store  # noqa: E402
from workshop.workshops import GroupDraft, create_workshop  # noqa: E402

PASSCODE = "bench-host-passcode"
PHASES = ("poc", "validation", "production")
# Weights of the answers a group gives: most tests are not done or done by hand.
ANSWER_WEIGHTS = {"0": 4, "0.5": 3, "1": 2, NA_TEXT: 1}
NOTES = ("", "", "", "runbook in the wiki", "owner: data platform team", "see ticket ML-482")
# Variables that would point the app at another store; cleared before each benchmark.
STORE_VARIABLES = (
    "WORKSHOP_STORE",
    "WORKSHOP_SHEET",
    "WORKSHOP_HOST_PASSCODE",
    "WORKSHOP_SHEETS_ENDPOINT",
    "WORKSHOP_CACHE_SECONDS",
    "WORKSHOP_HISTORY_PASSCODE",
    "GOOGLE_APPLICATION_CREDENTIALS",
)


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], share: float) -> float:
    """Linear-interpolated percentile (``share`` in 0..1) of a non-empty sample."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_runs(action: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of ``runs`` calls of ``action`` after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return timings


@dataclass(frozen=True)
class Measure:
    """One line of the result table: a sample of durations (seconds) and its target."""

    name: str
    seconds: Sequence[float]
    target: float | None = None  # in seconds, on ``statistic``; None = reported only
    note: str = ""
    statistic: str = "median"  # what the target bounds: "median", "p90" or "max"

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p90(self) -> float:
        return percentile(self.seconds, 0.9)

    @property
    def max(self) -> float:
        return max(self.seconds)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "PASS" if getattr(self, self.statistic) <= self.target else "FAIL"


@dataclass(frozen=True)
class Failed:
    """A measure that could not be taken; the table says why instead of a number."""

    name: str
    reason: str
    target: float | None = None
    statistic: str = "median"


def _format(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def print_table(title: str, rows: Sequence[Measure | Failed]) -> None:
    """The result table: measure, n, median, p90, max, target, verdict (plus notes below)."""
    header = ("measure", "n", "median", "p90", "max", "target", "result")
    lines: list[tuple[str, ...]] = []
    notes: list[str] = []
    for row in rows:
        target = f"{row.statistic} <= {_format(row.target)}" if row.target is not None else "—"
        if isinstance(row, Failed):
            lines.append((row.name, "0", "—", "—", "—", target, "NOT RUN"))
            notes.append(f"{row.name}: {row.reason}")
            continue
        lines.append(
            (
                row.name,
                str(len(row.seconds)),
                _format(row.median),
                _format(row.p90),
                _format(max(row.seconds)),
                target,
                row.verdict,
            )
        )
        if row.note:
            notes.append(f"{row.name}: {row.note}")
    widths = [max(len(line[i]) for line in (header, *lines)) for i in range(len(header))]
    rule = "  ".join("-" * width for width in widths)
    print(f"\n{title}")
    print(machine_line())
    print(rule)
    print("  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)))
    print(rule)
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    print(rule)
    for note in notes:
        print(f"* {note}")
    sys.stdout.flush()


# --------------------------------------------------------------------------- environment


@contextmanager
def local_environment(db_path: Path) -> Iterator[None]:
    """Point the app at a fresh SQLite file (and nothing else) for the block's duration.

    The pages get the app secret :data:`APP_SECRET`, so :data:`KEYS` gives the join
    codes and results links they expect (the same as a ``streamlit_app`` server's).
    """
    fixed = ("WORKSHOP_DB", "WORKSHOP_PUBLIC_URL", "WORKSHOP_APP_SECRET")
    saved = {name: os.environ.get(name) for name in (*STORE_VARIABLES, *fixed)}
    for name in STORE_VARIABLES:
        os.environ.pop(name, None)
    os.environ["WORKSHOP_DB"] = str(db_path)
    os.environ["WORKSHOP_PUBLIC_URL"] = "http://workshop.bench"
    os.environ["WORKSHOP_APP_SECRET"] = APP_SECRET
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def quiet_streamlit() -> None:
    """AppTest runs pages outside ``streamlit run``; its "no ScriptRunContext" warning is noise.

    A filter, not a log level: AppTest resets levels on every run, and other
    warnings should still show.
    """
    import logging

    name = "streamlit.runtime.scriptrunner_utils.script_run_context"
    logging.getLogger(name).addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )


def machine_line() -> str:
    """CPU count and load: other work on the machine moves every figure here."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"machine: {os.cpu_count()} CPUs, load average {load} (1/5/15 min)"


def catalog_checks(rerun: Callable[[], object]) -> str:
    """How many content-freshness checks one page rerun makes, and what they cost.

    Pages look up texts with ``views.language.t()``, whose catalog comes from
    ``views.context.catalog()``; that asks ``load_catalog()``, which lists and
    stats every content file to see whether one changed. Counted by wrapping
    the function ``views.context`` calls.
    """
    import views.context as context
    from workshop.content import load_catalog

    calls = 0

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return load_catalog(*args, **kwargs)

    context.load_catalog = counting
    try:
        rerun()
    finally:
        context.load_catalog = load_catalog
    each = statistics.median(time_runs(load_catalog, 200, 5))
    return (
        f"{calls} load_catalog() calls per rerun (views.context.catalog), "
        f"{each * 1000:.2f} ms each ≈ {calls * each * 1000:.0f} ms of the rerun"
    )


# --------------------------------------------------------------------------- data


def group_drafts(count: int, rng: random.Random, system_names: Sequence[str] = ()) -> list:
    """``count`` groups "Team A".. with systems and phases (names continue past Z)."""
    drafts = []
    for index in range(count):
        letters = chr(65 + index % 26) + (str(index // 26 + 1) if index >= 26 else "")
        system = system_names[index] if index < len(system_names) else f"System {index + 1}"
        drafts.append(
            GroupDraft(f"Team {letters}", system, rng.choice(PHASES), f"Tutor {index + 1}")
        )
    return drafts


def new_workshop(
    store: Store,
    drafts: Sequence[GroupDraft],
    *,
    title: str = "Benchmark round",
    date: str = "2026-11-23",
    previous_id: str = "",
) -> tuple[Workshop, list[Group]]:
    return create_workshop(
        store,
        title=title,
        date=date,
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode=PASSCODE,
        groups=drafts,
        previous_id=previous_id,
    )


def random_answers(
    rubric: Rubric, rng: random.Random, share: float = 1.0, skill: float = 0.0
) -> list[AnswerChange]:
    """Plausible answers for about ``share`` of the items; ``skill`` (0..1) shifts them up."""
    changes = []
    for item in rubric.items:
        if rng.random() >= share:
            continue
        options = [level_key(level) for level in rubric.levels]
        if item.na_allowed:
            options.append(NA_TEXT)
        weights = [ANSWER_WEIGHTS.get(option, 1) for option in options]
        if skill:  # a skilled team automates more: weigh "1" up
            weights = [
                weight * (1 + skill * 3) if option == "1" else weight
                for weight, option in zip(weights, options, strict=True)
            ]
        value = rng.choices(options, weights=weights)[0]
        changes.append(AnswerChange(item.id, value, rng.choice(NOTES)))
    return changes


def save(store: Store, workshop: Workshop, group: Group, changes: Sequence[AnswerChange]) -> None:
    if changes:
        store.save_answers(
            workshop.id,
            group.id,
            changes,
            updated_by=group.tutor or "tutor",
            updated_at="2026-11-23T10:20:00+00:00",
        )
