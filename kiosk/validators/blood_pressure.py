"""check_blood_pressure: "120/80" -> (systolic, diastolic) checks (as check_vital).

Each part goes through :func:`kiosk.validators.vitals.check_vital`, so spellings, units, ranges
and messages are the same as for a single reading; this module only splits the text and adds
the rule a single field cannot see: systolic above diastolic.
"""

from __future__ import annotations

from typing import Any

from kiosk import units
from kiosk.validators.kinds import format_number
from kiosk.validators.ranges import RangeTable
from kiosk.validators.vitals import System, VitalCheck, check_vital

_MAX_TEXT = 40


def check_blood_pressure(
    text: str,
    *,
    age_years: float | None = None,
    system: System = "us",
    ranges: RangeTable | None = None,
) -> tuple[VitalCheck, VitalCheck]:
    """Read "120/80", "120 / 80 mmHg", "120/80 mm Hg" as (systolic, diastolic) checks.

    A unit after the diastolic applies to a bare systolic ("16/10.7 kPa"). When both parts read
    but systolic is not above diastolic, both are ``invalid`` with one message. Never raises.
    """
    clean = units.normalise_text(text)
    parts = clean.replace(" over ", "/").split("/")
    malformed = len(parts) != 2 or not parts[0].strip() or not parts[1].strip()
    if not clean or malformed or len(clean) > _MAX_TEXT:
        message = "Enter a blood pressure." if not clean else "Type blood pressure as 120/80."
        return (
            VitalCheck("systolic", text, None, "mm[Hg]", "invalid", message),
            VitalCheck("diastolic", text, None, "mm[Hg]", "invalid", message),
        )
    sys_text, dia_text = parts[0].strip(), parts[1].strip()
    sys_checked = sys_text
    dia_segments = units.split_quantity(dia_text)
    sys_segments = units.split_quantity(sys_text)
    if dia_segments and sys_segments and len(sys_segments) == 1 and not sys_segments[0].unit_word:
        sys_checked = f"{sys_text} {dia_segments[-1].unit_word}".strip()
    options: dict[str, Any] = {"age_years": age_years, "system": system, "ranges": ranges}
    systolic = check_vital("systolic", sys_checked, **options)
    diastolic = check_vital("diastolic", dia_text, **options)
    if systolic.entered != sys_text:
        systolic = _replace_entered(systolic, sys_text)
    if (
        systolic.value is not None
        and diastolic.value is not None
        and systolic.status != "invalid"
        and diastolic.status != "invalid"
        and systolic.value <= diastolic.value
    ):
        message = (
            f"Systolic ({format_number(systolic.value, 0)}) must be higher than diastolic "
            f"({format_number(diastolic.value, 0)}). Check the order."
        )
        return (
            VitalCheck("systolic", sys_text, None, "mm[Hg]", "invalid", message),
            VitalCheck("diastolic", dia_text, None, "mm[Hg]", "invalid", message),
        )
    return systolic, diastolic


def _replace_entered(check: VitalCheck, entered: str) -> VitalCheck:
    return VitalCheck(
        check.kind,
        entered,
        check.value,
        check.unit,
        check.status,
        check.message,
        check.entered_value,
        check.entered_unit,
    )
