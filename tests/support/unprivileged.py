"""Run a Python snippet or the ``kiosk`` command as an unprivileged user.

Why: root ignores file modes, so a read-only or unwritable data folder can only be tested for
real as another user. When the tests run as root this uses ``setpriv`` to become ``nobody``
and a system Python of the same version (the venv's own interpreter may live under /root,
which nobody cannot reach), with the repository and the venv's packages on the path. When
the tests already run unprivileged, it runs the snippet as is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534


def _python() -> str:
    if os.geteuid() != 0:
        return sys.executable
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if Path(candidate).exists():
            return candidate
    found = shutil.which(version, path="/usr/bin:/usr/local/bin")
    if found is None or shutil.which("setpriv") is None:
        pytest.fail(f"running as root needs setpriv and a system {version} to drop privileges")
    return found


def shared_dir() -> Path:
    """A fresh folder the unprivileged user can reach and own (remove it when done)."""
    path = Path(tempfile.mkdtemp(prefix="kiosk-unpriv-", dir="/tmp"))
    path.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
    return path


def give_away(path: Path) -> None:
    """Make ``path`` and everything under it the unprivileged user's."""
    if os.geteuid() != 0:
        return
    for item in [path, *path.rglob("*")]:
        os.chown(item, NOBODY, NOBODY, follow_symlinks=False)


def run(args: list[str], *, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python args...`` as the unprivileged user (``-m kiosk ...``, ``-c ...``)."""
    site = sysconfig.get_paths()["purelib"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONPATH": f"{REPO}{os.pathsep}{site}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [_python(), *args]
    if os.geteuid() == 0:
        ids = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        command = ["setpriv", *ids, *command]
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, cwd="/tmp", timeout=120
    )
