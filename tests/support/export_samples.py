"""Known encounters for the export tests, built by hand so every number is known in advance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiosk.models import (
    Address,
    Allergy,
    BloodPressure,
    ChiefComplaint,
    EmergencyContact,
    Encounter,
    GlucoseTest,
    History,
    Measurement,
    Medication,
    Patient,
    PocTests,
    Problem,
    SpO2,
    Temperature,
    UrineDipstick,
    Vitals,
)

STARTED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return STARTED + timedelta(minutes=minutes)


def reading(kind: str, value: float, unit: str, status: str = "normal", **extra: Any) -> Any:
    cls = {"temperature": Temperature, "spo2": SpO2}.get(kind, Measurement)
    return cls(
        kind=kind,
        entered=extra.pop("entered", str(value)),
        value=value,
        unit=unit,
        status=status,
        taken_at=extra.pop("taken_at", at(5)),
        **extra,
    )


def full_encounter(
    *,
    mrn: str = "MRN-1001",
    birth: date = date(1970, 5, 1),
    started: datetime = STARTED,
    staff: str = "ma-7",
    encounter_id: str = "enc-full-1",
) -> Encounter:
    """An adult visit with every section filled and one reading of each kind (plus extras)."""
    shift = started - STARTED
    vitals = Vitals(
        blood_pressure=[
            BloodPressure(
                systolic=reading("systolic", 150, "mm[Hg]", "high", taken_at=at(3) + shift),
                diastolic=reading("diastolic", 95, "mm[Hg]", "high", taken_at=at(3) + shift),
                position="standing",
                site="right-arm",
                cuff="large-adult",
            ),
            BloodPressure(
                systolic=reading("systolic", 132, "mm[Hg]", "normal", taken_at=at(9) + shift),
                diastolic=reading("diastolic", 84, "mm[Hg]", "normal", taken_at=at(9) + shift),
            ),
        ],
        pulse=[reading("pulse", 104, "/min", "high", entered="104 bpm", taken_at=at(4) + shift)],
        respiratory_rate=[
            Measurement(kind="respiratory_rate", unit="/min", not_taken="refused", taken_at=at(4))
        ],
        temperature=[
            reading(
                "temperature",
                37.0,
                "Cel",
                entered="98.6F",
                entered_value=98.6,
                entered_unit="[degF]",
                route="tympanic",
                taken_at=at(5) + shift,
            )
        ],
        spo2=[
            reading(
                "spo2", 91, "%", "low", on_oxygen=True, o2_flow_l_min=2.0, taken_at=at(6) + shift
            )
        ],
        height=[
            reading(
                "height",
                177.8,
                "cm",
                entered="5'10\"",
                entered_value=70,
                entered_unit="[in_i]",
                taken_at=at(1) + shift,
            )
        ],
        weight=[
            reading("weight", 90.0, "kg", entered="90 kg", entered_value=90, entered_unit="kg"),
            reading(
                "weight",
                79.83271712,
                "kg",
                entered="176 lb",
                entered_value=176,
                entered_unit="[lb_av]",
                taken_at=at(2) + shift,
            ),
        ],
        pain=[reading("pain", 4, "{score}", taken_at=at(7) + shift)],
    )
    poc = PocTests(
        urine=UrineDipstick(
            glucose="negative",
            ketones="trace",
            blood="2+",
            leukocytes="1+",
            nitrite="positive",
            ph=6.5,
            specific_gravity=1.02,
            strip_lot="LOT42",
            strip_expiry=date(2027, 1, 31),
            taken_at=at(12) + shift,
        ),
        glucose=GlucoseTest(
            kind="glucose",
            entered="5.5 mmol/L",
            value=99.088,
            unit="mg/dL",
            entered_value=5.5,
            entered_unit="mmol/L",
            status="normal",
            fasting=True,
            taken_at=at(13) + shift,
        ),
    )
    return Encounter(
        id=encounter_id,
        room="3",
        staff_id=staff,
        started_at=started,
        signed_at=started + timedelta(minutes=20),
        status="signed",
        identity_confirmed=True,
        patient=Patient(
            id=mrn,
            family_name="Testperson",
            given_name="Alex",
            middle_name="Q",
            preferred_name="Al",
            birth_date=birth,
            sex="female",
            phone="555-0100",
            address=Address(line1="1 Main St", city="Springfield", state="IL", postal_code="62701"),
            emergency_contact=EmergencyContact(name="Sam Testperson", relationship="spouse"),
        ),
        history=History(
            allergies=[
                Allergy(substance="Penicillin", reaction="hives", severity="moderate"),
                Allergy(substance="Latex"),
            ],
            medications=[
                Medication(name="Lisinopril", dose="10 mg", route="oral", frequency="daily"),
                Medication(name="Ibuprofen", taking=False),
            ],
            problems=[
                Problem(name="Hypertension", onset="2019"),
                Problem(name="Asthma", active=False),
            ],
        ),
        complaint=ChiefComplaint(text="Cough for three days", duration="3 days", severity=4),
        vitals=vitals,
        poc=poc,
    )


def minimal_encounter(**overrides: Any) -> Encounter:
    """A signed visit with only the required parts (no vitals, no history)."""
    fields: dict[str, Any] = {
        "id": "enc-min-1",
        "staff_id": "ma-1",
        "started_at": STARTED,
        "signed_at": STARTED + timedelta(minutes=5),
        "status": "signed",
        "identity_confirmed": True,
        "patient": Patient(
            id="MRN-2", family_name="Minimal", given_name="Mo", birth_date=date(2015, 1, 2)
        ),
    }
    fields.update(overrides)
    return Encounter(**fields)
