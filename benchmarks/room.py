"""A room on one server: what N live pages cost one ``streamlit run``, and how far apart they are.

Issue 15, item 5 ("a server that holds the room"). Target on this 2-core
machine: 12 groups x (1 tutor + 8 participants) + host = 109 live pages on one
``streamlit run``; a vote click on the tutor's count within 1 s at p95; clocks
within 1 s of each other; the server under 70 % of one core while the room is
idle between clicks.

How: the real app runs under ``streamlit run`` (``tests/support/server.py``) on a
temporary SQLite file with 12 groups (about half the items answered) and the
clock running on the Data segment. The pages are not browsers: each is a
:class:`tests.support.streamlit_ws.PageClient`, a websocket client that speaks
Streamlit's protocol as the frontend does (the first run with the link's query
string, fragment reruns on the ``run_every`` timers the server asks for, clicks
and form submits as reruns with widget values), so the server does for it what
it does for a browser, while the whole room fits in one Python process.

The room, for ``--pages N``: the host's presenter view first (unlocked with the
passcode form), then the 12 groups' tutor pages (their join links), then
participants spread over the groups, 8 per group at 109. A kind this build does
not have (the participant page, until the ``votes`` branch lands) is *stood in
for* by the kind given in ``STAND_IN`` (a second screen on the group's tutor
link, which is what a participant could open before), and the table says so.

Measured, for each N:

* **server CPU, idle**: the ``streamlit run`` process's CPU time (utime + stime,
  its children included: psutil if installed, else ``/proc/<pid>/stat``) over
  ``--idle`` seconds (30) in which nobody clicks, as % of one core, and per page.
  The measuring process's own CPU is printed beside it: it shares the two cores.
* **clock spread**: every 0.25 s of that window, what each page's countdown
  shows against the true remaining time of the stored clock
  (``workshop.clock.view``); the spread is the largest minus the smallest of
  those differences across pages at that instant (p50 / p95 / max over the
  instants), the error the largest absolute difference.
* **clock change → page**: the host presses "+1 min" (``--clicks`` times, 4 s
  apart); per page, the time from the click leaving the host until that page
  shows a countdown a minute longer (p50 / p95 / max). This is the "pushed or
  polled when it changes" path of a state change.
* **vote → tutor count**: a participant presses a vote button and the time until
  the group's tutor page shows the higher count (p50 / p95). Skipped, with the
  reason, while the build has no participant page.

Before the idle windows, a baseline window with no page open gives the
server's own idle CPU, and ``--per-kind`` (12) pages of each kind alone give
the CPU **per idle tutor page** and **per participant page** (baseline
subtracted).

Reading a countdown (``countdown_reading`` in ``tests/support/countdowns.py``):
the server-drawn countdown of the 1 s fragment is markup with
``data-testid="countdown"``, ``data-remaining`` and ``data-rendered-at``, and a
screen shows that value until the next one arrives. The countdown that ticks in
the browser (issue 15) is a component whose data is the stored clock state and
the server's time; its screen shows ``workshop.clock.view`` of that state at the
browser's time corrected as the component does (the largest of its last ten
``server_now`` minus arrival samples). A page whose state is out of date (a
change not yet delivered) shows the old clock: that is what the spread and the
clock change measure then.

Run: ``.venv/bin/python benchmarks/room.py --pages 10,40,109`` (about 8
minutes; ``--idle``, ``--clicks``, ``--per-kind``, ``--kinds``, ``--concurrency``).
Always exits 0: these are measurements, not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

# benchmarks/ is on sys.path when run as a script; _common also puts the project root there.
from _common import (
    ROOT,
    group_drafts,
    new_workshop,
    random_answers,
    save,
)
from _room_measures import clock_changes, idle_window
from _room_pages import (
    AGENDA,
    CHANGE_TIMEOUT,
    GROUPS,
    KINDS,
    OPEN_TIMEOUT,
    STAND_IN,
    Room,
    adopt_paths,
    host_query,
    layout,
    open_rounds,
    votes,
    votes_offered,
)
from _room_table import Row, print_results, print_row

from tests.support.server import streamlit_app
from tests.support.streamlit_ws import PageClient
from workshop import clock
from workshop.content import load_rubric
from workshop.models import ClockState, Group, Workshop

SEED = 20261215
DATA_SEGMENT = 1  # standard-60: 0 intro, 1 data, 2 model, 3 infra, 4 monitor, 5 wrap-up


# --------------------------------------------------------------------------- the run


def seed(path: Path) -> tuple[Workshop, list[Group]]:
    from workshop.store.sqlite import SqliteStore

    rng = random.Random(SEED)
    rubric = load_rubric("ml-test-score")
    store = SqliteStore(path)
    try:
        workshop, groups = new_workshop(store, group_drafts(GROUPS, rng), title="Room")
        for group in groups:
            save(store, workshop, group, random_answers(rubric, rng, share=0.5))
        restart_clock(store, workshop)
    finally:
        store.close()
    return workshop, groups


def restart_clock(store, workshop: Workshop) -> None:
    """The Data segment running from now, so a phase's countdowns have their full time."""
    now = time.time()
    store.set_clock(
        workshop.id,
        ClockState(segment=DATA_SEGMENT, status="running", started_at=now - 5, updated_at=now),
    )


