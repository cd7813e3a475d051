"""How a checked reading is worded: values with their units, flags, limits, feet and inches.

Kept apart from the parser (:mod:`kiosk.validators.vitals`) so the wording rules are in one
place: a reading typed in another unit than the canonical one is shown in both ("2.7 mmol/L
(49 mg/dL)") and its limit in the unit typed, so the MA compares like with like.
"""

from __future__ import annotations

import math
import re

from kiosk import units
from kiosk.validators.kinds import KindSpec, format_number
from kiosk.validators.ranges import Bounds

TIGHT = frozenset({"%", "/min"})
"""Units written straight after the number, as people write them: "97%", "72/min"."""

OTHER_UNIT_DECIMALS = 1
"""Decimals of a limit shown in a unit other than the canonical one (°F, lb, mmol/L, ...)."""


def show(value: float, ucum: str, decimals: int) -> str:
    """ "37.0 °C", "72/min", "7/10": a value and its unit as the MA reads them."""
    text = format_number(value, decimals)
    if ucum == "{score}":
        return f"{text}/10"
    return f"{text}{'' if ucum in TIGHT else ' '}{units.symbol(ucum)}"


def _typed(value: float) -> str:
    """The number typed, as typed (no more than 3 decimals, none added)."""
    return f"{round(value, 3):g}"


def _limit(bound: float, spec: KindSpec, ucum: str, upper: bool) -> str:
    """A bound in ``ucum``. In another unit than the canonical one it is rounded towards the
    normal side (an upper bound down, a lower one up), so a flagged value shown next to it
    is never on the wrong side of the number shown."""
    if ucum == spec.canonical:
        return show(bound, ucum, spec.shown)
    converted = round(units.convert(bound, spec.canonical, ucum), 6)
    scale = 10**OTHER_UNIT_DECIMALS
    rounded = (math.floor if upper else math.ceil)(converted * scale) / scale
    return show(rounded, ucum, OTHER_UNIT_DECIMALS)


def flag_message(
    status: str,
    value: float,
    bounds: Bounds,
    spec: KindSpec,
    entered_value: float | None,
    entered_unit: str | None,
) -> str:
    """The message for a recordable status; "" for normal.

    "Critical high: 40.2 °C — tell the provider now."; typed in another unit, the reading in
    both units and the limit in the unit typed: "Critical low: 2.7 mmol/L (49 mg/dL), limit
    2.8 mmol/L — tell the provider now.", "High: 101.5 °F (38.6 °C; normal up to 100.4 °F)."
    """
    if status == "normal":
        return ""
    canonical = show(value, spec.canonical, spec.shown)
    other = (
        entered_unit is not None
        and entered_value is not None
        and entered_unit != spec.canonical
        and entered_unit in units.UNITS
        and units.UNITS[entered_unit].dimension == spec.dimension
    )
    ucum = entered_unit if other and entered_unit is not None else spec.canonical
    reading = canonical
    if other and entered_value is not None:
        reading = f"{_typed(entered_value)} {units.symbol(ucum)}"
    bound = {
        "critical-high": bounds.hi_critical,
        "critical-low": bounds.low_critical,
        "high": bounds.hi_normal,
        "low": bounds.low_normal,
    }.get(status)
    upper = status in ("critical-high", "high")
    if status.startswith("critical-"):
        word = "Critical high" if upper else "Critical low"
        if not other:
            return f"{word}: {canonical} — tell the provider now."
        limit = "" if bound is None else f", limit {_limit(bound, spec, ucum, upper)}"
        return f"{word}: {reading} ({canonical}){limit} — tell the provider now."
    if bound is None:
        return f"{status.capitalize()}: {reading}{f' ({canonical})' if other else ''}."
    span = f"normal {'up to' if upper else 'from'} {_limit(bound, spec, ucum, upper)}"
    if not other:
        return f"{status.capitalize()}: {canonical} ({span})."
    return f"{status.capitalize()}: {reading} ({canonical}; {span})."


def allowed_span(bounds: Bounds, spec: KindSpec, entered_unit: str) -> str:
    """The possible span in the canonical unit and in ``entered_unit``: "20–272 cm or
    7.9–107.1 in"."""
    lo, hi = bounds.low_absolute, bounds.hi_absolute
    parts = []
    for ucum in dict.fromkeys((spec.canonical, entered_unit)):
        if units.UNITS[ucum].dimension != spec.dimension:
            continue
        a = "" if lo is None else f"{round(units.convert(lo, spec.canonical, ucum), 1):g}"
        b = "" if hi is None else f"{round(units.convert(hi, spec.canonical, ucum), 1):g}"
        span = f"{a}–{b}" if a and b else (f"at least {a}" if a else f"at most {b}")
        suffix = "" if ucum == "{score}" else units.symbol(ucum)
        parts.append(f"{span}{'' if ucum in TIGHT or not suffix else ' '}{suffix}")
    return " or ".join(parts)


_FEET_DOT_INCHES = re.compile(r"([1-8])\.(\d{1,2})")


def feet_and_inches(number_text: str) -> tuple[int, int] | None:
    """(5, 10) for "5.10": a number written as feet, a dot and inches under 12, which is how
    a height is often jotted; None for any other number ("5.25", "1.78", "5")."""
    match = _FEET_DOT_INCHES.fullmatch(number_text)
    if match is None:
        return None
    inches = int(match.group(2))
    if inches >= 12:
        return None
    return int(match.group(1)), inches


def feet_inches_text(feet: int, inches: int) -> str:
    """5'10\" as the kiosk reads it back: the spelling and the centimetres."""
    cm = units.convert(feet * 12 + inches, "[in_i]", "cm")
    foot = "foot" if feet == 1 else "feet"
    inch = "inch" if inches == 1 else "inches"
    return f"{feet}'{inches}\" (read as {feet} {foot} {inches} {inch}, {cm:.1f} cm)"
