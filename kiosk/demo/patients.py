"""Synthetic patients and encounters for demo mode, tests and benchmarks. No real person.

Everything is deterministic: each patient and encounter draws from its own
``random.Random`` seeded from its index or seed, and dates come from a fixed reference day,
never from the clock, so the same seed always gives the same document (``model_dump`` equal).
Measurements are built the way the kiosk builds them, through ``check_vital`` (cached there)
and ``to_measurement``, so demo readings carry the same statuses and messages as typed ones.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from kiosk.demo import lists
from kiosk.demo.poc import demo_results
from kiosk.demo.screenings import demo_screenings
from kiosk.demo.vitals import VitalsPlan, build_vitals, plan_vitals
from kiosk.models import (
    Address,
    Allergy,
    ChiefComplaint,
    Coverage,
    EmergencyContact,
    Encounter,
    FamilyHistoryItem,
    GlucoseTest,
    History,
    Insurance,
    Medication,
    Patient,
    PocTests,
    Problem,
    SocialHistory,
    Surgery,
    UrineDipstick,
    Vitals,
)
from kiosk.validators import check_vital, to_measurement
from kiosk.validators.poc_catalog import cached_catalog

REFERENCE_DAY = date(2026, 3, 2)
"""Ages and visit days are counted back from this fixed day (never today)."""
DEMO_PATIENT_COUNT = 3000
"""Size of the demo population; ``sample_encounter(seed)`` visits patient ``seed % 3000``."""

System = Literal["us", "metric"]
COMPLAINT_TAGS = {
    "Sore throat and fever": "fever",
    "Fever and pulling at ears": "fever",
    "Vomiting since last night": "fever",
    "Burning when I pee": "urinary",
    "Feeling shaky and very thirsty": "glucose",
    "Short of breath climbing stairs": "breath",
    "Chest pressure": "chest",
    "Dizzy when I stand up": "dizzy",
}
"""Complaints that shape the vitals and point-of-care tests of the visit."""


# --------------------------------------------------------------------------- patients


def demo_patient(index: int, seed: int = 0) -> Patient:
    """Patient number ``index`` of the demo population ``seed`` (MRN ``D<seed>-<index>``)."""
    rng = random.Random(f"patient:{seed}:{index}")
    roll = rng.random()
    if roll < 0.05:
        age_days = rng.randrange(0, 730)  # under 2: head circumference, no adult scores
    elif roll < 0.18:
        age_days = rng.randrange(730, 18 * 365)
    elif roll < 0.75:
        age_days = rng.randrange(18 * 365, 65 * 365)
    else:
        age_days = rng.randrange(65 * 365, 96 * 365)
    sex = rng.choices(("female", "male", "other", "unknown"), (49, 49, 1, 1))[0]
    given_names = lists.GIVEN_FEMALE if sex == "female" else lists.GIVEN_MALE
    if sex in ("other", "unknown"):
        given_names = rng.choice((lists.GIVEN_FEMALE, lists.GIVEN_MALE))
    family = rng.choice(lists.FAMILY)
    town, state = rng.choice(lists.TOWNS)
    contact = None
    if rng.random() < 0.7:
        contact = EmergencyContact(
            name=f"{rng.choice(lists.GIVEN_FEMALE + lists.GIVEN_MALE)} {family}",
            relationship=rng.choice(("spouse", "parent", "sibling", "child", "friend")),
            phone=_phone(rng),
        )
    return Patient(
        id=f"D{seed}-{index:06d}",
        family_name=family,
        given_name=rng.choice(given_names),
        middle_name=rng.choice(given_names)[0] if rng.random() < 0.4 else "",
        preferred_name="",
        birth_date=REFERENCE_DAY - timedelta(days=age_days),
        sex=sex,
        phone=_phone(rng),
        address=Address(
            line1=f"{rng.randrange(1, 9999)} {rng.choice(lists.STREETS)}",
            line2=f"Apt {rng.randrange(1, 40)}" if rng.random() < 0.2 else "",
            city=town,
            state=state,
            postal_code=f"{rng.randrange(10000, 99999)}",
        ),
        emergency_contact=contact,
    )


def demo_patients(n: int = DEMO_PATIENT_COUNT, seed: int = 0) -> list[Patient]:
    """The first ``n`` patients of the demo population ``seed``."""
    return [demo_patient(index, seed) for index in range(n)]


def _phone(rng: random.Random) -> str:
    return f"555-555-01{rng.randrange(100):02d}"


# --------------------------------------------------------------------------- encounters


def sample_encounter(seed: int) -> Encounter:
    """A signed encounter of a demo patient (deterministic): same seed, same document."""
    return sample_encounter_for(demo_patient(seed % DEMO_PATIENT_COUNT), seed)


def sample_encounter_for(
    patient: Patient,
    seed: int,
    day: date | None = None,
    staff_id: str = "demo",
    *,
    system: System | None = None,
) -> Encounter:
    """A signed intake for ``patient`` on ``day`` (default: a day in the year before
    ``REFERENCE_DAY``, not before birth). ``system`` sets how readings are spelled
    (default: US four times in five)."""
    rng = random.Random(f"encounter:{seed}:{patient.id}")
    if day is None:
        first = max(patient.birth_date, REFERENCE_DAY - timedelta(days=364))
        day = first + timedelta(days=rng.randrange((REFERENCE_DAY - first).days + 1))
    elif day < patient.birth_date:
        raise ValueError(f"{day} is before the patient's birth date")
    units: System = system or ("us" if rng.random() < 0.8 else "metric")
    started = datetime.combine(day, time(13, 0), UTC) + timedelta(minutes=rng.randrange(600))
    age = patient.age_on(day)
    history = _history(rng, age, day)
    complaint = _complaint(rng, age)
    tag = COMPLAINT_TAGS.get(complaint.text, "")
    problems = {problem.name for problem in history.problems}
    plan = plan_vitals(rng, age, patient.sex, problems, tag, complaint.severity)
    taken = started + timedelta(minutes=rng.randrange(3, 9))
    vitals = build_vitals(plan, age, units, taken, rng)
    poc = _poc(rng, age, units, tag, problems, plan, taken + timedelta(minutes=6))
    catalog = cached_catalog()
    read = min(taken, datetime.combine(day, time(23, 0), UTC))  # the QC day is the visit's
    tests = demo_results(
        seed, patient.id, age, patient.sex, complaint.text, problems, read, catalog
    )
    if tests:
        poc = poc.model_copy(update={"results": tests})
    screenings = demo_screenings(seed, patient.id, int(age), patient.sex, started)
    return Encounter(
        id=f"{rng.getrandbits(128):032x}",
        room=f"Room {rng.randrange(1, 9)}",
        staff_id=staff_id,
        started_at=started,
        signed_at=started + timedelta(minutes=rng.randrange(12, 31)),
        status="signed",
        patient=_own_copy(patient),
        identity_confirmed=True,
        insurance=_insurance(rng, patient, age),
        history=history,
        complaint=complaint,
        vitals=vitals,
        poc=poc,
        screenings=screenings,
        provider_notified=_has_critical(vitals, poc) or bool(screenings.critical()),
        notes=rng.choice(lists.NOTES),
    )


def _own_copy(patient: Patient) -> Patient:
    """A copy no other encounter shares (cheaper than a deep copy: the other fields are
    immutable)."""
    contact = patient.emergency_contact
    return patient.model_copy(
        update={
            "address": patient.address.model_copy(),
            "emergency_contact": contact.model_copy() if contact is not None else None,
        }
    )


def _has_critical(vitals: Vitals, poc: PocTests) -> bool:
    readings = vitals.measurements() + ([poc.glucose] if poc.glucose is not None else [])
    return any(reading.is_critical for reading in readings)


def _insurance(rng: random.Random, patient: Patient, age: float) -> Insurance:
    if rng.random() < 0.1:
        return Insurance(self_pay=True)
    payer, plan = rng.choice(lists.SENIOR_PAYERS if age >= 65 else lists.PAYERS)
    subscriber, relationship = f"{patient.given_name} {patient.family_name}", "self"
    if age < 18:
        parent = rng.choice(lists.GIVEN_FEMALE + lists.GIVEN_MALE)
        subscriber, relationship = f"{parent} {patient.family_name}", "child"
    primary = Coverage(
        payer=payer,
        plan=plan,
        member_id=f"{payer[:2].upper()}{rng.randrange(10**8, 10**9)}",
        group=f"G{rng.randrange(1000, 99999)}" if payer != "Medicare" else "",
        subscriber_name=subscriber,
        relationship=relationship,
    )
    secondary = None
    if rng.random() < (0.4 if age >= 65 else 0.08):
        second_payer, second_plan = rng.choice(lists.SECONDARY_PAYERS)
        secondary = Coverage(
            payer=second_payer,
            plan=second_plan,
            member_id=f"S{rng.randrange(10**7, 10**8)}",
            subscriber_name=subscriber,
            relationship=relationship,
        )
    return Insurance(
        primary=primary, secondary=secondary, changed_since_last_visit=rng.random() < 0.05
    )


def _history(rng: random.Random, age: float, day: date) -> History:
    adult = age >= 18
    allergies = []
    if rng.random() < 0.45:
        for substance, reaction, severity in rng.sample(lists.ALLERGIES, rng.randint(1, 3)):
            allergies.append(Allergy(substance=substance, reaction=reaction, severity=severity))
    problem_names = rng.sample(
        lists.ADULT_PROBLEMS if adult else lists.CHILD_PROBLEMS,
        min(rng.choice((0, 0, 1, 1, 2, 3, 4)) + (1 if age >= 65 else 0), 5 if adult else 2),
    )
    medications = []
    if adult or rng.random() < 0.2:
        for name, dose, route, frequency in rng.sample(lists.MEDICATIONS, rng.randint(0, 5)):
            medications.append(
                Medication(
                    name=name,
                    dose=dose,
                    route=route,
                    frequency=frequency,
                    taking=rng.random() < 0.9,
                )
            )
    surgeries = [
        Surgery(procedure=procedure, year=rng.randint(day.year - int(age), day.year))
        for procedure in rng.sample(lists.SURGERIES, rng.choice((0, 0, 0, 1, 1, 2)))
    ]
    family = [
        FamilyHistoryItem(relative=relative, condition=condition)
        for relative, condition in rng.sample(lists.FAMILY_CONDITIONS, rng.randint(0, 3))
    ]
    return History(
        no_known_allergies=not allergies,
        allergies=allergies,
        medications=medications,
        problems=[
            Problem(name=name, onset=f"{rng.randint(day.year - int(age), day.year)}")
            for name in problem_names
        ],
        surgeries=surgeries,
        family=family,
        social=_social(rng, age),
        reviewed=True,
    )


def _social(rng: random.Random, age: float) -> SocialHistory:
    if age < 12:
        return SocialHistory(tobacco="never", alcohol="none")
    tobacco = rng.choices(("never", "former", "current", "unknown"), (60, 20, 15, 5))[0]
    packs = years = None
    if tobacco in ("former", "current"):
        packs = rng.choice((0.25, 0.5, 1.0, 1.5, 2.0))
        years = round(packs * rng.randint(1, max(1, int(age) - 11)), 1)
    return SocialHistory(
        tobacco=tobacco,
        packs_per_day=packs if tobacco == "current" else None,
        pack_years=years,
        alcohol=rng.choice(lists.ALCOHOL) if age >= 18 else "none",
    )


def _complaint(rng: random.Random, age: float) -> ChiefComplaint:
    adult = age >= 12
    if rng.random() < 0.25:
        visit = rng.choice(lists.WELL_VISITS if adult else lists.CHILD_WELL_VISITS)
        return ChiefComplaint(text=visit, severity=0)
    text, location, character, aggravating, relieving, timing = rng.choice(
        lists.COMPLAINTS if adult else lists.CHILD_COMPLAINTS
    )
    return ChiefComplaint(
        text=text,
        onset=rng.choice(lists.ONSETS),
        location=location,
        duration=rng.choice(lists.DURATIONS),
        character=character,
        aggravating=aggravating,
        relieving=relieving,
        timing=timing,
        severity=rng.choices(range(1, 10), (8, 10, 12, 12, 10, 8, 6, 4, 2))[0],
    )


def _poc(
    rng: random.Random,
    age: float,
    system: System,
    tag: str,
    problems: set[str],
    plan: VitalsPlan,
    taken: datetime,
) -> PocTests:
    urine = None
    if tag == "urinary" or rng.random() < 0.05:
        infected = tag == "urinary"
        urine = UrineDipstick(
            glucose="negative" if rng.random() < 0.9 else "1+",
            bilirubin="negative",
            ketones="negative" if rng.random() < 0.9 else "trace",
            blood=rng.choice(("trace", "1+", "2+")) if infected else "negative",
            protein="negative" if rng.random() < 0.8 else "trace",
            urobilinogen="negative",
            leukocytes=rng.choice(("1+", "2+", "3+")) if infected else "negative",
            nitrite="positive" if infected and rng.random() < 0.6 else "negative",
            ph=rng.choice((5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0)),
            specific_gravity=rng.choice((1.005, 1.010, 1.015, 1.020, 1.025, 1.030)),
            strip_lot=f"UA{rng.randrange(10000, 99999)}",
            strip_expiry=taken.date() + timedelta(days=rng.randrange(60, 400)),
            taken_at=taken,
        )
    glucose = None
    diabetic = "Type 2 diabetes" in problems
    if tag == "glucose" or (diabetic and rng.random() < 0.6) or rng.random() < 0.03:
        mg_dl = plan.glucose_mg_dl
        if system == "metric" and rng.random() < 0.5:
            text = f"{mg_dl / 18.016:.1f} mmol/L"
        elif system == "metric":  # a bare number there is mmol/L: mg/dL is typed with its unit
            text = rng.choice((f"{mg_dl / 18.016:.1f}", f"{mg_dl} mg/dL"))
        else:
            text = rng.choice((f"{mg_dl}", f"{mg_dl} mg/dL"))
        check = check_vital("glucose", text, age_years=age, system=system)
        if check.ok:
            glucose = to_measurement(
                check,
                taken_at=taken,
                cls=GlucoseTest,
                fasting=rng.choice((None, True, False)),
                meter_lot=f"GM{rng.randrange(1000, 9999)}",
            )
    return PocTests(urine=urine, glucose=glucose)
