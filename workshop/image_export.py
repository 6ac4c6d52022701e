"""Chart images (PNG, SVG) made in a worker process, only when a person asks for one.

Why a process: vl-convert holds the Python interpreter (the GIL) for the whole
conversion, about 1.5 s for a process's first PNG (it loads the machine's
fonts) and 0.1-0.5 s after, far more on a busy machine. Converted while a page
rendered, it froze every other session of the server, and with it every live
countdown, for 1.6 s to 25 s. So the server process never imports vl-convert:
a page hands the chart's Vega-Lite spec (JSON text) to one worker process per
server process and waits for the bytes, which it then offers for download.

* The worker is started with the ``spawn`` method (a fresh interpreter, no
  copy of the server's threads and locks), on the first request, and loads
  vl-convert's fonts before its first job.
* Images are cached per spec and format (bounded in number and bytes), so a
  room downloading the same chart converts it once; a request for an image
  already being made waits for that job instead of starting another.
* A job that fails, or a worker that dies or hangs, gives :class:`ExportFailed`
  with a reason a page can explain; the next request starts a fresh worker.

Plain Python: nothing here imports Streamlit. Pages use :func:`shared`; tests
and scripts, which have no countdowns to keep alive, convert in their own
process with :func:`chart_png` and :func:`chart_svg`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt

FORMATS: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml"}
PNG_SCALE = 2.0
#: How long a page waits for one image (the first one includes starting the worker).
DEFAULT_TIMEOUT = 60.0
MAX_CACHED_IMAGES = 64
MAX_CACHED_BYTES = 48 * 1024 * 1024

_TINY_SPEC = json.dumps(
    {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"x": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}},
    }
)


class ExportFailed(Exception):
    """An image could not be made. ``reason``: "timeout", "worker" (the worker died) or "error"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# --------------------------------------------------------------------------- the worker side


def convert(spec_json: str, fmt: str, scale: float = PNG_SCALE) -> bytes:
    """Vega-Lite JSON to PNG or SVG bytes with vl-convert (offline).

    Runs in the worker process. Texts are drawn with the fonts installed on the
    machine: Japanese labels need a CJK font (e.g. Debian's ``fonts-noto-cjk``).
    """
    import vl_convert

    if fmt == "png":
        return bytes(vl_convert.vegalite_to_png(spec_json, scale=scale))
    if fmt == "svg":
        return str(vl_convert.vegalite_to_svg(spec_json)).encode("utf-8")
    raise ValueError(f"unknown image format {fmt!r}")


def warm_up() -> None:
    """Load vl-convert and its fonts once, when the worker starts (about 1.5 s)."""
    with contextlib.suppress(Exception):  # a real job reports the problem in its own words
        convert(_TINY_SPEC, "png", 1.0)


# --------------------------------------------------------------------------- the server side


