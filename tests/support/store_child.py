"""Encounters for the store tests, and a child process that saves them (crash/concurrency tests).

``python tests/support/store_child.py DATA_DIR WORKER COUNT`` saves COUNT encounters and
prints each id (flushed) only after ``save`` returned, so the parent knows which saves were
acknowledged. COUNT 0 means "until killed".
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from kiosk.models import (
    Allergy,
    BloodPressure,
    ChiefComplaint,
    Coverage,
    Encounter,
    History,
    Insurance,
    Measurement,
    Medication,
    Patient,
    Problem,
    SpO2,
    Temperature,
    VitalKind,
    Vitals,
)

FAMILY = ["Rivera", "Nguyen", "Okafor", "Schmidt", "Haddad", "Kowalski", "Tanaka", "Moreau"]
GIVEN = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Ines", "Jon"]


def make_patient(n: int) -> Patient:
    rng = random.Random(n)
    return Patient(
        id=f"MRN{n:06d}",
        family_name=FAMILY[n % len(FAMILY)],
        given_name=GIVEN[(n // len(FAMILY)) % len(GIVEN)],
        birth_date=date(1940 + n % 70, 1 + n % 12, 1 + n % 28),
        sex=rng.choice(["female", "male"]),
        phone=f"555-01{n % 100:02d}",
    )


def _reading(kind: VitalKind, value: float, unit: str, at: datetime) -> Measurement:
    return Measurement(
        kind=kind, entered=f"{value:g}", value=value, unit=unit, status="normal", taken_at=at
    )


def make_encounter(
    seed: int,
    *,
    patient: int | None = None,
    day: date | None = None,
    staff: str = "ma1",
    encounter_id: str | None = None,
) -> Encounter:
    """A signed, realistic (~3 KB) encounter; deterministic for a seed, a day and an id."""
    rng = random.Random(seed)
    day = day or datetime.now(UTC).date()
    at = datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=rng.randrange(600))
    pid = rng.randrange(3000) if patient is None else patient
    return Encounter(
        id=encounter_id or f"{rng.getrandbits(128):032x}",
        room=f"Exam {1 + seed % 6}",
        staff_id=staff,
        started_at=at,
        signed_at=at + timedelta(minutes=9),
        status="signed",
        patient=make_patient(pid),
        identity_confirmed=True,
        insurance=Insurance(
            primary=Coverage(payer="Acme Health", plan="PPO Gold", member_id=f"AC{pid:08d}")
        ),
        history=History(
            allergies=[Allergy(substance="Penicillin", reaction="hives", severity="moderate")],
            medications=[
                Medication(name="Lisinopril", dose="10 mg", route="oral", frequency="daily"),
                Medication(name="Metformin", dose="500 mg", route="oral", frequency="twice daily"),
                Medication(name="Atorvastatin", dose="20 mg", route="oral", frequency="nightly"),
            ],
            problems=[Problem(name="Hypertension"), Problem(name="Type 2 diabetes")],
            reviewed=True,
        ),
        complaint=ChiefComplaint(
            text=rng.choice(["Cough for a week", "Follow-up of blood pressure", "Knee pain"]),
            onset="last week",
            duration="7 days",
            severity=rng.randrange(11),
        ),
        vitals=Vitals(
            blood_pressure=[
                BloodPressure(
                    systolic=_reading("systolic", 110 + rng.randrange(30), "mm[Hg]", at),
                    diastolic=_reading("diastolic", 70 + rng.randrange(15), "mm[Hg]", at),
                )
            ],
            pulse=[_reading("pulse", 60 + rng.randrange(30), "/min", at)],
            respiratory_rate=[_reading("respiratory_rate", 16, "/min", at)],
            temperature=[
                Temperature(
                    kind="temperature",
                    entered="98.6 F",
                    value=37.0,
                    unit="Cel",
                    entered_value=98.6,
                    entered_unit="[degF]",
                    status="normal",
                    taken_at=at,
                )
            ],
            spo2=[
                SpO2(kind="spo2", entered="98", value=98, unit="%", status="normal", taken_at=at)
            ],
            height=[_reading("height", 170, "cm", at)],
            weight=[_reading("weight", 60 + rng.randrange(40), "kg", at)],
        ),
        notes="Patient reports improvement since the last visit. " * 3,
    )


CHILD_DAY = date(2026, 1, 15)


def child_encounter(worker: int, n: int) -> Encounter:
    """The n-th encounter a child saves: the parent rebuilds it from the printed id."""
    return make_encounter(worker * 1_000_000 + n, day=CHILD_DAY, encounter_id=f"w{worker}n{n}")


def main(argv: list[str]) -> int:
    from kiosk.store import EncounterStore

    data_dir, worker, count = Path(argv[0]), int(argv[1]), int(argv[2])
    with EncounterStore(data_dir, staff_id=f"ma{worker}") as store:
        n = 0
        while count == 0 or n < count:
            print(store.save(child_encounter(worker, n)), flush=True)
            n += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
