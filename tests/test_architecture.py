"""The package's layers import one way: no import cycle among the modules of src/itero."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "itero"


def _imports(path: Path) -> set[str]:
    """The itero modules ``path`` imports (at any depth, also inside functions), except those
    under ``if TYPE_CHECKING:`` and the documented lazy ``iter()`` imports of Option/Result."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST, func: str | None) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for other in node.orelse:
                visit(other, func)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = node.name
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
            for name in names:
                if not (path.stem in ("_option", "_result") and name == "_iter" and func == "iter"):
                    found.add(name)
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(tree, None)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in SRC.glob("*.py")}
    graph = {m: _imports(p) & set(modules) - {m} for m, p in modules.items()}
    # Option and Result are one layer: they may refer to each other.
    graph["_option"].discard("_result")
    graph["_result"].discard("_option")
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append([*stack[stack.index(n) :], n])
            elif n not in state:
                walk(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            walk(m)
    return cycles


class TestLayers:
    def test_no_import_cycle(self) -> None:
        assert _cycles(_graph()) == []

    def test_the_check_finds_a_cycle(self) -> None:
        assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]

    def test_the_cores_know_nothing_of_iter_or_io(self) -> None:
        graph = _graph()
        for core in ("_errors", "_checks", "_batching", "_pacing", "_paging"):
            assert not graph[core] & {"_iter", "_kit", "_drivers", "grpc"}, core
        io = {"asyncio", "socket", "threading", "time", "concurrent"}
        for core in ("_batching", "_pacing", "_paging", "_window"):
            tree = ast.parse((SRC / f"{core}.py").read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    assert not {a.name.split(".")[0] for a in node.names} & io, core
                if isinstance(node, ast.ImportFrom) and node.module:
                    assert node.module.split(".")[0] not in io, core

    def test_every_module_is_in_the_architecture_doc(self) -> None:
        doc = (SRC.parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
        missing = [p.stem for p in SRC.glob("*.py") if f"`{p.stem}`" not in doc]
        assert missing == []
