"""The shape of the code: no import circle between Exchange's modules, counting imports inside
functions too (they hide a circle, they do not break it), and no import inside a function unless
it loads an optional dependency named here."""
from __future__ import annotations

import ast
from pathlib import Path

import exchange

ROOT = Path(exchange.__file__).parent

# (importing module, imported module): each is loaded only when the configuration asks for it.
OPTIONAL_IMPORTS = {
    ("exchange.search.backend", "exchange.search.postgres_backend"),
    ("exchange.search.backend", "exchange.search.whoosh_backend"),
}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = _modules()


def _imported(module: str, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    """The Exchange modules an import statement loads (``from . import x`` loads module ``x``)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module if modules[module].name == "__init__.py" else module.rpartition(".")[0]
            base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        names = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
    return {name for name in names if name in modules and name != module}


def _function_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found = []
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [n for n in ast.walk(function) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import that runs, at any depth; ``if TYPE_CHECKING:`` blocks never run (the models
    name each other's classes there for annotations only)."""
    found = []
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            found.append(child)
        elif _is_type_checking(child):
            found += _runtime_imports(ast.Module(body=child.orelse, type_ignores=[]))
        else:
            found += _runtime_imports(child)
    return found


def import_graph(modules: dict[str, Path] = MODULES) -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Every module's imports (at any depth), and the imports made inside functions."""
    graph, inside = {}, []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        graph[module] = set().union(*(_imported(module, n, modules) for n in _runtime_imports(tree)))
        for node in _function_imports(tree):
            for target in _imported(module, node, modules) or {ast.unparse(node)}:
                inside.append((module, node.lineno, target))
    return graph, inside


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_module_imports_itself_back_through_others():
    graph, _ = import_graph()
    assert circles(graph) == [], "Import circles (imports inside functions count too):\n" + "\n".join(
        " ↔ ".join(group) for group in circles(graph))


def test_imports_inside_functions_only_load_an_optional_dependency():
    _, inside = import_graph()
    unexpected = [f"{module}:{line} imports {target}" for module, line, target in inside
                  if (module, target) not in OPTIONAL_IMPORTS]
    assert unexpected == [], "Import at the top of the module instead:\n" + "\n".join(unexpected)


def test_the_graph_sees_relative_imports_and_imports_inside_functions(tmp_path):
    """The walker itself: a circle closed only by an import inside a function is still a circle."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("def thing():\n    from . import a\n    return a\n")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    graph, inside = import_graph(modules)
    assert circles(graph) == [["pkg.a", "pkg.b"]]
    assert inside == [("pkg.b", 2, "pkg.a")]


def test_imports_for_type_checkers_alone_are_not_edges(tmp_path):
    """``if TYPE_CHECKING:`` never runs: the models name each other there for annotations only."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
                                  "else:\n    from . import c\n")
    (package / "b.py").write_text("from .a import A\n")
    (package / "c.py").write_text("")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py",
               "pkg.c": package / "c.py"}
    graph, _ = import_graph(modules)
    assert graph["pkg.a"] == {"pkg.c"} and circles(graph) == []


MODULE_MAX_LINES = 400


def test_no_module_is_over_400_lines():
    """Small modules by area: past this size a module holds more than one concern."""
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MODULE_MAX_LINES}
    assert long == {}, f"Split these along a real seam: {long}"
