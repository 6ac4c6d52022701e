"""What ``room.py`` measures on an open room: server CPU, the clocks, a clock change.

Split from ``room.py`` to keep each file to one job; run as a script it does
nothing (``make bench`` runs every file here).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _room_pages import CHANGE_TIMEOUT, UI, Room

from tests.support.countdowns import Reading
from workshop import clock
from workshop.models import ClockState

SAMPLE_EVERY = 0.25  # seconds between two looks at every page's clock


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
    off: int  # pages whose clock was more than 2 s off the stored clock at the end


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
    end = time.time()
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
        sum(
            1
            for page in room.pages
            if page.reading and abs(page.reading.shown(end) - truth(end)) > 2
        ),
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
