"""check_vital / check_blood_pressure: every clinical spelling, every rejection (DESIGN §3)."""

from __future__ import annotations

import pytest

from kiosk.validators import VitalCheck, check_blood_pressure, check_vital

SPELLINGS = [
    ("temperature", "98.6F", 37.0, 98.6, "[degF]"),
    ("temperature", "98.6 °F", 37.0, 98.6, "[degF]"),
    ("temperature", "98.6 F", 37.0, 98.6, "[degF]"),
    ("temperature", "98.6 deg F", 37.0, 98.6, "[degF]"),
    ("temperature", "98.6℉", 37.0, 98.6, "[degF]"),
    ("temperature", "98.6°", 37.0, 98.6, "[degF]"),
    ("temperature", "98.6 degrees", 37.0, 98.6, "[degF]"),
    ("temperature", "37C", 37.0, 37.0, "Cel"),
    ("temperature", "37 °C", 37.0, 37.0, "Cel"),
    ("temperature", "37 ºc", 37.0, 37.0, "Cel"),
    ("temperature", "100.4", 38.0, 100.4, "[degF]"),
    ("weight", "176 lbs", 79.832, 176.0, "[lb_av]"),
    ("weight", "176 lb", 79.832, 176.0, "[lb_av]"),
    ("weight", "176#", 79.832, 176.0, "[lb_av]"),
    ("weight", "176 LBS.", 79.832, 176.0, "[lb_av]"),
    ("weight", "176", 79.832, 176.0, "[lb_av]"),
    ("weight", "80 kg", 80.0, 80.0, "kg"),
    ("weight", "80kg", 80.0, 80.0, "kg"),
    ("weight", "5 lb 4 oz", 2.381, 5.25, "[lb_av]"),
    ("weight", "7lb 8oz", 3.402, 7.5, "[lb_av]"),
    ("weight", "7 lb", 3.175, 7.0, "[lb_av]"),
    ("height", "5'10\"", 177.8, 70.0, "[in_i]"),
    ("height", "5' 10\"", 177.8, 70.0, "[in_i]"),
    ("height", "5’10”", 177.8, 70.0, "[in_i]"),
    ("height", "5'10", 177.8, 70.0, "[in_i]"),
    ("height", "5 ft 10 in", 177.8, 70.0, "[in_i]"),
    ("height", "5ft10in", 177.8, 70.0, "[in_i]"),
    ("height", "5 feet 10 inches", 177.8, 70.0, "[in_i]"),
    ("height", "5'", 152.4, 5.0, "[ft_i]"),
    ("height", "70 in", 177.8, 70.0, "[in_i]"),
    ("height", '70"', 177.8, 70.0, "[in_i]"),
    ("height", "70", 177.8, 70.0, "[in_i]"),
    ("height", "177.8 cm", 177.8, 177.8, "cm"),
    ("height", "1.78 m", 178.0, 1.78, "m"),
    ("head_circumference", "14 in", 35.56, 14.0, "[in_i]"),
    ("head_circumference", "35.5 cm", 35.5, 35.5, "cm"),
    ("pulse", "72 bpm", 72.0, 72.0, "/min"),
    ("pulse", "72 /min", 72.0, 72.0, "/min"),
    ("pulse", "72", 72.0, 72.0, "/min"),
    ("respiratory_rate", "16 breaths/min", 16.0, 16.0, "/min"),
    ("respiratory_rate", "16", 16.0, 16.0, "/min"),
    ("spo2", "97%", 97.0, 97.0, "%"),
    ("spo2", "97 %", 97.0, 97.0, "%"),
    ("spo2", "97", 97.0, 97.0, "%"),
    ("glucose", "5.5 mmol/L", 99.1, 5.5, "mmol/L"),
    ("glucose", "99 mg/dL", 99.0, 99.0, "mg/dL"),
    ("glucose", "99", 99.0, 99.0, "mg/dL"),
    ("pain", "7", 7.0, 7.0, "{score}"),
    ("pain", "7/10", 7.0, 7.0, "{score}"),
    ("pain", "0", 0.0, 0.0, "{score}"),
    ("systolic", "120 mmHg", 120.0, 120.0, "mm[Hg]"),
    ("diastolic", "80 MMHG", 80.0, 80.0, "mm[Hg]"),
]


