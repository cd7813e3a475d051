"""Property tests: every accepted spelling reads back to the same canonical value; no text
makes the parser raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.validators import VitalCheck, check_blood_pressure, check_vital
from kiosk.validators.kinds import KIND_SPECS

LB = 0.45359237
STATUSES = {"invalid", "impossible", "critical-low", "low", "normal", "high", "critical-high"}
MODEST = settings(max_examples=200, deadline=None)


def _reads_as(kind: str, text: str, expected: float, tolerance: float, **kw: object) -> None:
    check = check_vital(kind, text, **kw)  # type: ignore[arg-type]
    assert check.status not in ("invalid", "impossible"), (text, check.message)
    assert check.value is not None
    assert check.value == pytest.approx(expected, abs=tolerance), text


@MODEST
@given(kg=st.decimals(min_value="0.5", max_value="600", places=1))
def test_weight_in_kg_and_lb_spellings(kg: object) -> None:
    value = float(str(kg))
    for text in (f"{value} kg", f"{value}kg", f"{value} KGS", f"{value} kilograms"):
        _reads_as("weight", text, value, 1e-9)
    _reads_as("weight", f"{value}", value, 1e-9, system="metric")
    pounds = value / LB
    for text in (f"{pounds:.5f} lb", f"{pounds:.5f}#", f"{pounds:.5f} lbs", f"{pounds:.5f}"):
        _reads_as("weight", text, value, 0.0011)
    whole, ounces = divmod(pounds * 16, 16)
    if whole >= 1:
        _reads_as("weight", f"{whole:.0f} lb {ounces:.4f} oz", value, 0.0011)


@MODEST
@given(celsius=st.decimals(min_value="25", max_value="45", places=1))
def test_temperature_in_celsius_and_fahrenheit_spellings(celsius: object) -> None:
    value = float(str(celsius))
    for text in (f"{value}C", f"{value} °C", f"{value} C", f"{value} deg C", f"{value}℃"):
        _reads_as("temperature", text, value, 1e-9)
    _reads_as("temperature", f"{value}", value, 1e-9, system="metric")
    fahrenheit = value * 9 / 5 + 32
    for text in (f"{fahrenheit:.3f}F", f"{fahrenheit:.3f} °F", f"{fahrenheit:.3f} deg F"):
        _reads_as("temperature", text, value, 0.011)
    _reads_as("temperature", f"{fahrenheit:.3f}", value, 0.011)


@MODEST
@given(inches=st.integers(min_value=12, max_value=107))
def test_height_feet_and_inches_spellings(inches: int) -> None:
    expected = inches * 2.54
    feet, rest = divmod(inches, 12)
    spellings = [
        f"{feet}'{rest}\"",
        f"{feet}' {rest}\"",
        f"{feet} ft {rest} in",
        f"{feet}ft{rest}in",
    ]
    spellings += [
        f"{inches} in",
        f'{inches}"',
        f"{inches}",
        f"{expected:.2f} cm",
        f"{expected / 100:.4f} m",
    ]
    for text in spellings:
        _reads_as("height", text, expected, 0.011)


@MODEST
@given(mg_dl=st.integers(min_value=20, max_value=1400))
def test_glucose_in_mg_dl_and_mmol_l(mg_dl: int) -> None:
    _reads_as("glucose", f"{mg_dl} mg/dL", mg_dl, 1e-9)
    _reads_as("glucose", f"{mg_dl}", mg_dl, 1e-9)
    _reads_as("glucose", f"{mg_dl / 18.016:.4f} mmol/L", mg_dl, 0.051)


@MODEST
@given(kind=st.sampled_from(["pulse", "respiratory_rate"]), rate=st.integers(20, 100))
def test_rates(kind: str, rate: int) -> None:
    for text in (f"{rate}", f"{rate} bpm", f"{rate} /min", f"{rate}/min", f"{rate} breaths/min"):
        _reads_as(kind, text, rate, 1e-9)


def _assert_documented(check: VitalCheck, kind: str, text: str) -> None:
    assert isinstance(check, VitalCheck)
    assert check.kind == kind
    assert check.entered == text
    assert check.status in STATUSES
    assert check.unit == KIND_SPECS[kind].canonical
    if check.status == "invalid":
        assert check.value is None
    else:
        assert check.value is not None
    if check.status != "normal":
        assert check.message


CLINICAL_CHARS = st.text(
    alphabet="0123456789.,'\"/ -+eE#%°ºFfCcKkGgLlBbSsIiNnTtMmHhOoZz\t", max_size=24
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(sorted(KIND_SPECS)),
    text=st.one_of(st.text(), CLINICAL_CHARS),
    system=st.sampled_from(["us", "metric"]),
    age=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_no_text_makes_check_vital_raise(
    kind: str, text: str, system: str, age: float | None
) -> None:
    check = check_vital(kind, text, age_years=age, system=system)  # type: ignore[arg-type]
    _assert_documented(check, kind, text)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(), CLINICAL_CHARS), system=st.sampled_from(["us", "metric"]))
def test_no_text_makes_check_blood_pressure_raise(text: str, system: str) -> None:
    systolic, diastolic = check_blood_pressure(text, system=system)  # type: ignore[arg-type]
    assert systolic.kind == "systolic"
    assert diastolic.kind == "diastolic"
    for check in (systolic, diastolic):
        assert check.status in STATUSES
        assert (check.value is None) == (check.status == "invalid")
    if systolic.status != "invalid" and diastolic.status != "invalid":
        assert systolic.value is not None
        assert diastolic.value is not None
        assert systolic.value > diastolic.value
