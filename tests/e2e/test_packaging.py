"""A clinic installs a built package: the wheel carries everything the kiosk reads at run time.

The wheel is built from a copy of the package and installed, with its declared dependencies,
into a fresh venv (``pip install kiosk-*.whl``); its ``kiosk`` command runs there, in a working
directory far from the checkout, so a default read from outside the package, or a dependency
missing from pyproject.toml, fails here. ``kiosk --demo`` runs in tmux at 80x24.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tmux_session import Tmux

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy: parallel test workers never share a build/ folder
    shutil.copytree(
        ROOT / "kiosk", source / "kiosk", ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    for name in ("pyproject.toml", "README.md", "setup.py"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    [wheel] = out.glob("kiosk-*.whl")
    venv = out / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        cwd=out,
        timeout=600,
    )
    return venv


def site_packages(venv: Path) -> Path:
    [site] = (venv / "lib").glob("python3*/site-packages")
    return site


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON"))}
    env.update(KIOSK_DATA_DIR=str(tmp_path / "data"))
    return env


def run(installed: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed / "bin" / "kiosk"), *args],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        cwd=tmp_path,
        check=False,
        timeout=120,
    )


def test_the_wheel_ships_the_defaults_and_nothing_of_the_checkout(installed: Path) -> None:
    package = site_packages(installed) / "kiosk"
    for name in ("kiosk.toml", "ranges.toml"):
        assert (package / "data" / name).is_file(), name
    assert (package / "kiosk.tcss").is_file()
    assert not (site_packages(installed) / "tests").exists()
    assert not (site_packages(installed) / "config").exists()


def test_demo_data_and_check_run_from_the_installed_package(
    installed: Path, tmp_path: Path
) -> None:
    seeded = run(installed, tmp_path, "demo-data")
    assert seeded.returncode == 0, seeded.stderr
    checked = run(installed, tmp_path, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shipped = site_packages(installed) / "kiosk" / "data" / "ranges.toml"
    assert f"shipped ({shipped})" in checked.stdout
    assert "No problems found." in checked.stdout


def test_the_installed_kiosk_runs_on_demo_data_in_a_terminal(
    installed: Path, tmp_path: Path, tmux: Tmux
) -> None:
    env = {"KIOSK_DATA_DIR": str(tmp_path / "data"), "KIOSK_ROOM": "exam-1", "TERM": "xterm"}
    tmux.start(f"cd {tmp_path} && env -u PYTHONPATH {installed / 'bin' / 'kiosk'} --demo", env)
    tmux.wait_for("PIN: 1234", timeout=90)  # seeded on first start, the demo account shown
    tmux.keys("demo", "Enter", "1234", "Enter")
    tmux.wait_for("Today's patients", timeout=30)  # the demo clinic's patient list
    tmux.keys("C-o")
    tmux.wait_for("PIN", timeout=30)  # signed out
    tmux.keys("C-q")
    deadline = time.monotonic() + 30
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive()
