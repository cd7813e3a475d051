"""Fixtures for the Textual tests (screens and widgets driven with pilot)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_vitals_harness import make_context

from kiosk.screens.base import StepContext


@pytest.fixture
def context(tmp_path: Path) -> Iterator[Callable[..., StepContext]]:
    """Make step contexts (a store in a fresh folder each), closed after the test."""
    made: list[StepContext] = []

    def make(**kwargs: Any) -> StepContext:
        kwargs.setdefault("required_fields", ())
        ctx = make_context(tmp_path / f"data{len(made)}", **kwargs)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.store.close()
