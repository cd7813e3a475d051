"""Synthetic demo data: patients and their encounters, and the seeding of demo folders.

The face of the package; names load on first use (PEP 562) so importing it costs nothing.
``patients`` (demo patients, sample encounters), ``vitals`` (age-appropriate readings),
``lists`` (word lists), ``seeding`` (``fill_demo_data``, ``ensure_demo_data``).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "demo_patient": "patients",
    "demo_patients": "patients",
    "sample_encounter": "patients",
    "sample_encounter_for": "patients",
    "DEMO_PATIENT_COUNT": "patients",
    "fill_demo_data": "seeding",
    "ensure_demo_data": "seeding",
    "demo_documents": "seeding",
    "MARKER": "seeding",
    "STAFF": "seeding",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{where}"), name)
