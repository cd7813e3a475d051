"""A clinic installs a built package: the wheel carries everything the kiosk reads at run time.

The wheel is built and unpacked into a folder of its own; the commands run from there (the
test environment's dependencies, none of the repository's files), in a working directory far
from the checkout, so a default read from outside the package would fail here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy: parallel test workers never share a build/ folder
    shutil.copytree(ROOT / "kiosk", source / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    [wheel] = out.glob("kiosk-*.whl")
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def run(installed: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(PYTHONPATH=str(installed), KIOSK_DATA_DIR=str(tmp_path / "data"))
    code = "import sys, kiosk.cli; sys.exit(kiosk.cli.main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )


def test_the_wheel_ships_the_defaults(installed: Path) -> None:
    for name in ("kiosk.toml", "ranges.toml"):
        assert (installed / "kiosk" / "data" / name).is_file(), name
    assert (installed / "kiosk" / "kiosk.tcss").is_file()


def test_demo_data_and_check_run_from_the_installed_package(
    installed: Path, tmp_path: Path
) -> None:
    seeded = run(installed, tmp_path, "demo-data")
    assert seeded.returncode == 0, seeded.stderr
    checked = run(installed, tmp_path, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"shipped ({installed / 'kiosk' / 'data' / 'ranges.toml'})" in checked.stdout
    assert "No problems found." in checked.stdout