@pytest.mark.parametrize(("kind", "text", "value", "entered_value", "entered_unit"), SPELLINGS)
def test_clinical_spellings_read_to_the_canonical_value(
    kind: str, text: str, value: float, entered_value: float, entered_unit: str
) -> None:
    check = check_vital(kind, text)
    assert check.status not in ("invalid", "impossible"), check.message
    assert check.value == pytest.approx(value, abs=1e-9)
    assert check.entered == text
    assert check.entered_value == pytest.approx(entered_value)
    assert check.entered_unit == entered_unit


@pytest.mark.parametrize(
    ("kind", "unit"),
    [
        ("temperature", "Cel"),
        ("weight", "kg"),
        ("height", "cm"),
        ("head_circumference", "cm"),
        ("systolic", "mm[Hg]"),
        ("diastolic", "mm[Hg]"),
        ("pulse", "/min"),
        ("respiratory_rate", "/min"),
        ("spo2", "%"),
        ("pain", "{score}"),
        ("glucose", "mg/dL"),
    ],
)
def test_canonical_units_are_ucum(kind: str, unit: str) -> None:
    assert check_vital(kind, "").unit == unit


@pytest.mark.parametrize(
    ("kind", "text", "words"),
    [
        ("temperature", "", "Enter a value"),
        ("temperature", "   ", "Enter a value"),
        ("temperature", "98.6 kg", "is a weight, not a temperature"),
        ("temperature", "1e400", "without an exponent"),
        ("height", "1e307", "without an exponent"),
        ("height", "1" + "0" * 39, "too large"),
        ("glucose", "9" * 40, "too large"),
        ("temperature", "-3", "cannot be negative"),
        ("temperature", "−3 C", "cannot be negative"),
        ("temperature", "abc", "Cannot read"),
        ("temperature", "98..6", "Cannot read"),
        ("temperature", "98.6 furlongs", "Unknown unit 'furlongs'"),
        ("temperature", "98 6 7", "Cannot read"),
        ("pulse", "72 F", "is a temperature, not a pulse"),
        ("pulse", "72°", "degree sign is for temperatures"),
        ("weight", "5'10\"", "looks like a height"),
        ("weight", "70 in", "looks like a height"),
        ("height", "176 lbs", "looks like a weight"),
        ("height", "5'13\"", "inches under 12"),
        ("height", "5.5'10\"", "inches under 12"),
        ("weight", "5 lb 17 oz", "ounces under 16"),
        ("height", "5 kg 10 in", "Cannot read"),
        ("pain", "7.5", "whole number"),
        ("pain", "7/5", "out of 10"),
        ("spo2", "9" * 50, "Too long"),
        ("temperature", "37,2", "Use a decimal point"),
        ("weight", "1,000 lb", "no commas"),
    ],
)
def test_unreadable_input_is_invalid_with_a_plain_message(kind: str, text: str, words: str) -> None:
    check = check_vital(kind, text)
    assert check.status == "invalid"
    assert check.value is None
    assert words in check.message


def test_bare_us_temperature_is_never_read_as_fahrenheit_when_impossible() -> None:
    check = check_vital("temperature", "37.2")
    assert check.status == "invalid"
    assert check.value is None
    assert check.message == (
        "37.2 is not a temperature in Fahrenheit — did you mean 37.2 °C? Type 37.2C."
    )


def test_bare_metric_temperature_proposes_fahrenheit() -> None:
    check = check_vital("temperature", "98.6", system="metric")
    assert check.status == "invalid"
    assert "did you mean 98.6 °F? Type 98.6F" in check.message
    assert check_vital("temperature", "37.2", system="metric").value == 37.2


def test_bare_heights_suggest_the_plausible_unit() -> None:
    assert "did you mean 180 cm?" in check_vital("height", "180").message
    assert "did you mean 5.25 ft?" in check_vital("height", "5.25").message
    assert "did you mean 1.78 m?" in check_vital("height", "1.78", system="metric").message
    # On a US kiosk 1.78 could be feet or metres: both are offered, neither is guessed.
    us = check_vital("height", "1.78")
    assert us.status == "invalid"
    assert us.message == (
        "1.78 is not a height in inches — did you mean 1.78 ft or 1.78 m? Type 1.78 ft or 1.78 m."
    )
    assert check_vital("height", "180", system="metric").value == 180.0


