"""Strict loaders: the content a caller needs, or a :class:`ContentError` saying why not.

Unlike :func:`~workshop.content.catalog.load_catalog`, which collects problems so
the app can start anyway, these raise when a file of the requested kind is
broken: the CLI and the tests want to stop there. One generic pair
(:func:`load_all`, :func:`load_one`) serves every kind; the named functions are
the public spelling of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from workshop.content.catalog import Catalog, load_catalog
from workshop.content.model import Agenda, Rubric, Text
from workshop.content.problems import ContentError, ContentProblem

T = TypeVar("T")
Dirs = Sequence[str | Path] | None


@dataclass(frozen=True)
class Kind(Generic[T]):
    """One kind of content: its name in problems, and where the catalog keeps its entries."""

    name: str
    entries: Callable[[Catalog], Mapping[str, T]]


RUBRICS: Kind[Rubric] = Kind("rubric", lambda catalog: catalog.rubrics)
AGENDAS: Kind[Agenda] = Kind("agenda", lambda catalog: catalog.agendas)
UI_TEXTS: Kind[Text] = Kind("ui", lambda catalog: catalog.ui)


def _problems_of(catalog: Catalog, kind: str, stem: str | None = None) -> list[ContentProblem]:
    return [
        problem
        for problem in catalog.problems
        if problem.kind == kind and (stem is None or Path(problem.path).stem == stem)
    ]


def load_all(kind: Kind[T], dirs: Dirs = None) -> dict[str, T]:
    """Every entry of ``kind`` by key; ContentError if any file of that kind is broken."""
    catalog = load_catalog(dirs)
    problems = _problems_of(catalog, kind.name)
    if problems:
        raise ContentError(problems)
    return dict(kind.entries(catalog))


def load_one(kind: Kind[T], key: str, dirs: Dirs = None) -> T:
    """One entry; ContentError if its file (named ``<key>.yaml``) is broken, KeyError if none."""
    catalog = load_catalog(dirs)
    entries = kind.entries(catalog)
    if key in entries:
        return entries[key]
    problems = _problems_of(catalog, kind.name, key)
    if problems:
        raise ContentError(problems)
    raise KeyError(f"no {kind.name} {key!r} (available: {', '.join(entries) or 'none'})")


def load_rubrics(dirs: Dirs = None) -> dict[str, Rubric]:
    """All rubrics by id; raises ContentError if any rubric file is broken."""
    return load_all(RUBRICS, dirs)


def load_rubric(rubric_id: str, dirs: Dirs = None) -> Rubric:
    """One rubric; ContentError if its file is broken, KeyError if there is none."""
    return load_one(RUBRICS, rubric_id, dirs)


def load_agendas(dirs: Dirs = None) -> dict[str, Agenda]:
    """All agendas by id; raises ContentError if any agenda file is broken."""
    return load_all(AGENDAS, dirs)


def load_agenda(agenda_id: str, dirs: Dirs = None) -> Agenda:
    """One agenda; ContentError if its file is broken, KeyError if there is none."""
    return load_one(AGENDAS, agenda_id, dirs)


def load_ui_texts(dirs: Dirs = None) -> dict[str, Text]:
    """All UI texts keyed ``"<area>.<key>"``; raises ContentError if any UI file is broken."""
    return load_all(UI_TEXTS, dirs)


@functools.cache
def program_texts() -> Mapping[str, Text]:
    """The UI texts of the content folders, read once per process.

    For messages plain Python writes without a page translator: scoring errors
    (built thousands of times in a wrap-up, where even a cached
    :func:`load_catalog` costs a stat per file) and the command line. Never
    raises: a broken file shows its keys as ``⟦key⟧`` instead.
    """
    return load_catalog().ui
