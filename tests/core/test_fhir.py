"""kiosk.export.fhir: bundles validate as FHIR R4B, with the right codes, units and numbers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from export_samples import full_encounter, minimal_encounter, reading
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.export.fhir import bundle_for, encounter_bundle
from kiosk.export.observations import NAMESPACE, Context
from kiosk.models import Encounter, GlucoseTest, History, Measurement, PocTests, Vitals
from kiosk.scoring import bmi

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    found = [e["resource"] for e in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def by_loinc(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [
        r
        for r in resources(bundle, "Observation")
        if any(c["code"] == code for c in r["code"].get("coding", []))
    ]


def one(bundle: dict[str, Any], code: str) -> dict[str, Any]:
    found = by_loinc(bundle, code)
    assert len(found) == 1, f"{code}: {len(found)} observations"
    return found[0]


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def amended_pair() -> tuple[Encounter, Encounter]:
    first = full_encounter()
    second = first.model_copy(
        update={"id": "enc-full-2", "version": 2, "amends": first.id, "status": "amended"}
    )
    return first, Encounter.model_validate(second.model_dump())


SAMPLES = {
    "full": full_encounter(),
    "minimal": minimal_encounter(),
    "amended": amended_pair()[1],
    "no-known-allergies": minimal_encounter(history=History(no_known_allergies=True)),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_bundle_validates_as_an_r4b_transaction(name: str) -> None:
    bundle = bundle_for(SAMPLES[name])
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "transaction"
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        assert entry["request"]["method"] in ("POST", "PUT")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_reference_resolves_inside_the_bundle(name: str) -> None:
    bundle = bundle_for(SAMPLES[name])
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])
    refs = list(references(bundle))
    assert refs
    assert set(refs) <= full_urls


def test_full_urls_are_uuid5_of_the_encounter_and_the_resource_key() -> None:
    bundle = bundle_for(full_encounter())
    patient = bundle["entry"][0]
    assert patient["fullUrl"] == f"urn:uuid:{uuid.uuid5(NAMESPACE, 'enc-full-1/patient')}"
    assert bundle == bundle_for(full_encounter())  # deterministic
    ctx = Context(root="ü-root", status="final")
    assert ctx.uid("weight/3") == str(uuid.uuid5(NAMESPACE, "ü-root/weight/3"))


def test_patient_and_practitioner_are_conditional_creates_the_rest_puts() -> None:
    bundle = bundle_for(full_encounter(mrn="A|B&C"))
    patient, practitioner = bundle["entry"][0], bundle["entry"][1]
    assert patient["request"] == {
        "method": "POST",
        "url": "Patient",
        "ifNoneExist": "identifier=urn:kiosk:mrn|A%7CB%26C",
    }
    assert patient["resource"]["identifier"][0]["value"] == "A|B&C"
    assert practitioner["request"]["ifNoneExist"] == "identifier=urn:kiosk:staff|ma-7"
    assert practitioner["resource"]["identifier"] == [
        {"system": "urn:kiosk:staff", "value": "ma-7"}
    ]
    for entry in bundle["entry"][2:]:
        uid = entry["fullUrl"].removeprefix("urn:uuid:")
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{entry['resource']['resourceType']}/{uid}",
        }
        assert entry["resource"]["id"] == uid


def test_patient_demographics() -> None:
    patient = resources(bundle_for(full_encounter()), "Patient")[0]
    assert patient["name"][0] == {"use": "official", "family": "Testperson", "given": ["Alex", "Q"]}
    assert patient["name"][1] == {"use": "usual", "given": ["Al"]}
    assert patient["birthDate"] == "1970-05-01"
    assert patient["gender"] == "female"
    assert patient["address"][0]["postalCode"] == "62701"
    assert patient["contact"][0]["name"] == {"text": "Sam Testperson"}


def test_vital_signs_codes_units_values_and_interpretations() -> None:
    bundle = bundle_for(full_encounter())
    temperature = one(bundle, "8310-5")
    assert temperature["valueQuantity"] == {
        "value": 98.6,
        "unit": "°F",
        "system": UCUM,
        "code": "[degF]",
    }
    assert temperature["interpretation"][0]["coding"][0]["code"] == "N"
    assert one(bundle, "8302-2")["valueQuantity"]["code"] == "[in_i]"
    assert one(bundle, "8302-2")["valueQuantity"]["value"] == 70
    weights = by_loinc(bundle, "29463-7")
    assert [(w["valueQuantity"]["value"], w["valueQuantity"]["code"]) for w in weights] == [
        (90, "kg"),
        (176, "[lb_av]"),
    ]
    pulse = one(bundle, "8867-4")
    assert pulse["valueQuantity"]["code"] == "/min"
    assert pulse["interpretation"][0]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
        "code": "H",
        "display": "High",
    }
    assert one(bundle, "72514-3")["valueQuantity"]["code"] == "{score}"
    for obs in resources(bundle, "Observation"):
        if obs["code"]["coding"][0]["code"] in ("8310-5", "8867-4", "85353-1", "39156-5"):
            assert obs["category"][0]["coding"][0]["code"] == "vital-signs"
            assert obs["status"] == "final"


def test_blood_pressure_is_a_panel_with_systolic_and_diastolic_components() -> None:
    first, second = by_loinc(bundle_for(full_encounter()), "85354-9")
    assert [c["code"]["coding"][0]["code"] for c in first["component"]] == ["8480-6", "8462-4"]
    systolic, diastolic = first["component"]
    assert systolic["valueQuantity"]["value"] == 150
    assert systolic["valueQuantity"]["code"] == "mm[Hg]"
    assert diastolic["interpretation"][0]["coding"][0]["code"] == "H"
    assert first["bodySite"] == {"text": "right arm"}
    assert first["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "10904000"
    assert second["component"][0]["valueQuantity"]["value"] == 132


def test_spo2_has_both_codings_and_the_oxygen_flow() -> None:
    spo2 = one(bundle_for(full_encounter()), "59408-5")
    assert [c["code"] for c in spo2["code"]["coding"]] == ["2708-6", "59408-5"]
    assert spo2["valueQuantity"]["value"] == 91
    assert spo2["interpretation"][0]["coding"][0]["code"] == "L"
    flow = spo2["component"][0]
    assert flow["code"]["coding"][0]["code"] == "3151-8"
    assert flow["valueQuantity"] == {"value": 2.0, "unit": "L/min", "system": UCUM, "code": "L/min"}


def test_bmi_from_the_newest_weight_and_height_for_adults_only() -> None:
    bundle = bundle_for(full_encounter())
    computed = one(bundle, "39156-5")
    assert computed["valueQuantity"]["value"] == round(bmi(79.83271712, 177.8), 1) == 25.3
    assert computed["valueQuantity"]["code"] == "kg/m2"
    urls = {e["resource"].get("id"): e["fullUrl"] for e in bundle["entry"]}
    newest_weight = by_loinc(bundle, "29463-7")[1]
    height = one(bundle, "8302-2")
    assert computed["derivedFrom"] == [
        {"reference": urls[newest_weight["id"]]},
        {"reference": urls[height["id"]]},
    ]
    panel = one(bundle, "85353-1")
    members = {m["reference"] for m in panel["hasMember"]}
    assert urls[computed["id"]] in members
    assert len(members) == 11  # 2 BP, pulse, rr, temp, spo2, height, 2 weights, pain, BMI

    child = full_encounter(birth=date(2016, 1, 1))
    assert by_loinc(bundle_for(child), "39156-5") == []


@pytest.mark.parametrize(
    ("reason", "code"),
    [("refused", "asked-declined"), ("not-done", "not-performed"), ("unable", "unknown")],
)
def test_not_taken_reading_is_a_data_absent_reason(reason: str, code: str) -> None:
    missing = Measurement(kind="pulse", unit="/min", not_taken=reason)
    bundle = bundle_for(minimal_encounter(vitals=Vitals(pulse=[missing])))
    pulse = one(bundle, "8867-4")
    assert "valueQuantity" not in pulse
    assert pulse["dataAbsentReason"]["coding"][0]["code"] == code
    assert one(bundle_for(full_encounter()), "9279-1")["dataAbsentReason"]["coding"][0]["code"] == (
        "asked-declined"
    )
    Bundle.model_validate(bundle)


@pytest.mark.parametrize(
    ("status", "code"),
    [("normal", "N"), ("low", "L"), ("high", "H"), ("critical-low", "LL"), ("critical-high", "HH")],
)
def test_every_range_status_maps_to_its_interpretation_code(status: str, code: str) -> None:
    pulse = reading("pulse", 70, "/min", status)
    encounter = minimal_encounter(vitals=Vitals(pulse=[pulse]), provider_notified=True)
    found = one(bundle_for(encounter), "8867-4")["interpretation"][0]["coding"][0]
    assert found["code"] == code


def test_glucose_in_the_unit_entered() -> None:
    molar = one(bundle_for(full_encounter()), "14743-9")
    assert molar["valueQuantity"] == {
        "value": 5.5,
        "unit": "mmol/L",
        "system": UCUM,
        "code": "mmol/L",
    }
    assert molar["category"][0]["coding"][0]["code"] == "laboratory"
    mass = GlucoseTest(kind="glucose", value=104, unit="mg/dL", status="normal", entered="104")
    bundle = bundle_for(minimal_encounter(poc=PocTests(glucose=mass)))
    assert one(bundle, "41653-7")["valueQuantity"]["value"] == 104
    assert by_loinc(bundle, "14743-9") == []


def test_urine_dipstick_panel_and_ordinal_members() -> None:
    bundle = bundle_for(full_encounter())
    panel = one(bundle, "24357-6")
    assert len(panel["hasMember"]) == 7
    assert panel["note"] == [{"text": "strip lot LOT42, expires 2027-01-31"}]
    blood = one(bundle, "5794-3")
    assert blood["valueCodeableConcept"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "260348001",
        "display": "++",
    }
    assert blood["interpretation"][0]["coding"][0]["code"] == "A"
    assert one(bundle, "25428-4")["interpretation"][0]["coding"][0]["code"] == "N"
    assert one(bundle, "5802-4")["valueCodeableConcept"]["coding"][0]["code"] == "10828004"
    assert one(bundle, "5803-2")["valueQuantity"]["value"] == 6.5
    assert one(bundle, "5811-5")["valueQuantity"]["value"] == 1.02
    assert by_loinc(bundle, "5770-3") == []  # bilirubin was not read


def test_history_complaint_and_staff() -> None:
    bundle = bundle_for(full_encounter())
    penicillin, latex = resources(bundle, "AllergyIntolerance")
    assert penicillin["code"] == {"text": "Penicillin"}
    assert penicillin["reaction"] == [
        {"manifestation": [{"text": "hives"}], "severity": "moderate"}
    ]
    assert "reaction" not in latex
    statuses = [m["status"] for m in resources(bundle, "MedicationStatement")]
    assert statuses == ["active", "not-taken"]
    hypertension, asthma = resources(bundle, "Condition")
    assert hypertension["category"][0]["coding"][0]["code"] == "problem-list-item"
    assert hypertension["clinicalStatus"]["coding"][0]["code"] == "active"
    assert asthma["clinicalStatus"]["coding"][0]["code"] == "inactive"
    complaint = one(bundle, "10154-3")
    assert complaint["valueString"] == "Cough for three days"
    encounter = resources(bundle, "Encounter")[0]
    assert encounter["reasonCode"] == [{"text": "Cough for three days"}]
    practitioner_url = bundle["entry"][1]["fullUrl"]
    assert encounter["participant"][0]["individual"] == {"reference": practitioner_url}
    assert complaint["performer"] == [{"reference": practitioner_url}]

    nka = resources(bundle_for(SAMPLES["no-known-allergies"]), "AllergyIntolerance")
    assert [a["code"]["coding"][0]["code"] for a in nka] == ["716186003"]


def test_amended_encounter_exports_latest_version_over_the_same_resources() -> None:
    first, second = amended_pair()
    before = bundle_for(first)
    after = bundle_for(second, root=first.id)
    assert {o["status"] for o in resources(after, "Observation")} == {"amended"}
    encounter = resources(after, "Encounter")[0]
    assert encounter["meta"]["tag"][0]["code"] == "2"
    assert encounter["identifier"][0]["value"] == first.id
    assert encounter["identifier"][1]["value"] == second.id
    assert [e["fullUrl"] for e in after["entry"]] == [e["fullUrl"] for e in before["entry"]]
    assert after["id"] != before["id"]
    Bundle.model_validate(after)


def exported_numbers(bundle: dict[str, Any]) -> list[tuple[str, float, str]]:
    out = []
    for obs in resources(bundle, "Observation"):
        for part in [obs, *obs.get("component", [])]:
            quantity = part.get("valueQuantity")
            if quantity is not None:
                out.append((part["code"]["coding"][0]["code"], quantity["value"], quantity["code"]))
    return out


def test_round_trip_of_every_stored_number() -> None:
    encounter = full_encounter()
    numbers = exported_numbers(bundle_for(encounter))
    expected = []
    codes = {
        "systolic": "8480-6",
        "diastolic": "8462-4",
        "pulse": "8867-4",
        "temperature": "8310-5",
    }
    codes |= {"spo2": "2708-6", "height": "8302-2", "weight": "29463-7", "pain": "72514-3"}
    for m in encounter.vitals.measurements():
        if m.value is None:
            continue
        entered = m.kind in ("temperature", "height", "weight") and m.entered_value is not None
        value, unit = (m.entered_value, m.entered_unit) if entered else (m.value, m.unit)
        expected.append((codes[m.kind], value, unit))
    assert sorted(expected) == sorted(n for n in numbers if n[0] in codes.values())


@settings(max_examples=60, deadline=None)
@given(
    celsius=st.floats(min_value=25, max_value=43, allow_nan=False),
    fahrenheit=st.one_of(st.none(), st.floats(min_value=77, max_value=109.4)),
    kilograms=st.floats(min_value=0.5, max_value=250),
)
def test_round_trip_property(celsius: float, fahrenheit: float | None, kilograms: float) -> None:
    temperature = reading(
        "temperature",
        celsius,
        "Cel",
        entered_value=fahrenheit,
        entered_unit=None if fahrenheit is None else "[degF]",
    )
    weight = reading("weight", kilograms, "kg")
    doc = minimal_encounter(vitals=Vitals(temperature=[temperature], weight=[weight])).model_dump(
        mode="json"
    )
    numbers = dict(
        (code, (value, unit)) for code, value, unit in exported_numbers(encounter_bundle(doc))
    )
    assert numbers["8310-5"] == ((celsius, "Cel") if fahrenheit is None else (fahrenheit, "[degF]"))
    assert numbers["29463-7"] == (kilograms, "kg")


def test_demo_encounters_all_validate_and_resolve() -> None:
    from kiosk.demo.patients import sample_encounter

    kinds: set[str] = set()
    for seed in range(40):
        bundle = bundle_for(sample_encounter(seed))
        Bundle.model_validate(bundle)
        assert set(references(bundle)) <= {e["fullUrl"] for e in bundle["entry"]}
        kinds |= {r["resourceType"] for r in resources(bundle)}
    assert {"Patient", "Practitioner", "Encounter", "Observation"} <= kinds


def test_units_outside_the_vital_signs_profile_fall_back_to_the_canonical_unit() -> None:
    metres = reading("height", 178.0, "cm", entered_value=1.78, entered_unit="m")
    ounces = reading("weight", 2.381, "kg", entered_value=84.0, entered_unit="[oz_av]")
    bundle = bundle_for(minimal_encounter(vitals=Vitals(height=[metres], weight=[ounces])))
    assert one(bundle, "8302-2")["valueQuantity"]["value"] == 178.0
    assert one(bundle, "8302-2")["valueQuantity"]["code"] == "cm"
    assert one(bundle, "29463-7")["valueQuantity"]["code"] == "kg"
