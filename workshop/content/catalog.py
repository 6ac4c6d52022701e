"""The catalog: every rubric, agenda and UI text of the content folders, and what is broken.

:func:`load_catalog` never raises for broken content: it loads every valid file
and *collects* the problems of the broken ones, so the app still starts and can
say which file to fix. Results are cached on the folders plus every file's mtime
and size, so pages do not re-parse YAML on each Streamlit rerun, yet an edited
file is picked up. :func:`check_paths` is the uncached variant for
``workshop validate FILE ...``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from workshop.content.agenda import parse_agenda
from workshop.content.discovery import (
    ENV_VAR,
    ContentFile,
    content_dirs,
    files_for_path,
    files_in_content_dir,
)
from workshop.content.model import LANGUAGES, Agenda, Rubric, Text
from workshop.content.problems import TOP, ContentProblem, shown_path
from workshop.content.rubric import parse_rubric
from workshop.content.ui import parse_ui
from workshop.content.yaml_file import read_yaml


@dataclass(frozen=True)
class Catalog:
    """Everything loaded from the content folders, plus what could not be loaded.

    The mappings are read-only because one Catalog is shared by every session.
    """

    rubrics: Mapping[str, Rubric]
    agendas: Mapping[str, Agenda]
    ui: Mapping[str, Text]  # "<area>.<key>" -> text
    problems: tuple[ContentProblem, ...]
    ui_files: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


class _Identified(Protocol):
    """What a rubric and an agenda share: an id unique in the catalog, and their file."""

    @property
    def id(self) -> str: ...

    @property
    def source_path(self) -> str: ...


_Entry = TypeVar("_Entry", bound=_Identified)
# A file read without problems: (path, path as shown, kind, parsed YAML).
_Parsed = tuple[Path, str, str, Any]


def _detect_kind(data: Any) -> str | None:
    """Kind of a file outside rubrics/, agendas/ and ui/, guessed from its top-level keys."""
    if not isinstance(data, dict) or not data:
        return None
    if all(isinstance(value, dict) and set(value) & set(LANGUAGES) for value in data.values()):
        return "ui"
    if set(data) & {"levels", "level_labels", "bands", "sections"}:
        return "rubric"
    if "segments" in data:
        return "agenda"
    return None


def _read_all(files: Sequence[ContentFile], found: list[ContentProblem]) -> list[_Parsed]:
    """Every file that is readable YAML of a known kind; the others' problems go to ``found``."""
    parsed: list[_Parsed] = []
    for path, folder_kind in files:
        shown = shown_path(path)
        data, read_problems = read_yaml(path, shown, folder_kind or "unknown")
        if read_problems:
            found.extend(read_problems)
            continue
        kind = folder_kind or _detect_kind(data)
        if kind is None:
            found.append(
                ContentProblem(
                    shown,
                    "file",
                    "cannot tell whether this is a rubric, an agenda or UI texts; "
                    "put it in a rubrics/, agendas/ or ui/ folder",
                    "unknown",
                )
            )
            continue
        parsed.append((path, shown, kind, data))
    return parsed


def _unique_by_id(
    parsed: Sequence[_Parsed],
    kind: str,
    parse: Callable[[Any, Path, str], tuple[_Entry | None, list[ContentProblem]]],
    found: list[ContentProblem],
) -> dict[str, _Entry]:
    """Valid files of ``kind`` by id; the first file with an id wins, later ones are reported."""
    entries: dict[str, _Entry] = {}
    for path, shown, file_kind, data in parsed:
        if file_kind != kind:
            continue
        entry, problems = parse(data, path, shown)
        found.extend(problems)
        if entry is None:
            continue
        if entry.id in entries:
            first = entries[entry.id].source_path
            found.append(
                ContentProblem(
                    shown,
                    TOP,
                    f'{kind} id "{entry.id}" is already used by {first}; this file is ignored',
                    kind,
                )
            )
            continue
        entries[entry.id] = entry
    return entries


