"""The architecture is checked, not hoped for: okrlib's imports run one way and close no loop.

Every ``import`` in okrlib is read (with ast, function-level imports included: a lazy import is
still a dependency), each module is placed in its package, and the packages are held to the
order in docs/architecture.md. Third-party libraries that draw or hold a file format are held to
the packages that may use them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "okrlib"

# Lower layers never import higher ones. The top-level okrlib/__init__.py only re-exports.
LAYERS = ["words", "plan", "method", "storage", "course", "views", "cli"]

# Libraries each may only be imported by these layers.
ONLY_IN = {
    "ipywidgets": {"views"},
    "plotly": {"views"},
    "kaleido": {"views"},
    "IPython": {"views"},
    "voila": {"views"},
    "openpyxl": {"storage"},
    "csv": {"storage", "course", "cli"},
    "pandas": {"storage", "course", "views", "method"},
    "yaml": {"words", "storage", "course"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(LIB.rglob("*.py"))}


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in a module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from okrlib.views import charts` depends on okrlib.views.charts
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "okrlib" or len(parts) < 2:
        return None
    head = parts[1]
    return head if head in LAYERS else None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for target, _ in _imports(name, path):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def test_every_module_of_okrlib_belongs_to_a_declared_package() -> None:
    outside = [m for m in _modules() if m not in {"okrlib", "okrlib.__main__"} and _layer(m) is None]
    assert outside == [], f"modules outside the declared packages {LAYERS}: {outside}"


def test_imports_run_one_way() -> None:
    wrong = []
    for name, path in _modules().items():
        mine = _layer(name)
        if mine is None:
            continue
        for target, line in _imports(name, path):
            theirs = _layer(target)
            if theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {mine} imports {target} ({theirs})")
            if target == "okrlib":
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports the top-level okrlib (import the home module)")
    assert wrong == [], "imports against the declared direction:\n" + "\n".join(wrong)


def test_no_import_closes_a_loop() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    loops: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                loops.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    # a package's __init__ importing its own module is not a loop unless that module imports back
    assert loops == [], "import loops:\n" + "\n".join(" -> ".join(loop) for loop in loops)


@pytest.mark.parametrize("library", sorted(ONLY_IN))
def test_libraries_stay_in_their_layer(library: str) -> None:
    wrong = []
    for name, path in _modules().items():
        mine = _layer(name)
        for target, line in _imports(name, path):
            if target.split(".")[0] == library and mine not in ONLY_IN[library]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {library} in {mine}")
    assert wrong == [], f"{library} outside {sorted(ONLY_IN[library])}:\n" + "\n".join(wrong)


def test_the_checker_finds_a_wrong_import(tmp_path: Path) -> None:
    """The rule above can fail: a plan module importing a view is reported."""
    bad = tmp_path / "okrlib" / "plan" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("def f():\n    from okrlib.views import charts\n", encoding="utf-8")
    imports = _imports("okrlib.plan.bad", bad)
    assert ("okrlib.views.charts", 2) in imports
    assert LAYERS.index(_layer("okrlib.views.charts")) > LAYERS.index(_layer("okrlib.plan.bad"))


def test_architecture_doc_states_the_same_order() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    order = re.search(r"<!-- layers: ([a-z, ]+) -->", doc)
    assert order, "docs/architecture.md should state the layer order in a <!-- layers: ... --> line"
    assert [x.strip() for x in order.group(1).split(",")] == LAYERS
    for layer in LAYERS[:-1]:
        assert (LIB / layer).is_dir() and f"okrlib/{layer}/" in doc
