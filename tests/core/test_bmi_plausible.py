"""BMI plausible for the age: refused on the vitals step, never exported, said at review.

Issue 10: "16 oz" for a 30-year-old was accepted and exported with a BMI of 0.1, and a
preterm infant's real BMI (about 6-7) was refused by the adults' 10-80 span.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from export_samples import full_encounter
from hypothesis import given
from hypothesis import strategies as st

from kiosk.export.observations import adult_bmi
from kiosk.models import Measurement, Patient
from kiosk.scoring import bmi, bmi_is_plausible, plausible_bmi_limits
from kiosk.screens.review_text import score_lines
from kiosk.validators import check_vital
from kiosk.validators.cross import check_weight_height


@pytest.mark.parametrize(
    ("weight", "height", "age", "ok"),
    [
        ("1.3 lb", "30 cm", 0.01, True),  # a 0.6 kg preterm infant: BMI 6.5
        ("1.0 kg", "35 cm", 0.01, True),  # BMI 8
        ("3.4 kg", "50 cm", 0.01, True),
        ("7.5 kg", "45 cm", 0.01, True),  # BMI 37, extreme but possible
        ("0.3 kg", "50 cm", 0.01, False),  # BMI 1.2
        ("176 lb", "70 in", 30.0, True),
        ("40 kg", "180 cm", 30.0, True),  # BMI 12.3
        ("25 kg", "180 cm", 30.0, False),  # BMI 7.7
        ("300 kg", "150 cm", 30.0, False),  # BMI 133
    ],
)
def test_weight_and_height_give_a_bmi_plausible_for_the_age(
    weight: str, height: str, age: float, ok: bool
) -> None:
    w = check_vital("weight", weight, age_years=age)
    h = check_vital("height", height, age_years=age)
    assert w.ok, w.message
    assert h.ok, h.message
    assert check_weight_height(w, h, age_years=age).ok is ok


@given(
    age=st.one_of(st.none(), st.floats(min_value=0, max_value=125)),
    value=st.floats(min_value=0.01, max_value=500),
)
def test_plausible_means_within_the_limits_for_the_age(age: float | None, value: float) -> None:
    low, high = plausible_bmi_limits(age)
    assert bmi_is_plausible(value, age) is (low <= value <= high)
    assert low >= 5.0
    assert high <= 80.0


def _with(weight_kg: float, height_cm: float, birth: date = date(1990, 1, 1)) -> Any:
    encounter = full_encounter(birth=birth)
    vitals = encounter.vitals.model_copy(
        update={
            "weight": [Measurement(kind="weight", value=weight_kg, unit="kg", status="normal")],
            "height": [Measurement(kind="height", value=height_cm, unit="cm", status="normal")],
        }
    )
    patient: Patient = encounter.patient
    return encounter.model_copy(update={"vitals": vitals, "patient": patient})


@given(
    weight=st.floats(min_value=0.2, max_value=680),
    height=st.floats(min_value=20, max_value=272),
)
def test_the_export_never_carries_an_implausible_bmi(weight: float, height: float) -> None:
    doc = _with(weight, height).model_dump(mode="json")
    computed = adult_bmi(doc)
    if computed is not None:
        assert 10.0 <= bmi(weight, height) <= 80.0
    else:
        assert not bmi_is_plausible(bmi(weight, height), 36)


def test_the_review_says_an_implausible_bmi_is_not_plausible() -> None:
    lines = [text for text, _ in score_lines(_with(0.454, 175))]
    assert any("not plausible" in line for line in lines)
    assert not any("underweight" in line for line in lines)
    assert adult_bmi(_with(0.454, 175).model_dump(mode="json")) is None
    assert adult_bmi(_with(70, 175).model_dump(mode="json")) is not None
