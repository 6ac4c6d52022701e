"""A live page without a browser: a websocket client that speaks Streamlit's protocol.

A room of a hundred screens does not fit in headless Chromium on two cores, but
what a screen costs the *server* is only what its browser sends and receives on
``/_stcore/stream``. :class:`PageClient` does what Streamlit's frontend (1.67)
does there, and nothing else:

* it connects with the ``streamlit`` subprotocol and the app's own ``Origin``,
  then sends one ``rerun_script`` BackMsg with the page's query string and page
  name (``present``, ``tutor``), as the browser does on opening a link;
* it keeps every ForwardMsg's element by its delta path, so a caller can read
  what the page shows (a markdown body, a progress bar's text, a widget's label);
* on ``auto_rerun`` (a fragment with ``run_every``) it starts a timer that sends
  the fragment's rerun every ``interval`` seconds, whether or not a run is
  going on, and drops the timers when a full run starts, exactly like the
  frontend's ``handleAutoRerun`` / ``cleanupAutoReruns``;
* a click is a rerun with the button's ``trigger_value``; a form submit carries
  the values typed into the form's fields.

* like the browser's widget manager, it sends every input widget's value with
  every rerun (a fragment's tick included): the value the server drew it with
  (its default, or the value the server set), or the one this client chose;
  widgets gone after a full run are forgotten, and a form's fields go only with
  its submit;
* it follows ``st.navigation`` (the page's script hash) and ``st.query_params``
  (the address it sends with the next rerun).

What it leaves out: it never offers cached message hashes (the server sends
every message in full, a small extra cost), and it runs no JavaScript: an
element that computes in the browser is read from what the server sent it.

Every ForwardMsg is timestamped on arrival (``time.time()``), so a caller can
tell when a page first showed something.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

#: Text-carrying fields of the elements a caller may look for.
_TEXT_OF: dict[str, Callable[[Element], str]] = {
    "markdown": lambda e: e.markdown.body,
    "html": lambda e: e.html.body,
    "progress": lambda e: e.progress.text,
    "alert": lambda e: e.alert.body,
    "heading": lambda e: e.heading.body,
}
#: Widgets whose label a caller can click or fill, and the proto field holding it.
_WIDGETS = ("button", "text_input", "text_area", "radio", "checkbox", "selectbox")


def _drawn_value(kind: str, proto) -> WidgetState | None:
    """The value a browser keeps for an input widget as the server drew it (None: none)."""
    if getattr(proto, "form_id", ""):
        return None  # a form's fields are sent with its submit only
    if kind in ("radio", "selectbox"):
        if proto.set_value and proto.HasField("raw_value"):
            return WidgetState(id=proto.id, string_value=proto.raw_value)
        if proto.HasField("default") and 0 <= proto.default < len(proto.options):
            return WidgetState(id=proto.id, string_value=proto.options[proto.default])
        return None
    if kind in ("text_area", "text_input"):
        if proto.set_value and proto.HasField("value"):
            return WidgetState(id=proto.id, string_value=proto.value)
        if proto.HasField("default"):
            return WidgetState(id=proto.id, string_value=proto.default)
        return None
    if kind == "checkbox":
        return WidgetState(
            id=proto.id, bool_value=proto.value if proto.set_value else proto.default
        )
    return None


@dataclass
class Shown:
    """One element as the page last received it."""

    kind: str
    element: Element
    run_id: str
    at: float  # time.time() on arrival
    fragment_id: str = ""  # the fragment that drew it, if any (its widgets rerun only it)

    @property
    def text(self) -> str:
        reader = _TEXT_OF.get(self.kind)
        return reader(self.element) if reader else ""

    @property
    def widget(self):  # the widget's own proto (Button, TextInput, ...) or None
        return getattr(self.element, self.kind) if self.kind in _WIDGETS else None


@dataclass
class Received:
    """Counters of what the server sent this page."""

    messages: int = 0
    bytes: int = 0
    runs: int = 0  # script_finished messages (full and fragment runs)
    fragment_reruns_sent: int = 0
    last_at: float = 0.0  # time.time() of the last message
    exceptions: list[str] = field(default_factory=list)


class PageClient:
    """One open page of a running app, kept alive on its own websocket.

    ``on_element`` (optional) is called with every element received, right
    after it is stored: a measurement that needs the arrival time of a
    particular text (a countdown, a count) looks there.
    """

    def __init__(
        self,
        base_url: str,
        page: str,
        query: dict[str, str] | None = None,
        *,
        name: str = "",
        on_element: Callable[[PageClient, Shown], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.query_string = urlencode(query or {})
        self.name = name or page
        self.on_element = on_element
        self.elements: dict[tuple[int, ...], Shown] = {}
        self.received = Received()
        self.run_id = ""
        self.page_script_hash = ""
        self.app_pages: set[str] = set()  # the url paths the navigation offers
        self.finished = asyncio.Event()  # set on each script_finished
        self.full_runs = 0
        self._socket: websockets.ClientConnection | None = None
        self._timers: dict[str, tuple[float, asyncio.Task[None]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self._sent_widgets: dict[str, WidgetState] = {}  # values this client chose
        self._drawn: dict[str, WidgetState] = {}  # values as the server drew the widgets

    # -- connection ---------------------------------------------------------------------

    async def open(self, timeout: float = 120.0) -> None:
        """Connect, ask for the page's first run and wait until that run finished."""
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self._socket = await websockets.connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            origin=websockets.Origin(f"{parts.scheme}://{parts.netloc}"),
            max_size=None,
            ping_interval=None,  # the browser sends no pings either
            open_timeout=timeout,
        )
        self._reader = asyncio.create_task(self._read(), name=f"read {self.name}")
        await self.rerun(page_name=self.page)
        await self.wait_full_runs(1, timeout)

    async def close(self) -> None:
        for _interval, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def wait_full_runs(self, count: int, timeout: float) -> None:
        """Until ``count`` full (not fragment) runs of the page have finished."""
        deadline = time.monotonic() + timeout
        while self.full_runs < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: page run {count} did not finish in {timeout} s")
            self.finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.finished.wait(), min(left, 1.0))

    async def wait_for(
        self, condition: Callable[[PageClient], bool], timeout: float, what: str = ""
    ) -> None:
        """Until ``condition(self)`` holds (checked on every message and every 0.1 s)."""
        deadline = time.monotonic() + timeout
        while not condition(self):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: not seen in {timeout} s: {what or condition}")
            self.finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.finished.wait(), min(left, 0.1))

    # -- what the browser sends ---------------------------------------------------------

    async def rerun(
        self,
        *,
        widgets: list[WidgetState] | None = None,
        fragment_id: str = "",
        auto: bool = False,
        page_name: str = "",
    ) -> None:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_script_hash
        rerun.page_name = page_name if not self.page_script_hash else ""
        if fragment_id:
            rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = auto
        states = {**self._drawn, **self._sent_widgets, **{w.id: w for w in widgets or []}}
        rerun.widget_states.widgets.extend(states.values())
        info = rerun.context_info
        info.timezone = "UTC"
        info.timezone_offset = 0
        info.locale = "en-US"
        info.url = f"{self.base_url}/{self.page}?{self.query_string}"
        info.is_embedded = False
        info.color_scheme = "light"
        assert self._socket is not None
        await self._socket.send(message.SerializeToString())

    async def click(self, label: str | re.Pattern[str]) -> None:
        """Press the button whose label is (or matches) ``label``: one rerun with its trigger.

        A button drawn by a fragment reruns only that fragment, as in the browser.
        """
        item = self.find("button", label)
        state = WidgetState(id=item.widget.id, trigger_value=True)
        await self.rerun(widgets=[state], fragment_id=item.fragment_id)

    async def select(self, label: str | re.Pattern[str], option: str | re.Pattern[str]) -> None:
        """Pick the select box option that is (or matches) ``option`` (sent as its text)."""
        item = self.find("selectbox", label)
        options = list(item.widget.options)
        chosen = next(
            (
                o
                for o in options
                if (option.search(o) if isinstance(option, re.Pattern) else o == option)
            ),
            None,
        )
        if chosen is None:
            raise LookupError(f"{self.name}: no option {option!r} in {label!r}")
        state = WidgetState(id=item.widget.id, string_value=chosen)
        self._sent_widgets[state.id] = state  # the browser keeps sending it
        await self.rerun(widgets=[state], fragment_id=item.fragment_id)

    async def submit_form(self, fields: dict[str, str], submit: str) -> None:
        """Type into text inputs (by label) and press the form's submit button."""
        states = []
        for label, value in fields.items():
            widget = self.widget("text_input", label)
            state = WidgetState(id=widget.id, string_value=value)
            self._sent_widgets[widget.id] = state  # the browser keeps sending it
            states.append(state)
        button = self.widget("button", submit)
        states.append(WidgetState(id=button.id, trigger_value=True))
        await self.rerun(widgets=states)

    # -- what the page shows ------------------------------------------------------------

    def shown(self, kind: str | None = None) -> Iterator[Shown]:
        for item in self.elements.values():
            if kind is None or item.kind == kind:
                yield item

    def texts(self, kind: str | None = None) -> list[str]:
        return [item.text for item in self.shown(kind) if item.text]

    def find(self, kind: str, label: str | re.Pattern[str]) -> Shown:
        """The widget of ``kind`` whose label is (or matches) ``label``; LookupError if none."""
        for item in self.shown(kind):
            proto = item.widget
            if proto is None:
                continue
            if isinstance(label, re.Pattern):
                if label.search(proto.label):
                    return item
            elif proto.label == label:
                return item
        found = [item.widget.label for item in self.shown(kind) if item.widget is not None]
        raise LookupError(f"{self.name}: no {kind} labelled {label!r} (there are {found})")

    def widget(self, kind: str, label: str | re.Pattern[str]):
        """The widget's own proto (Button, TextInput, ...) of :meth:`find`."""
        return self.find(kind, label).widget

    # -- what the server sends ----------------------------------------------------------

    async def _read(self) -> None:
        assert self._socket is not None
        try:
            async for data in self._socket:
                if isinstance(data, str):
                    continue
                self._handle(data, time.time())
        except websockets.ConnectionClosed:
            pass

    def _handle(self, data: bytes, at: float) -> None:
        message = ForwardMsg()
        message.ParseFromString(data)
        self.received.messages += 1
        self.received.bytes += len(data)
        self.received.last_at = at
        kind = message.WhichOneof("type")
        if kind == "new_session":
            run = message.metadata.run
            self.run_id = run.script_run_id
            if not run.fragment_ids:
                self._stop_timers(list(self._timers))
        elif kind == "delta":
            self._delta(message, at)
        elif kind == "navigation":  # st.navigation says which page runs, as the frontend keeps
            self.page_script_hash = message.navigation.page_script_hash
            self.app_pages = {p.url_pathname for p in message.navigation.app_pages}
        elif kind == "page_info_changed":  # st.query_params changed the address
            self.query_string = message.page_info_changed.query_string
        elif kind == "auto_rerun":
            self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(list(message.stop_auto_rerun.fragment_ids))
        elif kind == "script_finished":
            self.received.runs += 1
            if not message.metadata.run.fragment_ids:
                self._forget_stale()
                self.full_runs += 1
            self.finished.set()

    def _delta(self, message: ForwardMsg, at: float) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type") or ""
        if kind == "exception":
            self.received.exceptions.append(element.exception.message)
        shown = Shown(kind, element, self.run_id, at, delta.fragment_id)
        self.elements[tuple(message.metadata.delta_path)] = shown
        proto = shown.widget
        if proto is not None and (proto.id not in self._drawn or getattr(proto, "set_value", 0)):
            value = _drawn_value(kind, proto)
            if value is not None:
                self._drawn[proto.id] = value
                if getattr(proto, "set_value", False):
                    self._sent_widgets.pop(proto.id, None)  # the server's value wins
        if self.on_element is not None:
            self.on_element(self, shown)

    def _forget_stale(self) -> None:
        """After a full run, what that run did not draw is gone (the frontend drops it too)."""
        self.elements = {p: s for p, s in self.elements.items() if s.run_id == self.run_id}
        active = {item.widget.id for item in self.elements.values() if item.widget is not None}
        self._drawn = {i: v for i, v in self._drawn.items() if i in active}
        self._sent_widgets = {i: v for i, v in self._sent_widgets.items() if i in active}

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if not fragment_id:
            return
        current = self._timers.get(fragment_id)
        if current is not None and current[0] == interval:
            return
        self._stop_timers([fragment_id])
        task = asyncio.create_task(self._tick(fragment_id, interval), name=f"tick {self.name}")
        self._timers[fragment_id] = (interval, task)

    def _stop_timers(self, fragment_ids: list[str]) -> None:
        for fragment_id in fragment_ids:
            timer = self._timers.pop(fragment_id, None)
            if timer is not None:
                timer[1].cancel()

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """The frontend's ``setInterval``: the fragment's rerun every ``interval`` seconds."""
        loop = asyncio.get_running_loop()
        due = loop.time()
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                due += interval  # a fixed cadence, as setInterval keeps
                await asyncio.sleep(max(0.0, due - loop.time()))
                await self.rerun(fragment_id=fragment_id, auto=True)
                self.received.fragment_reruns_sent += 1
