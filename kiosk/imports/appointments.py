"""An import record to an appointment: whose (MRN), which day, what time, cancelled or not.

CSV columns (* required)::

    mrn*, date* (YYYY-MM-DD), time (HH:MM, 24-hour; orders the day's list), status
    (booked by default; cancelled, noshow or entered-in-error take the patient off that day)

A schedule row may also carry the patient columns of a patients file (``family_name``,
``given_name``, ``birth_date``, ...): a patient the directory does not know yet is then
registered from the row. Without them, the MRN must already be in the directory.

FHIR Appointment: ``start`` (the day and time as written, in the clinic's time zone),
``status``, and the participant whose ``actor.reference`` is ``Patient/<id>``: the Patient
with that id in the same file gives the MRN, else ``<id>`` is read as the MRN (so does an
``actor.identifier.value``). A FHIR schedule file may hold the Patient resources too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.imports.patients import BadRecord, as_list

CANCELLED = frozenset({"cancelled", "noshow", "entered-in-error"})
STATUSES = (
    frozenset({"proposed", "pending", "booked", "arrived", "fulfilled", "checked-in", "waitlist"})
    | CANCELLED
)
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?")
_START = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?)?")


@dataclass(frozen=True)
class Appointment:
    mrn: str
    day: date
    time: str
    """HH:MM, or "" when not given (then after the timed ones, in file order)."""
    cancelled: bool


def appointment_from(
    record_format: str, data: dict[str, Any], patient_ids: dict[str, str]
) -> Appointment:
    """``patient_ids``: FHIR Patient resource id -> MRN, of the Patients in the same file."""
    if record_format == "csv":
        return _from_csv(data)
    return _from_fhir(data, patient_ids)


def _from_csv(row: dict[str, Any]) -> Appointment:
    mrn = str(row.get("mrn", "")).strip()
    day_text = str(row.get("date", "")).strip()
    missing = [name for name, value in (("mrn", mrn), ("date", day_text)) if not value]
    if missing:
        raise BadRecord(f"missing {', '.join(missing)}")
    day = _day(day_text)
    time_text = str(row.get("time", "")).strip()
    match = _TIME.fullmatch(time_text) if time_text else None
    if time_text and match is None:
        raise BadRecord("time: should be HH:MM (24-hour)")
    time = f"{int(match.group(1)):02d}:{match.group(2)}" if match else ""
    status = str(row.get("status", "")).strip().lower() or "booked"
    return Appointment(mrn, day, time, _cancelled(status))


def _from_fhir(resource: dict[str, Any], patient_ids: dict[str, str]) -> Appointment:
    if resource.get("resourceType") != "Appointment":
        raise BadRecord(f"not an Appointment resource ({resource.get('resourceType')})")
    match = _START.match(str(resource.get("start", "")))
    if match is None:
        raise BadRecord("start: missing or not a date and time")
    day = _day(match.group(1))
    mrn = ""
    for participant in as_list(resource.get("participant")):
        actor = participant.get("actor") if isinstance(participant, dict) else None
        if not isinstance(actor, dict):
            continue
        reference = str(actor.get("reference", ""))
        if reference.startswith("Patient/"):
            local = reference.removeprefix("Patient/")
            mrn = patient_ids.get(local, local)
            break
        identifier = actor.get("identifier")
        if isinstance(identifier, dict) and identifier.get("value"):
            mrn = str(identifier["value"])
            break
    if not mrn:
        raise BadRecord("no participant is a Patient")
    status = str(resource.get("status", "")).strip().lower() or "booked"
    return Appointment(mrn, day, match.group(2) or "", _cancelled(status))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRecord("date: should be a real date as YYYY-MM-DD") from None


def _cancelled(status: str) -> bool:
    if status not in STATUSES:
        raise BadRecord(f"status: should be one of {', '.join(sorted(STATUSES))}")
    return status in CANCELLED
