"""Results and history pages (AppTest): chart images are made only when someone asks.

Converting a chart to PNG / SVG held the server's interpreter while the page
rendered and froze every live countdown. Now a page offers "Prepare PNG" /
"Prepare SVG"; the image is made by the worker process of
``workshop.image_export`` and then offered for download, and a failure is
explained with the button back for another try.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import PageEnv, texts
from workshop import image_export
from workshop.image_export import ImageExporter
from workshop.models import AnswerChange


@pytest.fixture
def exporter(monkeypatch: pytest.MonkeyPatch) -> Iterator[ImageExporter]:
    """A fresh exporter (empty cache) as the process's shared one, stopped afterwards."""
    fresh = ImageExporter()
    monkeypatch.setattr(image_export, "_shared", fresh)
    try:
        yield fresh
    finally:
        fresh.shutdown()


def _scored(page_env: PageEnv):
    workshop, groups = page_env.make_workshop()
    for group in groups:
        page_env.store.save_answers(
            workshop.id,
            group.id,
            [AnswerChange("data-1", "1", ""), AnswerChange("data-2", "0.5", "")],
            updated_by="Aiko",
            updated_at="2026-11-23T10:00:00+00:00",
        )
    return workshop, groups


def _labels(at: AppTest, kind: str) -> list[str]:
    return [element.proto.label for element in at.get(kind)]


def test_results_page_makes_no_image_until_asked(
    page_env: PageEnv, exporter: ImageExporter
) -> None:
    workshop, groups = _scored(page_env)
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, groups[0])
    )
    assert not at.exception
    assert exporter.conversions == 0
    assert exporter.worker_pids() == []  # not even a worker process yet
    assert _labels(at, "download_button") == ["Answers (CSV)", "Report (Markdown)"]
    assert "Prepare PNG" in _labels(at, "button") and "Prepare SVG" in _labels(at, "button")

    next(b for b in at.button if b.label == "Prepare PNG").click().run()
    assert not at.exception
    assert exporter.conversions == 1
    assert _labels(at, "download_button") == ["Answers (CSV)", "Report (Markdown)", "Chart (PNG)"]
    assert "Prepare PNG" not in _labels(at, "button")
    assert "Prepare SVG" in _labels(at, "button")

    # Another participant opening the same results gets the image that is ready.
    other = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, groups[1])
    )
    assert "Chart (PNG)" in _labels(other, "download_button")
    assert exporter.conversions == 1


def test_workshop_results_and_history_make_no_image_until_asked(
    page_env: PageEnv, exporter: ImageExporter
) -> None:
    workshop, _ = _scored(page_env)
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop)
    )
    assert not at.exception
    assert "Prepare PNG" in _labels(at, "button")
    history = page_env.app("views/history.py", token=page_env.keys.history_token())
    assert not history.exception
    assert {"Prepare PNG", "Prepare SVG"} <= set(_labels(history, "button"))
    assert exporter.conversions == 0
    next(b for b in history.button if b.label == "Prepare SVG").click().run()
    assert not history.exception
    assert "Download SVG" in _labels(history, "download_button")
    assert exporter.conversions == 1


def test_a_failed_conversion_is_explained_and_can_be_tried_again(
    page_env: PageEnv, exporter: ImageExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop, groups = _scored(page_env)
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, groups[0])
    )

    def refused(self, spec, fmt) -> Future:
        job: Future = Future()
        job.set_exception(ValueError("vl-convert: unsupported mark"))
        return job

    monkeypatch.setattr(ImageExporter, "submit", refused)
    next(b for b in at.button if b.label == "Prepare PNG").click().run()
    assert not at.exception
    assert "The PNG could not be made from this chart." in texts(at)
    assert "Prepare PNG" in _labels(at, "button")  # the button is back for another try
    assert "Chart (PNG)" not in _labels(at, "download_button")

    monkeypatch.undo()
    monkeypatch.setattr(image_export, "_shared", exporter)
    next(b for b in at.button if b.label == "Prepare PNG").click().run()
    assert "Chart (PNG)" in _labels(at, "download_button")
    assert "could not be made" not in texts(at)


def test_japanese_labels_of_the_image_buttons(page_env: PageEnv, exporter: ImageExporter) -> None:
    workshop, groups = _scored(page_env)
    at = page_env.app(
        "views/results.py",
        w=workshop.id,
        token=page_env.keys.results_token(workshop, groups[0]),
        lang="ja",
    )
    assert {"PNG を作成", "SVG を作成"} <= set(_labels(at, "button"))
