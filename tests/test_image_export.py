"""Chart images are made in a worker process, cached per spec, and failures are explained."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from workshop.image_export import ExportFailed, ImageExporter, image_key

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _spec(value: int) -> dict:
    """A small bar chart whose data (and so its image) depends on ``value``."""
    frame = pd.DataFrame({"group": ["Team A", "チーム B"], "score": [value, 2]})
    return alt.Chart(frame).mark_bar().encode(x="group:N", y="score:Q").to_dict()


@pytest.fixture(scope="module")
def exporter() -> Iterator[ImageExporter]:
    made = ImageExporter()
    try:
        yield made
    finally:
        made.shutdown()


def test_png_and_svg_come_from_another_process(exporter: ImageExporter) -> None:
    png = exporter.make(_spec(1), "png")
    assert png.startswith(PNG_SIGNATURE)
    svg = exporter.make(_spec(1), "svg").decode("utf-8")
    assert svg.startswith("<svg") and "チーム B" in svg
    pids = exporter.worker_pids()
    assert pids and os.getpid() not in pids


def test_the_server_process_never_loads_vl_convert() -> None:
    """Checked in a fresh interpreter: this test process may have loaded it for other tests."""
    script = (
        "import sys\n"
        "from tests.test_image_export import _spec\n"
        "from workshop.image_export import ImageExporter\n"
        "exporter = ImageExporter()\n"
        "data = exporter.make(_spec(3), 'png')\n"
        "exporter.shutdown()\n"
        "assert data.startswith(b'\\x89PNG'), data[:8]\n"
        "print('vl_convert' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_one_conversion_per_spec_and_format(exporter: ImageExporter) -> None:
    spec = _spec(5)
    before = exporter.conversions
    jobs = [exporter.submit(spec, "png") for _ in range(5)]  # a room presses at once
    assert len({id(job) for job in jobs}) == 1
    first = exporter.result(jobs[0])
    assert exporter.make(spec, "png") == first  # from the cache
    assert exporter.cached(spec, "png") == first
    assert exporter.conversions == before + 1
    # The same chart with other data is another image.
    assert exporter.cached(_spec(6), "png") is None
    assert image_key(_spec(5), "png") != image_key(_spec(6), "png")
    assert image_key(_spec(5), "png") != image_key(_spec(5), "svg")


def test_the_cache_is_bounded() -> None:
    small = ImageExporter(max_images=2)
    try:
        for value in (11, 12, 13):
            small.make(_spec(value), "svg")
        assert small.cached(_spec(11), "svg") is None  # the oldest went first
        assert small.cached(_spec(12), "svg") is not None
        assert small.cached(_spec(13), "svg") is not None
    finally:
        small.shutdown()
    tiny = ImageExporter(max_bytes=10)  # smaller than any image: nothing is kept
    try:
        assert tiny.make(_spec(14), "svg").startswith(b"<svg")
        assert tiny.cached(_spec(14), "svg") is None
    finally:
        tiny.shutdown()


def test_a_spec_vl_convert_refuses_is_an_error_with_a_reason(exporter: ImageExporter) -> None:
    broken = {"mark": "no-such-mark", "data": {"values": [{"x": 1}]}}
    with pytest.raises(ExportFailed) as failure:
        exporter.make(broken, "png")
    assert failure.value.reason == "error"
    assert exporter.cached(broken, "png") is None
    assert exporter.make(_spec(1), "png").startswith(PNG_SIGNATURE)  # the worker still works


def test_a_dead_worker_is_replaced() -> None:
    exporter = ImageExporter()
    try:
        assert exporter.make(_spec(21), "png").startswith(PNG_SIGNATURE)
        (pid,) = exporter.worker_pids()
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        outcomes = []
        for value in (22, 23):  # the first try may still meet the dead worker
            try:
                outcomes.append(exporter.make(_spec(value), "png")[:8])
            except ExportFailed as failure:
                outcomes.append(failure.reason)
        assert outcomes[-1] == PNG_SIGNATURE, outcomes
        assert outcomes[0] in (PNG_SIGNATURE, "worker"), outcomes
        assert pid not in exporter.worker_pids()
    finally:
        exporter.shutdown()


def test_a_job_that_takes_too_long_is_stopped_and_the_next_one_works() -> None:
    exporter = ImageExporter()
    try:
        with pytest.raises(ExportFailed) as failure:
            exporter.make(_spec(31), "png", timeout=0.001)  # the worker is still starting
        assert failure.value.reason == "timeout"
        assert exporter.worker_pids() == []  # the stuck worker was ended
        assert exporter.make(_spec(31), "png").startswith(PNG_SIGNATURE)
    finally:
        exporter.shutdown()


def test_waiting_reports_progress(exporter: ImageExporter) -> None:
    ticks: list[float] = []
    job = exporter.submit(_spec(41), "svg")
    data = exporter.wait(job, tick=0.01, on_tick=ticks.append)
    assert data.startswith(b"<svg")
    assert ticks == sorted(ticks)  # elapsed seconds, growing (none if it was quick)
