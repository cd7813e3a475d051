"""Demo data: deterministic, valid, varied, and made only of invented names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta

import pytest

from kiosk.demo import lists as demo_lists
from kiosk.demo.patients import (
    REFERENCE_DAY,
    demo_patient,
    demo_patients,
    sample_encounter,
    sample_encounter_for,
)
from kiosk.models import Encounter, Patient
from kiosk.scoring import news2_for

SEEDS = range(200)


@pytest.fixture(scope="module")
def encounters() -> list[Encounter]:
    return [sample_encounter(seed) for seed in SEEDS]


@pytest.fixture(scope="module")
def population() -> list[Patient]:
    return demo_patients(600)


def test_same_seed_same_document() -> None:
    for seed in (0, 1, 17, 99_999):
        assert sample_encounter(seed).model_dump() == sample_encounter(seed).model_dump()
    assert [p.model_dump() for p in demo_patients(30, seed=4)] == [
        p.model_dump() for p in demo_patients(30, seed=4)
    ]


def test_same_document_in_another_process() -> None:
    # A different hash seed would expose any dependence on set or dict-of-str ordering.
    script = (
        "from kiosk.demo.patients import sample_encounter\n"
        "print(sample_encounter(42).model_dump_json())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stdout) == sample_encounter(42).model_dump(mode="json")


def test_different_seeds_differ(encounters: list[Encounter]) -> None:
    assert len({e.id for e in encounters}) == len(encounters)
    dumps = {
        json.dumps(e.model_dump(mode="json", exclude={"id"}), sort_keys=True) for e in encounters
    }
    assert len(dumps) == len(encounters)
    assert demo_patients(5, seed=1) != demo_patients(5, seed=2)


def test_round_trip_through_json(encounters: list[Encounter]) -> None:
    for encounter in encounters:
        data = json.loads(json.dumps(encounter.model_dump(mode="json")))
        assert Encounter.model_validate(data) == encounter


def test_signed_and_coherent(encounters: list[Encounter]) -> None:
    for e in encounters:
        assert e.status == "signed"
        assert e.identity_confirmed
        assert e.signed_at is not None
        assert e.started_at < e.signed_at
        assert e.patient.birth_date <= e.day <= REFERENCE_DAY
        assert e.provider_notified == e.needs_provider_notified()
        assert e.complaint is not None
        assert e.history.no_known_allergies != bool(e.history.allergies)
        for reading in e.vitals.measurements():
            assert reading.not_taken is not None or reading.entered
            assert reading.taken_at >= e.started_at


def test_abnormal_and_critical_values_occur(encounters: list[Encounter]) -> None:
    statuses = Counter(
        m.status for e in encounters for m in e.vitals.measurements() if m.status is not None
    )
    assert statuses["normal"] > statuses["high"] + statuses["low"]
    assert statuses["high"] > 0
    assert statuses["low"] > 0
    critical = [e for e in encounters if e.critical_readings()]
    assert 2 <= len(critical) <= len(encounters) // 4


def test_repeated_blood_pressure_and_oxygen_occur(encounters: list[Encounter]) -> None:
    assert any(len(e.vitals.blood_pressure) > 1 for e in encounters)
    on_oxygen = [s for e in encounters for s in e.vitals.spo2 if s.on_oxygen]
    assert on_oxygen
    assert all(s.o2_flow_l_min for s in on_oxygen)


def test_every_adult_has_the_vitals_news2_needs(encounters: list[Encounter]) -> None:
    adults = [e for e in encounters if e.patient.age_on(e.day) >= 18]
    assert len(adults) > 100
    for e in adults:
        for name in ("pulse", "respiratory_rate", "temperature", "spo2", "height", "weight"):
            assert getattr(e.vitals, name), name
        assert e.vitals.blood_pressure[0].systolic.value is not None
        assert news2_for(e) is not None
    assert any(news2_for(e).risk != "low" for e in adults)  # type: ignore[union-attr]


def test_ages_span_infants_to_elderly(population: list[Patient]) -> None:
    ages = [p.age_on(REFERENCE_DAY) for p in population]
    assert sum(age < 2 for age in ages) >= 10
    assert sum(2 <= age < 18 for age in ages) >= 30
    assert sum(age >= 65 for age in ages) >= 60
    assert max(ages) < 96


def test_head_circumference_only_under_two(population: list[Patient]) -> None:
    infants = [p for p in population if p.age_on(REFERENCE_DAY) < 1.5]
    older = [p for p in population if p.age_on(REFERENCE_DAY - timedelta(days=365)) >= 2][:50]
    assert len(infants) >= 5
    for seed, patient in enumerate(infants + older):
        e = sample_encounter_for(patient, seed)
        under_two = patient.age_on(e.day) < 2
        assert bool(e.vitals.head_circumference) == under_two
        if patient.age_on(e.day) < 3:  # no blood pressure for small children
            assert all(bp.systolic.not_taken == "not-done" for bp in e.vitals.blood_pressure)


def test_names_come_from_the_lists(population: list[Patient]) -> None:
    given = set(demo_lists.GIVEN_FEMALE + demo_lists.GIVEN_MALE)
    for patient in population:
        assert patient.given_name in given
        assert patient.family_name in demo_lists.FAMILY
        assert patient.phone.startswith("555-555-01")
    assert len({p.id for p in population}) == len(population)


def test_insurance_mix(encounters: list[Encounter]) -> None:
    self_pay = sum(e.insurance.self_pay for e in encounters)
    assert 5 <= self_pay <= 40
    assert any(e.insurance.secondary is not None for e in encounters)
    for e in encounters:
        if e.insurance.primary is not None and e.patient.age_on(e.day) < 18:
            assert e.insurance.primary.relationship == "child"


def test_histories_vary(encounters: list[Encounter]) -> None:
    social = Counter(e.history.social.tobacco for e in encounters)
    assert min(social["never"], social["current"], social["former"]) > 0
    assert any(e.history.social.pack_years for e in encounters)
    assert any(not m.taking for e in encounters for m in e.history.medications)
    assert any(e.history.surgeries for e in encounters)
    assert any(e.history.family for e in encounters)
    assert any(e.complaint and e.complaint.location for e in encounters)


def test_point_of_care_tests(encounters: list[Encounter]) -> None:
    urines = [e for e in encounters if e.poc.urine is not None]
    assert urines
    for e in urines:
        assert e.complaint is not None
        if e.complaint.text == "Burning when I pee":
            assert e.poc.urine is not None
            assert e.poc.urine.is_abnormal("leukocytes")
    glucoses = [e.poc.glucose for e in encounters if e.poc.glucose is not None]
    assert glucoses
    assert all(g.unit == "mg/dL" for g in glucoses)


def test_spelling_follows_the_unit_system() -> None:
    patient = demo_patient(7)
    for seed in range(20):
        us = sample_encounter_for(patient, seed, system="us", day=REFERENCE_DAY)
        metric = sample_encounter_for(patient, seed, system="metric", day=REFERENCE_DAY)
        assert us.vitals.weight[0].entered_unit == "[lb_av]"
        assert metric.vitals.weight[0].entered_unit == "kg"
        assert us.vitals.temperature[0].entered_unit == "[degF]"
        assert metric.vitals.temperature[0].entered_unit == "Cel"
        # The same canonical weight either way, within the rounding of the spelling.
        assert abs(us.vitals.weight[0].value - metric.vitals.weight[0].value) < 0.5  # type: ignore[operator]


def test_day_and_staff_are_honoured() -> None:
    patient = demo_patient(3)
    e = sample_encounter_for(patient, 1, day=date(2026, 1, 15), staff_id="ma-ruth")
    assert (e.day, e.staff_id) == (date(2026, 1, 15), "ma-ruth")
    with pytest.raises(ValueError, match="before the patient's birth"):
        sample_encounter_for(patient, 1, day=patient.birth_date - timedelta(days=1))


def test_patients_are_not_shared_between_encounters() -> None:
    patient = demo_patient(11)
    first = sample_encounter_for(patient, 1)
    first.patient.phone = "555-555-0199"
    first.patient.address.line1 = "changed"
    second = sample_encounter_for(patient, 2)
    assert second.patient.phone == patient.phone != "555-555-0199"
    assert second.patient.address.line1 == patient.address.line1 != "changed"


def test_documents_are_a_few_kilobytes(encounters: list[Encounter]) -> None:
    sizes = [len(e.model_dump_json()) for e in encounters]
    assert 2_000 < sum(sizes) / len(sizes) < 6_000
