"""Exam-room intake kiosk.

The package is split in two: the *core* (models, units, validators, scoring, config, store,
export, demo, services, privacy) never imports Textual; the *face* (app, screens, widgets)
does. docs/ARCHITECTURE.md draws the house and its contracts.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__version__ = "0.1.0"


def lazy_names(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A package face's ``__getattr__`` (PEP 562): ``name`` is loaded from the submodule
    ``where[name]`` on first use, so importing the face imports none of its parts."""

    def load(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return load
