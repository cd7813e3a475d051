"""Code systems, codes and units the FHIR export uses, in one table so they can be checked.

Sources: HL7 FHIR R4 vital-signs profile and US Core (vital signs, pulse oximetry);
docs/CLINICAL.md section 7. The measured kinds' own LOINC codes are rows of
:data:`kiosk.validators.kinds.KIND_SPECS`.
Urine dipstick results are ordinal (negative / trace / 1+ ...), so each analyte uses LOINC's
"[Presence] ... by Test strip" (Ord) code, not the "[Mass/volume]" (Qn) one: glucose 25428-4
(5792-7 is Glucose [Mass/volume] in Urine by Test strip) and urobilinogen 5818-0 (20405-7 is
Urobilinogen [Mass/volume] ...); the NAPKON GECCO+ urine value sets (BIH-CEI/napkon-geccoplus,
``vs-urine-diagnostics.fsh``, ``vs-urine-urobilinogen.fsh``) list both kinds side by side. The
panel is 24357-6 "Urinalysis macro (dipstick) panel - Urine" (HL7 Europe Laboratory Report
examples): 24356-8 is the *complete* urinalysis panel, which includes microscopy a kiosk does not
do. Ordinal answers are SNOMED CT qualifier values, as in US Core's urine leukocyte esterase
example (5799-2 valued 260348001 "++").

Everything here is a plain dict or tuple shared by every bundle; callers must not mutate them.
"""

from __future__ import annotations

from typing import Any

from kiosk.validators.kinds import KIND_SPECS

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# Identifier systems of this kiosk (URNs: the kiosk has no web address of its own).
MRN_SYSTEM = "urn:kiosk:mrn"
STAFF_SYSTEM = "urn:kiosk:staff"
ENCOUNTER_SYSTEM = "urn:kiosk:encounter"
VERSION_SYSTEM = "urn:kiosk:encounter-version"


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    """A CodeableConcept with one coding (no ``text``: it would repeat the display)."""
    return {"coding": [{"system": system, "code": code, "display": display}]}


def loinc(code: str, display: str) -> dict[str, Any]:
    return concept(LOINC, code, display)


def category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBS_CATEGORY, "code": code, "display": display}]}]


VITAL_SIGNS = category("vital-signs", "Vital Signs")
LABORATORY = category("laboratory", "Laboratory")

VITALS_PANEL = loinc("85353-1", "Vital signs, weight, height, head circumference, oximetry panel")
BP_PANEL = loinc("85354-9", "Blood pressure panel with all children optional")
BMI = loinc("39156-5", "Body mass index (BMI) [Ratio]")
O2_FLOW = loinc("3151-8", "Inhaled oxygen flow rate")
COMPLAINT = loinc("10154-3", "Chief complaint Narrative - Reported")


def kind_code(kind: str, unit: str | None = None) -> dict[str, Any]:
    """Observation.code of a measured kind, from its row in the kind table (``unit``: the unit
    it was typed in, for a kind coded by unit, such as glucose in mmol/L)."""
    spec = KIND_SPECS[kind]
    codings = spec.loinc
    by_unit = dict(spec.unit_loinc)
    if unit in by_unit:
        codings = (by_unit[unit],)
    code: dict[str, Any] = {
        "coding": [{"system": LOINC, "code": c.code, "display": c.display} for c in codings]
    }
    if spec.loinc_text:
        code["text"] = spec.loinc_text
    return code


SYSTOLIC = kind_code("systolic")
DIASTOLIC = kind_code("diastolic")
GLUCOSE_MASS = kind_code("glucose")
GLUCOSE_MOLES = kind_code("glucose", "mmol/L")

MEASUREMENT_CODES: dict[str, dict[str, Any]] = {kind: kind_code(kind) for kind in KIND_SPECS}
"""Observation.code of every measured kind, built once (bundles share these dicts)."""

URINE_PANEL = loinc("24357-6", "Urinalysis macro (dipstick) panel - Urine")
URINE_CODES: dict[str, dict[str, Any]] = {
    "glucose": loinc("25428-4", "Glucose [Presence] in Urine by Test strip"),
    "bilirubin": loinc("5770-3", "Bilirubin.total [Presence] in Urine by Test strip"),
    "ketones": loinc("2514-8", "Ketones [Presence] in Urine by Test strip"),
    "blood": loinc("5794-3", "Hemoglobin [Presence] in Urine by Test strip"),
    "protein": loinc("20454-5", "Protein [Presence] in Urine by Test strip"),
    "urobilinogen": loinc("5818-0", "Urobilinogen [Presence] in Urine by Test strip"),
    "leukocytes": loinc("5799-2", "Leukocyte esterase [Presence] in Urine by Test strip"),
    "nitrite": loinc("5802-4", "Nitrite [Presence] in Urine by Test strip"),
    "ph": loinc("5803-2", "pH of Urine by Test strip"),
    "specific_gravity": loinc("5811-5", "Specific gravity of Urine by Test strip"),
}
ORDINAL_ANSWERS: dict[str, dict[str, Any]] = {
    "negative": concept(SNOMED, "260385009", "Negative"),
    "trace": concept(SNOMED, "260405006", "Trace"),
    "1+": concept(SNOMED, "260347006", "+"),
    "2+": concept(SNOMED, "260348001", "++"),
    "3+": concept(SNOMED, "260349009", "+++"),
    "4+": concept(SNOMED, "260350009", "++++"),
    "positive": concept(SNOMED, "10828004", "Positive"),
}

UNIT_DISPLAY: dict[str, str] = {
    "Cel": "°C",
    "[degF]": "°F",
    "[in_i]": "in",
    "[lb_av]": "lb",
    "mm[Hg]": "mmHg",
    "/min": "/min",
    "{score}": "{score}",
}
"""Human-readable ``Quantity.unit`` for a UCUM code (the code itself where it reads well)."""

_INTERPRETATION_DISPLAY = {
    "normal": ("N", "Normal"),
    "low": ("L", "Low"),
    "high": ("H", "High"),
    "critical-low": ("LL", "Critical low"),
    "critical-high": ("HH", "Critical high"),
    "abnormal": ("A", "Abnormal"),
}
INTERPRETATIONS: dict[str, list[dict[str, Any]]] = {
    status: [concept(INTERPRETATION, code, display)]
    for status, (code, display) in _INTERPRETATION_DISPLAY.items()
}
"""``Observation.interpretation`` by range status (normal -> N ... critical-high -> HH)."""

ABSENT_REASONS: dict[str, dict[str, Any]] = {
    "refused": concept(ABSENT, "asked-declined", "Asked But Declined"),
    "not-done": concept(ABSENT, "not-performed", "Not Performed"),
    "unable": concept(ABSENT, "unknown", "Unknown"),
}
"""``dataAbsentReason`` by the kiosk's not-taken reason ("unable": tried, no reading obtained)."""

BODY_POSITIONS: dict[str, dict[str, Any]] = {
    "sitting": concept(SNOMED, "33586001", "Sitting position"),
    "standing": concept(SNOMED, "10904000", "Orthostatic body position"),
    "lying": concept(SNOMED, "102538003", "Recumbent body position"),
}
BODY_POSITION_URL = "http://hl7.org/fhir/StructureDefinition/observation-bodyPosition"


def quantity(value: float, unit: str) -> dict[str, Any]:
    """A UCUM Quantity: ``code`` is the UCUM unit, ``unit`` its human spelling."""
    return {"value": value, "unit": UNIT_DISPLAY.get(unit, unit), "system": UCUM, "code": unit}
