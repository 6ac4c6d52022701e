"""Read one YAML content file, turning every failure into a problem with a line number.

Hosts edit these files by hand, so a parse error must say where (``line 12``)
and a repeated key must not silently win: plain YAML keeps the last of two
equal keys, and a duplicated item or UI key is almost always a copy-paste slip
whose first version would otherwise vanish without a trace.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from workshop.content.problems import ContentProblem

_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping repeats a key; plain YAML would silently keep the last one."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that rejects duplicate mapping keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        if isinstance(node, yaml.MappingNode):  # "!!map" on a scalar: the base class reports it
            self._refuse_duplicates(node)
        return super().construct_mapping(node, deep=deep)

    def _refuse_duplicates(self, node: yaml.MappingNode) -> None:
        first_line: dict[Any, int] = {}
        for key_node, _value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                seen = key in first_line
            except TypeError:  # unhashable key: the base class reports it
                continue
            if seen:
                raise DuplicateKeyError(
                    None,
                    None,
                    f'duplicate key "{key}" (first used on line {first_line[key] + 1})',
                    key_node.start_mark,
                )
            first_line[key] = key_node.start_mark.line


def _line(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}" if mark else "file"


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    """The library's message, plus where the construct that failed began when that differs."""
    message = f"YAML syntax error: {error.problem or error.context}"
    if error.context and error.problem:
        mark, context_mark = error.problem_mark or error.context_mark, error.context_mark
        if context_mark is not None and mark is not None and context_mark.line != mark.line:
            message += f" ({error.context} that starts on line {context_mark.line + 1})"
        else:
            message += f" ({error.context})"
    return message


def read_yaml(path: Path, shown: str, kind: str) -> tuple[Any, list[ContentProblem]]:
    """(data, []) for a readable file, or (None, [the problem]) naming ``shown`` and ``kind``."""

    def problem(where: str, message: str) -> tuple[Any, list[ContentProblem]]:
        return None, [ContentProblem(shown, where, message, kind)]

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return problem("file", "is not UTF-8 text; save it as UTF-8")
    except OSError as error:
        return problem("file", f"cannot be read ({error.strerror or error})")
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except DuplicateKeyError as error:
        return problem(_line(error.problem_mark), str(error.problem))
    except yaml.MarkedYAMLError as error:
        return problem(_line(error.problem_mark or error.context_mark), _syntax_message(error))
    except yaml.YAMLError as error:
        return problem("file", f"YAML error: {error}")
    if data is None:
        return problem("file", "is empty")
    return data, []
