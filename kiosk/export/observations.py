"""Observations of one encounter: vital signs, BMI, the chief complaint; the shared Context.

Works on the stored JSON document (``Encounter.model_dump(mode="json")``), not on the pydantic
model: the export handles 100,000 encounters at thousands a second, and re-validating every
document would cost more than building its bundle. The document was validated when it was saved.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from kiosk.export.codes import (
    ABSENT_REASONS,
    BMI,
    BODY_POSITION_URL,
    BODY_POSITIONS,
    BP_PANEL,
    COMPLAINT,
    DIASTOLIC,
    INTERPRETATIONS,
    MEASUREMENT_CODES,
    O2_FLOW,
    SYSTOLIC,
    VITAL_SIGNS,
    VITALS_PANEL,
    quantity,
)
from kiosk.models import Vitals
from kiosk.scoring import bmi, bmi_is_plausible
from kiosk.validators.age import whole_years
from kiosk.validators.kinds import KIND_SPECS

Json = dict[str, Any]

NAMESPACE = uuid.UUID("6f1d4a52-3c1e-5b8e-9a57-0c2b4e6f8d10")
"""uuid5 namespace of the kiosk's resource ids: the same encounter always gets the same ids."""

ADULT_YEARS = 18
"""BMI is exported for adults only: children need BMI-for-age percentiles (docs/CLINICAL.md)."""

ENTERED_UNITS: dict[str, frozenset[str]] = {
    kind: spec.fhir_units for kind, spec in KIND_SPECS.items() if spec.fhir_units
}
"""Kinds exported in the unit as typed, so 98.6 °F reaches the EHR as 98.6 [degF] and not as
36.99999 Cel (``fhir_units`` in the kind table): only the units the FHIR vital-signs profile
allows for the kind; a height typed in metres or a weight in ounces goes in the canonical unit
instead, as do the other kinds."""


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


@dataclass(slots=True)
class Context:
    """One bundle being built: the ids and references every resource of the encounter shares."""

    root: str
    """Stable id of the encounter the resource ids derive from."""
    status: str
    """Observation.status: "final", or "amended" for an amended encounter."""
    patient: Json = field(default_factory=dict)
    encounter: Json = field(default_factory=dict)
    performer: list[Json] = field(default_factory=list)
    entries: list[Json] = field(default_factory=list)
    _prefix: Any = None

    def uid(self, key: str) -> str:
        """``str(uuid.uuid5(NAMESPACE, f"{root}/{key}"))``, five times faster.

        The SHA-1 state after the namespace and root is computed once per bundle and copied for
        each key (a bundle has ~30 resources; ``uuid.uuid5`` was a third of the export's time).
        """
        if self._prefix is None:
            self._prefix = hashlib.sha1(
                NAMESPACE.bytes + f"{self.root}/".encode(), usedforsecurity=False
            )
        digest = self._prefix.copy()
        digest.update(key.encode())
        x = digest.hexdigest()  # then set the version (5) and RFC 4122 variant bits:
        return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:32]}"

    def add(self, key: str, resource: Json, request: Json | None = None) -> Json:
        """Add ``resource`` under ``key``; without ``request`` it is a PUT to its own id.

        Returns the reference to it (``{"reference": "urn:uuid:<uid(key)>"}``, without hashing
        again): keep it where a later resource points here.
        """
        uid = self.uid(key)
        if request is None:
            resource["id"] = uid
            request = {"method": "PUT", "url": resource["resourceType"] + "/" + uid}
        url = "urn:uuid:" + uid
        self.entries.append({"fullUrl": url, "resource": resource, "request": request})
        return {"reference": url}


def age_years(birth_date: str, day: date) -> int:
    return whole_years(date.fromisoformat(birth_date), day)


def encounter_day(doc: Json) -> date:
    return datetime.fromisoformat(doc["started_at"]).astimezone(UTC).date()


def latest_taken(readings: list[Json]) -> int | None:
    """Index of the newest reading that has a value (lists are oldest first)."""
    for index in range(len(readings) - 1, -1, -1):
        if readings[index].get("value") is not None:
            return index
    return None


def adult_bmi(doc: Json) -> tuple[float, int, int] | None:
    """(BMI rounded to 0.1, weight index, height index) from the newest weight and height.

    None for a child, or when the BMI is not plausible (``kiosk.scoring.bmi_is_plausible``):
    the export never carries a BMI no person has, whatever an older document holds.
    """
    vitals = doc["vitals"]
    w, h = latest_taken(vitals.get("weight", [])), latest_taken(vitals.get("height", []))
    if w is None or h is None:
        return None
    age = age_years(doc["patient"]["birth_date"], encounter_day(doc))
    if age < ADULT_YEARS:
        return None
    value = bmi(vitals["weight"][w]["value"], vitals["height"][h]["value"])
    if not bmi_is_plausible(value, age):
        return None
    return round(value, 1), w, h


def observation(ctx: Context, code: Json, category: list[Json], when: str) -> Json:
    return {
        "resourceType": "Observation",
        "status": ctx.status,
        "category": category,
        "code": code,
        "subject": ctx.patient,
        "encounter": ctx.encounter,
        "effectiveDateTime": when,
        "performer": ctx.performer,
    }


