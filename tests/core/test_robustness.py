"""No text makes the core raise, and every accepted text can be stored (issue 10, Robustness).

Property tests over any text (Hypothesis' full Unicode, clinical characters, numbers of every
size, control and invisible characters): check_vital, check_blood_pressure, check_flow and
parse_pain never raise; whatever they accept becomes a model through ``to_measurement`` and
survives the Encounter's JSON unchanged; and no message carries a hidden character.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.models import (
    BloodPressure,
    ChiefComplaint,
    Encounter,
    GlucoseTest,
    Measurement,
    Patient,
    PocTests,
    SpO2,
    Temperature,
    Vitals,
)
from kiosk.validators import VitalCheck, check_blood_pressure, check_vital, to_measurement
from kiosk.validators.glucose import check_glucose
from kiosk.validators.kinds import KIND_SPECS
from kiosk.validators.readings import check_flow, parse_pain
from kiosk.validators.text import is_hidden, visible

PATIENT = Patient(id="MRN-1", family_name="Test", given_name="Pat", birth_date="1970-01-01")
HIDDEN = [
    "\x00",
    "\x1b",
    "\x1b[31m",
    "\x07",
    "\x7f",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u00ad",
    "\u3164",
    "\ufe0f",
    "\U000e0041",
    "\u2028",
    "\t",
    "\r",
    "\n",
]

_numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(repr),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(lambda x: f"{x:f}"),
    st.integers(min_value=0, max_value=10**45).map(str),
    st.decimals(min_value=0, max_value=2000, places=3).map(str),
    st.sampled_from(["1e307", "1e308", "1e309", "1e400", "9" * 40, "1_5", "0x10", "inf", "nan"]),
)
_units = st.sampled_from(
    [
        "",
        " ",
        "F",
        "C",
        "kg",
        "lb",
        "lbs",
        "oz",
        "cm",
        "in",
        "ft",
        "'",
        '"',
        "m",
        "mm",
        "g",
        "mmHg",
        "kPa",
        "%",
        "bpm",
        "/min",
        "/10",
        "mg/dL",
        "mmol/L",
        "L/min",
        "lpm",
        "L",
        "deg",
    ]
)
_measured = st.builds(
    lambda n, u, m, v: f"{n}{u}{m}{v}",
    _numbers,
    _units,
    st.sampled_from(["", " ", *HIDDEN]),
    st.sampled_from(["", "10", "4 oz"]),
)
_hidden_mixed = st.builds(
    lambda a, h, b: f"{a}{h}{b}",
    st.sampled_from(["72", "98.6", "5'10\"", "120/80", ""]),
    st.sampled_from(HIDDEN),
    st.sampled_from(["", "72", " bpm", "[bold]", "80"]),
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,'\"/ -+eE#%°ºFfCcKkLlBbMmGgIiNnTtOo\t_x", max_size=24),
    _measured,
    _hidden_mixed,
)
CLASSES: dict[str, type[Measurement]] = {
    "temperature": Temperature,
    "spo2": SpO2,
    "glucose": GlucoseTest,
}
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _no_hidden(message: str) -> None:
    assert not any(is_hidden(char) for char in message), repr(message)


def _round_trips(encounter: Encounter) -> None:
    again = Encounter.model_validate_json(encounter.model_dump_json())
    assert again == encounter


def _encounter(**sections: Any) -> Encounter:
    return Encounter(staff_id="ma1", patient=PATIENT, **sections)


def _store_single(check: VitalCheck) -> None:
    model = to_measurement(check, cls=CLASSES.get(check.kind, Measurement))
    assert model.value == check.value
    assert model.status == check.status
    if check.kind == "glucose":
        assert isinstance(model, GlucoseTest)
        _round_trips(_encounter(poc=PocTests(glucose=model)))
    elif check.kind in ("systolic", "diastolic"):
        pass  # stored in pairs: see the blood-pressure property
    else:
        _round_trips(_encounter(vitals=Vitals(**{check.kind: [model]})))


@PROPERTY
@given(
    kind=st.sampled_from(sorted(KIND_SPECS)),
    text=TEXTS,
    system=st.sampled_from(["us", "metric"]),
    age=st.one_of(st.none(), st.floats(min_value=0, max_value=120)),
)
def test_check_vital_never_raises_and_what_it_accepts_is_stored(
    kind: str, text: str, system: str, age: float | None
) -> None:
    check = check_vital(kind, text, age_years=age, system=system)  # type: ignore[arg-type]
    _no_hidden(check.message)
    if check.ok:
        _store_single(check)
    else:
        with pytest.raises(ValueError, match="cannot be saved"):
            to_measurement(check)


@PROPERTY
@given(
    text=st.one_of(TEXTS, st.sampled_from(["HI", "LO", "hi", " Low ", "HI\x00", "\u202eLO"])),
    system=st.sampled_from(["us", "metric"]),
    default=st.sampled_from([None, "mg/dL", "mmol/L"]),
)
def test_glucose_in_either_default_unit_never_raises_and_is_stored(
    text: str, system: str, default: str | None
) -> None:
    check = check_vital("glucose", text, system=system, default_unit=default)  # type: ignore[arg-type]
    _no_hidden(check.message)
    if check.ok:
        _store_single(check)
    meter = check_glucose(text, system=system, default_unit=default)  # type: ignore[arg-type]
    _no_hidden(meter.message)
    if meter.ok:
        _store_single(meter)


@PROPERTY
@given(
    text=st.one_of(TEXTS, st.builds(lambda a, b: f"{a}/{b}", _measured, _measured)),
    system=st.sampled_from(["us", "metric"]),
)
def test_check_blood_pressure_never_raises_and_what_it_accepts_is_stored(
    text: str, system: str
) -> None:
    systolic, diastolic = check_blood_pressure(text, system=system)  # type: ignore[arg-type]
    for check in (systolic, diastolic):
        _no_hidden(check.message)
    if systolic.ok and diastolic.ok:
        pressure = BloodPressure(
            systolic=to_measurement(systolic), diastolic=to_measurement(diastolic)
        )
        _round_trips(_encounter(vitals=Vitals(blood_pressure=[pressure])))


@PROPERTY
@given(text=TEXTS)
def test_check_flow_never_raises_and_what_it_accepts_is_stored(text: str) -> None:
    flow, message = check_flow(text)
    _no_hidden(message)
    assert (flow is None) != (message == "")
    if flow is not None:
        spo2 = to_measurement(
            check_vital("spo2", "95%"), cls=SpO2, on_oxygen=True, o2_flow_l_min=flow
        )
        _round_trips(_encounter(vitals=Vitals(spo2=[spo2])))


@PROPERTY
@given(text=st.one_of(TEXTS, st.integers(min_value=0).map(str), st.just("9" * 5000)))
def test_parse_pain_never_raises_and_what_it_accepts_is_stored(text: str) -> None:
    pain, message = parse_pain(text)
    _no_hidden(message)
    if pain is not None:
        assert 0 <= pain <= 10
        complaint = ChiefComplaint(text="headache", severity=pain)
        _round_trips(_encounter(complaint=complaint))


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize(
    ("kind", "text", "system"),
    [
        ("height", "1e307", "us"),
        ("glucose", "1e307", "us"),
        ("height", "1e308", "metric"),
        ("height", "1" + "0" * 39, "metric"),
        ("weight", "9" * 40, "us"),
        ("temperature", "1" + "0" * 39, "metric"),
        ("head_circumference", "99999999999", "us"),
        ("height", "99999999999 ft", "us"),
        ("weight", "99999999 lb 4 oz", "us"),
    ],
)
def test_huge_numbers_are_refused_not_raised(kind: str, text: str, system: str) -> None:
    check = check_vital(kind, text, system=system)  # type: ignore[arg-type]
    assert check.status == "invalid"
    assert "too large" in check.message or "exponent" in check.message


@pytest.mark.parametrize("hidden", [h for h in HIDDEN if not h.isspace()])
@pytest.mark.parametrize(
    ("kind", "text"),
    [("pulse", "72"), ("temperature", "98.6"), ("height", "5'10\""), ("glucose", "99")],
)
def test_hidden_characters_are_refused_and_shown_as_escapes(
    kind: str, text: str, hidden: str
) -> None:
    for typed in (f"{text}{hidden}", f"{hidden}{text}", f"{text[:1]}{hidden}{text[1:]}"):
        check = check_vital(kind, typed)
        assert check.status == "invalid", repr(typed)
        _no_hidden(check.message)
        assert "invisible character (\\" in check.message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("72\x00", "72\\x00"),
        ("\x1b[31m72", "\\x1b[31m72"),
        ("7\u200b2", "7\\u200b2"),
        ("\u202e27", "\\u202e27"),
        ("a\tb", "a\\tb"),
        ("\U000e0041", "\\U000e0041"),
        ("José [bold] 5'10\" ½", "José [bold] 5'10\" ½"),
    ],
)
def test_visible_escapes_only_hidden_characters(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_whitespace_between_words_is_only_a_space() -> None:
    assert check_vital("pulse", "72\tbpm").value == 72.0
    assert check_vital("pulse", "\t72 ").value == 72.0
