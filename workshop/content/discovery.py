"""Where content files are found: the shipped folder, the user's folders, and their files.

A content folder holds ``rubrics/``, ``agendas/`` and ``ui/`` (the folder says
what a file is); loose YAML files at its top are loaded too, their kind guessed
from their keys. ``WORKSHOP_CONTENT_DIRS`` adds folders after the shipped one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

ENV_VAR = "WORKSHOP_CONTENT_DIRS"

#: Folder name -> kind of file it holds.
FOLDER_KINDS: Mapping[str, str] = MappingProxyType(
    {"rubrics": "rubric", "agendas": "agenda", "ui": "ui"}
)
YAML_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")

#: A file to load and its kind from its folder (None: guess from its keys).
ContentFile = tuple[Path, str | None]


def shipped_content_dir() -> Path:
    """The content shipped with the app: the data package ``workshop_content``.

    In a checkout (editable install) that is the ``content/`` folder; in an installed
    wheel, the package's folder in site-packages (see pyproject.toml). Found through
    importlib.resources, never by walking up from this file. The one place that
    knows where the shipped content is.
    """
    return Path(str(files("workshop_content")))


def content_dirs() -> list[Path]:
    """The shipped ``content/`` folder, then every folder listed in ``WORKSHOP_CONTENT_DIRS``.

    Earlier folders win when two files use the same id, so a user folder can add
    rubrics and agendas but not silently replace the shipped ones.
    """
    dirs = [shipped_content_dir()]
    for entry in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if entry.strip():
            candidate = Path(entry.strip()).expanduser()
            if not any(_same_path(candidate, known) for known in dirs):
                dirs.append(candidate)
    return dirs


def _same_path(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return one == other


def _is_yaml(path: Path) -> bool:
    return path.is_file() and path.suffix in YAML_SUFFIXES and not path.name.startswith(".")


def files_in_content_dir(root: Path) -> list[ContentFile]:
    """The files the app loads from one content folder: its rubrics/, agendas/ and ui/
    subfolders, plus loose YAML files at its top whose kind is guessed from their keys."""
    files: list[ContentFile] = []
    for folder, kind in FOLDER_KINDS.items():
        sub = root / folder
        if sub.is_dir():
            files.extend((path, kind) for path in sorted(sub.iterdir()) if _is_yaml(path))
    files.extend((path, None) for path in sorted(root.iterdir()) if _is_yaml(path))
    return files


def files_for_path(path: Path) -> list[ContentFile]:
    """Files to validate for one command-line path; kind from the parent folder's name."""
    if path.is_file():
        return [(path, FOLDER_KINDS.get(path.parent.name))]
    candidates = sorted(
        candidate
        for suffix in YAML_SUFFIXES
        for candidate in path.rglob(f"*{suffix}")
        if _is_yaml(candidate)
    )
    return [(candidate, FOLDER_KINDS.get(candidate.parent.name)) for candidate in candidates]
