"""Catalog results, the glucose meter's lot, vision and hearing in the FHIR bundle: valid R4B,
each result with its LOINC, value, kit-lot Device, performer and specimen."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from poc_samples import poc_encounter

from kiosk.export.fhir import bundle_for
from kiosk.models import GlucoseTest


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def coded(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [
        o
        for o in resources(bundle, "Observation")
        if any(c["code"] == code for c in o["code"].get("coding", []))
    ]


def by_ref(bundle: dict[str, Any], ref: dict[str, str]) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["fullUrl"] == ref["reference"])


def test_the_bundle_with_poc_results_is_valid_r4b() -> None:
    bundle = bundle_for(poc_encounter())
    Bundle.model_validate(bundle)  # raises on any invalid resource
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))


def test_each_result_carries_its_code_value_lot_and_specimen() -> None:
    bundle = bundle_for(poc_encounter())
    (strep,) = coded(bundle, "78012-2")
    assert strep["category"][0]["coding"][0]["code"] == "laboratory"
    assert strep["valueCodeableConcept"]["coding"][0]["code"] == "10828004"  # positive
    assert strep["interpretation"][0]["coding"][0]["code"] == "A"
    kit = by_ref(bundle, strep["device"])
    assert (kit["resourceType"], kit["lotNumber"], kit["expirationDate"]) == (
        "Device",
        "STR-1",
        "2027-06-30",
    )
    assert by_ref(bundle, strep["specimen"])["type"]["text"] == "throat swab"
    assert strep["performer"]
    assert "QC runs relied on" in strep["note"][0]["text"]
    (hgb,) = coded(bundle, "30352-9")
    assert hgb["valueQuantity"] == {
        "value": 12.1,
        "unit": "g/dL",
        "system": "http://unitsofmeasure.org",
        "code": "g/dL",
    }
    analyser = by_ref(bundle, by_ref(bundle, hgb["device"])["parent"])
    assert analyser["serialNumber"] == "HemoCue-12"


def test_an_invalid_result_is_sent_as_such_with_its_repeat() -> None:
    bundle = bundle_for(poc_encounter())
    flu_a = coded(bundle, "80382-5")
    assert len(flu_a) == 2
    invalid = next(o for o in flu_a if "dataAbsentReason" in o)
    assert invalid["dataAbsentReason"]["coding"][0]["code"] == "error"
    repeat = next(o for o in flu_a if "valueCodeableConcept" in o)
    assert any("repeat of an invalid result" in n["text"] for n in repeat["note"])
    # A and B read off one cassette: one Device for the lot
    (flu_b,) = coded(bundle, "80383-3")
    assert flu_b["device"] == repeat["device"] == invalid["device"]


def test_vision_and_hearing_are_exam_observations() -> None:
    bundle = bundle_for(poc_encounter())
    (right,) = coded(bundle, "79882-7")
    (left,) = coded(bundle, "79883-5")
    assert right["valueString"] == "20/40-2"
    assert left["valueString"] == "6/12"
    assert right["category"][0]["coding"][0]["code"] == "exam"
    (both,) = coded(bundle, "va-both-corrected")
    assert both["valueString"] == "20/30"
    (hearing,) = coded(bundle, "hearing-screen-pure-tone")
    assert hearing["valueCodeableConcept"]["coding"][0]["code"] == "refer"
    assert len(hearing["component"]) == 6
    assert hearing["note"][0]["text"] == "Refer: no response at 20 dB HL (left 4000 Hz)."


def test_the_glucose_meter_lot_is_exported() -> None:
    encounter = poc_encounter()
    glucose = GlucoseTest(
        kind="glucose", entered="98", value=98, unit="mg/dL", status="normal", meter_lot="GM-44"
    )
    encounter = encounter.model_copy(
        update={"poc": encounter.poc.model_copy(update={"glucose": glucose})}
    )
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    (obs,) = coded(bundle, "41653-7")
    assert by_ref(bundle, obs["device"])["lotNumber"] == "GM-44"
