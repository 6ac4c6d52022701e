"""The browser-ticked countdown as an AppTest run sends it (views/countdown.py).

AppTest runs no JavaScript: it sees the component's element and its JSON data
(the stored clock, the agenda's segments, the server's time). What a browser
would show at that instant is worked out from that data with the same rule as
the browser's code (workshop.clock); the Chromium tests check the browser's.
"""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

from workshop import clock
from workshop.clock import ClockView
from workshop.content.model import Agenda, Segment, Text
from workshop.models import ClockState

COMPONENT = "mts_room_clock"


def clock_data(at: AppTest, key: str) -> dict[str, Any]:
    """The JSON data of the countdown component with widget key ``key``."""
    for node in at.get("bidi_component"):
        proto = node.proto
        if proto.component_name == COMPONENT and proto.id.endswith(f"-{key}"):
            data: dict[str, Any] = json.loads(proto.json)
            return data
    raise AssertionError(f"no countdown {key!r} on the page")


def shown(at: AppTest, key: str) -> ClockView:
    """What the countdown shows at the server's time of the run."""
    data = clock_data(at, key)
    agenda = Agenda(
        id="sent",
        title=Text("sent", "sent"),
        segments=tuple(
            Segment(f"s{n}", Text(s["title"], s["title"]), s["seconds"] / 60, None)
            for n, s in enumerate(data["segments"])
        ),
    )
    state = ClockState(
        segment=data["segment"],
        status=data["status"],
        started_at=data["started_at"],
        paused_elapsed=data["paused_elapsed"],
        extension=data["extension"],
        auto_advance=data["auto_advance"],
    )
    return clock.view(agenda, state, data["server_now"])