def spec_json(spec: Mapping[str, Any]) -> str:
    """The spec as canonical JSON text: the same chart always gives the same text."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ImageKey:
    digest: str  # SHA-256 of the canonical spec JSON
    fmt: str


def image_key(spec: Mapping[str, Any], fmt: str) -> ImageKey:
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    return ImageKey(hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest(), fmt)


class ImageExporter:
    """Converts charts in a worker process; caches the bytes per spec and format."""

    def __init__(
        self,
        *,
        workers: int = 1,
        max_images: int = MAX_CACHED_IMAGES,
        max_bytes: int = MAX_CACHED_BYTES,
        scale: float = PNG_SCALE,
    ) -> None:
        self.workers = workers
        self.max_images = max_images
        self.max_bytes = max_bytes
        self.scale = scale
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict[ImageKey, bytes] = OrderedDict()
        self._cached_bytes = 0
        self._jobs: dict[ImageKey, Future[bytes]] = {}
        self.conversions = 0  # jobs handed to the worker (for tests and benchmarks)

    # ---- cache

    def cached(self, spec: Mapping[str, Any], fmt: str) -> bytes | None:
        """The image if it was made already (no conversion, no waiting)."""
        key = image_key(spec, fmt)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                self._cache.move_to_end(key)
            return data

    def _remember(self, key: ImageKey, data: bytes) -> None:
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = data
            self._cached_bytes += len(data)
            while self._cache and (
                len(self._cache) > self.max_images or self._cached_bytes > self.max_bytes
            ):
                _, dropped = self._cache.popitem(last=False)
                self._cached_bytes -= len(dropped)

    # ---- jobs

    def _pool_locked(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=warm_up,
            )
        return self._pool

    def submit(self, spec: Mapping[str, Any], fmt: str) -> Future[bytes]:
        """Start making an image (or join the job already making it); returns its future.

        A cached image comes back as a future that is already done.
        """
        key = image_key(spec, fmt)
        text = spec_json(spec)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                done: Future[bytes] = Future()
                done.set_result(data)
                return done
            job = self._jobs.get(key)
            if job is not None:
                return job
            try:
                job = self._pool_locked().submit(convert, text, fmt, self.scale)
            except (BrokenProcessPool, RuntimeError):
                # The worker died earlier (or the pool was shut down): start a fresh one.
                self._discard_pool_locked()
                job = self._pool_locked().submit(convert, text, fmt, self.scale)
            self._jobs[key] = job
            self.conversions += 1
        job.add_done_callback(lambda finished: self._finished(key, finished))
        return job

    def _finished(self, key: ImageKey, job: Future[bytes]) -> None:
        with self._lock:
            if self._jobs.get(key) is job:
                del self._jobs[key]
        if job.cancelled() or job.exception() is not None:
            return
        self._remember(key, job.result())

    def result(self, job: Future[bytes], timeout: float = DEFAULT_TIMEOUT) -> bytes:
        """The bytes of a submitted job, waiting up to ``timeout`` seconds.

        Waiting releases the interpreter: other sessions run on meanwhile.
        """
        try:
            return job.result(timeout=timeout)
        except FutureTimeout as error:
            # A worker that takes this long is stuck: replace it, so the next try can work.
            self.restart()
            raise ExportFailed("timeout", f"no image after {timeout:g} s") from error
        except (BrokenProcessPool, CancelledError) as error:
            self.restart()
            raise ExportFailed("worker", str(error) or type(error).__name__) from error
        except Exception as error:
            raise ExportFailed("error", f"{type(error).__name__}: {error}") from error

    def make(self, spec: Mapping[str, Any], fmt: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
        """Submit and wait: the image's bytes, or :class:`ExportFailed`."""
        return self.result(self.submit(spec, fmt), timeout)

    def wait(
        self,
        job: Future[bytes],
        timeout: float = DEFAULT_TIMEOUT,
        tick: float = 0.25,
        on_tick: Callable[[float], None] | None = None,
    ) -> bytes:
        """Like :meth:`result`, calling ``on_tick(elapsed_seconds)`` every ``tick`` seconds.

        A page uses the tick to update its "preparing" message, which also lets
        Streamlit stop a run the viewer has moved on from.
        """
        started = time.monotonic()
        while True:
            elapsed = time.monotonic() - started
            remaining = timeout - elapsed
            if remaining <= 0:
                return self.result(job, 0)
            try:
                return job.result(timeout=min(tick, remaining))
            except FutureTimeout:
                if on_tick is not None:
                    on_tick(time.monotonic() - started)
            except Exception:
                return self.result(job, 0)  # the same error, as ExportFailed

    # ---- the worker process

    def _discard_pool_locked(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # ProcessPoolExecutor cannot stop a running job: end its processes (by their ids).
        for process in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)

    def restart(self) -> None:
        """End the worker (stuck or dead); the next request starts a new one."""
        with self._lock:
            self._discard_pool_locked()
            self._jobs.clear()

    def worker_pids(self) -> list[int]:
        with self._lock:
            pool = self._pool
            processes = getattr(pool, "_processes", None) or {}
            return sorted(pid for pid in processes if pid)

    def shutdown(self) -> None:
        """Stop the worker and forget the cache (tests; the process exit does it otherwise)."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._jobs.clear()
            self._cache.clear()
            self._cached_bytes = 0
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_shared: ImageExporter | None = None
_shared_lock = threading.Lock()


def shared() -> ImageExporter:
    """The server process's exporter, created on first use (its worker on first request)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ImageExporter()
        return _shared


# --------------------------------------------------------------------------- in this process


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as a PNG image, converted in this process (tests, scripts).

    Pages never call this: vl-convert holds the interpreter while it converts,
    so the app converts in a worker process (:func:`shared`).
    Japanese labels need a CJK font installed (e.g. Debian's ``fonts-noto-cjk``).
    """
    return convert(spec_json(chart.to_dict()), "png", scale)


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text, converted in this process (see :func:`chart_png`)."""
    return convert(spec_json(chart.to_dict()), "svg").decode("utf-8")
