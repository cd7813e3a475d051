"""Exports of signed encounters: FHIR R4 bundles, JSON lines and CSV (``kiosk export``).

The face of the package; names load on first use (PEP 562). ``writers`` (the formats, atomic
output, day ranges), ``fhir`` (the bundle), ``observations`` (vital signs), ``lab`` (point-of-care
tests), ``history`` (allergies, medications, problems), ``rooming`` (visit status, procedure
assists) and ``codes`` (LOINC, SNOMED, UCUM).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk import lazy_names

if TYPE_CHECKING:  # the names as mypy and editors see them
    from kiosk.export.fhir import bundle_for as bundle_for
    from kiosk.export.fhir import encounter_bundle as encounter_bundle
    from kiosk.export.rooming import visit_bundle as visit_bundle
    from kiosk.export.writers import (
        CSV_COLUMNS as CSV_COLUMNS,
    )
    from kiosk.export.writers import (
        FORMATS as FORMATS,
    )
    from kiosk.export.writers import (
        ExportError as ExportError,
    )
    from kiosk.export.writers import (
        atomic_output as atomic_output,
    )
    from kiosk.export.writers import (
        chain_roots as chain_roots,
    )
    from kiosk.export.writers import (
        csv_row as csv_row,
    )
    from kiosk.export.writers import (
        parse_day as parse_day,
    )
    from kiosk.export.writers import (
        write_documents as write_documents,
    )


_WHERE = {
    "FORMATS": "writers",
    "CSV_COLUMNS": "writers",
    "ExportError": "writers",
    "atomic_output": "writers",
    "chain_roots": "writers",
    "csv_row": "writers",
    "parse_day": "writers",
    "write_documents": "writers",
    "bundle_for": "fhir",
    "encounter_bundle": "fhir",
    "visit_bundle": "rooming",
}

__all__ = sorted(_WHERE)

__getattr__ = lazy_names(__name__, _WHERE)
