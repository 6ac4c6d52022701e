"""What is wrong with a content file, said so that its author can fix it.

Content is written by workshop hosts, not only by developers, so every problem
names the file, the place inside it and what is wrong in plain words. Kept apart
from the parsers so the catalog, the loaders and the CLI share one shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: ``where`` of a problem with the file's top-level keys.
TOP = "top level"


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with a content file.

    ``where`` locates it inside the file (``"item data-2"``, ``"line 12"``,
    ``"top level"``); ``kind`` ("rubric", "agenda", "ui", "unknown", "folder")
    lets a loader raise only for the files it was asked for.
    """

    path: str
    where: str
    message: str
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.where:
            return f"{self.path}: {self.where}: {self.message}"
        return f"{self.path}: {self.message}"


class ContentError(Exception):
    """A content file that is needed cannot be used; ``problems`` says why, one per line."""

    def __init__(self, problems: Iterable[ContentProblem]) -> None:
        self.problems: list[ContentProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def shown_path(path: str | Path) -> str:
    """How a path appears in messages: relative to the working folder when inside it."""
    candidate = Path(path)
    try:
        return str(candidate.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
