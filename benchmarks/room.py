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

Reading a countdown (``countdown_reading`` in ``tests/support/streamlit_ws.py``):
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
import contextlib
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

# benchmarks/ is on sys.path when run as a script; _common also puts the project root there.
from _common import (
    KEYS,
    PASSCODE,
    ROOT,
    group_drafts,
    machine_line,
    new_workshop,
    percentile,
    random_answers,
    save,
)

from tests.support.server import streamlit_app
from tests.support.streamlit_ws import PageClient, Reading, Shown, countdown_reading
from workshop import clock
from workshop.content import load_agenda, load_catalog, load_rubric
from workshop.i18n import Translator
from workshop.models import ClockState, Group, Workshop

SEED = 20261215
GROUPS = 12
DATA_SEGMENT = 1  # standard-60: 0 intro, 1 data, 2 model, 3 infra, 4 monitor, 5 wrap-up
CPU_TARGET = 70.0  # % of one core, idle, at the full room
LATENCY_TARGET = 1.0  # seconds, p95: a vote on the tutor's count; a clock change on every page
SPREAD_TARGET = 1.0  # seconds, p95: clocks within a second of each other
SAMPLE_EVERY = 0.25
OPEN_TIMEOUT = 240.0
CHANGE_TIMEOUT = 15.0
UI = Translator(load_catalog().ui, "en")
AGENDA = load_agenda("standard-60")
#: How many of its last clock samples a ticking countdown takes its offset from (the
#: component keeps the largest of the last 10: the least delayed delivery).
OFFSET_SAMPLES = 10


# --------------------------------------------------------------------------- page kinds


@dataclass(frozen=True)
class PageKind:
    """A kind of live page: the url path it opens and its link's query for a group."""

    name: str
    path: str
    query: Callable[[Workshop, Group], dict[str, str]]
    host: bool = False  # unlocked with the passcode form after opening


def _host_query(workshop: Workshop, _group: Group) -> dict[str, str]:
    return {"w": workshop.id, "lang": "en"}


def _tutor_query(workshop: Workshop, group: Group) -> dict[str, str]:
    return {"w": workshop.id, "g": group.id, "code": KEYS.join_code(group), "lang": "en"}


def _participant_query(workshop: Workshop, group: Group) -> dict[str, str]:
    """The participant's link (branch ``votes``: ``/vote?w=&g=&token=``, ``workshop.links``)."""
    query = {"w": workshop.id, "g": group.id, "lang": "en"}
    token = getattr(KEYS, "participant_token", None)
    if token is not None:
        query["token"] = token(group)
    return query


KINDS: dict[str, PageKind] = {
    "host": PageKind("host", "present", _host_query, host=True),
    "tutor": PageKind("tutor", "tutor", _tutor_query),
    # The participant page (branch `votes`): measured when the navigation offers this path.
    "participant": PageKind("participant", "vote", _participant_query),
}
#: What takes a missing kind's places in the room: a second screen on the tutor link.
STAND_IN = {"participant": "tutor"}

#: The vote hook (branch `votes`): each group's tutor opens a test for votes in the select
#: box labelled VOTE_PICK, a participant presses a button matching VOTE_BUTTON, and the
#: tutor's page counts the votes in a line made from the UI text VOTE_COUNT_TEXT.
VOTE_PICK = "votes.pick_test"
VOTE_TEST = re.compile(r"^data-1 · ")
VOTE_BUTTON = re.compile(r"^(0\.5|0|1) · ")
VOTE_COUNT_TEXT = "votes.voted_count"  # "{count} of {present} participant(s) voted"


def vote_count_pattern() -> re.Pattern[str] | None:
    """The tutor's vote count as a pattern (the number voted in group 1); None without votes."""
    text = load_catalog().ui.get(VOTE_COUNT_TEXT)
    if text is None:
        return None
    pattern = re.escape(text.get("en"))
    for name, group in (("count", r"(\d+)"), ("present", r"\d+")):
        pattern = pattern.replace(re.escape("{" + name + "}"), group)
    return re.compile(pattern)


VOTE_COUNT = vote_count_pattern()


# --------------------------------------------------------------------------- the room


@dataclass
class Page:
    kind: str  # the kind measured ("tutor" also when standing in)
    role: str  # the place in the room ("participant" for a stand-in)
    group: Group
    client: PageClient
    reading: Reading | None = None
    watch: tuple[float, Callable[[Reading], bool]] | None = None
    changes: list[float] = field(default_factory=list)
    counts: list[tuple[float, int]] = field(default_factory=list)
    offsets: deque[float] = field(default_factory=lambda: deque(maxlen=OFFSET_SAMPLES))


