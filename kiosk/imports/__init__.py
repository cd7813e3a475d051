"""Bringing a clinic's own patients and schedule in (``kiosk import patients|schedule FILE``).

The face of the package; names load on first use (PEP 562). ``records`` (reading a file: FHIR
NDJSON, a FHIR Bundle or CSV, each record with where it was), ``patients`` (a record to a
``Patient``), ``appointments`` (a record to an appointment: MRN, day, time, cancelled) and
``apply`` (what an import changes in the store, and the report it prints).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import lazy_names

if TYPE_CHECKING:  # the names as mypy and editors see them
    from kiosk.imports.apply import ImportReport as ImportReport
    from kiosk.imports.apply import import_patients as import_patients
    from kiosk.imports.apply import import_schedule as import_schedule
    from kiosk.imports.records import Record as Record
    from kiosk.imports.records import read_records as read_records

_WHERE = {
    "ImportReport": "apply",
    "import_patients": "apply",
    "import_schedule": "apply",
    "Record": "records",
    "read_records": "records",
}

__all__ = sorted(_WHERE)

__getattr__ = lazy_names(__name__, _WHERE)
