"""Catalog test results, the glucose meter, and the vision and hearing screenings as
Observations.

How a kit lot is sent (a choice, documented here): every result's ``Observation.device``
references a ``Device`` for the kit lot it was read with (``lotNumber``, ``expirationDate``,
``manufacturer`` when stock knew it, ``deviceName`` the test's kit); when an analyser read it,
that Device's ``parent`` is a Device for the analyser (``serialNumber`` the id the MA typed).
One Device per (kit, lot) per bundle: results read off one cassette share it. The glucose
meter's strip lot goes the same way. The specimen is a ``Specimen`` (type as text, the
catalog's words). The QC runs a result relied on, and the result it repeats, are notes.

Vision: one exam Observation per eye read, LOINC by eye and correction: uncorrected right
79882-7 and left 79883-5, corrected right 79880-1 and left 79881-9 (HL7 C-CDA guidance, eCQM
value sets; sources disagree: one public integration sends 79881-9 as *uncorrected* left,
while the eCQM value set names it "best corrected Left eye". "Best corrected" is what LOINC
has for an eye read with correction; the kiosk records the patient's own glasses). No LOINC
code for a binocular Snellen reading or a per-tone hearing screen was found in the sources
checked, so those use this kiosk's own code system (``urn:kiosk:exam``) with text.
"""

from __future__ import annotations

from kiosk.export.codes import (
    ABSENT,
    INTERPRETATIONS,
    LABORATORY,
    LOINC,
    ORDINAL_ANSWERS,
    STAFF_SYSTEM,
    UCUM,
    category,
    concept,
)
from kiosk.export.observations import Context, Json, observation

EXAM = category("exam", "Exam")
LOCAL = "urn:kiosk:exam"
VISION_CODES: dict[tuple[str, bool], Json] = {
    ("right", False): concept(
        LOINC, "79882-7", "Visual acuity uncorrected Right eye by Snellen eye chart"
    ),
    ("left", False): concept(
        LOINC, "79883-5", "Visual acuity uncorrected Left eye by Snellen eye chart"
    ),
    ("right", True): concept(
        LOINC, "79880-1", "Visual acuity best corrected Right eye by Snellen eye chart"
    ),
    ("left", True): concept(
        LOINC, "79881-9", "Visual acuity best corrected Left eye by Snellen eye chart"
    ),
    ("both", False): concept(
        LOCAL, "va-both-uncorrected", "Visual acuity both eyes, uncorrected, Snellen"
    ),
    ("both", True): concept(
        LOCAL, "va-both-corrected", "Visual acuity both eyes, with correction, Snellen"
    ),
}
HEARING = concept(LOCAL, "hearing-screen-pure-tone", "Hearing screening, pure tone, pass/refer")
TONE_ANSWERS = {
    "pass": concept(LOCAL, "pass", "Pass"),
    "refer": concept(LOCAL, "refer", "Refer"),
}
INVALID = {"coding": [{"system": ABSENT, "code": "error", "display": "Error"}]}
UNIT_SHOWN = {"{INR}": "INR"}


def _kit_device(ctx: Context, kit: str, lot: str, expiry: str, analyser: str) -> Json:
    key = f"device/{kit}/{lot}"
    device: Json = {
        "resourceType": "Device",
        "lotNumber": lot,
        "deviceName": [{"name": f"{kit} test kit", "type": "user-friendly-name"}],
    }
    if expiry:
        device["expirationDate"] = expiry
    if analyser:
        parent = {"resourceType": "Device", "serialNumber": analyser}
        device["parent"] = _once(ctx, f"device/analyser/{analyser}", parent)
    return _once(ctx, key, device)


def _once(ctx: Context, key: str, resource: Json) -> Json:
    """Add ``resource`` under ``key`` unless the bundle already holds it; its reference."""
    url = "urn:uuid:" + ctx.uid(key)
    if not any(entry["fullUrl"] == url for entry in ctx.entries):
        return ctx.add(key, resource)
    return {"reference": url}