def reading(target: Json, m: Json) -> None:
    """Value (or reason it is missing) and interpretation of one Measurement into ``target``."""
    reason = m.get("not_taken")
    if reason is not None:
        target["dataAbsentReason"] = ABSENT_REASONS[reason]
        return
    value, unit = m["value"], m["unit"]
    entered_unit = m.get("entered_unit")
    if entered_unit is not None and entered_unit in ENTERED_UNITS.get(m["kind"], ()):
        entered_value = m.get("entered_value")
        if entered_value is not None:
            value, unit = entered_value, entered_unit
    target["valueQuantity"] = quantity(value, unit)
    status = m.get("status")
    if status is not None:
        interpretation = INTERPRETATIONS.get(status)
        if interpretation is not None:
            target["interpretation"] = interpretation


def _blood_pressure(ctx: Context, bp: Json) -> Json:
    obs = observation(ctx, BP_PANEL, VITAL_SIGNS, bp["systolic"]["taken_at"])
    systolic: Json = {"code": SYSTOLIC}
    diastolic: Json = {"code": DIASTOLIC}
    reading(systolic, bp["systolic"])
    reading(diastolic, bp["diastolic"])
    obs["component"] = [systolic, diastolic]
    obs["bodySite"] = _text(bp.get("site", "left-arm"), "")
    obs["method"] = _text(bp.get("cuff", "adult"), " cuff")
    position = BODY_POSITIONS.get(bp.get("position", ""))
    if position is not None:
        obs["extension"] = [{"url": BODY_POSITION_URL, "valueCodeableConcept": position}]
    return obs


_TEXTS: dict[tuple[str, str], Json] = {}


def _text(value: str, suffix: str) -> Json:
    """``{"text": "left arm"}`` for "left-arm": one shared dict per value (they repeat)."""
    found = _TEXTS.get((value, suffix))
    if found is None:
        found = _TEXTS[value, suffix] = {"text": value.replace("-", " ") + suffix}
    return found


def _single(ctx: Context, name: str, m: Json) -> Json:
    obs = observation(ctx, MEASUREMENT_CODES[name], VITAL_SIGNS, m["taken_at"])
    reading(obs, m)
    if name == "temperature" and m.get("route"):
        obs["bodySite"] = _text(m["route"], "")
    if name == "spo2" and m.get("on_oxygen") and m.get("o2_flow_l_min") is not None:
        flow = {"code": O2_FLOW, "valueQuantity": quantity(m["o2_flow_l_min"], "L/min")}
        obs["component"] = [flow]
    return obs


def add_vitals(ctx: Context, doc: Json) -> None:
    """Every vital-sign reading as an Observation, BMI, and the 85353-1 panel holding them."""
    vitals = doc["vitals"]
    members: list[Json] = []
    times: list[str] = []
    add, append_member, append_time = ctx.add, members.append, times.append
    for index, bp in enumerate(vitals.get("blood_pressure", ())):
        append_member(add(f"blood_pressure/{index}", _blood_pressure(ctx, bp)))
        append_time(bp["systolic"]["taken_at"])
    derived: dict[str, Json] = {}  # weight and height references, for BMI's derivedFrom
    for name in Vitals.SINGLE_KINDS:
        for index, measurement in enumerate(vitals.get(name, ())):
            key = f"{name}/{index}"
            reference = add(key, _single(ctx, name, measurement))
            append_member(reference)
            append_time(measurement["taken_at"])
            if name in ("weight", "height"):
                derived[key] = reference
    computed = adult_bmi(doc)
    if computed is not None:
        value, w, h = computed
        when = latest([vitals["weight"][w]["taken_at"], vitals["height"][h]["taken_at"]])
        obs = observation(ctx, BMI, VITAL_SIGNS, when)
        obs["valueQuantity"] = quantity(value, "kg/m2")
        obs["derivedFrom"] = [derived[f"weight/{w}"], derived[f"height/{h}"]]
        members.append(ctx.add("bmi", obs))
    if members:
        panel = observation(ctx, VITALS_PANEL, VITAL_SIGNS, latest(times))
        panel["hasMember"] = members
        ctx.add("vitals", panel)


def latest(times: list[str]) -> str:
    """The latest of ISO timestamps (compared as text when they are all UTC in one format)."""
    size = len(times[0])
    for t in times:  # a loop, not all(<generator>): called once per bundle, on ~10 times
        if t[-1] != "Z" or len(t) != size:
            return max(times, key=datetime.fromisoformat)
    return max(times)


COMPLAINT_DETAILS: tuple[str, ...] = (
    "onset",
    "location",
    "duration",
    "character",
    "aggravating",
    "relieving",
    "timing",
)


def add_complaint(ctx: Context, doc: Json) -> None:
    """The chief complaint in the patient's words (10154-3); its details as a note."""
    complaint = doc.get("complaint")
    if not complaint:
        return
    obs = observation(ctx, COMPLAINT, [], doc["started_at"])
    del obs["category"]  # no observation-category fits a complaint in the patient's words
    obs["valueString"] = complaint["text"]
    details = [f"{name}: {complaint[name]}" for name in COMPLAINT_DETAILS if complaint.get(name)]
    if complaint.get("severity") is not None:
        details.append(f"severity: {complaint['severity']}/10")
    if details:
        obs["note"] = [{"text": "; ".join(details)}]
    ctx.add("complaint", obs)
