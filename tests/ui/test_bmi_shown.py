"""The BMI class beside a number agrees with that number (issue 10): the vitals step's live
line and the review's score line, at the edges where rounding to 0.1 crosses a class bound."""

from __future__ import annotations

from datetime import date

import pytest
from ui_vitals_harness import adult, reading

from kiosk.models import Encounter, Vitals
from kiosk.screens.review_text import score_lines
from kiosk.screens.vitals_fields import bmi_text

HEIGHT_CM = 180.0
METRES2 = (HEIGHT_CM / 100) ** 2

EDGES = [
    (18.44, "18.4", "underweight"),
    (18.49, "18.5", "normal weight"),
    (24.96, "25.0", "pre-obese (overweight)"),
    (29.996, "30.0", "obesity class I"),
    (29.94, "29.9", "pre-obese (overweight)"),
    (34.95001, "35.0", "obesity class II"),
    (39.97, "40.0", "obesity class III"),
]


@pytest.mark.parametrize(("value", "shown", "label"), EDGES)
def test_live_bmi_line_classifies_the_number_it_shows(value: float, shown: str, label: str) -> None:
    assert bmi_text(value * METRES2, HEIGHT_CM, 40) == f"BMI {shown} kg/m²  {label}"


@pytest.mark.parametrize(("value", "shown", "label"), EDGES)
def test_review_bmi_line_classifies_the_number_it_shows(
    value: float, shown: str, label: str
) -> None:
    encounter = Encounter(
        staff_id="ma1",
        patient=adult(date(1970, 5, 17)),
        vitals=Vitals(
            weight=[reading("weight", value * METRES2, "kg")],
            height=[reading("height", HEIGHT_CM, "cm")],
        ),
    )
    assert score_lines(encounter)[0][0] == f"BMI {shown} kg/m²: {label}"
