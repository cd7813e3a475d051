"""Clinical scores shown on the review screen and exported: BMI, BP category, NEWS2.

Pure functions over numbers in SI / canonical units (kg, cm, mm[Hg], /min, %, °C), so the same
code serves the screen, the export and the tests. The tables are those of docs/CLINICAL.md.

Rounding rules (project decisions, documented because the published tables are integer bands
with gaps between them, e.g. pulse 51-90 then 91-110):

* respiratory rate, SpO2, systolic BP and pulse are rounded to the nearest whole number,
  halves upwards (90.5 -> 91), before NEWS2 looks them up;
* temperature is rounded to 0.1 °C, halves upwards, before NEWS2 looks it up. The float's
  shortest decimal spelling is rounded (via ``Decimal(repr(x))``), so 38.05 scores as 38.1 and a
  Fahrenheit conversion such as 100.4 °F = 38.00000000000001 °C scores as 38.0;
* BMI is classified as it is shown, to 0.1 (:data:`BMI_DECIMALS`): 18.49 is shown "18.5" and is
  normal weight, 29.996 is shown "30.0" and is obesity class I, so the class never contradicts
  the number beside it;
* the blood-pressure category compares the unrounded value with the thresholds (180.5 mmHg is
  a crisis).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.models import Encounter, Measurement

BmiClass = Literal["underweight", "normal", "pre-obese", "obese-1", "obese-2", "obese-3"]
BpCategory = Literal["normal", "elevated", "stage-1", "stage-2", "crisis"]
News2Risk = Literal["low", "low-medium", "medium", "high"]
Consciousness = Literal["A", "C", "V", "P", "U"]

BMI_CLASS_LABELS: dict[str, str] = {
    "underweight": "underweight",
    "normal": "normal weight",
    "pre-obese": "pre-obese (overweight)",
    "obese-1": "obesity class I",
    "obese-2": "obesity class II",
    "obese-3": "obesity class III",
}
BP_CATEGORY_LABELS: dict[str, str] = {
    "normal": "normal",
    "elevated": "elevated",
    "stage-1": "hypertension stage 1",
    "stage-2": "hypertension stage 2",
    "crisis": "hypertensive crisis",
}
NEWS2_RISK_LABELS: dict[str, str] = {
    "low": "low clinical risk",
    "low-medium": "low-medium risk: urgent ward-based response",
    "medium": "medium risk: urgent response",
    "high": "high risk: emergency response",
}
NEWS2_MIN_AGE_YEARS = 16
"""NEWS2 is validated for adults only (RCP 2017: not for under-16s)."""


def _finite(name: str, value: float, *, positive: bool = False) -> float:
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "zero or more"
        raise ValueError(f"{name} must be a finite number {kind}, not {value!r}")
    return float(value)


# --------------------------------------------------------------------------- BMI


def bmi(weight_kg: float, height_cm: float) -> float:
    """Body-mass index in kg/m², unrounded (computed in SI, not with the 703 approximation)."""
    weight = _finite("weight", weight_kg, positive=True)
    metres = _finite("height", height_cm, positive=True) / 100.0
    return weight / (metres * metres)


PLAUSIBLE_BMI = (10.0, 80.0)
"""BMI outside this span, from 2 years of age, is taken as a typing slip (project decision:
beyond the extremes seen in clinic; the heaviest adults are about 70-80)."""
INFANT_PLAUSIBLE_BMI = (5.0, 40.0)
"""Under 2 years (project decision): a 0.5 kg, 28 cm preterm infant is about 6.4, a term
newborn 11-14; the WHO +5 SD weight on a -5 SD length stays under 40."""
INFANT_BMI_AGE_YEARS = 2.0


def plausible_bmi_limits(age_years: float | None) -> tuple[float, float]:
    """The BMI span a real patient of this age can have (unknown age: the wider of the two)."""
    if age_years is None:
        return INFANT_PLAUSIBLE_BMI[0], PLAUSIBLE_BMI[1]
    return INFANT_PLAUSIBLE_BMI if age_years < INFANT_BMI_AGE_YEARS else PLAUSIBLE_BMI


def bmi_is_plausible(value: float, age_years: float | None) -> bool:
    """True when ``value`` lies within :func:`plausible_bmi_limits` (the limits included)."""
    low, high = plausible_bmi_limits(age_years)
    return math.isfinite(value) and low <= value <= high


BMI_DECIMALS = 1
"""BMI is shown, exported and classified to one decimal."""


def bmi_shown(bmi: float) -> float:
    """The BMI as it is shown: rounded to :data:`BMI_DECIMALS` (``f"{bmi:.1f}"`` prints the
    same digits: both round the float's exact value to nearest)."""
    return round(bmi, BMI_DECIMALS)


def bmi_class(bmi: float) -> BmiClass:
    """WHO adult class of the BMI as shown (:func:`bmi_shown`); each lower bound belongs to the
    class it starts."""
    value = bmi_shown(_finite("BMI", bmi, positive=True))
    if value < 18.5:
        return "underweight"
    if value < 25:
        return "normal"
    if value < 30:
        return "pre-obese"
    if value < 35:
        return "obese-1"
    if value < 40:
        return "obese-2"
    return "obese-3"


# --------------------------------------------------------------------------- blood pressure

_BP_ORDER: tuple[BpCategory, ...] = ("normal", "elevated", "stage-1", "stage-2", "crisis")


def bp_category(systolic: float, diastolic: float) -> BpCategory:
    """2017 ACC/AHA reading category; when the two numbers disagree the higher category wins."""
    sys_ = _finite("systolic", systolic)
    dia = _finite("diastolic", diastolic)
    if sys_ > 180:
        by_sys: BpCategory = "crisis"
    elif sys_ >= 140:
        by_sys = "stage-2"
    elif sys_ >= 130:
        by_sys = "stage-1"
    elif sys_ >= 120:
        by_sys = "elevated"  # only if the diastolic is below 80: see max() below
    else:
        by_sys = "normal"
    if dia > 120:
        by_dia: BpCategory = "crisis"
    elif dia >= 90:
        by_dia = "stage-2"
    elif dia >= 80:
        by_dia = "stage-1"
    else:
        by_dia = "normal"
    return max(by_sys, by_dia, key=_BP_ORDER.index)


BP_CATEGORY_MIN_AGE_YEARS = 18
"""The ACC/AHA reading categories are for adults; children's need height percentiles."""
BP_CATEGORY_NOT_FOR_CHILDREN = "adult categories do not apply under 18"


def bp_category_for_age(
    systolic: float, diastolic: float, age_years: float | None
) -> BpCategory | None:
    """:func:`bp_category`, or None under :data:`BP_CATEGORY_MIN_AGE_YEARS` (unknown age: adult)."""
    if age_years is not None and age_years < BP_CATEGORY_MIN_AGE_YEARS:
        return None
    return bp_category(systolic, diastolic)


def bp_category_text(systolic: float, diastolic: float, age_years: float | None) -> str:
    """The reading category in words, as the vitals step and the review both show it:
    "hypertension stage 1", or why no category applies (a child)."""
    category = bp_category_for_age(systolic, diastolic, age_years)
    return BP_CATEGORY_NOT_FOR_CHILDREN if category is None else BP_CATEGORY_LABELS[category]


# --------------------------------------------------------------------------- NEWS2


@dataclass(frozen=True)
class News2:
    """A NEWS2 result: the points per parameter, their sum and the risk band."""

    total: int
    components: dict[str, int] = field(hash=False)
    """Points per parameter: respiratory_rate, spo2, air_or_oxygen, systolic, pulse,
    consciousness, temperature."""
    risk: News2Risk
    spo2_scale: int = 1

    @property
    def red_score(self) -> bool:
        """True when a single parameter scores 3 (the RCP "red score")."""
        return any(points == 3 for points in self.components.values())


def _whole(name: str, value: float) -> int:
    """Round half up to a whole number, as the integer NEWS2 bands need."""
    checked = _finite(name, value)
    return int(Decimal(repr(checked)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_temperature(temperature_c: float) -> Decimal:
    """Temperature to 0.1 °C, halves upwards, from the float's shortest decimal spelling."""
    checked = _finite("temperature", temperature_c)
    return Decimal(repr(checked)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rr_points(rr: int) -> int:
    if rr <= 8:
        return 3
    if rr <= 11:
        return 1
    if rr <= 20:
        return 0
    if rr <= 24:
        return 2
    return 3


def _spo2_points(spo2: int, on_oxygen: bool, scale: int) -> int:
    if scale == 1:
        if spo2 <= 91:
            return 3
        if spo2 <= 93:
            return 2
        if spo2 <= 95:
            return 1
        return 0
    # Scale 2 (hypercapnic respiratory failure, target 88-92 %).
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:
        return 0
    if spo2 <= 94:
        return 1
    if spo2 <= 96:
        return 2
    return 3


def _systolic_points(sbp: int) -> int:
    if sbp <= 90:
        return 3
    if sbp <= 100:
        return 2
    if sbp <= 110:
        return 1
    if sbp <= 219:
        return 0
    return 3


def _pulse_points(pulse: int) -> int:
    if pulse <= 40:
        return 3
    if pulse <= 50:
        return 1
    if pulse <= 90:
        return 0
    if pulse <= 110:
        return 1
    if pulse <= 130:
        return 2
    return 3


def _temperature_points(temp: Decimal) -> int:
    if temp <= Decimal("35.0"):
        return 3
    if temp <= Decimal("36.0"):
        return 1
    if temp <= Decimal("38.0"):
        return 0
    if temp <= Decimal("39.0"):
        return 1
    return 2


def news2(
    *,
    respiratory_rate: float,
    spo2: float,
    on_oxygen: bool,
    systolic: float,
    pulse: float,
    consciousness: str,
    temperature_c: float,
    spo2_scale: int = 1,
) -> News2:
    """National Early Warning Score 2 (RCP 2017) from one set of observations."""
    if spo2_scale not in (1, 2):
        raise ValueError(f"SpO2 scale must be 1 or 2, not {spo2_scale!r}")
    if consciousness not in ("A", "C", "V", "P", "U"):
        raise ValueError(f"consciousness must be one of A, C, V, P, U, not {consciousness!r}")
    saturation = _whole("SpO2", spo2)
    if saturation > 100:
        raise ValueError(f"SpO2 cannot exceed 100 %, not {spo2!r}")
    components = {
        "respiratory_rate": _rr_points(_whole("respiratory rate", respiratory_rate)),
        "spo2": _spo2_points(saturation, on_oxygen, spo2_scale),
        "air_or_oxygen": 2 if on_oxygen else 0,
        "systolic": _systolic_points(_whole("systolic", systolic)),
        "pulse": _pulse_points(_whole("pulse", pulse)),
        "consciousness": 0 if consciousness == "A" else 3,
        "temperature": _temperature_points(round_temperature(temperature_c)),
    }
    total = sum(components.values())
    risk: News2Risk
    if total >= 7:
        risk = "high"
    elif total >= 5:
        risk = "medium"
    elif 3 in components.values():
        risk = "low-medium"
    else:
        risk = "low"
    return News2(total=total, components=components, risk=risk, spo2_scale=spo2_scale)


def _latest_value(readings: Sequence[Measurement]) -> float | None:
    for reading in reversed(readings):
        if reading.value is not None:
            return reading.value
    return None


def news2_for(encounter: Encounter, *, spo2_scale: int | None = None) -> News2 | None:
    """NEWS2 from the newest taken reading of each parameter, or None when it cannot apply.

    The SpO2 scale is the one recorded with the vitals (``Vitals.spo2_scale``: 2 when the
    provider prescribed a target of 88-92 %) unless ``spo2_scale`` overrides it.

    None when respiratory rate, SpO2, systolic BP, pulse or temperature has no taken reading,
    or when the patient is under 16 on the encounter's day (NEWS2 is not validated for children).
    """
    if encounter.patient.age_on(encounter.day) < NEWS2_MIN_AGE_YEARS:
        return None
    vitals = encounter.vitals
    saturation = next((r for r in reversed(vitals.spo2) if r.value is not None), None)
    rr = _latest_value(vitals.respiratory_rate)
    pulse = _latest_value(vitals.pulse)
    temperature = _latest_value(vitals.temperature)
    systolic = _latest_value([bp.systolic for bp in vitals.blood_pressure])
    if saturation is None or saturation.value is None:
        return None
    if rr is None or pulse is None or temperature is None or systolic is None:
        return None
    return news2(
        respiratory_rate=rr,
        spo2=saturation.value,
        on_oxygen=saturation.on_oxygen,
        systolic=systolic,
        pulse=pulse,
        consciousness=vitals.consciousness,
        temperature_c=temperature,
        spo2_scale=vitals.spo2_scale if spo2_scale is None else spo2_scale,
    )


def news2_missing(encounter: Encounter) -> list[str]:
    """The readings NEWS2 still needs (plain names, in chart order); [] when none is missing.

    So the review can say "needs SpO2" rather than list all five when one is absent.
    """
    vitals = encounter.vitals
    needed = (
        ("respiratory rate", _latest_value(vitals.respiratory_rate)),
        ("SpO2", _latest_value(vitals.spo2)),
        ("systolic BP", _latest_value([bp.systolic for bp in vitals.blood_pressure])),
        ("pulse", _latest_value(vitals.pulse)),
        ("temperature", _latest_value(vitals.temperature)),
    )
    return [name for name, value in needed if value is None]


def bmi_for(encounter: Encounter) -> float | None:
    """BMI from the newest taken weight and height, or None when either is missing."""
    weight = _latest_value(encounter.vitals.weight)
    height = _latest_value(encounter.vitals.height)
    if weight is None or height is None:
        return None
    return bmi(weight, height)
