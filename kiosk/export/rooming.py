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
from datetime import date
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


def visit_encounter(record: VisitRecord, day: date) -> Json:
    """The Encounter of one day's visit: status, history, location, period."""
    key = f"{day.isoformat()}/{record.patient_id}"
    history = record.history
    resource: Json = {
        "resourceType": "Encounter",
        "id": _uid(f"encounter/{key}"),
        "identifier": [{"system": VISIT_SYSTEM, "value": key}],
        "status": FHIR_STATUS[record.status],
        "class": AMBULATORY,
        "subject": _subject(record.patient_id),
        "period": {"start": history[0].at.isoformat()},
    }
    if record.status == "done":
        resource["period"]["end"] = history[-1].at.isoformat()
    if earlier := _history(history):
        resource["statusHistory"] = earlier
    roomed = next((c for c in history if c.status == "roomed"), None)
    if roomed is not None and record.room:
        period: Json = {"start": roomed.at.isoformat()}
        if record.status == "done":
            period["end"] = history[-1].at.isoformat()
        resource["location"] = [
            {
                "location": {"display": record.room},
                "status": "completed" if record.status == "done" else "active",
                "period": period,
            }
        ]
    return resource


def procedure_resources(record: VisitRecord, assist: ProcedureAssist, encounter: str) -> list[Json]:
    """A Procedure (performers: the provider, the MA in their role) and one Device per pack."""
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
        "encounter": {"reference": f"Encounter/{encounter}"},
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
        procedure["usedReference"] = [{"reference": f"Device/{d['id']}"} for d in devices]
    return [procedure, *devices]


def visit_bundle(record: VisitRecord, day: date) -> Json:
    """A transaction Bundle: the visit's Encounter, its procedures and their packs."""
    encounter = visit_encounter(record, day)
    resources = [encounter]
    for assist in record.procedures:
        resources += procedure_resources(record, assist, encounter["id"])
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


__all__ = ["FHIR_STATUS", "procedure_resources", "visit_bundle", "visit_encounter"]