def _on_element(page: Page) -> Callable[[PageClient, Shown], None]:
    def seen(_client: PageClient, shown: Shown) -> None:
        reading = countdown_reading(shown, AGENDA)
        if reading is not None:
            if reading.state is not None:  # ticking in the browser: its clock estimate
                page.offsets.append(reading.offset)
                reading = replace(reading, offset=max(page.offsets))
            page.reading = reading
            if page.watch is not None and page.watch[1](reading):
                page.changes.append(reading.arrived - page.watch[0])
                page.watch = None
        if page.kind == "tutor" and VOTE_COUNT is not None and shown.text:
            match = VOTE_COUNT.search(shown.text)
            if match:
                page.counts.append((shown.at, int(match.group(1))))

    return seen


def layout(pages: int, kinds: list[str], offered: set[str]) -> list[tuple[str, str, int]]:
    """(kind measured, role, group index) for each page: host, tutors, participants by group."""

    def measured(role: str) -> str:
        if KINDS[role].path in offered:
            return role
        return STAND_IN.get(role, role)

    places: list[tuple[str, str, int]] = []
    if "host" in kinds:
        places.append(("host", "host", 0))
    if "tutor" in kinds:
        places += [(measured("tutor"), "tutor", index) for index in range(GROUPS)]
    if "participant" in kinds:
        # The rest of the room, group by group: 8 per group at 109 pages.
        for seat in range(max(0, pages - len(places))):
            places.append((measured("participant"), "participant", seat % GROUPS))
    return places[:pages]


class Room:
    """The pages open on one server, and what was measured with them."""

    def __init__(self, url: str, workshop: Workshop, groups: list[Group]) -> None:
        self.url = url
        self.workshop = workshop
        self.groups = groups
        self.pages: list[Page] = []
        self.late = 0  # pages of the last open() not shown within OPEN_TIMEOUT

    async def open(self, places: list[tuple[str, str, int]], concurrency: int) -> list[float]:
        """Open every page (``concurrency`` at a time); the seconds each took to first show."""
        gate = asyncio.Semaphore(concurrency)
        timings: list[float] = []

        async def one(kind: str, role: str, index: int) -> None:
            group = self.groups[index]
            spec = KINDS[kind]
            client = PageClient(
                self.url,
                spec.path,
                spec.query(self.workshop, group),
                name=f"{role} {group.name} #{len(self.pages)}",
            )
            page = Page(kind, role, group, client)
            client.on_element = _on_element(page)
            self.pages.append(page)
            async with gate:
                started = time.perf_counter()
                try:
                    await page.client.open(OPEN_TIMEOUT)
                    if spec.host:
                        fields = {UI("host.passcode"): PASSCODE}
                        await page.client.submit_form(fields, UI("host.unlock"))
                        await page.client.wait_for(
                            lambda _client: page.reading is not None, OPEN_TIMEOUT, "unlocked"
                        )
                except TimeoutError:
                    # The server is too busy to draw it: the page stays (a person waits
                    # too, and the server still works for it) and counts as not shown.
                    self.late += 1
                    return
                timings.append(time.perf_counter() - started)

        self.late = 0
        await asyncio.gather(*(one(*place) for place in places))
        return timings

    async def close(self) -> None:
        await asyncio.gather(*(page.client.close() for page in self.pages))
        self.pages.clear()

    def host(self) -> Page | None:
        return next((page for page in self.pages if page.kind == "host"), None)


# --------------------------------------------------------------------------- measuring