def test_bare_weight_suggests_pounds_on_a_metric_kiosk() -> None:
    check = check_vital("weight", "900", system="metric")
    assert check.status == "invalid"
    assert "did you mean 900 lb or 900 g?" in check.message  # age unknown: both possible
    adult = check_vital("weight", "900", system="metric", age_years=30)
    assert "did you mean 900 lb?" in adult.message  # 900 g is no adult's weight
    assert check_vital("weight", "80", system="metric").value == 80.0


def test_bare_glucose_in_mg_dl_that_is_impossible_proposes_mmol() -> None:
    check = check_vital("glucose", "5.5")
    assert check.status == "invalid"
    assert "did you mean 5.5 mmol/L?" in check.message


def test_impossible_with_a_unit_keeps_the_value_but_explains() -> None:
    check = check_vital("temperature", "20C")
    assert check.status == "impossible"
    assert check.value == 20.0
    assert check.message == (
        "Not possible for a temperature (allowed 25–45 °C). Check the reading."
    )
    fahrenheit = check_vital("temperature", "130F")
    assert fahrenheit.status == "impossible"
    assert "allowed 25–45 °C or 77–113 °F" in fahrenheit.message


def test_impossible_bare_number_without_any_plausible_unit_stays_impossible() -> None:
    check = check_vital("temperature", "500")
    assert check.status == "impossible"
    assert "Not possible for a temperature" in check.message
    assert "(allowed 0–10)" in check_vital("pain", "11").message
    assert "(allowed 50–100%)" in check_vital("spo2", "0.97").message


@pytest.mark.parametrize(
    ("kind", "text", "status", "message"),
    [
        (
            "temperature",
            "41.2C",
            "critical-high",
            "Critical high: 41.2 °C — tell the provider now.",
        ),
        ("temperature", "34C", "critical-low", "Critical low: 34.0 °C — tell the provider now."),
        ("temperature", "38.5C", "high", "High: 38.5 °C (normal up to 38.0 °C)."),
        ("temperature", "36.0C", "low", "Low: 36.0 °C (normal from 36.1 °C)."),
        ("temperature", "37C", "normal", ""),
        ("pulse", "50", "low", "Low: 50/min (normal from 55/min)."),
        ("spo2", "90%", "critical-low", "Critical low: 90% — tell the provider now."),
    ],
)
def test_status_messages_are_plain(kind: str, text: str, status: str, message: str) -> None:
    check = check_vital(kind, text)
    assert (check.status, check.message) == (status, message)


def test_fahrenheit_conversions_are_rounded_before_classifying() -> None:
    # 100.4 °F is 38.00000000000001 °C unrounded, which would be "high".
    check = check_vital("temperature", "100.4F")
    assert check.value == 38.0
    assert check.status == "normal"


def test_age_band_changes_the_classification() -> None:
    assert check_vital("pulse", "150").status == "critical-high"
    assert check_vital("pulse", "150", age_years=0.1).status == "normal"
    assert check_vital("pulse", "100", age_years=0.1).status == "critical-low"
    assert check_vital("temperature", "38.0C", age_years=0.1).status == "critical-high"
    assert check_vital("temperature", "38.0C", age_years=30).status == "normal"


def test_vital_check_is_frozen_and_displays_its_canonical_value() -> None:
    check = check_vital("temperature", "98.6F")
    assert check.display == "37.0 °C"
    assert check_vital("pain", "7/10").display == "7/10"
    assert check_vital("temperature", "").display == ""
    with pytest.raises(AttributeError):
        check.value = 1.0  # type: ignore[misc]


def test_unknown_kind_or_system_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        check_vital("shoe_size", "9")
    with pytest.raises(ValueError, match="unknown unit system"):
        check_vital("pulse", "72", system="imperial")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- blood pressure


