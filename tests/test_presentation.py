from __future__ import annotations

from workshop.content_model import Band, Rubric, Text
from workshop.presentation import band_range_label, format_score


def _band(band_id: str, maximum: float | None) -> Band:
    return Band(id=band_id, max=maximum, label=Text(band_id, band_id), meaning=Text("m", "m"))


RUBRIC = Rubric(
    id="r",
    title=Text("r", "r"),
    description=Text("d", "d"),
    levels=(0.0, 0.5, 1.0),
    level_labels={},
    bands=(
        _band("0", 0),
        _band("0-1", 1),
        _band("1-2", 2),
        _band("2-3", 3),
        _band("3-5", 5),
        _band(">5", None),
    ),
    sections=(),
)


def test_band_ranges_read_like_the_papers_table() -> None:
    labels = [band_range_label(RUBRIC, band) for band in RUBRIC.bands]
    assert labels == ["0", "(0, 1]", "(1, 2]", "(2, 3]", "(3, 5]", "> 5"]


def test_format_score() -> None:
    assert format_score(None) == "—"
    assert format_score(3.0) == "3"
    assert format_score(4.666666) == "4.67"
    assert format_score(2.5) == "2.5"
    assert format_score(0.0) == "0"


def test_escape_markdown_keeps_user_text_literal() -> None:
    from workshop.presentation import escape_markdown

    assert escape_markdown("**bold** [x](javascript:alert(1))") == (
        "\\*\\*bold\\*\\* \\[x\\]\\(javascript:alert\\(1\\)\\)"
    )
    assert escape_markdown("<script>") == "\\<script\\>"
    assert escape_markdown("チーム A") == "チーム A"
