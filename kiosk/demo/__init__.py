"""Synthetic demo data: patients and their encounters, and the seeding of demo folders.

The face of the package; names load on first use (PEP 562) so importing it costs nothing.
``patients`` (demo patients, sample encounters), ``vitals`` (age-appropriate readings),
``lists`` (word lists), ``seeding`` (``fill_demo_data``, ``ensure_demo_data``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import lazy_names

if TYPE_CHECKING:  # the names as mypy and editors see them
    from kiosk.demo.patients import (
        DEMO_PATIENT_COUNT as DEMO_PATIENT_COUNT,
    )
    from kiosk.demo.patients import (
        demo_patient as demo_patient,
    )
    from kiosk.demo.patients import (
        demo_patients as demo_patients,
    )
    from kiosk.demo.patients import (
        sample_encounter as sample_encounter,
    )
    from kiosk.demo.patients import (
        sample_encounter_for as sample_encounter_for,
    )
    from kiosk.demo.seeding import (
        MARKER as MARKER,
    )
    from kiosk.demo.seeding import (
        STAFF as STAFF,
    )
    from kiosk.demo.seeding import (
        demo_documents as demo_documents,
    )
    from kiosk.demo.seeding import (
        ensure_demo_data as ensure_demo_data,
    )
    from kiosk.demo.seeding import (
        fill_demo_data as fill_demo_data,
    )


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

__getattr__ = lazy_names(__name__, _WHERE)
