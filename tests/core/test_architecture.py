"""The core never imports Textual (DESIGN.md §1: arrows point down only).

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

CORE = (
    "kiosk.models",
    "kiosk.units",
    "kiosk.validators",
    "kiosk.scoring",
    "kiosk.config",
    "kiosk.store",
    "kiosk.store.audit",
    "kiosk.export.fhir",
    "kiosk.demo",
    "kiosk.errors",
    "kiosk.store.staff",
    "kiosk.export",
)
"""Core modules named in the design; those not written yet are skipped by :func:`core_modules`."""

ALWAYS_PRESENT = {
    "kiosk.models",
    "kiosk.units",
    "kiosk.validators",
    "kiosk.validators.vitals",
    "kiosk.scoring",
    "kiosk.config",
    "kiosk.demo",
    "kiosk.errors",
}
FACE_ONLY = {"kiosk.widgets.validation"}


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def core_modules() -> list[str]:
    """The core modules that exist: the list above plus every validators submodule but one."""
    names = [name for name in CORE if _exists(name)]
    for path in sorted((PACKAGE_DIR / "validators").glob("*.py")):
        name = f"kiosk.validators.{path.stem}"
        if path.stem != "__init__" and name not in FACE_ONLY:
            names.append(name)
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
    assert not FACE_ONLY & set(core_modules())


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
