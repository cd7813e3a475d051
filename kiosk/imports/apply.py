"""What an import changes in the store, and the report it prints.

The policy (README, ``kiosk import --help``): each record is imported whole or not at all. A
record that cannot be read or checked is reported with its line (or Bundle entry) and the
rest of the file is still imported; a patient whose MRN is registered with other
demographics is a conflict, reported and left as the directory has it (the kiosk never
overwrites what was confirmed with the patient at intake). Matching is on the MRN, and an
import run twice changes nothing the second time. The command exits 1 when any record was
bad or in conflict, so a cron job notices.

Written through the store's own API: new patients go into the patient directory in one
fsynced batch, each audited "create" (``register_patients``); appointments into the day's
list (``merge_appointments``), which today's patient list shows. One "import" audit entry
says who ran it and what it did (counts, never values).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.config import Settings
from kiosk.imports.appointments import Appointment, appointment_from
from kiosk.imports.patients import BadRecord, patient_from
from kiosk.imports.records import Record
from kiosk.models import Patient
from kiosk.store.encounters import EncounterStore

Progress = Callable[[int, int], None]
"""Called with (records done, records in all) as an import goes."""


@dataclass
class ImportReport:
    what: str
    """"patients" or "schedule"."""
    read: int = 0
    added: int = 0
    """Patients registered."""
    unchanged: int = 0
    """Records already in the store as they are in the file."""
    conflicts: int = 0
    bad: int = 0
    scheduled: int = 0
    """Appointments put on a day's list."""
    removed: int = 0
    """Cancelled appointments taken off a day's list."""
    lines: list[str] = field(default_factory=list)
    """One line per bad record or conflict: "line 3: ..."."""
    scheduled_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.bad == 0 and self.conflicts == 0

    def summary(self) -> str:
        parts = [f"{self.read} record(s) read"]
        if self.what == "patients" or self.added:
            parts.append(f"{self.added} patient(s) added")
        if self.what == "schedule":
            parts.append(f"{self.scheduled} appointment(s) added")
            if self.removed:
                parts.append(f"{self.removed} cancelled appointment(s) taken off")
        parts.append(f"{self.unchanged} already there")
        parts.append(f"{self.conflicts} conflict(s)")
        parts.append(f"{self.bad} bad record(s)")
        return ", ".join(parts)

    def detail(self) -> str:
        """The audit entry's detail: counts only."""
        return (
            f"{self.what} read={self.read} added={self.added} scheduled={self.scheduled} "
            f"removed={self.removed} unchanged={self.unchanged} conflicts={self.conflicts} "
            f"bad={self.bad}"
        )


class _Patients:
    """Patients being imported: matched on the MRN against the directory and the file."""

    def __init__(self, store: EncounterStore, settings: Settings, report: ImportReport) -> None:
        self.directory = store.index.directory()
        self.settings = settings
        self.report = report
        self.new: dict[str, Patient] = {}

    def known(self, mrn: str) -> bool:
        return mrn in self.new or mrn in self.directory

    def take(self, record: Record) -> Patient | None:
        """Check one record; a new patient is kept for the batch. None when bad or in conflict."""
        try:
            patient = patient_from(record.format, record.data, self.settings)
        except BadRecord as error:
            self.bad(record, str(error))
            return None
        stored = self.new.get(patient.id)
        known = stored.model_dump(mode="json") if stored else self.directory.get(patient.id)
        if known is None:
            self.new[patient.id] = patient
            return patient
        differ = _differences(patient.model_dump(mode="json", exclude_defaults=True), known)
        if differ:
            self.report.conflicts += 1
            where = "appears earlier in this file" if stored else "is registered"
            self.report.lines.append(
                f"{record.where}: conflict: {patient.id} {where} with a different "
                f"{', '.join(differ)}; kept as {'first given' if stored else 'registered'}"
            )
            return None
        self.report.unchanged += 1
        return patient

    def bad(self, record: Record, why: str) -> None:
        self.report.bad += 1
        self.report.lines.append(f"{record.where}: {why}")


def import_patients(
    store: EncounterStore,
    records: Sequence[Record],
    *,
    settings: Settings,
    staff: str,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport("patients", read=len(records))
    patients = _Patients(store, settings, report)
    for done, record in enumerate(records, start=1):
        if record.error:
            patients.bad(record, record.error)
        else:
            patients.take(record)
        if progress is not None:
            progress(done, len(records))
    report.added = store.register_patients(list(patients.new.values()), staff=staff)
    store.audit.append("import", staff=staff, detail=report.detail())
    return report


def import_schedule(
    store: EncounterStore,
    records: Sequence[Record],
    *,
    settings: Settings,
    staff: str,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport("schedule", read=len(records))
    patients = _Patients(store, settings, report)
    resource_ids: dict[str, str] = {}
    wanted: list[tuple[Record, Appointment]] = []
    for done, record in enumerate(records, start=1):
        if progress is not None:
            progress(done, len(records))
        if record.error:
            patients.bad(record, record.error)
            continue
        data = record.data
        if record.format == "fhir" and data.get("resourceType") == "Patient":
            patient = patients.take(record)
            if patient is not None and data.get("id"):
                resource_ids[str(data["id"])] = patient.id
            continue
        if record.format == "csv" and any(data.get(k) for k in ("family_name", "given_name")):
            before = report.unchanged  # the row is counted once, as an appointment, below
            if patients.take(record) is None:
                continue  # the row's patient is bad or in conflict: so is its appointment
            report.unchanged = before
        try:
            wanted.append((record, appointment_from(record.format, data, resource_ids)))
        except BadRecord as error:
            patients.bad(record, str(error))
    report.added = store.register_patients(list(patients.new.values()), staff=staff)
    days: dict[date, list[tuple[str, int, str]]] = defaultdict(list)
    cancelled: dict[date, set[str]] = defaultdict(set)
    for order, (record, appointment) in enumerate(wanted):
        if not patients.known(appointment.mrn):
            patients.bad(record, f"{appointment.mrn} is not in the directory: import the patient")
        elif appointment.cancelled:
            cancelled[appointment.day].add(appointment.mrn)
        else:
            days[appointment.day].append((appointment.time or "99:99", order, appointment.mrn))
    for day in sorted(set(days) | set(cancelled)):
        ids = [mrn for _, _, mrn in sorted(days.get(day, []))]
        added, removed = store.merge_appointments(day, ids, frozenset(cancelled.get(day, ())))
        report.scheduled += added
        report.removed += removed
        report.unchanged += len(set(ids)) - added
        report.scheduled_ids.extend(ids)
    store.audit.append(
        "import",
        staff=staff,
        detail=report.detail(),
        patients=list(dict.fromkeys(report.scheduled_ids)),
    )
    return report


def _differences(given: dict[str, Any], known: dict[str, Any], prefix: str = "") -> list[str]:
    """Names of the fields the import gives that differ from the stored demographics."""
    differ: list[str] = []
    for key, value in given.items():
        stored = known.get(key)
        if isinstance(value, dict) and isinstance(stored, dict):
            differ += _differences(value, stored, f"{prefix}{key}.")
        elif value != stored:
            differ.append(f"{prefix}{key}")
    return differ
