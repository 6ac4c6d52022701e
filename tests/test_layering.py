"""The layering docs/architecture.md describes: views -> workshop, never the other way.

``workshop/`` is the plain-Python domain: the CLI, the tests and the benchmarks
use it without Streamlit, and ``workshop serve`` starts Streamlit in a child
process. So no module of it may import Streamlit or the views, anywhere in the
file (a deferred import inside a function counts too), and its modules import
each other without cycles, so each can be read and tested from the bottom up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workshop"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(tree: ast.AST) -> Iterator[tuple[str, list[str]]]:
    """(module, names) of every import statement in ``tree``, nested ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, [alias.name for alias in node.names]


def test_workshop_never_imports_streamlit_or_the_views() -> None:
    found = [
        f"{name}: {module}"
        for name, path in MODULES.items()
        for module, _ in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if module.split(".")[0] in ("streamlit", "views")
    ]
    assert found == []


def test_workshop_modules_import_each_other_without_cycles() -> None:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Module level, what runs on import (``if TYPE_CHECKING:`` imports never run).
        statements = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
        for statement in statements:
            for module, names in _imports(statement):
                # ``from workshop.store.sheets import plans`` depends on the submodule.
                targets = {f"{module}.{n}" for n in names} & MODULES.keys() or {module}
                graph[name] |= {target for target in targets if target in MODULES} - {name}

    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        if name in path:
            raise AssertionError(" -> ".join([*path[path.index(name) :], name]))
        if name in done:
            return
        path.append(name)
        for target in sorted(graph[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
