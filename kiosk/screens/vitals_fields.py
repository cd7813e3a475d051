"""The vitals step's table of fields and choices, and its small text helpers.

Kept apart from ``vitals.py`` so the screen reads as behaviour and this as data: which fields,
in which order, and the choices beside them. Each field's id (prefixed ``vitals-`` as the step
protocol requires), label and placeholder (the unit a bare number is taken in) come from the
kind table, :data:`kiosk.validators.kinds.KIND_SPECS`.
"""

from __future__ import annotations

from kiosk.models import BloodPressure, Vitals
from kiosk.scoring import BMI_CLASS_LABELS, bmi, bmi_class
from kiosk.validators.cross import bmi_applicability
from kiosk.validators.kinds import KIND_SPECS, KindSpec

MAX_BP = 3
"""Blood-pressure readings per visit (the first plus two repeats)."""

BP_POSITIONS: list[tuple[str, str]] = [
    ("sitting", "sitting"),
    ("standing", "standing"),
    ("lying", "lying"),
]
BP_SITES: list[tuple[str, str]] = [
    ("L arm", "left-arm"),
    ("R arm", "right-arm"),
    ("L wrist", "left-wrist"),
    ("R wrist", "right-wrist"),
    ("L leg", "left-leg"),
    ("R leg", "right-leg"),
]
ROUTES: list[tuple[str, str]] = [
    (route, route) for route in ("oral", "tympanic", "temporal", "axillary", "rectal")
]
O2_CHOICES: list[tuple[str, str]] = [("room air", "air"), ("oxygen", "oxygen")]
SCALE_2_TOOLTIP = "Provider prescribed target 88–92 % (NEWS2 scale 2)"
"""The tick beside SpO2 recording NEWS2 scale 2 (``Vitals.spo2_scale``)."""
ACVPU: list[tuple[str, str]] = [
    ("A  alert", "A"),
    ("C  new confusion", "C"),
    ("V  responds to voice", "V"),
    ("P  responds to pain", "P"),
    ("U  unresponsive", "U"),
]


FIELDS: tuple[KindSpec, ...] = tuple(KIND_SPECS[name] for name in Vitals.SINGLE_KINDS)
"""The single-value fields, in the order of the Vitals model; each kind's label, widget id and
placeholders are its ``field`` in the kind table (blood pressure, typed as one "120/80" field,
is laid out on its own)."""


def bp_text(bp: BloodPressure) -> str:
    """The text a saved reading is shown again as: what was typed, "120/80"."""
    return f"{bp.systolic.entered}/{bp.diastolic.entered}"


def bmi_text(weight_kg: float | None, height_cm: float | None, age_years: float) -> str:
    """The live BMI line: "BMI 24.2 kg/m²  normal weight", or the child's caveat."""
    if weight_kg is None or height_cm is None or weight_kg <= 0 or height_cm <= 0:
        return ""
    value = bmi(weight_kg, height_cm)
    applies = bmi_applicability(age_years)
    if not applies.ok:
        return f"BMI {value:.1f} kg/m²  {applies.message}"
    return f"BMI {value:.1f} kg/m²  {BMI_CLASS_LABELS[bmi_class(value)]}"
