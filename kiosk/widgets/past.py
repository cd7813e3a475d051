"""The patient's earlier readings, as the vitals step shows them beside each field.

"last 98.6 °F 2026-03-01" tells the MA at a glance whether a new reading is plausible (a
weight 40 lb off is more likely a typo than a diet), and the trend of the last few visits shows
direction. Pure functions over signed encounters. The last value is shown in the unit the clinic
types (a US kiosk reads "last 165.1 lb" beside an entry in lb, even if it was typed in kg); a
reading typed in that unit is shown as typed, so it never drifts through a unit round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kiosk.models import BloodPressure, Encounter, Measurement
from kiosk.units import symbol
from kiosk.validators.change import System, clinic_unit, in_clinic_units
from kiosk.validators.kinds import KIND_SPECS, format_number


def past_encounters(previous: Encounter | None, history: Sequence[Encounter]) -> list[Encounter]:
    """Earlier signed encounters, newest first, without duplicates (previous may be history[0])."""
    seen: set[str] = set()
    out: list[Encounter] = []
    for encounter in [*([previous] if previous else []), *history]:
        if encounter.id not in seen:
            seen.add(encounter.id)
            out.append(encounter)
    return sorted(out, key=lambda e: e.started_at, reverse=True)


def _taken(readings: Sequence[Measurement | BloodPressure]) -> Measurement | BloodPressure | None:
    for reading in reversed(readings):
        first = reading.systolic if isinstance(reading, BloodPressure) else reading
        if first.value is not None:
            return reading
    return None


def shown(reading: Measurement | BloodPressure) -> str:
    """A reading as it was typed, with its unit: "98.6 °F", "70 in", "120/80 mmHg", "4/10"."""
    if isinstance(reading, BloodPressure):
        s, d = reading.systolic.value, reading.diastolic.value
        if s is None or d is None:
            return ""
        return f"{format_number(s, 0)}/{format_number(d, 0)} mmHg"
    if reading.entered_value is not None and reading.entered_unit is not None:
        unit = reading.entered_unit
        text = f"{round(reading.entered_value, 2):g}"
    elif reading.value is not None:
        unit = reading.unit
        spec = KIND_SPECS.get(reading.kind)
        text = format_number(reading.value, spec.shown if spec else 1)
    else:
        return ""
    if unit == "{score}":
        return f"{text}/10"
    if unit in ("/min", "%"):
        return f"{text}{symbol(unit)}"
    comparator = getattr(reading, "comparator", None)
    if comparator is not None:  # a glucose meter's HI / LO: beyond its range, not a number
        word = "HI" if comparator == ">" else "LO"
        return f"{word} ({comparator} {text} {symbol(unit)}, beyond the meter's range)"
    return f"{text} {symbol(unit)}"


def shown_in(reading: Measurement | BloodPressure, system: System) -> str:
    """A reading in the clinic's unit: as typed when typed in it, else converted ("165.1 lb")."""
    if isinstance(reading, BloodPressure) or reading.value is None:
        return shown(reading)
    spec = KIND_SPECS.get(reading.kind)
    if spec is None or reading.entered_unit == clinic_unit(reading.kind, system):
        return shown(reading)
    if reading.unit != spec.canonical:  # pragma: no cover - models store canonical units
        return shown(reading)
    return in_clinic_units(reading.kind, reading.value, system)


def last_reading(
    past: Sequence[Encounter], name: str
) -> tuple[Measurement | BloodPressure, date] | None:
    """The newest earlier taken ``name`` reading (a Vitals field name) and its visit's day."""
    for encounter in past:
        reading = _taken(getattr(encounter.vitals, name))
        if reading is not None:
            return reading, encounter.day
    return None


def previous_text(past: Sequence[Encounter], name: str, system: System = "us") -> str:
    """ "last 98.6 °F 2026-03-01" from the newest earlier encounter with a taken ``name``
    reading (a Vitals field name), in the clinic's ``system`` of units; "" when there is none."""
    found = last_reading(past, name)
    if found is None:
        return ""
    reading, day = found
    text = shown_in(reading, system).removesuffix(" mmHg")  # narrow: BP needs no unit
    return f"last {text} {day.isoformat()}" if text else ""


def trend_values(past: Sequence[Encounter], name: str, *, limit: int = 7) -> list[float | None]:
    """Canonical values of ``name`` (systolic for blood pressure), oldest first, last ``limit``
    visits that recorded one."""
    values: list[float | None] = []
    for encounter in past:
        reading = _taken(getattr(encounter.vitals, name))
        if reading is None:
            continue
        first = reading.systolic if isinstance(reading, BloodPressure) else reading
        values.append(first.value)
        if len(values) >= limit:
            break
    return list(reversed(values))
