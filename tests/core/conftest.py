"""Fixtures for the core tests (no Textual: models, units, validators, store, export)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder that does not exist yet (the store creates it, private)."""
    return tmp_path / "data"
