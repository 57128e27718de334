"""The layout shows the flow: imports point down the stages, with no cycle, in small modules.

Every ``import`` and ``from … import`` in kg counts, those inside functions too (a lazy
import is still a dependency); only ``if TYPE_CHECKING:`` blocks are left out, since
they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

import kg

PACKAGE = Path(kg.__file__).resolve().parent

#: The stages, lowest first. A module may import its own stage or a lower one; the
#: stages that share a rank (the uses of a graph) may not import one another.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kg._version", "kg.errors", "kg.io"),
    ("kg.ontology",),
    ("kg.ingest",),
    ("kg.extract",),
    ("kg.rdf",),
    ("kg.analysis", "kg.view", "kg.learn"),
    ("kg.graph",),
    ("kg.pipeline",),
    ("kg.demo",),
    ("kg",),  # the public API: names re-exported lazily from the modules above
    ("kg.serve",),
    ("kg.cli",),
    ("kg._main",),
    ("kg.__main__",),
)

MAX_LINES = 800


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path
    for path in sorted(PACKAGE.rglob("*.py"))
    if not path.name.startswith(".") and "_ontology" not in path.parts
}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _imports(node)


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name.split(".")[0] == "kg")
        return
    base = node.module or ""
    if node.level:  # relative: resolve against the importing module's package
        package = module.split(".")
        if MODULES[module].name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    if base.split(".")[0] != "kg":
        return
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in MODULES else base


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            for target in _targets(module, node):
                if target != module:
                    graph.add_edge(module, target, line=node.lineno)
    return graph


def _layer(module: str) -> tuple[int, str]:
    """(rank, stage) of a module: the longest stage name that is a prefix of it."""
    best: tuple[int, str] | None = None
    for rank, stages in enumerate(LAYERS):
        for stage in stages:
            inside = module == stage or (stage != "kg" and module.startswith(stage + "."))
            if inside and (best is None or len(stage) > len(best[1])):
                best = (rank, stage)
    assert best is not None, f"{module} is in no stage of LAYERS"
    return best


def test_every_module_is_found() -> None:
    assert "kg.extract.mentions" in MODULES and "kg.cli.main" in MODULES


def test_no_import_cycle() -> None:
    graph = import_graph()
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    assert cycles == []


def test_imports_point_down_the_flow() -> None:
    wrong = []
    for module, target, data in import_graph().edges(data=True):
        (rank, stage), (target_rank, target_stage) = _layer(module), _layer(target)
        if target_rank > rank or (target_rank == rank and target_stage != stage):
            wrong.append(f"{module} (line {data['line']}) imports {target}")
    assert wrong == []


def test_the_check_sees_lazy_imports_but_not_type_checking_blocks() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kg.cli.main import cli\n"
        "def f():\n    from kg.graph import KnowledgeGraph\n"
    )
    found = [t for node in _imports(tree) for t in _targets("kg.errors", node)]
    assert found == ["kg.graph"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small_and_says_which_step_it_is(module: str) -> None:
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_LINES, f"{path} has {text.count(chr(10))} lines"
    assert ast.get_docstring(ast.parse(text)), f"{path} has no docstring"
