"""A glucose meter's HI / LO: a reading beyond the meter's range, recorded honestly.

Meters show "HI" or "LO" instead of a number when the glucose is above or below what they can
measure (commonly 20-600 mg/dL; the clinic sets its meters' limits in kiosk.toml,
``glucose_meter_lo_mg_dl`` / ``glucose_meter_hi_mg_dl``). Such a reading is stored at the meter's
limit with a comparator ("<" for LO, ">" for HI), is always critical, and is exported as a FHIR
Quantity with that comparator, so nobody reads "600 mg/dL" as a measured value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.validators.ranges import RangeTable, default_table
from kiosk.validators.vitals import System, VitalCheck, check_vital

Comparator = Literal["<", ">"]
METER_WORDS: dict[str, Comparator] = {"lo": "<", "low": "<", "hi": ">", "high": ">"}
"""What a meter shows beyond its range (case-insensitive), and the comparator it means."""


@dataclass(frozen=True, slots=True)
class MeterLimits:
    """The lowest and highest glucose the clinic's meters report as a number, in mg/dL."""

    lo_mg_dl: float = 20.0
    hi_mg_dl: float = 600.0


@dataclass(frozen=True, slots=True)
class GlucoseCheck(VitalCheck):
    """A glucose check; ``comparator`` is set for a meter's HI (">") or LO ("<")."""

    comparator: Comparator | None = None


def check_glucose(
    text: str,
    *,
    age_years: float | None = None,
    system: System = "us",
    meter: MeterLimits | None = None,
    ranges: RangeTable | None = None,
    default_unit: str | None = None,
) -> VitalCheck:
    """:func:`check_vital` for glucose, also reading the meter's "HI" and "LO".

    HI is stored as the meter's upper limit and is critical-high, LO as its lower limit and is
    critical-low, whatever the range table says about that number. ``default_unit`` is the
    unit a bare number takes (the clinic's ``glucose_unit``), as for :func:`check_vital`.
    """
    comparator = METER_WORDS.get(text.strip().lower())
    if comparator is None:
        return check_vital(
            "glucose",
            text,
            age_years=age_years,
            system=system,
            ranges=ranges,
            default_unit=default_unit,
        )
    limits = meter or MeterLimits()
    limit = limits.hi_mg_dl if comparator == ">" else limits.lo_mg_dl
    table = ranges or default_table()
    if not table.bounds("glucose", age_years).is_possible(limit):
        message = f"The meter's limit {limit:g} mg/dL is outside the glucose range table."
        return VitalCheck("glucose", text, None, "mg/dL", "invalid", message)
    word = "HI" if comparator == ">" else "LO"
    side = "above" if comparator == ">" else "below"
    message = (
        f"Meter {word}: {side} its range ({comparator} {limit:g} mg/dL) — tell the provider now "
        "and confirm with the laboratory."
    )
    return GlucoseCheck(
        "glucose",
        text,
        limit,
        "mg/dL",
        "critical-high" if comparator == ">" else "critical-low",
        message,
        limit,
        "mg/dL",
        comparator=comparator,
    )
