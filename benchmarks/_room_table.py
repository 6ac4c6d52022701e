"""The table ``room.py`` prints: one row per room, the targets, the notes.

Split from ``room.py`` to keep each file to one job; run as a script it does
nothing (``make bench`` runs every file here).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from _common import machine_line, percentile
from _room_measures import SAMPLE_EVERY, Idle
from _room_pages import OPEN_TIMEOUT

CPU_TARGET = 70.0  # % of one core, idle, at the full room
LATENCY_TARGET = 1.0  # seconds, p95: a vote on the tutor's count; a clock change on every page
SPREAD_TARGET = 1.0  # seconds, p95: clocks within a second of each other


@dataclass
class Row:
    pages: int
    mix: str
    opened: list[float]
    idle: Idle
    changes: list[float]
    changes_missed: int
    votes: list[float]
    votes_note: str
    exceptions: int
    late: int  # pages not shown within OPEN_TIMEOUT
    recorded: list[float | None]  # per "+1 min": seconds until the stored clock had it


def _stats(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.2f} / {percentile(values, 0.95):.2f} / {max(values):.2f} s"


def _verdict(value: float | None, target: float) -> str:
    if value is None:
        return "NOT RUN"
    return "PASS" if value <= target else "FAIL"


def _p95(values: list[float]) -> float | None:
    return percentile(values, 0.95) if values else None


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def print_row(row: Row) -> None:
    """Progress while the run goes on (the table comes at the end)."""
    idle = row.idle
    print(
        f"  ... {row.pages} pages: server {100 * idle.server / idle.seconds:.1f} % of a core, "
        f"clock spread p95 {_seconds(_p95(idle.spreads))}, "
        f"clock change p95 {_seconds(_p95(row.changes))}",
        flush=True,
    )


def print_results(
    rows: list[Row], per_kind: dict[str, float], base_rate: float, notes: list[str], idle: float
) -> None:
    print("\nA room on one server (streamlit run, websocket pages)")
    print(machine_line())
    header = (
        "pages", "mix", "load", "shown after opening p50/max", "server CPU idle", "per page",
        "measurer CPU", "msgs/s/page",
        "clock spread p50/p95/max", "clock change → page p50/p95/max", "vote → count p50/p95/max",
    )  # fmt: skip
    table = []
    for row in rows:
        seconds = row.idle.seconds
        share = 100 * row.idle.server / seconds
        table.append(
            (
                str(row.pages),
                row.mix,
                f"{row.idle.load:.1f}",
                (
                    f"{statistics.median(row.opened):.2f} / {max(row.opened):.2f} s"
                    if row.opened
                    else "—"
                )
                + (f" ({row.late} not shown)" if row.late else ""),
                f"{share:.1f} %",
                f"{1000 * (row.idle.server / seconds - base_rate) / row.pages:.1f} ms/s",
                f"{100 * row.idle.client / seconds:.0f} %",
                f"{row.idle.messages / seconds / row.pages:.1f}",
                _stats(row.idle.spreads),
                _stats(row.changes)
                + (f" ({row.changes_missed} missed)" if row.changes_missed else ""),
                _stats(row.votes) if row.votes else "not run",
            )
        )
    widths = [max(len(line[i]) for line in (header, *table)) for i in range(len(header))]
    rule = "  ".join("-" * width for width in widths)
    print(rule)
    print("  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)))
    print(rule)
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    print(rule)
    print(
        "server CPU: % of one core over the idle window; per page: above the baseline, "
        "divided by the pages. * = some places stood in by another kind (see notes).\n"
        "load: the machine's 1-minute load average after the idle window; above 2 other "
        "work takes CPU from the server, and the latencies grow with it."
    )
    if per_kind:
        print("\nServer CPU per idle page, by kind (pages of one kind alone, baseline subtracted):")
        for label, per_page in per_kind.items():
            print(
                f"  {label}: {1000 * per_page:.1f} ms of CPU per second "
                f"({100 * per_page:.2f} % of a core)"
            )

    full = next((row for row in rows if row.pages >= 109), rows[-1] if rows else None)
    if full is not None:
        share = 100 * full.idle.server / full.idle.seconds
        spread, change, vote = _p95(full.idle.spreads), _p95(full.changes), _p95(full.votes)
        print(f"\nTargets at {full.pages} pages:")
        targets = (
            (f"server CPU idle < {CPU_TARGET:g} % of a core", f"{share:.1f} %", share, CPU_TARGET),
            (f"clocks within {SPREAD_TARGET:g} s (spread p95)", _seconds(spread), spread,
             SPREAD_TARGET),
            (f"clock change on every page (p95 <= {LATENCY_TARGET:g} s)", _seconds(change),
             change, LATENCY_TARGET),
            (f"vote → tutor's count (p95 <= {LATENCY_TARGET:g} s)", _seconds(vote), vote,
             LATENCY_TARGET),
        )  # fmt: skip
        for name, shown, value, target in targets:
            print(f"  {name}: {shown}  {_verdict(value, target)}")
    print("\nNotes:")
    for note in notes:
        print(f"  - {note}")
    vote_notes = {row.votes_note for row in rows}
    for row in rows:
        if row.votes_note and (len(vote_notes) > 1 or row is rows[0]):
            print(f"  - {row.pages} pages: {row.votes_note}")
    for row in rows:
        if row.idle.silence > 5 or row.idle.lag > 0.5:
            print(
                f"  - {row.pages} pages: for {row.idle.silence:.1f} s no page received "
                f"anything; this process was at most {row.idle.lag:.2f} s late"
            )
        if row.idle.off:
            print(
                f"  - {row.pages} pages: at the end of the idle window {row.idle.off} page(s) "
                "showed a clock more than 2 s off the stored one"
            )
        if row.idle.missing:
            print(f"  - {row.pages} pages: {row.idle.missing} page(s) showed no countdown")
        if row.recorded:
            print(
                f'  - {row.pages} pages: "+1 min" in the stored clock after '
                + ", ".join("never" if r is None else f"{r:.2f} s" for r in row.recorded)
                + " (the host page's own run; the pages follow from there)"
            )
        if row.late:
            print(
                f"  - {row.pages} pages: {row.late} page(s) not drawn within "
                f"{OPEN_TIMEOUT:.0f} s of opening (kept open: they still cost the server)"
            )
        if row.exceptions:
            print(f"  - {row.pages} pages: {row.exceptions} exception(s) shown on pages")
    print(f"  - idle window {idle:g} s; clocks sampled every {SAMPLE_EVERY} s")