async def run(args: argparse.Namespace) -> tuple[list[Row], dict[str, float], float, list[str]]:
    from workshop.store.sqlite import SqliteStore

    agenda = AGENDA
    rows: list[Row] = []
    per_kind: dict[str, float] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-room-") as tmp:
        workdir = Path(tmp)
        db = workdir / "e2e.sqlite3"  # the file streamlit_app points at
        workshop, groups = seed(db)
        store = SqliteStore(db)

        def stored() -> ClockState:
            return store.snapshot(workshop.id).clock

        def revision() -> object:
            return store.revision(workshop.id)

        with streamlit_app(workdir, timeout=90) as server:
            pid = server.process.pid
            room = Room(server.url, workshop, groups)
            # Which pages this build offers: the navigation the first page receives.
            probe = PageClient(server.url, "present", host_query(workshop, groups[0]))
            await probe.open(OPEN_TIMEOUT)
            offered = set(probe.app_pages)
            adopt_paths(offered)
            await probe.close()
            for role, stand_in in STAND_IN.items():
                if role in args.kinds and KINDS[role].path not in offered:
                    notes.append(
                        f"no '/{KINDS[role].path}' page in this build: the {role}s' places are "
                        f"taken by {stand_in} pages (a second screen on the group's "
                        f"{stand_in} link)"
                    )
            await asyncio.sleep(3)
            baseline = await idle_window(room, pid, args.idle, lambda _now: 0.0)
            base_rate = baseline.server / baseline.seconds
            notes.append(f"baseline, no page open: server {100 * base_rate:.1f} % of a core")
            for role in ("tutor", "participant"):
                if args.per_kind <= 0 or role not in args.kinds:
                    continue
                kind = role if KINDS[role].path in offered else STAND_IN.get(role, role)
                if kind != role and kind in args.kinds:
                    continue  # stood in by a kind measured on its own already
                restart_clock(store, workshop)
                await room.open(
                    [(kind, role, index % GROUPS) for index in range(args.per_kind)],
                    args.concurrency,
                )
                await asyncio.sleep(5)
                window = await idle_window(room, pid, args.idle, _truth(agenda, stored()))
                per_page = (window.server / window.seconds - base_rate) / args.per_kind
                label = role if kind == role else f"{role} (stood in by {kind})"
                per_kind[label] = per_page
                await room.close()
                await asyncio.sleep(2)
            for count in args.pages:
                restart_clock(store, workshop)
                places = layout(count, args.kinds, offered)
                mix = ", ".join(
                    f"{sum(1 for p in places if p[1] == role)} {role}"
                    + ("" if all(p[0] == role for p in places if p[1] == role) else "*")
                    for role in ("host", "tutor", "participant")
                    if any(p[1] == role for p in places)
                )
                opened = await room.open(places, args.concurrency)
                vote_note = votes_offered(offered)
                if not vote_note:
                    vote_note = await open_rounds(room)
                await asyncio.sleep(5)  # past the first ticks
                idle = await idle_window(room, pid, args.idle, _truth(agenda, stored()))
                changes, missed, recorded = await clock_changes(
                    room, args.clicks, agenda, stored, revision
                )
                vote_times: list[float] = []
                if not vote_note:
                    vote_times, cast = await votes(room, args.votes)
                    if not cast:
                        vote_note = "no participant in this room: no vote cast"
                    elif len(vote_times) < cast:
                        vote_note = (
                            f"{cast - len(vote_times)} of {cast} votes did not reach the "
                            f"tutor's count within {CHANGE_TIMEOUT:g} s"
                        )
                exceptions = sum(len(page.client.received.exceptions) for page in room.pages)
                rows.append(
                    Row(len(places), mix, opened, idle, changes, missed, vote_times, vote_note,
                        exceptions, room.late, recorded)
                )  # fmt: skip
                print_row(rows[-1])
                await room.close()
                await asyncio.sleep(3)
            if "Traceback" in server.log():
                kept = ROOT / "test-artifacts" / f"room-{server.log_path.name}"
                kept.parent.mkdir(exist_ok=True)
                kept.write_text(server.log(), encoding="utf-8")
                first = server.log().split("Traceback", 1)[1].strip().splitlines()
                notes.append(
                    f"the server log has a traceback (kept in {kept}); it ends: "
                    + (first[-1] if first else "")
                )
        store.close()
    return rows, per_kind, base_rate, notes


def _truth(agenda, state: ClockState) -> Callable[[float], float]:
    return lambda now: clock.view(agenda, state, now).remaining


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages",
        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
        default=[10, 40, 109],
        help="room sizes, comma-separated (default 10,40,109)",
    )
    parser.add_argument(
        "--kinds",
        type=lambda text: [k.strip() for k in text.split(",") if k.strip()],
        default=["host", "tutor", "participant"],
        help="page kinds in the room (default host,tutor,participant)",
    )
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of each idle window")
    parser.add_argument("--clicks", type=int, default=3, help="'+1 min' presses per room")
    parser.add_argument("--votes", type=int, default=12, help="votes per room (with the page)")
    parser.add_argument("--per-kind", type=int, default=12, help="pages per kind alone (0: skip)")
    parser.add_argument("--concurrency", type=int, default=4, help="pages opening at once")
    args = parser.parse_args(argv)
    unknown = set(args.kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown page kind(s) {sorted(unknown)}; known: {sorted(KINDS)}")
    started = time.perf_counter()
    try:
        rows, per_kind, base_rate, notes = asyncio.run(run(args))
    except Exception as error:  # a measurement: report what broke instead of crashing
        traceback.print_exc(file=sys.stderr)
        print(f"\nroom: NOT RUN: {type(error).__name__}: {error}".splitlines()[0])
        return 0
    print_results(rows, per_kind, base_rate, notes, args.idle)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
