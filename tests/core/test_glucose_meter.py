"""A glucose meter's HI / LO: recordable at the meter's limits, critical, shown and exported
honestly (issue 10)."""

from __future__ import annotations

import pytest
from export_samples import full_encounter
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import load_settings
from kiosk.export import csv_row
from kiosk.export.fhir import encounter_bundle
from kiosk.models import GlucoseTest, PocTests
from kiosk.screens.review_text import flags, poc_lines
from kiosk.validators import to_measurement
from kiosk.validators.glucose import GlucoseCheck, MeterLimits, check_glucose


@pytest.mark.parametrize(
    ("text", "status", "value", "comparator"),
    [
        ("HI", "critical-high", 600.0, ">"),
        ("hi", "critical-high", 600.0, ">"),
        (" High ", "critical-high", 600.0, ">"),
        ("LO", "critical-low", 20.0, "<"),
        ("lo", "critical-low", 20.0, "<"),
        ("low", "critical-low", 20.0, "<"),
    ],
)
def test_meter_words_are_readings_at_the_meters_limit(
    text: str, status: str, value: float, comparator: str
) -> None:
    check = check_glucose(text)
    assert isinstance(check, GlucoseCheck)
    assert check.ok
    assert (check.status, check.value, check.comparator) == (status, value, comparator)
    assert "meter" in check.message.lower()


@given(
    lo=st.floats(min_value=10, max_value=60),
    hi=st.floats(min_value=250, max_value=1500),
    word=st.sampled_from(["HI", "LO", "hi", "lo"]),
)
def test_the_clinics_limits_are_used_and_always_critical(lo: float, hi: float, word: str) -> None:
    check = check_glucose(word, meter=MeterLimits(lo, hi))
    assert check.value == (hi if word.lower() == "hi" else lo)
    assert check.status == ("critical-high" if word.lower() == "hi" else "critical-low")


def test_numbers_are_read_as_before() -> None:
    check = check_glucose("99")
    assert not isinstance(check, GlucoseCheck)
    assert (check.status, check.value) == ("normal", 99.0)
    assert check_glucose("HIGH 300").status == "invalid"


def test_the_meter_limits_are_clinic_settings(tmp_path: object) -> None:
    settings = load_settings()
    assert (settings.glucose_meter_lo_mg_dl, settings.glucose_meter_hi_mg_dl) == (20.0, 600.0)
    custom = load_settings(glucose_meter_hi_mg_dl=500)
    assert custom.glucose_meter_hi_mg_dl == 500


def _with_glucose(word: str) -> object:
    check = check_glucose(word)
    assert isinstance(check, GlucoseCheck)
    reading = to_measurement(check, cls=GlucoseTest, comparator=check.comparator)
    encounter = full_encounter()
    return encounter.model_copy(update={"poc": PocTests(glucose=reading)})


@pytest.mark.parametrize(("word", "comparator", "value"), [("HI", ">", 600.0), ("LO", "<", 20.0)])
def test_review_and_export_say_beyond_the_meters_range(
    word: str, comparator: str, value: float
) -> None:
    encounter = _with_glucose(word)
    lines = poc_lines(encounter)  # type: ignore[arg-type]
    assert any(
        f"{word} ({comparator} {value:g} mg/dL, beyond the meter's range)" in x for x in lines
    )
    assert any(f.critical and word in f.text for f in flags(encounter))  # type: ignore[arg-type]
    doc = encounter.model_dump(mode="json")  # type: ignore[attr-defined]
    bundle = encounter_bundle(doc)
    glucose = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "41653-7"
    ]
    assert len(glucose) == 1
    quantity = glucose[0]["valueQuantity"]
    assert (quantity["comparator"], quantity["value"], quantity["code"]) == (
        comparator,
        value,
        "mg/dL",
    )
    assert glucose[0]["interpretation"][0]["coding"][0]["code"] in ("HH", "LL")
    assert f"{comparator}{value}" in [str(cell) for cell in csv_row(doc)]


def test_older_documents_without_a_comparator_still_load() -> None:
    doc = full_encounter().model_dump(mode="json")
    doc["poc"]["glucose"].pop("comparator", None)
    assert GlucoseTest.model_validate(doc["poc"]["glucose"]).comparator is None


def test_the_bundle_with_a_comparator_is_valid_fhir() -> None:
    from fhir.resources.R4B.bundle import Bundle

    doc = _with_glucose("HI").model_dump(mode="json")  # type: ignore[attr-defined]
    Bundle.model_validate(encounter_bundle(doc))
