"""FHIR R4B for the rooming board: a visit's status and rooms as an Encounter, each
procedure assist as a Procedure with its instrument packs as Device references.

Status: arrived -> ``arrived``; roomed -> ``arrived`` (now in a room: its location is
active); intake done, ready for the provider -> ``triaged``; with the provider ->
``in-progress``; done -> ``finished``. ``statusHistory`` holds each earlier FHIR status with
its period (consecutive kiosk statuses of one FHIR status are one entry). The Procedure's
performers are the provider (primary performer) and the MA, whose function is the role the
MA had (assist, chaperone, ...). Every resource carries a client-assigned id derived from the
visit, so exporting again updates rather than duplicates (``PUT``), as the encounter bundles.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from kiosk.export.codes import MRN_SYSTEM, STAFF_SYSTEM
from kiosk.models.procedure import ROLE_WORDS, ProcedureAssist
from kiosk.models.rooming import StatusChange, VisitRecord

Json = dict[str, Any]
NAMESPACE = uuid.UUID("6f1c2a4e-9d0b-4e57-9a43-5b8f0c1d7e21")
VISIT_SYSTEM = "urn:kiosk:visit"
PACK_SYSTEM = "urn:kiosk:sterile-pack"
FHIR_STATUS = {
    "arrived": "arrived",
    "roomed": "arrived",
    "ready": "triaged",
    "with-provider": "in-progress",
    "done": "finished",
}
AMBULATORY = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "AMB",
    "display": "ambulatory",
}
PRIMARY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "code": "PPRF",
            "display": "primary performer",
        }
    ]
}


class DayBoards:
    """The visit of each exported document, reading each day's board once.

    ``load(day)`` reads one day's board (the store's ``Rooming.board``, audited). Documents
    arrive day by day, so only the last few boards read are kept: memory stays flat however
    many days the export spans. A document's day is the UTC day its intake started, as the
    board's days are UTC days."""

    KEEP = 4

    def __init__(self, load: Callable[[date], Mapping[str, VisitRecord]]) -> None:
        self._load = load
        self._boards: dict[date, Mapping[str, VisitRecord]] = {}
        self.reads = 0
        """How many boards were read (a test proves each day is read once)."""

    def __call__(self, doc: Json) -> VisitRecord | None:
        try:
            day = datetime.fromisoformat(doc["started_at"]).astimezone(UTC).date()
            patient = doc["patient"]["id"]
        except (KeyError, TypeError, ValueError):
            return None  # not a valid encounter: the bundle builder reports it by id
        board = self._boards.get(day)
        if board is None:
            board = self._load(day)
            self.reads += 1
            if len(self._boards) >= self.KEEP:
                del self._boards[next(iter(self._boards))]
            self._boards[day] = board
        return board.get(patient)


def _uid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def _subject(patient_id: str) -> Json:
    return {"identifier": {"system": MRN_SYSTEM, "value": patient_id}}


def _history(changes: list[StatusChange]) -> list[Json]:
    """(FHIR status, start, end) runs; the last run is the current status, not history."""
    runs: list[Json] = []
    for change, after in zip(changes, [*changes[1:], None], strict=True):
        status = FHIR_STATUS[change.status]
        if runs and runs[-1]["status"] == status:
            runs[-1]["period"].pop("end", None)
        else:
            runs.append({"status": status, "period": {"start": change.at.isoformat()}})
        if after is not None:
            runs[-1]["period"]["end"] = after.at.isoformat()
    return runs[:-1]


def visit_fields(record: VisitRecord) -> Json:
    """A visit's ``status``, ``statusHistory`` (if any) and ``location`` (once roomed)."""
    history = record.history
    fields: Json = {"status": FHIR_STATUS[record.status]}
    if earlier := _history(history):
        fields["statusHistory"] = earlier
    roomed = next((c for c in history if c.status == "roomed"), None)
    if roomed is not None and record.room:
        period: Json = {"start": roomed.at.isoformat()}
        if record.status == "done":
            period["end"] = history[-1].at.isoformat()
        fields["location"] = [
            {
                "location": {"display": record.room},
                "status": "completed" if record.status == "done" else "active",
                "period": period,
            }
        ]
    return fields


def visit_encounter(record: VisitRecord, day: date) -> Json:
    """The Encounter of one day's visit: status, history, location, period."""
    key = f"{day.isoformat()}/{record.patient_id}"
    history = record.history
    resource: Json = {
        "resourceType": "Encounter",
        "id": _uid(f"encounter/{key}"),
        "identifier": [{"system": VISIT_SYSTEM, "value": key}],
        "class": AMBULATORY,
        "subject": _subject(record.patient_id),
        "period": {"start": history[0].at.isoformat()},
    }
    if record.status == "done":
        resource["period"]["end"] = history[-1].at.isoformat()
    resource.update(visit_fields(record))
    return resource


