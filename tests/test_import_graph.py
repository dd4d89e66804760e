"""The package's import graph: no cycle, no upward import, function-level imports only for the
heavy libraries of ``extractor.lazy``, and importing the CLI loads none of them.

Layers, lowest first (``LAYERS``): a module may import its own package and lower layers, never
a higher layer nor another package of its own layer.  In short: base helpers (errors, files,
JSON, the pattern library) → Chinese-language knowledge (``extractor.language``) → lexicons →
the document model → readers → records → structure → text → tables → document-level extractors (metadata, links, audit) →
the pipeline → writers and jobs → engines → diff and review → batch → the command line.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.lazy import HEAVY

ROOT = Path(__file__).resolve().parent.parent / "extractor"

LAYERS: list[tuple[str, ...]] = [
    ("errors", "version", "lazy", "files", "jsonio", "report_text", "pattern_schema", "collector", "per_object"),
    ("patterns",),
    ("language",),  # Chinese-language knowledge: numerals, periods, dates, normalisation
    ("hygiene", "limits", "progress", "labels"),
    ("measures", "catalogue"),  # lexicons
    ("polarity",),
    ("model",),
    ("normalize",),
    ("readers",),
    ("records",),
    ("schema_check", "schema_gen", "values", "evidence"),
    ("structure",),
    ("text",),
    ("tables",),
    ("metadata", "links", "audit"),
    ("pipeline",),
    ("jobs", "writers", "inputs"),
    ("engines",),
    ("diff", "review", "spacy_component"),
    ("manifest", "folder_lock"),
    ("batch", "audit.documents"),  # the library calls of planx extract / planx audit
    ("audit.cli", "diff.cli", "review.cli"),  # the sub-commands
    ("cli", ""),  # "" = the package (extractor/__init__.py: the API)
]


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for p in ROOT.rglob("*.py"):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (p, is_pkg)
    return out


MODULES = _modules()


def _unit(mod: str) -> tuple[int, str]:
    """(layer, unit): the most specific entry of LAYERS naming ``mod`` or a package above it."""
    best = None
    for rank, names in enumerate(LAYERS):
        for name in names:
            if name == mod or (name and mod.startswith(name + ".")) or (name == "" and mod == ""):
                if best is None or len(name) > len(best[1]):
                    best = (rank, name)
    assert best is not None, f"extractor.{mod} is in no layer of tests/test_import_graph.py: place it"
    return best


def _in_function(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return True
    return False


def _type_checking(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _imports():
    """(module, line, imported module or None for a third-party one, top-level name, in a function)."""
    for mod, (path, is_pkg) in sorted(MODULES.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {c: n for n in ast.walk(tree) for c in ast.iter_child_nodes(n)}
        here = mod.split(".") if mod else []
        package = here if is_pkg else here[:-1]
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or _type_checking(node, parents):
                continue
            infunc = _in_function(node, parents)
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "extractor" or a.name.startswith("extractor."):
                        yield mod, node.lineno, a.name.removeprefix("extractor").lstrip("."), None, infunc
                    else:
                        yield mod, node.lineno, None, a.name.split(".")[0], infunc
                continue
            if node.level == 0 and not (node.module or "").startswith("extractor"):
                yield mod, node.lineno, None, (node.module or "").split(".")[0], infunc
                continue
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module.removeprefix("extractor").lstrip(".")
            for a in node.names:  # "from . import declared" imports a module
                sub = f"{target}.{a.name}" if target else a.name
                yield mod, node.lineno, sub if sub in MODULES else target, None, infunc


IMPORTS = list(_imports())


def test_every_module_is_placed_in_a_layer():
    for mod in MODULES:
        _unit(mod)


def test_no_upward_or_sideways_import():
    wrong = []
    for mod, line, target, _, _ in IMPORTS:
        if target is None or target == mod:
            continue
        (r1, u1), (r2, u2) = _unit(mod), _unit(target)
        if u1 == u2 or (u2 and mod.startswith(u2 + ".")) and r1 == r2:
            continue  # inside one unit
        if r2 >= r1:
            wrong.append(f"extractor/{mod.replace('.', '/')}.py:{line} imports extractor.{target} "
                         f"(layer {r2} '{u2 or 'extractor'}' is not below layer {r1} '{u1 or 'extractor'}')")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for mod, _, target, _, _ in IMPORTS:
        if target is not None and target != mod:
            graph[mod].add(target)
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_function_level_imports_are_only_the_heavy_libraries():
    """Everything but ``extractor.lazy.HEAVY`` is imported at the top of its module."""
    inside = [f"extractor/{mod.replace('.', '/')}.py:{line} imports "
              f"{'extractor.' + target if target is not None else top} inside a function"
              for mod, line, target, top, infunc in IMPORTS if infunc and (target is not None or top not in HEAVY)]
    assert not inside, "\n".join(inside)


def test_heavy_libraries_are_imported_inside_functions_only():
    at_top = [f"extractor/{mod.replace('.', '/')}.py:{line} imports {top} at module level"
              for mod, line, target, top, infunc in IMPORTS
              if not infunc and target is None and top in HEAVY]
    assert not at_top, "\n".join(at_top)


@pytest.mark.parametrize("module", ["extractor.cli", "extractor"])
def test_starting_planx_loads_no_heavy_library(module):
    code = (f"import sys, {module}; from extractor.lazy import HEAVY; "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in HEAVY)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_a_planted_cycle_and_upward_import_are_caught(monkeypatch):
    """The checks can fail: a records → writers import is upward and, with writers → records, a cycle."""
    planted = IMPORTS + [("records", 1, "writers.tabular", None, False)]
    monkeypatch.setattr(sys.modules[__name__], "IMPORTS", planted)
    with pytest.raises(AssertionError, match="records.py:1 imports extractor.writers.tabular"):
        test_no_upward_or_sideways_import()
    with pytest.raises(AssertionError, match="import cycles"):
        test_no_import_cycle()
