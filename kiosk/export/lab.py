"""Point-of-care tests as laboratory Observations: fingerstick glucose and the urine dipstick
(catalog tests, vision and hearing: kiosk.export.poc_results).

Glucose goes in the unit the meter showed (41653-7 mg/dL, or 14743-9 when read in mmol/L); the
dipstick is a 24357-6 panel whose members are the analytes read, each an ordinal answer coded
in SNOMED CT (see ``kiosk.export.codes`` for the choice and sources of the codes).
"""

from __future__ import annotations

from kiosk.export.codes import (
    ABSENT_REASONS,
    GLUCOSE_MASS,
    GLUCOSE_MOLES,
    INTERPRETATIONS,
    LABORATORY,
    ORDINAL_ANSWERS,
    UCUM,
    URINE_CODES,
    URINE_PANEL,
    quantity,
)
from kiosk.export.observations import Context, Json, observation, reading
from kiosk.export.poc_results import add_results, add_screenings, meter_device
from kiosk.models import UrineDipstick


def add_poc(ctx: Context, doc: Json) -> None:
    """Fingerstick glucose and the urine dipstick (a panel with one member per analyte)."""
    poc = doc.get("poc") or {}
    glucose = poc.get("glucose")
    if glucose is not None:
        molar = glucose.get("entered_unit") == "mmol/L" and glucose.get("entered_value") is not None
        code = GLUCOSE_MOLES if molar else GLUCOSE_MASS
        obs = observation(ctx, code, LABORATORY, glucose["taken_at"])
        reading(obs, glucose)
        if molar and "valueQuantity" in obs:
            obs["valueQuantity"] = quantity(glucose["entered_value"], "mmol/L")
        comparator = glucose.get("comparator")
        if comparator is not None and "valueQuantity" in obs:
            # A meter's HI / LO: the value is its limit (FHIR R4 Quantity.comparator).
            obs["valueQuantity"]["comparator"] = comparator
            word = "HI (above)" if comparator == ">" else "LO (below)"
            obs["note"] = [{"text": f"meter showed {word} its measuring range"}]
        if glucose.get("fasting") is not None:
            fasting = {"text": "fasting" if glucose["fasting"] else "not fasting"}
            obs["note"] = [*obs.get("note", ()), fasting]
        device = meter_device(ctx, glucose)
        if device is not None:
            obs["device"] = device  # the strip lot the meter read
        ctx.add("glucose", obs)
    urine = poc.get("urine")
    if urine is not None:
        _add_urine(ctx, urine)
    add_results(ctx, doc)
    add_screenings(ctx, doc)


def _add_urine(ctx: Context, urine: Json) -> None:
    strip = UrineDipstick.model_construct(**urine)  # for is_abnormal: one rule, in models.py
    members: list[Json] = []
    for analyte, code in URINE_CODES.items():
        result = urine.get(analyte)
        if result is None:
            continue
        obs = observation(ctx, code, LABORATORY, urine["taken_at"])
        if analyte == "ph":
            obs["valueQuantity"] = {"value": result, "unit": "pH", "system": UCUM, "code": "[pH]"}
        elif analyte == "specific_gravity":
            obs["valueQuantity"] = {"value": result, "unit": "1", "system": UCUM, "code": "1"}
        else:
            obs["valueCodeableConcept"] = ORDINAL_ANSWERS[result]
        abnormal = strip.is_abnormal(analyte)
        obs["interpretation"] = INTERPRETATIONS["abnormal" if abnormal else "normal"]
        members.append(ctx.add(f"urine/{analyte}", obs))
    panel = observation(ctx, URINE_PANEL, LABORATORY, urine["taken_at"])
    if members:
        panel["hasMember"] = members
    else:
        panel["dataAbsentReason"] = ABSENT_REASONS["not-done"]
    lot = ", ".join(
        part
        for part in (
            f"strip lot {urine['strip_lot']}" if urine.get("strip_lot") else "",
            f"expires {urine['strip_expiry']}" if urine.get("strip_expiry") else "",
        )
        if part
    )
    if lot:
        panel["note"] = [{"text": lot}]
    ctx.add("urine", panel)
