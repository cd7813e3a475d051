"""The core never imports Textual and arrows point down only (docs/ARCHITECTURE.md, "Contracts").

Three independent checks, so a gap in one is caught by another:
- each core module is imported in a fresh interpreter and ``textual`` must not be loaded;
- every file the core can reach (its kiosk imports, followed transitively, including lazy
  imports inside functions and ``TYPE_CHECKING`` blocks) is scanned for ``import textual``;
- the import-linter contract in pyproject.toml is kept.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import kiosk

PACKAGE_DIR = Path(kiosk.__file__).resolve().parent
REPO = PACKAGE_DIR.parent

CORE_PACKAGES = (
    "kiosk.models",
    "kiosk.validators",
    "kiosk.store",
    "kiosk.export",
    "kiosk.demo",
    "kiosk.data",
)
CORE = (
    "kiosk.units",
    "kiosk.scoring",
    "kiosk.config",
    "kiosk.errors",
    "kiosk.services",
    "kiosk.privacy",
    *CORE_PACKAGES,
)
"""The core (docs/ARCHITECTURE.md, "Contracts"): no Textual, no face, reusable by the CLI."""

ALWAYS_PRESENT = {
    "kiosk.models",
    "kiosk.validators.vitals",
    "kiosk.store.encounters",
    "kiosk.export.fhir",
    "kiosk.demo.seeding",
    "kiosk.services",
}


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def core_modules() -> list[str]:
    """The core modules: the list above and every module of the core packages."""
    names = list(CORE)
    for package in CORE_PACKAGES:
        folder = PACKAGE_DIR / package.split(".")[1]
        names += [
            f"{package}.{p.stem}" for p in sorted(folder.glob("*.py")) if p.stem != "__init__"
        ]
    assert all(_exists(name) for name in names)
    return names


def module_file(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (
        PACKAGE_DIR / relative.with_suffix(".py"),
        PACKAGE_DIR / relative / "__init__.py",
    ):
        if candidate.is_file():
            return candidate
    return None


def imported_names(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    """Every module name an AST imports, anywhere in the file (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def reachable_files() -> dict[str, Path]:
    """Core modules and every kiosk module they import, transitively."""
    todo = core_modules()
    seen: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        path = module_file(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target in imported_names(tree, name, path.name == "__init__.py"):
            if target.startswith("kiosk.") and target not in seen:
                todo.append(target)
    return seen


def test_the_always_present_core_is_checked() -> None:
    assert set(core_modules()) >= ALWAYS_PRESENT


def test_no_core_module_loads_textual_in_a_fresh_interpreter() -> None:
    script = (
        "import importlib, sys; importlib.import_module(sys.argv[1]); "
        "print('textual' in sys.modules)"
    )
    running = {
        name: subprocess.Popen(
            [sys.executable, "-c", script, name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name in core_modules()
    }
    results = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, f"importing {name} failed:\n{err}"
        results[name] = out.strip()
    assert {name for name, loaded in results.items() if loaded != "False"} == set()


def test_no_file_the_core_reaches_imports_textual() -> None:
    files = reachable_files()
    assert set(files) >= ALWAYS_PRESENT
    offenders = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules = imported_names(tree, name, path.name == "__init__.py")
        if any(module == "textual" or module.startswith("textual.") for module in modules):
            offenders.append(name)
    assert offenders == []


def test_the_scan_would_notice_textual() -> None:
    tree = ast.parse("def f():\n    from textual.app import App\n")
    assert "textual.app" in imported_names(tree, "kiosk.x", False)
    tree = ast.parse("from .vitals import check_vital\nfrom . import ranges\n")
    assert {"kiosk.validators.vitals", "kiosk.validators.ranges"} <= imported_names(
        tree, "kiosk.validators", True
    )


def test_import_linter_contract_is_kept() -> None:
    # In a child process: import-linter calls logging.config.dictConfig, which would disable
    # every logger already created in this test process (and hide their records from caplog).
    config = str(REPO / "pyproject.toml")
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(config_filename={config!r}, no_cache=True, no_logo=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- the house (issue: the house)

MAX_LINES = 400
MAX_TOP_LEVEL = 12


def kiosk_graph() -> dict[str, set[str]]:
    """Every kiosk module and the kiosk modules it imports (lazy and TYPE_CHECKING included)."""
    import grimp

    graph = grimp.build_graph("kiosk")
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
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
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_between_kiosk_modules() -> None:
    assert cycles(kiosk_graph()) == []


def test_the_cycle_check_would_notice_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_in_the_package_is_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE_DIR)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE_DIR.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_the_top_level_holds_at_most_12_modules() -> None:
    top = sorted(path.name for path in PACKAGE_DIR.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_every_package_has_a_face() -> None:
    """Each subpackage's __init__ says what it holds; the core ones list their names."""
    for init in PACKAGE_DIR.glob("*/__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{init.parent.name}/__init__.py has no docstring"
    for package in ("store", "export", "demo"):
        module = importlib.import_module(f"kiosk.{package}")
        assert module.__all__, package
        for name in module.__all__:
            assert getattr(module, name) is not None, f"kiosk.{package}.{name}"
