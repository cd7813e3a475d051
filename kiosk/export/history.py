"""The history the patient gave at intake: allergies, medications and problems.

Patient-reported, so allergies are "unconfirmed" (the explicit "no known allergies" is a
confirmed 716186003); medications are MedicationStatements ("active" or "not-taken"); problems
are problem-list Conditions, active or inactive. Free text only: the kiosk does not code them.
"""

from __future__ import annotations

from kiosk.export.codes import SNOMED, concept
from kiosk.export.observations import Context, Json

ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
ALLERGY_ACTIVE = concept(ALLERGY_CLINICAL, "active", "Active")
UNCONFIRMED = concept(ALLERGY_VERIFICATION, "unconfirmed", "Unconfirmed")
CONFIRMED = concept(ALLERGY_VERIFICATION, "confirmed", "Confirmed")
NO_KNOWN_ALLERGY = concept(SNOMED, "716186003", "No known allergy")
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_STATUS = {
    True: concept(CONDITION_CLINICAL, "active", "Active"),
    False: concept(CONDITION_CLINICAL, "inactive", "Inactive"),
}
PROBLEM_LIST = [
    concept(
        "http://terminology.hl7.org/CodeSystem/condition-category",
        "problem-list-item",
        "Problem List Item",
    )
]


def add_history(ctx: Context, doc: Json) -> None:
    """Allergies (or "no known allergies"), medications and problems, as the patient told them."""
    history = doc.get("history") or {}
    recorded = doc["signed_at"]
    if history.get("no_known_allergies"):
        ctx.add("allergy/none", _allergy(ctx, NO_KNOWN_ALLERGY, CONFIRMED, recorded))
    for index, allergy in enumerate(history.get("allergies", ())):
        resource = _allergy(ctx, {"text": allergy["substance"]}, UNCONFIRMED, recorded)
        severity = allergy.get("severity")
        severity = severity if severity in ("mild", "moderate", "severe") else None
        if allergy.get("reaction") or severity:
            reaction: Json = {
                "manifestation": [{"text": allergy.get("reaction") or "not described"}]
            }
            if severity:
                reaction["severity"] = severity
            resource["reaction"] = [reaction]
        ctx.add(f"allergy/{index}", resource)
    for index, med in enumerate(history.get("medications", ())):
        statement: Json = {
            "resourceType": "MedicationStatement",
            "status": "active" if med.get("taking", True) else "not-taken",
            "medicationCodeableConcept": {"text": med["name"]},
            "subject": ctx.patient,
            "context": ctx.encounter,
            "dateAsserted": recorded,
            "informationSource": ctx.patient,
        }
        dosage = " ".join(filter(None, (med.get("dose"), med.get("route"), med.get("frequency"))))
        if dosage:
            statement["dosage"] = [{"text": dosage}]
        ctx.add(f"medication/{index}", statement)
    for index, problem in enumerate(history.get("problems", ())):
        condition: Json = {
            "resourceType": "Condition",
            "clinicalStatus": CONDITION_STATUS[bool(problem.get("active", True))],
            "category": PROBLEM_LIST,
            "code": {"text": problem["name"]},
            "subject": ctx.patient,
            "encounter": ctx.encounter,
            "recordedDate": recorded,
            "recorder": ctx.performer[0],
        }
        if problem.get("onset"):
            condition["onsetString"] = problem["onset"]
        ctx.add(f"problem/{index}", condition)


def _allergy(ctx: Context, code: Json, verification: Json, recorded: str) -> Json:
    return {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": ALLERGY_ACTIVE,
        "verificationStatus": verification,
        "code": code,
        "patient": ctx.patient,
        "encounter": ctx.encounter,
        "recordedDate": recorded,
        "recorder": ctx.performer[0],
    }
