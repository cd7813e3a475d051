"""FHIR R4 export: one transaction Bundle per signed encounter, built as plain dicts.

The kiosk is not the system of record; ``kiosk export --format fhir`` hands each encounter to the
clinic's EHR as a Bundle holding Patient, Practitioner (the MA), Encounter, one Observation per
vital sign, BMI, point-of-care tests, chief complaint, AllergyIntolerance, MedicationStatement,
Condition, Procedure (surgeries), FamilyMemberHistory, the smoking status and Coverage
(kiosk.export.social, kiosk.export.coverage), the screenings (a QuestionnaireResponse per
instrument, an Observation per total: kiosk.export.screenings), the requests handed over as
Task (kiosk.export.requests) and, when the patient is on that day's rooming board, the visit's
status, statusHistory and room on the Encounter and a Procedure per procedure assist with a
Device per instrument pack (kiosk.export.rooming). Dicts, not fhir.resources models:
validation costs far more than the bundle, so the tests validate with fhir.resources and the
hot path does not.

How the EHR is asked to write (a choice, documented here):

* every ``fullUrl`` is ``urn:uuid:`` + uuid5(encounter chain id + resource key), and references
  inside the bundle use those, so they resolve within it;
* Patient and Practitioner: conditional create (``POST`` with ``ifNoneExist`` on the MRN / staff
  identifier). The EHR owns demographics: an existing record is matched and referenced, never
  overwritten by what was typed at the kiosk; an unknown one is created. Demographics changed
  during the intake go as a Task for the front office, or, with ``patient_update = "update"``,
  as a conditional update of the Patient (kiosk.export.demographics);
* everything else: ``PUT`` to a client-assigned id (the same uuid). Exporting twice updates
  instead of duplicating, and an amendment (same chain id, see below) replaces the earlier
  version's resources in place, with ``Observation.status`` "amended". A reading removed by an
  amendment is not deleted on the server.

An amendment is stored as a new document (new id, ``amends`` = the previous id, version + 1).
Ids derive from the *first* version's id (``root``), which the caller passes in (the store knows
the chain); ``Encounter.identifier`` holds the chain id (official) and this version's document id
(secondary), and ``Encounter.meta.tag`` the version number.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kiosk.export.codes import (
    ENCOUNTER_SYSTEM,
    MRN_SYSTEM,
    STAFF_SYSTEM,
    VERSION_SYSTEM,
    concept,
)
from kiosk.export.coverage import add_coverage
from kiosk.export.demographics import add_patient_task, patient_changes, patient_request
from kiosk.export.history import add_history
from kiosk.export.lab import add_poc
from kiosk.export.observations import Context, add_complaint, add_vitals
from kiosk.export.requests import add_requests
from kiosk.export.rooming import add_procedures, with_visit
from kiosk.export.screenings import add_screenings
from kiosk.export.social import add_social

if TYPE_CHECKING:
    from kiosk.models import Encounter
    from kiosk.models.rooming import VisitRecord

Json = dict[str, Any]

DOCUMENT_SYSTEM = "urn:kiosk:encounter-document"
MR_TYPE = concept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number")
EMERGENCY = concept("http://terminology.hl7.org/CodeSystem/v2-0131", "C", "Emergency Contact")
AMBULATORY = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    "code": "AMB",
    "display": "ambulatory",
}
PARTICIPANT = [
    concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PART", "Participation")
]


def bundle_for(
    encounter: Encounter,
    *,
    root: str | None = None,
    patient_update: str = "task",
    visit: VisitRecord | None = None,
) -> Json:
    """The transaction Bundle of a signed or amended ``Encounter`` model."""
    return encounter_bundle(
        encounter.model_dump(mode="json"), root=root, patient_update=patient_update, visit=visit
    )


def encounter_bundle(
    doc: Json,
    *,
    root: str | None = None,
    patient_update: str = "task",
    visit: VisitRecord | None = None,
) -> Json:
    """The transaction Bundle of a stored encounter document.

    ``root``: id of the first version of the amendment chain (defaults to the document's id).
    ``patient_update``: "task" or "update", what demographics changed at the intake become
    (kiosk.export.demographics).
    ``visit``: the patient's visit on the rooming board of the encounter's day, if on it.
    The bundle shares constant parts (codes, categories) with every other bundle: serialise it,
    do not modify it.
    """
    ctx = Context(
        root=root or doc["id"], status="amended" if doc["status"] == "amended" else "final"
    )
    patient = doc["patient"]
    mrn = patient["id"]
    create = _create_if_absent("Patient", MRN_SYSTEM, mrn)
    changes = patient_changes(doc)
    update = patient_request(create["ifNoneExist"], changes, patient_update)
    ctx.patient = ctx.add("patient", _patient(patient), update or create)
    staff = doc["staff_id"]
    practitioner = {
        "resourceType": "Practitioner",
        "identifier": [{"system": STAFF_SYSTEM, "value": staff}],
    }
    ctx.performer = [
        ctx.add(
            "practitioner", practitioner, _create_if_absent("Practitioner", STAFF_SYSTEM, staff)
        )
    ]
    encounter = _encounter(ctx, doc)
    if visit is not None:
        with_visit(encounter, visit)
    ctx.encounter = ctx.add("encounter", encounter)  # _encounter does not use ctx.encounter
    add_complaint(ctx, doc)
    add_vitals(ctx, doc)
    add_poc(ctx, doc)
    add_history(ctx, doc)
    add_social(ctx, doc)
    add_coverage(ctx, doc)
    add_screenings(ctx, doc)
    add_requests(ctx, doc)
    if patient_update != "update":
        add_patient_task(ctx, doc, changes)
    if visit is not None and visit.procedures:
        add_procedures(
            ctx.entries,
            visit,
            subject=ctx.patient,
            encounter=ctx.encounter,
            signer=(staff, ctx.performer[0]),
        )
    return {
        "resourceType": "Bundle",
        "id": ctx.uid(f"bundle/{doc['id']}"),
        "type": "transaction",
        "entry": ctx.entries,
    }


_PLAIN = re.compile(r"[A-Za-z0-9._~-]*").fullmatch
"""Characters a search parameter value may carry unescaped (most MRNs and staff ids)."""


def _create_if_absent(resource_type: str, system: str, value: str) -> Json:
    """Conditional create: the server matches the identifier or creates the resource."""
    escaped = value if _PLAIN(value) else quote(value, safe="")
    return {
        "method": "POST",
        "url": resource_type,
        "ifNoneExist": f"identifier={system}|{escaped}",
    }


def _patient(p: Json) -> Json:
    names: list[Json] = [
        {
            "use": "official",
            "family": p["family_name"],
            "given": [g for g in (p["given_name"], p.get("middle_name")) if g],
        }
    ]
    if p.get("preferred_name"):
        names.append({"use": "usual", "given": [p["preferred_name"]]})
    resource: Json = {
        "resourceType": "Patient",
        "identifier": [{"use": "usual", "type": MR_TYPE, "system": MRN_SYSTEM, "value": p["id"]}],
        "name": names,
        "gender": p.get("sex", "unknown"),
        "birthDate": p["birth_date"],
    }
    if p.get("phone"):
        resource["telecom"] = [{"system": "phone", "value": p["phone"]}]
    address = p.get("address") or {}
    lines = [line for line in (address.get("line1"), address.get("line2")) if line]
    fields = {
        "city": address.get("city"),
        "state": address.get("state"),
        "postalCode": address.get("postal_code"),
    }
    if lines or any(fields.values()):
        home: Json = {"use": "home"}
        if lines:
            home["line"] = lines
        home.update((key, value) for key, value in fields.items() if value)
        if address.get("country"):
            home["country"] = address["country"]
        resource["address"] = [home]
    contact = p.get("emergency_contact")
    if contact:
        relationship = [EMERGENCY]
        if contact.get("relationship"):
            relationship = [EMERGENCY, {"text": contact["relationship"]}]
        entry: Json = {"relationship": relationship, "name": {"text": contact["name"]}}
        if contact.get("phone"):
            entry["telecom"] = [{"system": "phone", "value": contact["phone"]}]
        resource["contact"] = [entry]
    return resource


def _encounter(ctx: Context, doc: Json) -> Json:
    resource: Json = {
        "resourceType": "Encounter",
        "meta": {"tag": [{"system": VERSION_SYSTEM, "code": str(doc["version"])}]},
        "identifier": [
            {"use": "official", "system": ENCOUNTER_SYSTEM, "value": ctx.root},
            {"use": "secondary", "system": DOCUMENT_SYSTEM, "value": doc["id"]},
        ],
        "status": "finished",
        "class": AMBULATORY,
        "subject": ctx.patient,
        "participant": [{"type": PARTICIPANT, "individual": ctx.performer[0]}],
        "period": {"start": doc["started_at"], "end": doc["signed_at"]},
    }
    complaint = doc.get("complaint")
    if complaint:
        resource["reasonCode"] = [{"text": complaint["text"]}]
    if doc.get("room"):
        resource["location"] = [{"location": {"display": f"Room {doc['room']}"}}]
    return resource
