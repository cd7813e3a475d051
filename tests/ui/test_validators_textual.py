"""The Textual validator adapters: the core's verdict and message, the live echo, BP worst flag."""

from __future__ import annotations

import pytest

from kiosk.widgets import validation
from kiosk.widgets.trend import sparkline
from kiosk.widgets.validation import BloodPressureValidator, VitalValidator


def test_a_core_failure_is_a_refused_text_never_a_stopped_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug in the core")

    monkeypatch.setattr(validation, "check_vital", broken)
    monkeypatch.setattr(validation, "check_blood_pressure", broken)
    reading = VitalValidator("height", "metric", 40).read("1e308")
    assert not reading.valid
    assert reading.message == validation.UNREADABLE
    assessment = BloodPressureValidator("us", 40).assess("120/80")
    assert not assessment.reading.valid
    assert not assessment.validation.is_valid


def test_a_clinic_glucose_unit_reads_bare_numbers_in_it() -> None:
    reading = VitalValidator("glucose", "us", 40, default_unit="mmol/L").read("5.5")
    assert reading.valid
    assert reading.echo == "5.5 mmol/L = 99.1 mg/dL"


def test_us_temperature_echoes_the_unit_it_was_read_in() -> None:
    reading = VitalValidator("temperature", "us", 40).read("98.6")
    assert reading.valid
    assert reading.echo == "98.6 °F = 37.0 °C"
    assert reading.status == "normal"


def test_a_reading_in_the_canonical_unit_echoes_just_the_value() -> None:
    assert VitalValidator("temperature", "us", 40).read("37C").echo == "= 37.0 °C"
    assert VitalValidator("pulse", "us", 40).read("72").echo == "= 72/min"


def test_metric_reads_a_bare_number_in_celsius() -> None:
    reading = VitalValidator("temperature", "metric", 40).read("37.2")
    assert reading.valid
    assert reading.echo == "= 37.2 °C"


def test_37_2_as_a_us_temperature_is_refused_with_the_suggestion() -> None:
    validator = VitalValidator("temperature", "us", 40)
    result = validator.validate("37.2")
    assert not result.is_valid
    (message,) = result.failure_descriptions
    assert "37.2 °C" in message
    assert "Fahrenheit" in message
    assert validator.read("37.2").message == message
    assert not validator.read("37.2").valid


def test_empty_text_is_valid_not_entered() -> None:
    validator = VitalValidator("weight", "us", 40)
    assert validator.validate("").is_valid
    assert validator.validate("   ").is_valid
    assert validator.read("").empty


def test_impossible_value_is_invalid_with_the_core_message() -> None:
    result = VitalValidator("pulse", "us", 40).validate("400")
    assert not result.is_valid
    assert "possible" in result.failure_descriptions[0].lower()


def test_every_failure_has_a_description() -> None:
    for kind, text in [("weight", "abc"), ("height", "176 lbs"), ("spo2", "140")]:
        result = VitalValidator(kind, "us", 40).validate(text)
        assert not result.is_valid
        assert all(result.failure_descriptions), (kind, text)


def test_critical_and_abnormal_statuses_reach_the_reading() -> None:
    pulse = VitalValidator("pulse", "us", 40)
    assert pulse.read("140").status == "critical-high"
    assert pulse.read("105").status == "high"


def test_blood_pressure_echo_and_worst_status() -> None:
    validator = BloodPressureValidator("us", 40)
    normal = validator.read("120/80")
    assert normal.echo == "= 120/80 mmHg"
    assert normal.value == 120
    # systolic normal, diastolic critical: the flag is the worse one
    assert validator.read("130/125").status == "critical-high"
    assert validator.read("150/80").status == "high"


@pytest.mark.parametrize("text", ["80/120", "120", "120/", "abc/80"])
def test_blood_pressure_refusals(text: str) -> None:
    validator = BloodPressureValidator("us", 40)
    result = validator.validate(text)
    assert not result.is_valid
    assert result.failure_descriptions[0]
    assert not validator.read(text).valid


def test_sparkline_scales_between_its_own_extremes() -> None:
    assert sparkline([1, 2, 3]) == "▁▅█"
    assert sparkline([5, 5, 5]) == "▄▄▄"
    assert sparkline([7]) == ""
    assert sparkline([None, 1, None, 3]) == "▁█"
    assert len(sparkline(range(20))) == 7


@pytest.mark.parametrize(
    ("text", "age", "detail", "level"),
    [
        ("300/20", 40, "sys CRITICAL HIGH · dia CRITICAL LOW · BP hypertensive crisis", "error"),
        ("128/82", 40, "sys normal · dia normal · BP hypertension stage 1", "warning"),
        ("118/76", 40, "sys normal · dia normal · BP normal", "normal"),
        ("60/30", 40, "sys CRITICAL LOW · dia CRITICAL LOW · BP normal", "error"),
        ("128/82", 10, "sys high · dia high · adult categories do not apply under 18", "warning"),
    ],
)
def test_blood_pressure_reading_spells_out_both_parts_and_the_category(
    text: str, age: float, detail: str, level: str
) -> None:
    reading = BloodPressureValidator("us", age).read(text)
    assert reading.valid
    assert reading.detail == detail
    assert reading.detail_level == level


def test_a_refused_blood_pressure_has_no_detail_line() -> None:
    assert BloodPressureValidator("us", 40).read("80/120").detail == ""