def _operator(ctx: Context, doc: Json, operator: str) -> list[Json]:
    if operator == doc["staff_id"]:
        return ctx.performer
    practitioner = {
        "resourceType": "Practitioner",
        "identifier": [{"system": STAFF_SYSTEM, "value": operator}],
    }
    url = "urn:uuid:" + ctx.uid(f"practitioner/{operator}")
    if any(entry["fullUrl"] == url for entry in ctx.entries):
        return [{"reference": url}]
    request = {
        "method": "POST",
        "url": "Practitioner",
        "ifNoneExist": f"identifier={STAFF_SYSTEM}|{operator}",
    }
    return [ctx.add(f"practitioner/{operator}", practitioner, request)]


def add_results(ctx: Context, doc: Json) -> None:
    """One laboratory Observation per catalog result (invalid ones included, with why)."""
    poc = doc.get("poc") or {}
    for number, result in enumerate(poc.get("results") or []):
        code: Json = {
            "coding": [
                {
                    "system": LOINC,
                    "code": result["loinc"],
                    "display": result.get("loinc_display") or result["name"],
                }
            ],
            "text": result["name"],
        }
        obs = observation(ctx, code, LABORATORY, result["taken_at"])
        obs["performer"] = _operator(ctx, doc, result["operator"])
        notes = []
        if result["status"] == "invalid":
            obs["dataAbsentReason"] = INVALID
            notes.append("invalid: no control line (or a device error); the test was repeated")
        elif result.get("value") is not None:
            unit = result["unit"]
            obs["valueQuantity"] = {
                "value": result["value"],
                "unit": UNIT_SHOWN.get(unit, unit),
                "system": UCUM,
                "code": unit,
            }
        else:
            answer = result["answer"]
            obs["valueCodeableConcept"] = ORDINAL_ANSWERS.get(answer) or {"text": answer}
        interpretation = INTERPRETATIONS.get(result["status"])
        if interpretation is not None:
            obs["interpretation"] = interpretation
        obs["device"] = _kit_device(
            ctx,
            result.get("kit") or result["test"],
            result["kit_lot"],
            result.get("kit_expiry") or "",
            result.get("device") or "",
        )
        if result.get("specimen"):
            specimen = {
                "resourceType": "Specimen",
                "type": {"text": result["specimen"]},
                "subject": ctx.patient,
            }
            obs["specimen"] = ctx.add(f"specimen/{number}", specimen)
        if result.get("qc_runs"):
            notes.append("QC runs relied on: " + ", ".join(result["qc_runs"]))
        if result.get("repeat_of"):
            notes.append(f"repeat of an invalid result ({result['repeat_of']})")
        if notes:
            obs["note"] = [{"text": n} for n in notes]
        ctx.add(f"poc/{result['id']}", obs)


def meter_device(ctx: Context, glucose: Json) -> Json | None:
    """The glucose meter's strip lot as a Device (None when no lot was typed)."""
    lot = glucose.get("meter_lot")
    if not lot:
        return None
    return _kit_device(ctx, "glucose", lot, "", "")


def add_screenings(ctx: Context, doc: Json) -> None:
    """Vision (one Observation per eye read) and hearing (one, a component per tone)."""
    poc = doc.get("poc") or {}
    vision = poc.get("vision")
    if vision:
        for reading in vision.get("readings") or []:
            code = VISION_CODES[(reading["eye"], bool(reading["corrected"]))]
            obs = observation(ctx, code, EXAM, vision["taken_at"])
            obs["valueString"] = reading["entered"]
            if vision.get("refer"):
                obs["interpretation"] = INTERPRETATIONS["abnormal"]
                obs["note"] = [{"text": vision.get("reason") or "refer"}]
            ctx.add(f"vision/{reading['eye']}/{int(reading['corrected'])}", obs)
    hearing = poc.get("hearing")
    if hearing and hearing.get("tones"):
        obs = observation(ctx, HEARING, EXAM, hearing["taken_at"])
        obs["valueCodeableConcept"] = TONE_ANSWERS["refer" if hearing.get("refer") else "pass"]
        obs["component"] = [
            {
                "code": {"text": f"{t['ear']} ear {t['frequency_hz']} Hz at {t['level_db']} dB HL"},
                "valueCodeableConcept": TONE_ANSWERS[t["result"]],
            }
            for t in hearing["tones"]
        ]
        if hearing.get("refer"):
            obs["interpretation"] = INTERPRETATIONS["abnormal"]
            obs["note"] = [{"text": hearing.get("reason") or "refer"}]
        ctx.add("hearing", obs)


__all__ = ["add_results", "add_screenings", "meter_device"]
