"""Google Sheets API requests per minute during a simulated 60-minute workshop.

One service account shares about 60 requests a minute, so the Sheets store
must keep a live workshop well below that however many people watch. This
replays a whole workshop in accelerated time against the local fake Sheets
server (real gspread and google-auth, only the transport redirected) with a
simulated clock driving the store's cache and the fake's request log, so an
hour takes a few seconds:

* G groups: during each 10-minute section their tutor saves the 7 items one by
  one (one save per click, as the tutor page does), edits some notes, and
  revises a few answers during the wrap-up; each group adds action items.
* V viewers (host screen, tutors' and participants' pages) refresh every 2-5 s;
  every refresh is a ``snapshot()`` through the shared per-process cache.
* The host starts, pauses and advances the agenda clock.
* With participants (``P`` per group, the participants scenario): before each
  answer the tutor opens the test for votes, every participant votes (some
  change their vote), the tutor reveals and sometimes notes why the group
  disagreed; each participant's page refreshes every 2 s. Votes stay in the
  local votes file; only the revealed summary rides along with the group's
  next commit. Target: peak <= 45 requests/minute at G=12, V=60, P=8.

Printed side by side for G=6/V=20 and G=12/V=60: this app's pattern (shared
read, write-through cache, request budget), the spec's first idea of clearing
the cache after every write, and the naive pattern (every refresh re-reads
every group worksheet, no cache; modelled from the same events, not sent).
Target: peak <= 30 requests/minute at G=12/V=60, and no growth with V.

Run: ``python benchmarks/sheets_quota.py [--compare-clear]`` (exit 1 if the
target is missed). The fake spends ~15 ms per write copying the spreadsheet,
so runs go in parallel processes; the whole benchmark takes a few minutes (the
participants scenario ticks ~170,000 participant pages).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.clock import ManualClock  # noqa: E402
from tests.support.fake_sheets import FakeSheetsServer, peak_in_window  # noqa: E402
from workshop.models import ActionItem, ClockState, FieldPatch, Group, Workshop  # noqa: E402
from workshop.outbox import Outbox  # noqa: E402
from workshop.sheets_client import RetryPolicy  # noqa: E402
from workshop.store.sheets import SheetsStore, clear_shared_books  # noqa: E402
from workshop.sync import SyncEngine  # noqa: E402
from workshop.vote_box import VoteBox, VotingClosed  # noqa: E402

MINUTES = 60
SECTIONS = (("data", 5), ("model", 15), ("infra", 25), ("monitor", 35))  # start minute
SECTION_MINUTES = 10
WRAPUP = (45, 60)
SEGMENT_STARTS = (0, 5, 15, 25, 35, 45)
CACHE_SECONDS = 4.0
SEND_INTERVAL = 4.0  # the app's default (settings.send_interval)
STEP_SECONDS = 0.5  # how often the modelled sender thread looks at the outbox
TARGET_PEAK = 30
TARGET_PEAK_PARTICIPANTS = 45  # issue 15: 12 groups x 8 participants, with headroom
PARTICIPANT_REFRESH = 2.0  # the participant page's poll (views/votes.py)
SEED = 20261123
NOTE_SHARE = 0.25  # items whose note is typed in a separate save, later
LEVELS = ("0", "0.5", "1", "0.5", "1", "N/A")


@dataclass(order=True)
class Event:
    t: float
    order: int
    # "view", "save", "clock", "action"; with participants "poll", "open", "vote", "reveal", "note"
    kind: str = field(compare=False)
    who: int = field(compare=False, default=0)
    payload: tuple = field(compare=False, default=())


def plan_events(groups: int, viewers: int, seed: int = SEED, participants: int = 0) -> list[Event]:
    """Everything that happens during the hour, in time order (deterministic per seed)."""
    rng = random.Random(seed)
    events: list[Event] = []

    def add(t: float, kind: str, who: int = 0, payload: tuple = ()) -> None:
        events.append(Event(t, len(events), kind, who, payload))

    if participants:
        _plan_votes(groups, participants, random.Random(seed + 1), add)

    for viewer in range(viewers):
        t = rng.uniform(0, 5)
        while t < MINUTES * 60:
            add(t, "view", viewer)
            t += rng.uniform(2, 5)
    for g in range(groups):
        for section, start_minute in SECTIONS:
            start = start_minute * 60
            times = sorted(
                rng.uniform(start + 30, start + SECTION_MINUTES * 60 - 30) for _ in range(7)
            )
            for n, t in enumerate(times, start=1):
                item = f"{section}-{n}"
                value = rng.choice(LEVELS)
                add(t, "save", g, (item, value, ""))
                if rng.random() < NOTE_SHARE:  # a note typed a little later
                    note_at = min(t + rng.uniform(20, 120), start + SECTION_MINUTES * 60)
                    add(note_at, "save", g, (item, value, f"evidence for {item}"))
        for _ in range(3):  # answers revised during the discussion
            section, _start = rng.choice(SECTIONS)
            item = f"{section}-{rng.randint(1, 7)}"
            add(rng.uniform(47 * 60, 55 * 60), "save", g, (item, rng.choice(LEVELS), "revised"))
        for n in range(2):
            add(rng.uniform(50 * 60, 58 * 60), "action", g, (n,))
    for index, minute in enumerate(SEGMENT_STARTS):
        add(minute * 60 + 1, "clock", 0, (index, "running"))
    add(30 * 60, "clock", 0, (3, "paused"))  # a short pause mid-infra
    add(31 * 60, "clock", 0, (3, "running"))
    add(MINUTES * 60 - 1, "clock", 0, (5, "finished"))
    events.sort()
    return events


def _plan_votes(
    groups: int, participants: int, rng: random.Random, add: Callable[..., None]
) -> None:
    """Participants' pages and votes, from their own random stream (the other events stay
    as they were): per test, the tutor opens it, everybody votes, the tutor reveals and
    sometimes notes why; the answer of :func:`plan_events` follows within minutes."""
    for person in range(groups * participants):
        t = rng.uniform(0, PARTICIPANT_REFRESH)
        while t < MINUTES * 60:
            add(t, "poll", person)
            t += PARTICIPANT_REFRESH
    for g in range(groups):
        for section, start_minute in SECTIONS:
            start = start_minute * 60
            times = sorted(
                rng.uniform(start + 60, start + SECTION_MINUTES * 60 - 30) for _ in range(7)
            )
            for n, t in enumerate(times, start=1):
                item = f"{section}-{n}"
                add(t - 50, "open", g, (item,))
                for person in range(participants):
                    choice = rng.choice((*LEVELS[:3], "?"))
                    add(rng.uniform(t - 45, t - 10), "vote", g, (item, f"p{person}", choice))
                    if rng.random() < 0.2:  # changed their mind before the reveal
                        add(t - 8, "vote", g, (item, f"p{person}", rng.choice(LEVELS[:3])))
                add(t - 5, "reveal", g, (item,))
                if rng.random() < 0.25:
                    add(t + 15, "note", g, (item,))


@dataclass
class Result:
    label: str
    pattern: str
    peak: int
    mean: float
    peak_reads: int
    peak_writes: int
    total: int
    quota_errors: int
    seconds: float = 0.0
    mean_reads: float = 0.0
    mean_writes: float = 0.0
    sent: bool = True  # False for the modelled naive pattern
    unsent: int = 0  # changes still in the outbox at the end (must be 0)
    save_p50: float = 0.0  # seconds from a tutor's click to the change in the sheet
    save_p90: float = 0.0
    save_max: float = 0.0
    summaries: int = 0  # vote summaries in the sheet at the end (participants scenario)


def _groups(workshop_id: str, count: int) -> list[Group]:
    return [
        Group(
            id=f"g{n}",
            workshop_id=workshop_id,
            name=f"Team {n + 1}",
            system=f"System {n + 1}",
            phase="production",
            tutor=f"Tutor {n + 1}",
            position=n,
        )
        for n in range(count)
    ]


def run_app(
    groups: int,
    viewers: int,
    *,
    write_through: bool = True,
    participants: int = 0,
    **options: object,
) -> Result:
    """Replay the hour against the fake as the app runs it; count what the fake saw.

    As in the app: one store per process with background reads (pages get the
    shared copy, the sender's refresh reads the sheet while someone looks),
    tutors' changes go through the outbox and the sender (one commit, a read
    and a write, for every group's waiting changes, at most every
    ``SEND_INTERVAL`` seconds), the host's clock and the action items are
    written directly. The sender thread is modelled by a step every half second.
    """
    clear_shared_books()
    sim = ManualClock(0.0)  # simulated seconds; retries "sleep" by moving it
    events = plan_events(groups, viewers, participants=participants)
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSheetsServer(quota_per_minute=60, clock=sim) as fake,
    ):
        key = fake.create_spreadsheet("Workshop")
        info = fake.service_account_info()
        store = SheetsStore(
            key,
            info,
            endpoint=fake.base_url,
            cache_seconds=CACHE_SECONDS,
            clock=sim,
            retry=RetryPolicy(sleep=sim.advance),
            write_through=write_through,
            background_reads=True,
            quota_per_minute=60,
            pace_sleep=sim.advance,
            **options,  # type: ignore[arg-type]
        )
        workshop = Workshop("w1", "Benchmark", "2026-11-23", "en", "ml-test-score", "standard-60")
        store.create_workshop(workshop, _groups("w1", groups))
        store.snapshot("w1")
        sim.advance(120)  # preparation happened well before the start
        fake.reset_log()
        sim.now = 0.0
        store.invalidate()
        outbox = Outbox(Path(tmp) / "outbox.sqlite3")
        votes = VoteBox(Path(tmp) / "votes.sqlite3", "bench")
        engine = SyncEngine(
            store,
            outbox,
            record="bench",
            send_interval=SEND_INTERVAL,
            clock=sim,
            wall=lambda: 1_800_000_000.0 + sim.now,
            observe_edits=True,
            votes=votes,
        )
        seen: dict[tuple[int, str], tuple[str, str]] = {}

        def save(e: Event) -> None:
            item, value, note = e.payload
            made_at = f"2026-11-23T10:{int(e.t // 60):02d}:{e.t % 60:09.6f}+00:00"
            old_value, old_note = seen.get((e.who, item), ("", ""))
            for name, text, base in (("value", value, old_value), ("note", note, old_note)):
                if text != base:  # the page sends only the field that changed
                    patch = FieldPatch(item, name, text, base, made_at, f"Tutor {e.who + 1}")
                    engine.record("w1", f"g{e.who}", patch)
            seen[(e.who, item)] = (value, note)

        def view(e: Event) -> None:
            engine.watch("w1")
            store.snapshot("w1")

        polled: dict[int, object] = {}

        def poll(e: Event) -> None:
            """A participant page's tick (views.live.live_snapshot): the revision, which
            costs no request, and a snapshot only when it moved; votes are local."""
            engine.watch("w1")
            revision = store.revision("w1")
            if polled.get(e.who) != revision:
                store.snapshot("w1")
                polled[e.who] = revision

        handlers: dict[str, Callable[[Event], None]] = {
            "view": view,
            "poll": poll,
            "save": save,
            "clock": lambda e: store.set_clock(
                "w1",
                ClockState(
                    segment=e.payload[0], status=e.payload[1], started_at=e.t, updated_at=e.t
                ),
            ),
            "action": lambda e: store.add_action(
                ActionItem(f"a{e.who}-{e.payload[0]}", "w1", f"g{e.who}", "data-1", "Next step")
            ),
            "open": lambda e: votes.set_current("w1", f"g{e.who}", e.payload[0], e.t),
            "vote": lambda e: _vote(votes, e),
            "reveal": lambda e: _reveal(votes, engine, f"g{e.who}", e.payload[0]),
            "note": lambda e: votes.set_note(
                "w1",
                f"g{e.who}",
                e.payload[0],
                "why we split",
                _summary(votes, f"g{e.who}", e.payload[0]),
            ),
        }
        next_step = 0.0
        for event in events:
            while next_step < event.t:  # the sender thread's rounds up to this moment
                sim.now = max(sim.now, next_step)
                engine.step()
                next_step += STEP_SECONDS
            sim.now = max(sim.now, event.t)
            handlers[event.kind](event)
        while (outbox.pending("bench") or votes.due()) and next_step < MINUTES * 60 + 120:
            sim.now = max(sim.now, next_step)
            engine.step()
            next_step += STEP_SECONDS
        left = len(outbox.pending("bench")) + len(votes.due())
        summaries = sum(len(v) for v in store.snapshot("w1").votes.values())
        votes.close()
        with outbox.db.transaction(write=False) as conn:
            latencies = sorted(
                row["settled_at"] - row["recorded_at"]
                for row in conn.execute(
                    "SELECT recorded_at, settled_at FROM changes WHERE status = 'written'"
                )
            )
        outbox.close()
        log = [r for r in fake.requests_log() if r.kind != "token"]
    elapsed = time.perf_counter() - started
    pattern = "outbox + commit, shared read" if write_through else "clear cache after write"
    label = f"G={groups}, V={viewers}" + (f", P={participants}" if participants else "")
    result = _summarise(label, pattern, log, elapsed)
    result.unsent = left
    result.summaries = summaries
    result.save_p50 = latencies[len(latencies) // 2] if latencies else 0.0
    result.save_p90 = latencies[int(len(latencies) * 0.9)] if latencies else 0.0
    result.save_max = latencies[-1] if latencies else 0.0
    return result


def _summary(votes: VoteBox, group_id: str, item_id: str) -> str:
    from tests.rubric_factory import make_rubric
    from workshop.votes import summary_text, tally

    rubric = make_rubric(rubric_id="ml-test-score")
    state = votes.state("w1", group_id, item_id)
    return summary_text(tally(rubric, rubric.item(item_id), [v.choice for v in state.votes]))


def _vote(votes: VoteBox, e: Event) -> None:
    item, participant, choice = e.payload
    # Too late (the tutor revealed or moved on) is refused; the page says so.
    with contextlib.suppress(VotingClosed):
        votes.cast("w1", f"g{e.who}", item, participant, "", choice, e.t)


def _reveal(votes: VoteBox, engine: SyncEngine, group_id: str, item_id: str) -> None:
    votes.reveal("w1", group_id, item_id, _summary(votes, group_id, item_id))
    engine.nudge()


def _summarise(label: str, pattern: str, log: list, elapsed: float) -> Result:
    times = [r.t for r in log]
    reads = [r.t for r in log if r.kind in ("read", "meta")]
    writes = [r.t for r in log if r.kind == "write"]
    return Result(
        label=label,
        pattern=pattern,
        peak=peak_in_window(times),
        mean=len(times) / MINUTES,
        peak_reads=peak_in_window(reads),
        peak_writes=peak_in_window(writes),
        total=len(times),
        quota_errors=sum(1 for r in log if r.status == 429),
        seconds=elapsed,
        mean_reads=len(reads) / MINUTES,
        mean_writes=len(writes) / MINUTES,
        sent=not pattern.startswith("naive"),
    )


@dataclass
class _Stamp:
    t: float
    kind: str
    status: int = 0  # never sent, so never refused


def model_naive(groups: int, viewers: int) -> Result:
    """Every refresh reads Settings and each group worksheet, uncached; writes as above."""
    log: list[_Stamp] = []
    for event in plan_events(groups, viewers):
        if event.kind == "view":
            log.extend(_Stamp(event.t, "read") for _ in range(groups + 1))
        elif event.kind == "action":
            log.extend((_Stamp(event.t, "read"), _Stamp(event.t, "write")))
        else:
            log.append(_Stamp(event.t, "write"))
    return _summarise(f"G={groups}, V={viewers}", "naive, no cache (modelled)", log, 0.0)


def print_table(results: list[Result]) -> None:
    header = (
        f"{'scenario':<16} {'pattern':<28} {'peak/min':>8} {'mean/min':>8} "
        f"{'reads pk':>8} {'reads/min':>9} {'writes pk':>9} {'writes/min':>10} {'429s':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.label:<16} {r.pattern:<28} {r.peak:>8} {r.mean:>8.1f} "
            f"{r.peak_reads:>8} {r.mean_reads:>9.1f} {r.peak_writes:>9} {r.mean_writes:>10.1f} "
            f"{r.quota_errors if r.sent else '-':>5}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--compare-clear",
        action="store_true",
        help="also run the 'clear the cache after every write' variant (about 30 s more)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    runs: dict[str, tuple[Callable[..., Result], tuple, dict]] = {
        "small": (run_app, (6, 20), {}),
        "big": (run_app, (12, 60), {}),
        "more_viewers": (run_app, (6, 60), {}),
        "participants": (run_app, (12, 60), {"participants": 8}),
    }
    if args.compare_clear:
        runs["small_clear"] = (run_app, (6, 20), {"write_through": False})
        runs["big_clear"] = (run_app, (12, 60), {"write_through": False})
    # The runs are independent: use the machine's cores (each run is one process).
    with ProcessPoolExecutor(max_workers=min(len(runs), os.cpu_count() or 1)) as pool:
        futures = {
            name: pool.submit(fn, *fn_args, **kw) for name, (fn, fn_args, kw) in runs.items()
        }
        done = {name: future.result() for name, future in futures.items()}

    results: list[Result] = []
    for size in ("small", "big"):
        results.append(done[size])
        if f"{size}_clear" in done:
            results.append(done[f"{size}_clear"])
        groups, viewers = runs[size][1]
        results.append(model_naive(groups, viewers))
    results.append(done["participants"])

    print(
        f"Sheets API requests per minute in a simulated {MINUTES}-minute workshop "
        f"(sliding 60 s windows; cache {CACHE_SECONDS:g} s; fake quota 60/min)\n"
    )
    print_table(results)
    print(
        "\nnaive = every page refresh reads Settings and each group worksheet, no cache; "
        "counted from the same events, not sent."
    )
    small, big, more = done["small"], done["big"], done["more_viewers"]
    growth = more.total - small.total
    print(
        f"Viewers: G=6 with V=20 -> {small.total} requests in the hour, with V=60 -> "
        f"{more.total} ({growth:+d}): reads follow the clock, not the number of viewers."
    )
    for name in ("small", "big"):
        r = done[name]
        print(
            f"{r.label}: a tutor's change reaches the sheet in {r.save_p50:.1f} s (median), "
            f"{r.save_p90:.1f} s (p90), {r.save_max:.1f} s (max), simulated time."
        )
    unsent = {name: r.unsent for name, r in done.items() if r.unsent}
    print(f"Changes left unsent at the end: {unsent or 'none'}")
    ok_peak = big.peak <= TARGET_PEAK and not unsent
    ok_growth = growth <= max(10, math.ceil(0.05 * small.total))
    print(
        f"Target: peak <= {TARGET_PEAK}/min at G=12, V=60: {big.peak} -> "
        f"{'PASS' if ok_peak else 'FAIL'}; no growth with V: {'PASS' if ok_growth else 'FAIL'}"
    )
    voting = done["participants"]
    ok_votes = voting.peak <= TARGET_PEAK_PARTICIPANTS and not voting.unsent
    print(
        f"Participants: {voting.label}: {voting.summaries} vote summaries in the sheet, "
        f"{voting.total} requests in the hour ({voting.total - big.total:+d} against no "
        f"participants); target peak <= {TARGET_PEAK_PARTICIPANTS}/min: {voting.peak} -> "
        f"{'PASS' if ok_votes else 'FAIL'}"
    )
    print(
        f"({len(runs)} simulated hours in {time.perf_counter() - started:.1f} s real time; "
        f"slowest run {max(r.seconds for r in done.values()):.1f} s)"
    )
    return 0 if ok_peak and ok_growth and ok_votes else 1


if __name__ == "__main__":
    raise SystemExit(main())
