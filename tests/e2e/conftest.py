"""End-to-end tests: the installed ``kiosk`` command in real terminals (tmux, ssh), a built
wheel in a fresh venv, real crashes. Every test here is marked ``e2e`` (``-m "not e2e"`` runs
the quick core and UI tests alone)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_session import Tmux

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server, killed after the test."""
    session = Tmux()
    try:
        yield session
    finally:
        session.kill()
