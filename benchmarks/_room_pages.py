"""The room of ``room.py``: the kinds of live page, where each sits, and the votes hook.

Split from ``room.py`` (which runs the room and prints the table) to keep each
file to one job; run as a script it does nothing (``make bench`` runs every
file here).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

# benchmarks/ is on sys.path when run as a script; _common also puts the project root there.
from _common import KEYS, PASSCODE

from tests.support.countdowns import Reading, countdown_reading
from tests.support.streamlit_ws import PageClient, Shown
from workshop.content import load_agenda, load_catalog
from workshop.i18n import Translator
from workshop.models import Group, Workshop

GROUPS = 12
OPEN_TIMEOUT = 240.0  # seconds a page may take to show before it counts as not shown
CHANGE_TIMEOUT = 15.0  # seconds a change may take to show on a page before it is missed
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
    #: Other paths the page has had: the first the navigation offers is used (adopt_paths).
    aliases: tuple[str, ...] = ()


def host_query(workshop: Workshop, _group: Group) -> dict[str, str]:
    return {"w": workshop.id, "lang": "en"}


def _tutor_query(workshop: Workshop, group: Group) -> dict[str, str]:
    return {"w": workshop.id, "g": group.id, "code": KEYS.join_code(group), "lang": "en"}


def _participant_query(workshop: Workshop, group: Group) -> dict[str, str]:
    """The participant's link (branch ``votes``: ``/votes?w=&g=&token=``, ``workshop.links``)."""
    query = {"w": workshop.id, "g": group.id, "lang": "en"}
    token = getattr(KEYS, "participant_token", None)
    if token is not None:
        query["token"] = token(group)
    return query


KINDS: dict[str, PageKind] = {
    "host": PageKind("host", "present", host_query, host=True),
    "tutor": PageKind("tutor", "tutor", _tutor_query),
    # The participant page (branch `votes`): measured when the navigation offers its path.
    "participant": PageKind("participant", "votes", _participant_query, aliases=("vote",)),
}


def adopt_paths(offered: set[str]) -> None:
    """Give each kind the path this build's navigation offers (among its aliases)."""
    for name, kind in KINDS.items():
        if kind.path not in offered:
            found = next((path for path in kind.aliases if path in offered), None)
            if found is not None:
                KINDS[name] = replace(kind, path=found)


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


def votes_offered(offered: set[str]) -> str:
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
