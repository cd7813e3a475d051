"""Encounters with known scores, shared by the review tests."""

from __future__ import annotations

from typing import Any

from ui_vitals_harness import adult

from kiosk.models import (
    BloodPressure,
    ChiefComplaint,
    Encounter,
    Measurement,
    Patient,
    PocTests,
    SpO2,
    Temperature,
    UrineDipstick,
    Vitals,
)
from kiosk.validators import check_blood_pressure, check_vital, to_measurement


def reading(kind: str, text: str, cls: type[Measurement] = Measurement, **extra: Any) -> Any:
    return to_measurement(check_vital(kind, text, age_years=50, system="us"), cls=cls, **extra)


def known_encounter(
    patient: Patient | None = None, *, pulse: str = "135", **update: Any
) -> Encounter:
    """RR 22 (2) · SpO2 93 on air (2, 0) · systolic 150 (0) · pulse 135 (3) · alert (0) ·
    100.9 °F = 38.3 °C (1): NEWS2 8, high. 176 lb at 70 in: BMI 25.3. BP 150/95: stage 2."""
    systolic, diastolic = check_blood_pressure("150/95", age_years=50)
    vitals = Vitals(
        blood_pressure=[
            BloodPressure(systolic=to_measurement(systolic), diastolic=to_measurement(diastolic))
        ],
        pulse=[reading("pulse", pulse)],
        respiratory_rate=[reading("respiratory_rate", "22")],
        temperature=[reading("temperature", "100.9", Temperature)],
        spo2=[reading("spo2", "93", SpO2)],
        height=[reading("height", "70")],
        weight=[reading("weight", "176")],
    )
    encounter = Encounter(
        staff_id="ma1",
        patient=patient or adult(),
        identity_confirmed=True,
        vitals=vitals,
        poc=PocTests(urine=UrineDipstick(protein="2+", glucose="negative")),
        complaint=ChiefComplaint(text="cough for 3 days"),
    )
    return encounter.model_copy(update=update)