@pytest.mark.parametrize(
    "text", ["120/80", "120 / 80 mmHg", "120/80 mm Hg", "120/80 mm[Hg]", "120 over 80"]
)
def test_blood_pressure_spellings(text: str) -> None:
    systolic, diastolic = check_blood_pressure(text)
    assert (systolic.kind, systolic.value, systolic.status) == ("systolic", 120.0, "normal")
    assert (diastolic.kind, diastolic.value, diastolic.status) == ("diastolic", 80.0, "normal")
    assert systolic.unit == diastolic.unit == "mm[Hg]"


def test_blood_pressure_unit_after_diastolic_applies_to_systolic() -> None:
    systolic, diastolic = check_blood_pressure("16/10.7 kPa")
    assert systolic.entered == "16"
    assert systolic.entered_unit == diastolic.entered_unit == "kPa"
    assert systolic.value == pytest.approx(120.01, abs=0.01)
    assert diastolic.value == pytest.approx(80.26, abs=0.01)


def test_blood_pressure_systolic_must_exceed_diastolic() -> None:
    for text in ("80/120", "90/90"):
        systolic, diastolic = check_blood_pressure(text)
        assert systolic.status == diastolic.status == "invalid"
        assert systolic.value is None
        assert diastolic.value is None
        assert "must be higher than diastolic" in systolic.message
        assert systolic.message == diastolic.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter a blood pressure"),
        ("120", "120/80"),
        ("120/80/70", "120/80"),
        ("/80", "120/80"),
        ("120" + " " * 100 + "/80", "120/80"),
    ],
)
def test_blood_pressure_needs_two_numbers(text: str, words: str) -> None:
    checks = check_blood_pressure(text)
    assert all(isinstance(c, VitalCheck) and c.status == "invalid" for c in checks)
    assert words in checks[0].message


def test_blood_pressure_parts_keep_their_own_status() -> None:
    systolic, diastolic = check_blood_pressure("190/abc")
    assert systolic.status == "critical-high"
    assert diastolic.status == "invalid"
    crisis = check_blood_pressure("185/125")
    assert [c.status for c in crisis] == ["critical-high", "critical-high"]


# --------------------------------------------------------------------------- to_measurement


def test_to_measurement_builds_the_model_from_a_check() -> None:
    from datetime import UTC, datetime

    from kiosk.models import Measurement
    from kiosk.validators import to_measurement

    when = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
    model = to_measurement(check_vital("height", "5'10\""), taken_at=when)
    assert type(model) is Measurement
    assert (model.kind, model.entered, model.value, model.unit) == ("height", "5'10\"", 177.8, "cm")
    assert (model.entered_value, model.entered_unit) == (70.0, "[in_i]")
    assert (model.status, model.message, model.taken_at) == ("normal", "", when)
    again = Measurement.model_validate(model.model_dump(mode="json"))
    assert again == model


def test_to_measurement_for_subclasses_with_extra_fields() -> None:
    from kiosk.models import GlucoseTest, SpO2, Temperature
    from kiosk.validators import to_measurement

    temperature = to_measurement(
        check_vital("temperature", "101.5F"), cls=Temperature, route="tympanic"
    )
    assert isinstance(temperature, Temperature)
    assert (temperature.route, temperature.status, temperature.value) == ("tympanic", "high", 38.61)
    spo2 = to_measurement(check_vital("spo2", "93%"), cls=SpO2, on_oxygen=True, o2_flow_l_min=2)
    assert (spo2.on_oxygen, spo2.status) == (True, "low")
    glucose = to_measurement(check_vital("glucose", "5.5 mmol/L"), cls=GlucoseTest, fasting=True)
    assert (glucose.value, glucose.unit, glucose.entered_unit) == (99.1, "mg/dL", "mmol/L")


@pytest.mark.parametrize(
    ("text", "status"), [("", "invalid"), ("20C", "impossible"), ("37.2", "invalid")]
)
def test_to_measurement_refuses_unsavable_checks(text: str, status: str) -> None:
    from kiosk.validators import to_measurement

    check = check_vital("temperature", text)
    assert check.status == status
    with pytest.raises(ValueError, match=f"an {status} reading cannot be saved") as caught:
        to_measurement(check)
    assert check.message in str(caught.value)
