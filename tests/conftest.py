"""Fixtures shared by every test module.

Autouse isolation: no test sees the developer's ``KIOSK_*`` environment (a stray
``KIOSK_CONFIG`` would change what every test loads), and ``KIOSK_DATA_DIR`` points at a fresh
temporary folder so nothing a test does can touch a real data directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_kiosk_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.upper().startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path_factory.mktemp("kiosk-data")))


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write TOML text to a fresh ``kiosk.toml`` in the test's folder and return its path."""

    def write(text: str, name: str = "kiosk.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder seeded for the UI tests (patients, a previous visit, staff with cheap
    Argon2 hashing), with the kiosk's room set. Modules needing another folder override it."""
    from ui_helpers import ROOM, seed, use_cheap_hashing  # lazy: keeps Textual out of core tests

    data = tmp_path / "data"
    seed(data)
    monkeypatch.setenv("KIOSK_ROOM", ROOM)
    use_cheap_hashing(monkeypatch)
    return data