def _pid_cpu(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server process and its children."""
    try:
        import psutil  # type: ignore[import-not-found]

        process = psutil.Process(pid)
        total = sum(process.cpu_times()[:2])
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sum(child.cpu_times()[:2])
        return total
    except ImportError:
        total = _pid_cpu(pid)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == pid:
                    total += _pid_cpu(int(entry.name))
        return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Idle:
    seconds: float
    server: float  # CPU seconds
    client: float
    spreads: list[float]
    errors: list[float]
    missing: int  # pages without a countdown at the end
    messages: int  # ForwardMsgs received by all pages in the window
    load: float  # the machine's 1-minute load average at the end
    silence: float  # longest time no page received anything (the server stalled)
    lag: float  # longest this process's event loop was late (the measurer stalled)


async def idle_window(
    room: Room, pid: int, seconds: float, truth: Callable[[float], float]
) -> Idle:
    """Nobody clicks for ``seconds``: server CPU, and the clocks against the stored clock."""
    received = sum(page.client.received.messages for page in room.pages)
    spreads: list[float] = []
    errors: list[float] = []
    server0, client0, started = server_cpu(pid), own_cpu(), time.monotonic()
    silence = lag = 0.0
    while time.monotonic() - started < seconds:
        asleep = time.monotonic()
        await asyncio.sleep(SAMPLE_EVERY)
        lag = max(lag, time.monotonic() - asleep - SAMPLE_EVERY)
        now = time.time()
        if room.pages:
            last = max(page.client.received.last_at for page in room.pages)
            silence = max(silence, now - last)
        true = truth(now)
        offsets = [page.reading.shown(now) - true for page in room.pages if page.reading]
        if len(offsets) >= 2:
            spreads.append(max(offsets) - min(offsets))
        if offsets:
            errors.append(max(abs(offset) for offset in offsets))
    elapsed = time.monotonic() - started
    return Idle(
        elapsed,
        server_cpu(pid) - server0,
        own_cpu() - client0,
        spreads,
        errors,
        sum(1 for page in room.pages if page.reading is None),
        sum(page.client.received.messages for page in room.pages) - received,
        os.getloadavg()[0],
        silence,
        lag,
    )


async def clock_changes(
    room: Room,
    clicks: int,
    agenda,
    stored: Callable[[], ClockState],
    revision: Callable[[], object],
) -> tuple[list[float], int, list[float | None]]:
    """The host presses "+1 min": seconds until each page shows the longer countdown.

    Also returned: for each click, the seconds until the stored clock had the
    minute (the host page's own run), None when it never got there.
    """
    host = room.host()
    if host is None or clicks <= 0:
        return [], 0, []
    missed = 0
    recorded: list[float | None] = []
    for _ in range(clicks):
        before, counter = stored(), revision()

        def longer(reading: Reading, before: ClockState = before) -> bool:
            old = clock.view(agenda, before, reading.arrived).remaining
            return reading.shown(reading.arrived) - old > 30

        sent = time.time()
        for page in room.pages:
            page.watch = (sent, longer)
        await host.client.click(UI("present.plus1"))
        deadline = time.monotonic() + CHANGE_TIMEOUT
        in_record = None
        while time.monotonic() < deadline and (
            in_record is None or any(page.watch for page in room.pages)
        ):
            await asyncio.sleep(0.05)
            if in_record is None and revision() != counter:  # a counter: cheap to ask
                in_record = time.time() - sent
        recorded.append(in_record)
        missed += sum(1 for page in room.pages if page.watch is not None)
        for page in room.pages:
            page.watch = None
        await asyncio.sleep(4)
    return [change for page in room.pages for change in page.changes], missed, recorded


def _votes_offered(offered: set[str]) -> str:
    """Why votes cannot be measured in this build ("" when they can)."""
    if KINDS["participant"].path not in offered:
        return (
            f"no participant page in this build (no '/{KINDS['participant'].path}' in the "
            "navigation): vote latency not measured"
        )
    if VOTE_COUNT is None:
        return f"no UI text {VOTE_COUNT_TEXT}: the tutor's vote count cannot be read"
    return ""


async def open_rounds(room: Room) -> str:
    """Each group's tutor opens VOTE_TEST for votes; wait for the participants' ballots."""
    tutors = [page for page in room.pages if page.kind == "tutor" and page.role == "tutor"]
    try:
        for tutor in tutors:
            await tutor.client.select(UI(VOTE_PICK), VOTE_TEST)
        voters = [page for page in room.pages if page.kind == "participant"]
        for voter in voters:
            await voter.client.wait_for(
                lambda client: _has_button(client, VOTE_BUTTON), OPEN_TIMEOUT, "a ballot"
            )
    except (LookupError, TimeoutError) as error:
        return f"votes not opened ({error}); adapt VOTE_PICK / VOTE_TEST / VOTE_BUTTON"
    return ""


def _has_button(client: PageClient, label: re.Pattern[str]) -> bool:
    try:
        client.find("button", label)
    except LookupError:
        return False
    return True


async def votes(room: Room, rounds: int) -> tuple[list[float], int]:
    """A participant votes; seconds until the group's tutor page shows the higher count.

    One voter per group in turn (the room's participants alternate groups), a
    second apart.
    """
    voters = [page for page in room.pages if page.kind == "participant"]
    tutors = {p.group.id: p for p in room.pages if p.kind == "tutor" and p.role == "tutor"}
    latencies: list[float] = []
    cast = 0
    for voter in voters[:rounds]:
        tutor = tutors.get(voter.group.id)
        if tutor is None:
            continue
        cast += 1
        before = tutor.counts[-1][1] if tutor.counts else 0
        sent = time.time()
        await voter.client.click(VOTE_BUTTON)
        deadline = time.monotonic() + CHANGE_TIMEOUT
        while time.monotonic() < deadline:
            later = [at for at, count in tutor.counts if at >= sent and count > before]
            if later:
                latencies.append(later[0] - sent)
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(1.0)
    return latencies, cast


# --------------------------------------------------------------------------- the run


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
            probe = PageClient(server.url, "present", _host_query(workshop, groups[0]))
            await probe.open(OPEN_TIMEOUT)
            offered = set(probe.app_pages)
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
                vote_note = _votes_offered(offered)
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
                _print_row(rows[-1])
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


# --------------------------------------------------------------------------- output


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


def _print_row(row: Row) -> None:
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
        if row.idle.silence > 2 or row.idle.lag > 0.5:
            print(
                f"  - {row.pages} pages: for {row.idle.silence:.1f} s no page received "
                f"anything (the server did not send); this process was at most "
                f"{row.idle.lag:.2f} s late"
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
