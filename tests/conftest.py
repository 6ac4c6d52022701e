"""Shared fixtures: the AppTest page environment is available to every test module."""

from tests.support.apptest import page_env  # noqa: F401  (pytest fixture)
