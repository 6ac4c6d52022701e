"""Join and results links point at the address the host's browser is using."""

from __future__ import annotations

import pytest

from workshop.links import app_base_url


@pytest.mark.parametrize(
    ("page_url", "base"),
    [
        ("http://localhost:8501/host", "http://localhost:8501"),
        ("http://127.0.0.1:8502/host?w=w_1&lang=ja", "http://127.0.0.1:8502"),
        ("https://ml.example.com/workshop/host?w=1#top", "https://ml.example.com/workshop"),
        ("https://ml.example.com/workshop/", "https://ml.example.com/workshop"),
        ("https://ml.example.com/", "https://ml.example.com"),
        ("https://ml.example.com", "https://ml.example.com"),
        ("https://ml.example.com/team/results?token=x", "https://ml.example.com/team"),
        ("", ""),
        ("not a url", ""),
    ],
)
def test_the_app_base_is_the_page_address_without_the_page(page_url: str, base: str) -> None:
    assert app_base_url(page_url) == base
