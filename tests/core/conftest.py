"""Fixtures for the core tests (no Textual: models, units, validators, store, export)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import PostgresServer


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder that does not exist yet (the store creates it, private)."""
    return tmp_path / "data"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL for the whole session (tests/support/postgres.py)."""
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.remove()
