"""Insurance as FHIR ``Coverage``: primary (order 1) and secondary (order 2), or self-pay.

Each coverage names the payer (``payor`` by display: the kiosk keeps the payer's name, not an
Organization), the member id (``subscriberId``), group and plan (``class``), and the
subscriber's relationship to the patient (subscriber-relationship: self, spouse, child,
parent, other); a subscriber other than the patient is named by display. A self-pay visit is a
Coverage of type self-pay paid by the patient. "Insurance changed since the last visit"
is the Coverage's ``meta.tag``, so the EHR's front office can look at it.
"""

from __future__ import annotations

from kiosk.export.codes import concept
from kiosk.export.observations import Context, Json

RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
RELATIONSHIPS = {
    "self": "Self",
    "spouse": "Spouse",
    "child": "Child",
    "parent": "Parent",
    "other": "Other",
}
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
SELF_PAY = concept("http://terminology.hl7.org/CodeSystem/coverage-selfpay", "pay", "PAY")
CHANGED_TAG = {"system": "urn:kiosk:insurance", "code": "changed-since-last-visit"}


def add_coverage(ctx: Context, doc: Json) -> None:
    insurance = doc.get("insurance") or {}
    meta = {"meta": {"tag": [CHANGED_TAG]}} if insurance.get("changed_since_last_visit") else {}
    if insurance.get("self_pay"):
        ctx.add(
            "coverage/self-pay",
            {
                "resourceType": "Coverage",
                **meta,
                "status": "active",
                "type": SELF_PAY,
                "beneficiary": ctx.patient,
                "payor": [ctx.patient],
            },
        )
        return
    for order, key in ((1, "primary"), (2, "secondary")):
        coverage = insurance.get(key)
        if coverage:
            ctx.add(f"coverage/{key}", {**meta, **_coverage(ctx, coverage, order)})


def _coverage(ctx: Context, c: Json, order: int) -> Json:
    relationship = c.get("relationship") or "self"
    resource: Json = {
        "resourceType": "Coverage",
        "status": "active",
        "subscriberId": c["member_id"],
        "beneficiary": ctx.patient,
        "relationship": concept(RELATIONSHIP, relationship, RELATIONSHIPS[relationship]),
        "payor": [{"display": c["payer"]}],
        "order": order,
    }
    if relationship == "self":
        resource["subscriber"] = ctx.patient
    elif c.get("subscriber_name"):
        resource["subscriber"] = {"display": c["subscriber_name"]}
    classes = []
    if c.get("group"):
        group = concept(COVERAGE_CLASS, "group", "Group")
        classes.append({"type": group, "value": c["group"]})
    if c.get("plan"):
        plan = concept(COVERAGE_CLASS, "plan", "Plan")
        classes.append({"type": plan, "value": c["plan"], "name": c["plan"]})
    if classes:
        resource["class"] = classes
    return resource
