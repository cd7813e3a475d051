"""Requests handed over during the intake, as FHIR ``Task`` resources with their focus.

The kiosk proposes, it never orders: every focus is a *proposal* (``intent`` proposal,
``status`` draft) and every Task is ``requested`` for the provider or the front office to act
on. A refill's focus is a ``MedicationRequest`` (the medication by text, the pharmacy as
``dispenseRequest.performer`` by its NCPDP provider id); a referral, a prior authorization
of a service and a follow-up appointment focus a ``ServiceRequest``; a prior authorization of
a drug focuses a ``MedicationRequest``. A prior authorization names its ``Coverage`` in
``Task.insurance`` (the visit's primary or secondary coverage, exported beside it).
"""

from __future__ import annotations

from kiosk.export.codes import SNOMED, concept
from kiosk.export.observations import Context, Json

NCPDP_SYSTEM = "http://terminology.hl7.org/NamingSystem/NCPDPProviderIdentificationNumber"
TASK_SYSTEM = "urn:kiosk:request-kind"
REQUEST_SYSTEM = "urn:kiosk:request"
REFERRAL = concept(SNOMED, "3457005", "Patient referral")
FOLLOW_UP = concept(SNOMED, "390906007", "Follow-up encounter")
TITLES = {
    "refill": "Refill request",
    "referral": "Referral request",
    "prior-auth": "Prior authorization needed",
    "follow-up": "Follow-up appointment requested",
}


def add_requests(ctx: Context, doc: Json) -> None:
    """One Task and its focus for each request of the encounter."""
    for request in doc.get("requests") or ():
        key = f"request/{request['id']}"
        focus = ctx.add(f"{key}/focus", _focus(ctx, doc, request))
        task: Json = {
            "resourceType": "Task",
            "identifier": [{"system": REQUEST_SYSTEM, "value": request["id"]}],
            "status": "requested",
            "intent": "proposal",
            "priority": request.get("urgency") or "routine",
            "code": {
                "coding": [{"system": TASK_SYSTEM, "code": request["kind"]}],
                "text": TITLES[request["kind"]],
            },
            "description": _describe(request),
            "focus": focus,
            "for": ctx.patient,
            "encounter": ctx.encounter,
            "authoredOn": request["raised_at"],
            "requester": ctx.performer[0],
        }
        if request["kind"] == "prior-auth" and request.get("coverage"):
            task["insurance"] = _insurance(ctx, request)
        if request.get("reason"):
            task["reasonCode"] = {"text": request["reason"]}
        ctx.add(key, task)


def _describe(request: Json) -> str:
    kind = request["kind"]
    if kind == "refill":
        return f"Refill {request['medication']} (the kiosk does not approve refills)"
    if kind == "referral":
        return f"Referral to {request['specialty']}"
    if kind == "prior-auth":
        payer = request.get("payer") or "no coverage on file"
        return f"Prior authorization needed for {request['service']} (payer: {payer})"
    return f"Follow-up appointment by {request['when']} ({request['when_text']})"


def _focus(ctx: Context, doc: Json, request: Json) -> Json:
    kind = request["kind"]
    common: Json = {
        "status": "draft",
        "intent": "proposal",
        "subject": ctx.patient,
        "encounter": ctx.encounter,
        "authoredOn": request["raised_at"],
        "requester": ctx.performer[0],
        "priority": request.get("urgency") or "routine",
    }
    if kind == "refill" or (kind == "prior-auth" and request.get("service_is_drug")):
        name = request["medication"] if kind == "refill" else request["service"]
        medication: Json = {
            "resourceType": "MedicationRequest",
            **common,
            "medicationCodeableConcept": {"text": name},
        }
        pharmacy = request.get("pharmacy")
        if kind == "refill" and pharmacy:
            medication["dispenseRequest"] = {
                "performer": {
                    "identifier": {"system": NCPDP_SYSTEM, "value": pharmacy["ncpdp_id"]},
                    "display": pharmacy["name"],
                }
            }
            where = [pharmacy["name"], pharmacy.get("phone"), pharmacy.get("address")]
            medication["note"] = [{"text": "Pharmacy: " + ", ".join(w for w in where if w)}]
        if kind == "prior-auth" and request.get("coverage"):
            medication["insurance"] = _insurance(ctx, request)
        return medication
    service: Json = {"resourceType": "ServiceRequest", **common}
    if kind == "referral":
        service["category"] = [REFERRAL]
        service["code"] = {"text": f"Referral to {request['specialty']}"}
        service["performerType"] = {"text": request["specialty"]}
    elif kind == "follow-up":
        service["code"] = {**FOLLOW_UP, "text": "Follow-up appointment"}
        service["occurrenceDateTime"] = request["when"]
    else:
        service["code"] = {"text": request["service"]}
        if request.get("coverage"):
            service["insurance"] = _insurance(ctx, request)
    if request.get("reason"):
        service["reasonCode"] = [{"text": request["reason"]}]
    return service


def _insurance(ctx: Context, request: Json) -> list[Json]:
    """The visit's Coverage the request names (exported under the same key)."""
    return [{"reference": "urn:uuid:" + ctx.uid(f"coverage/{request['coverage']}")}]
