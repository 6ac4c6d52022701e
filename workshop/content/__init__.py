"""Rubrics, agendas and UI texts: found in the content folders, validated, loaded and cached.

One module per job: :mod:`~workshop.content.model` (the typed objects),
:mod:`~workshop.content.yaml_file` (reading YAML with line numbers),
:mod:`~workshop.content.checks` (checking values while building objects),
:mod:`~workshop.content.rubric`, :mod:`~workshop.content.agenda` and
:mod:`~workshop.content.ui` (one parser per kind of file),
:mod:`~workshop.content.discovery` (which folders and files),
:mod:`~workshop.content.catalog` (everything at once, cached, problems collected)
and :mod:`~workshop.content.loaders` (what a caller needs, or an error).

What the rest of the app uses is re-exported here.
"""

from __future__ import annotations

from workshop.content.agenda import agenda_fits_rubric, validate_agenda_data
from workshop.content.catalog import Catalog, check_paths, load_catalog, validate_paths
from workshop.content.discovery import ENV_VAR, content_dirs, shipped_content_dir
from workshop.content.loaders import (
    load_agenda,
    load_agendas,
    load_rubric,
    load_rubrics,
    load_ui_texts,
    program_texts,
)
from workshop.content.problems import ContentError, ContentProblem
from workshop.content.rubric import validate_rubric_data
from workshop.content.ui import placeholders, validate_ui_data

__all__ = [
    "ENV_VAR",
    "Catalog",
    "ContentError",
    "ContentProblem",
    "agenda_fits_rubric",
    "check_paths",
    "content_dirs",
    "load_agenda",
    "load_agendas",
    "load_catalog",
    "load_rubric",
    "load_rubrics",
    "load_ui_texts",
    "placeholders",
    "program_texts",
    "shipped_content_dir",
    "validate_agenda_data",
    "validate_paths",
    "validate_rubric_data",
    "validate_ui_data",
]
