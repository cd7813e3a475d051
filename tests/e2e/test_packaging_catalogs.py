"""``pip install .`` ships the compiled Spanish catalog, and the installed kiosk loads it.

A wheel is built from a copy of the sources without any .mo file (the build compiles them,
setup.py with Babel), unpacked, and imported from there in a fresh interpreter far from the
checkout: the catalog that answers is the installed one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_package_carries_and_loads_the_spanish_catalog(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(
        ROOT / "kiosk", source / "kiosk", ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    for name in ("pyproject.toml", "README.md", "setup.py"):
        shutil.copy2(ROOT / name, source / name)
    assert not list(source.rglob("*.mo"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=600,
    )
    [wheel] = tmp_path.glob("kiosk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kiosk/locale/es/LC_MESSAGES/kiosk.mo" in names
    assert "kiosk/data/screenings.toml" in names
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    code = (
        "import kiosk.screening as s, kiosk.screening.i18n as i;"
        "c = s.catalog('es');"
        "print(i.LOCALE_DIR);"
        "print(c.gettext('Please hand the screen back to the staff.'));"
        "print(c.gettext('Thoughts that you would be better off dead or of hurting yourself"
        " in some way'))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON"))}
    env["PYTHONPATH"] = str(installed)
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert out[0] == str(installed / "kiosk" / "locale")
    assert out[1] == "Por favor, devuelva la pantalla al personal."
    assert out[2].startswith("Pensamientos de que estaría mejor muerto(a)")
