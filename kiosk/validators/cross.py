"""Checks across fields: BP order, BMI for adults only, weight and height in each other's place.

A single field cannot see these mistakes: "80" in the height field is a possible 80 cm, "178"
in the weight field a possible 178 kg; only together do they make an impossible adult. The
single-field part (a height spelling such as 5'10" in the weight field) is already caught by
:func:`kiosk.validators.check_vital`; :func:`check_weight_field` / :func:`check_height_field`
expose it under a name the screens can find.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk import units
from kiosk.scoring import plausible_bmi_limits
from kiosk.validators.vitals import System, VitalCheck, check_vital

ADULT_AGE_YEARS = 18.0

LIKELY_BMI = (14.0, 50.0)
"""When the entries swapped give a BMI in this span, the fields were probably swapped."""


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """The outcome of one cross-field rule; ``fields`` names the fields to point at."""

    ok: bool
    message: str = ""
    fields: tuple[str, ...] = ()


OK = CrossCheck(True)


def check_bp_order(systolic: float | None, diastolic: float | None) -> CrossCheck:
    """Systolic must be above diastolic (both in mmHg); fine while either is missing."""
    if systolic is None or diastolic is None or systolic > diastolic:
        return OK
    return CrossCheck(
        False,
        f"Systolic ({systolic:g}) must be higher than diastolic ({diastolic:g}). Check the order.",
        ("systolic", "diastolic"),
    )


def bmi_applicability(age_years: float | None) -> CrossCheck:
    """Adult BMI classes apply from 18 years; children need BMI-for-age percentiles."""
    if age_years is None:
        return CrossCheck(False, "Age unknown: adult BMI classes need an age of 18 or more.")
    if age_years >= ADULT_AGE_YEARS:
        return OK
    return CrossCheck(False, "BMI-for-age percentile needed for children.")


def check_weight_field(
    text: str, *, age_years: float | None = None, system: System = "us"
) -> VitalCheck:
    """check_vital for the weight field ("5'10\"" there is "this looks like a height")."""
    return check_vital("weight", text, age_years=age_years, system=system)


def check_height_field(
    text: str, *, age_years: float | None = None, system: System = "us"
) -> VitalCheck:
    """check_vital for the height field ("176 lbs" there is "this looks like a weight")."""
    return check_vital("height", text, age_years=age_years, system=system)


def _bmi(weight_kg: float, height_cm: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


def check_weight_height(
    weight: VitalCheck, height: VitalCheck, *, age_years: float | None = None
) -> CrossCheck:
    """Catch a weight and a height typed into each other's field, or a slip in either.

    Both must have read (any recordable status). If their BMI is implausible for the age
    (:func:`kiosk.scoring.plausible_bmi_limits`) and the two numbers swapped (each keeping its
    field's unit) give a likely BMI, they were swapped; otherwise an implausible BMI still asks
    to check both.
    """
    if not (weight.ok and height.ok) or weight.value is None or height.value is None:
        return OK
    bmi = _bmi(weight.value, height.value)
    low, high = plausible_bmi_limits(age_years)
    if low <= bmi <= high:
        return OK
    fields = ("weight", "height")
    if _swapped_is_likely(weight, height):
        return CrossCheck(
            False, "Weight and height look swapped: check which number goes where.", fields
        )
    return CrossCheck(
        False,
        f"Weight and height give a BMI of {bmi:.0f}, which is not plausible: check both.",
        fields,
    )


def _swapped_is_likely(weight: VitalCheck, height: VitalCheck) -> bool:
    if weight.entered_value is None or height.entered_value is None:
        return False
    if weight.entered_unit is None or height.entered_unit is None:
        return False
    try:
        swapped_kg = units.convert(height.entered_value, weight.entered_unit, "kg")
        swapped_cm = units.convert(weight.entered_value, height.entered_unit, "cm")
    except ValueError:
        return False
    if swapped_cm <= 0:
        return False
    return LIKELY_BMI[0] <= _bmi(swapped_kg, swapped_cm) <= LIKELY_BMI[1]