def with_visit(encounter: Json, record: VisitRecord) -> None:
    """An exported encounter's Encounter resource (kiosk.export.fhir) as the day's board has
    its visit: the visit's status, history and room replace the signed document's "finished"
    and typed room; the period starts at the earlier of arrival and intake and, once the
    visit is done, ends when it was done (a visit still going on has no end yet)."""
    encounter.update(visit_fields(record))
    start = record.history[0].at
    period: Json = {"start": encounter["period"]["start"]}
    if start < datetime.fromisoformat(period["start"]):
        period["start"] = start.isoformat()
    if record.status == "done":
        period["end"] = record.history[-1].at.isoformat()
    encounter["period"] = period


def add_procedures(
    entries: list[Json],
    record: VisitRecord,
    *,
    subject: Json,
    encounter: Json,
    signer: tuple[str, Json],
) -> None:
    """Onto an exported encounter's bundle entries: each procedure assist of its visit as a
    Procedure (a PUT to an id derived from the assist) and each pack as a Device (one id per
    pack, the same in every bundle that names it). ``subject``, ``encounter`` and ``ma`` are
    the references to the bundle's Patient and Encounter; ``signer`` the staff id of the MA
    who signed the encounter and the reference to its Practitioner (an assist by that MA
    points there; by another, it names the MA by staff identifier)."""
    for assist in record.procedures:
        for resource in procedure_resources(record, assist, encounter["reference"]):
            if resource["resourceType"] == "Procedure":
                resource["subject"] = subject
                if signer[0] == assist.by:
                    resource["performer"][1]["actor"] = signer[1]
            uid = resource["id"]
            entries.append(
                {
                    "fullUrl": f"urn:uuid:{uid}",
                    "resource": resource,
                    "request": {"method": "PUT", "url": f"{resource['resourceType']}/{uid}"},
                }
            )


def procedure_resources(record: VisitRecord, assist: ProcedureAssist, encounter: str) -> list[Json]:
    """A Procedure (performers: the provider, the MA in their role) and one Device per pack.

    ``encounter``: the reference to the visit's Encounter (``Encounter/<id>`` or a bundle's
    ``urn:uuid:``); the Device references point at the devices' fullUrls."""
    devices = [
        {
            "resourceType": "Device",
            "id": _uid(f"pack/{pack}"),
            "identifier": [{"system": PACK_SYSTEM, "value": pack}],
            "type": {"text": "Sterilized instrument pack"},
        }
        for pack in assist.packs
    ]
    notes = [f"Time-out done at {assist.time_out.at.isoformat()}"] if assist.time_out.at else []
    notes.append("Time-out: patient, site and procedure confirmed; consent documented")
    notes += [
        f"Specimen: {s.type}, {s.site}, label confirmed with two identifiers"
        for s in assist.specimens
    ]
    procedure: Json = {
        "resourceType": "Procedure",
        "id": _uid(f"procedure/{assist.id}"),
        "status": "completed",
        "code": {"text": assist.procedure},
        "subject": _subject(record.patient_id),
        "encounter": {"reference": encounter},
        "performedDateTime": assist.at.isoformat(),
        "performer": [
            {"function": PRIMARY, "actor": {"display": assist.provider}},
            {
                "function": {"text": ROLE_WORDS[assist.role]},
                "actor": {
                    "identifier": {"system": STAFF_SYSTEM, "value": assist.by},
                    "type": "Practitioner",
                },
            },
        ],
        "note": [{"text": text} for text in notes],
    }
    if devices:
        procedure["usedReference"] = [{"reference": f"urn:uuid:{d['id']}"} for d in devices]
    return [procedure, *devices]


def visit_bundle(record: VisitRecord, day: date) -> Json:
    """A transaction Bundle: the visit's Encounter, its procedures and their packs."""
    encounter = visit_encounter(record, day)
    resources = [encounter]
    for assist in record.procedures:
        resources += procedure_resources(record, assist, f"urn:uuid:{encounter['id']}")
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }


__all__ = [
    "FHIR_STATUS",
    "DayBoards",
    "add_procedures",
    "procedure_resources",
    "visit_bundle",
    "visit_encounter",
    "visit_fields",
    "with_visit",
]