def _ui_texts(
    parsed: Sequence[_Parsed], found: list[ContentProblem]
) -> tuple[dict[str, Text], list[str]]:
    """UI texts keyed ``"<area>.<key>"`` (the area is the file's stem), and the files read."""
    ui: dict[str, Text] = {}
    origin: dict[str, str] = {}
    ui_files: list[str] = []
    for path, shown, kind, data in parsed:
        if kind != "ui":
            continue
        ui_files.append(shown)
        entries, ui_problems = parse_ui(data, shown)
        found.extend(ui_problems)
        for key, text in entries.items():
            full_key = f"{path.stem}.{key}"
            if full_key in ui:
                found.append(
                    ContentProblem(
                        shown,
                        f"key {key}",
                        f'"{full_key}" is already defined in {origin[full_key]}',
                        "ui",
                    )
                )
                continue
            ui[full_key] = text
            origin[full_key] = shown
    return ui, ui_files


def _build_catalog(
    files: Sequence[ContentFile],
    fallback_rubrics: Mapping[str, Rubric] | None = None,
    problems: Sequence[ContentProblem] = (),
) -> Catalog:
    """Parse ``files`` into a Catalog that never raises."""
    found = list(problems)
    parsed = _read_all(files, found)
    rubrics = _unique_by_id(parsed, "rubric", parse_rubric, found)
    # Agendas are checked against the rubrics loaded with them; when no rubric
    # loaded at all, its own problem is reported and sections are not second-guessed.
    context = rubrics or fallback_rubrics or None

    def agenda(data: Any, path: Path, shown: str) -> tuple[Agenda | None, list[ContentProblem]]:
        return parse_agenda(data, path, shown, context)

    agendas = _unique_by_id(parsed, "agenda", agenda, found)
    ui, ui_files = _ui_texts(parsed, found)
    return Catalog(
        rubrics=MappingProxyType(rubrics),
        agendas=MappingProxyType(agendas),
        ui=MappingProxyType(ui),
        problems=tuple(found),
        ui_files=tuple(ui_files),
    )


# --------------------------------------------------------------------------- loading


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


def load_catalog(dirs: Sequence[str | Path] | None = None) -> Catalog:
    """Every valid rubric, agenda and UI text in ``dirs`` (default :func:`content_dirs`).

    Never raises for broken content: problems are collected in ``Catalog.problems``.
    Cached until a file is added, removed or changed (by mtime and size).
    """
    roots = tuple(Path(directory) for directory in (content_dirs() if dirs is None else dirs))
    fingerprint: list[tuple[str, str | None, int, int]] = []
    missing: list[str] = []
    for root in roots:
        if not root.is_dir():
            missing.append(str(root))
            continue
        for path, kind in files_in_content_dir(root):
            fingerprint.append((str(path), kind, *_stat_key(path)))
    return _load_catalog_cached(tuple(fingerprint), tuple(missing), str(Path.cwd()))


@functools.lru_cache(maxsize=16)
def _load_catalog_cached(
    fingerprint: tuple[tuple[str, str | None, int, int], ...],
    missing: tuple[str, ...],
    _cwd: str,  # part of the key only: shown paths are relative to it
) -> Catalog:
    problems = [
        ContentProblem(
            folder,
            "folder",
            f"does not exist (check {ENV_VAR} or the path you gave)",
            "folder",
        )
        for folder in missing
    ]
    files = [(Path(path), kind) for path, kind, _mtime, _size in fingerprint]
    return _build_catalog(files, problems=problems)


def check_paths(
    paths: Sequence[str | Path], rubrics: Mapping[str, Rubric] | None = None
) -> Catalog:
    """Validate files and folders (searched recursively) as one set, uncached.

    Agendas are checked against the rubrics among ``paths``, or against
    ``rubrics`` when ``paths`` hold none (e.g. ``workshop validate my-agenda.yaml``).
    """
    files: list[ContentFile] = []
    problems: list[ContentProblem] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(ContentProblem(str(raw), "file", "does not exist", "unknown"))
            continue
        found = files_for_path(path)
        if not found:
            problems.append(ContentProblem(str(raw), "folder", "holds no .yaml files", "unknown"))
        files.extend(candidate for candidate in found if candidate not in files)
    return _build_catalog(files, fallback_rubrics=rubrics, problems=problems)


def validate_paths(
    paths: Sequence[str | Path], rubrics: Mapping[str, Rubric] | None = None
) -> list[ContentProblem]:
    """Problems in the given files or folders (see :func:`check_paths`)."""
    return list(check_paths(paths, rubrics).problems)
