"""The rest of the history the patient gave: surgeries, family history and smoking status.

Surgeries are patient-reported ``Procedure`` resources (the patient the asserter, status
completed, the year as the performed date when known). Family history is one
``FamilyMemberHistory`` per relative, its conditions listed; a relative the kiosk recognises
("mother", "maternal grandfather", ...) is coded in v3-RoleCode, any other is text. Smoking
status is the US Core observation: LOINC 72166-2 with the SNOMED CT answer (current every
day / some days / status unknown, former, never, unknown if ever smoked), category
social-history; pack-years go in its note.
"""

from __future__ import annotations

from kiosk.export.codes import LOINC, SNOMED, concept
from kiosk.export.observations import Context, Json

SMOKING_STATUS = concept(LOINC, "72166-2", "Tobacco smoking status")
SOCIAL_HISTORY = [
    concept(
        "http://terminology.hl7.org/CodeSystem/observation-category",
        "social-history",
        "Social History",
    )
]
SMOKING_ANSWERS = {
    "current-every-day": concept(SNOMED, "449868002", "Smokes tobacco daily"),
    "current-some-days": concept(SNOMED, "428041000124106", "Occasional tobacco smoker"),
    "current": concept(SNOMED, "77176002", "Smoker"),
    "former": concept(SNOMED, "8517006", "Ex-smoker"),
    "never": concept(SNOMED, "266919005", "Never smoked tobacco"),
    "unknown": concept(SNOMED, "266927001", "Tobacco smoking consumption unknown"),
}
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
RELATIVES = {
    "mother": ("MTH", "mother"),
    "father": ("FTH", "father"),
    "sister": ("SIS", "sister"),
    "brother": ("BRO", "brother"),
    "daughter": ("DAU", "natural daughter"),
    "son": ("SON", "natural son"),
    "grandmother": ("GRMTH", "grandmother"),
    "grandfather": ("GRFTH", "grandfather"),
    "maternal grandmother": ("MGRMTH", "maternal grandmother"),
    "maternal grandfather": ("MGRFTH", "maternal grandfather"),
    "paternal grandmother": ("PGRMTH", "paternal grandmother"),
    "paternal grandfather": ("PGRFTH", "paternal grandfather"),
    "aunt": ("AUNT", "aunt"),
    "uncle": ("UNCLE", "uncle"),
    "cousin": ("COUSN", "cousin"),
    "child": ("CHILD", "child"),
    "sibling": ("SIB", "sibling"),
    "parent": ("PRN", "parent"),
}
FAMILY_MEMBER = ("FAMMEMB", "family member")


def add_social(ctx: Context, doc: Json) -> None:
    """Surgeries, family history and smoking status of the encounter's history."""
    history = doc.get("history") or {}
    recorded = doc["signed_at"]
    for index, surgery in enumerate(history.get("surgeries", ())):
        procedure: Json = {
            "resourceType": "Procedure",
            "status": "completed",
            "code": {"text": surgery["procedure"]},
            "subject": ctx.patient,
            "encounter": ctx.encounter,
            "recorder": ctx.performer[0],
            "asserter": ctx.patient,  # patient-reported
        }
        if surgery.get("year"):
            procedure["performedDateTime"] = str(surgery["year"])
        ctx.add(f"surgery/{index}", procedure)
    by_relative: dict[str, list[Json]] = {}
    for item in history.get("family", ()):
        by_relative.setdefault(" ".join(item["relative"].lower().split()), []).append(item)
    for index, (relative, items) in enumerate(by_relative.items()):
        code, display = RELATIVES.get(relative, FAMILY_MEMBER)
        relationship = concept(ROLE_CODE, code, display)
        relationship = {**relationship, "text": items[0]["relative"]}
        ctx.add(
            f"family/{index}",
            {
                "resourceType": "FamilyMemberHistory",
                "status": "completed",
                "patient": ctx.patient,
                "date": recorded,
                "relationship": relationship,
                "condition": [{"code": {"text": item["condition"]}} for item in items],
            },
        )
    social = history.get("social") or {}
    tobacco = social.get("tobacco", "unknown")
    smoking: Json = {
        "resourceType": "Observation",
        "status": ctx.status,
        "category": SOCIAL_HISTORY,
        "code": SMOKING_STATUS,
        "subject": ctx.patient,
        "encounter": ctx.encounter,
        "effectiveDateTime": recorded,
        "performer": ctx.performer,
        "valueCodeableConcept": SMOKING_ANSWERS.get(tobacco, SMOKING_ANSWERS["unknown"]),
    }
    notes = []
    if social.get("packs_per_day") is not None:
        notes.append(f"{social['packs_per_day']:g} packs per day")
    if social.get("pack_years") is not None:
        notes.append(f"{social['pack_years']:g} pack-years")
    if notes:
        smoking["note"] = [{"text": "; ".join(notes)}]
    ctx.add("smoking-status", smoking)
