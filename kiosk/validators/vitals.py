"""check_vital / check_blood_pressure: typed text -> a checked, canonical reading (DESIGN §3).

The text is split by :func:`kiosk.units.split_quantity`, units are looked up in the alias table,
compounds (5'10", 5 lb 4 oz, 7/10) are assembled here, pint converts, and the range table
classifies. Nothing here raises for any text: unreadable input is a ``VitalCheck`` with status
``invalid`` and a message an MA understands.

Bare numbers take the clinic's default unit. If that reading is impossible but the same number
is possible in another unit (37.2 typed on a US kiosk), the result is ``invalid`` with a message
proposing every other unit in which it is possible, never the impossible value. Heights: a
bare US number is inches, else cm, feet or metres are proposed (180 -> "did you mean 180 cm?",
5.5 -> "5.5 ft?", 1.78 -> "1.78 ft or 1.78 m?"); a bare metric number is cm, else m or inches
(1.78 -> "did you mean 1.78 m?").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from kiosk import units
from kiosk.validators.kinds import DIMENSION_NOUNS, KIND_SPECS, KindSpec, format_number
from kiosk.validators.ranges import Bounds, RangeTable, default_table
from kiosk.validators.ranges import generation as table_generation

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.models import Measurement, Status

System = Literal["us", "metric"]
_RECORDABLE = frozenset({"critical-low", "low", "normal", "high", "critical-high"})
_MAX_TEXT = 40


@dataclass(frozen=True, slots=True)
class VitalCheck:
    """The outcome of checking one typed reading.

    ``value`` is canonical (``unit``) and rounded; None when ``invalid``. An ``impossible``
    reading keeps its value so the screen can echo it, but it is never saved.
    ``entered_value``/``entered_unit`` are the number and UCUM unit as typed (5'10" -> 70
    ``[in_i]``), for an export "in the unit as entered"; None when unreadable.
    """

    kind: str
    entered: str
    value: float | None
    unit: str
    status: Status
    message: str
    entered_value: float | None = None
    entered_unit: str | None = None

    @property
    def ok(self) -> bool:
        """True when the reading may be saved (any status but invalid/impossible)."""
        return self.status in _RECORDABLE

    @property
    def display(self) -> str:
        """The canonical value for an echo under the field, e.g. "37.0 °C"; "" if none."""
        if self.value is None:
            return ""
        spec = KIND_SPECS[self.kind]
        return _show(self.value, self.unit, spec.shown)


_TIGHT = frozenset({"%", "/min"})
"""Units written straight after the number, as people write them: "97%", "72/min"."""


def _show(value: float, ucum: str, decimals: int) -> str:
    text = format_number(value, decimals)
    if ucum == "{score}":
        return f"{text}/10"
    return f"{text}{'' if ucum in _TIGHT else ' '}{units.symbol(ucum)}"


class _Unreadable(Exception):
    """Internal: the text cannot be read; the argument is the message for the MA."""


def _interpret(kind: str, spec: KindSpec, text: str) -> tuple[float, str | None]:
    """(number, UCUM unit or None for a bare number) from normalised text, or _Unreadable."""
    if text.startswith("-"):
        raise _Unreadable(f"{spec.noun.capitalize()} cannot be negative.")
    if "," in text:
        raise _Unreadable(f"Use a decimal point and no commas. Type {spec.example}.")
    segments = units.split_quantity(text)
    if segments is None:
        raise _Unreadable(f"Cannot read '{text}'. Type {spec.example}.")
    if any(not math.isfinite(s.number) for s in segments):
        raise _Unreadable("That number is too large to be a reading.")
    first = segments[0]
    if len(segments) == 1:
        if not first.unit_word:
            return first.number, None
        ucum = units.lookup_unit(first.unit_word)
        if ucum is None:
            if kind == "pain" and first.unit_word == "/":
                raise _Unreadable("Type the pain score as 7 or 7/10.")
            raise _Unreadable(f"Unknown unit '{first.unit_word}'. Type {spec.example}.")
        if ucum == units.DEGREE:
            if kind != "temperature":
                raise _Unreadable(f"A degree sign is for temperatures, not {spec.noun}.")
            return first.number, None
        return first.number, ucum
    if len(segments) == 2:
        return _compound(kind, spec, first, segments[1])
    raise _Unreadable(f"Cannot read '{text}'. Type {spec.example}.")


def _compound(
    kind: str, spec: KindSpec, first: units.Segment, second: units.Segment
) -> tuple[float, str]:
    """5'10" / 5 ft 10 in (inches), 5 lb 4 oz (pounds), 7/10 (pain)."""
    big = units.lookup_unit(first.unit_word)
    small = units.lookup_unit(second.unit_word) if second.unit_word else ""
    if kind == "pain" and first.unit_word == "/" and not second.unit_word:
        if second.number != 10:
            raise _Unreadable("Pain is scored out of 10: type 7 or 7/10.")
        return first.number, "{score}"
    if big == "[ft_i]" and small in ("[in_i]", ""):
        if first.number != int(first.number) or second.number >= 12:
            raise _Unreadable("Type feet and inches as 5'10\" (inches under 12).")
        return first.number * 12 + second.number, "[in_i]"
    if big == "[lb_av]" and small in ("[oz_av]", ""):
        if first.number != int(first.number) or second.number >= 16:
            raise _Unreadable("Type pounds and ounces as 7 lb 4 oz (ounces under 16).")
        return first.number + second.number / 16, "[lb_av]"
    raise _Unreadable(
        f"Cannot read '{first.number_text}{first.unit_word} ...'. Type {spec.example}."
    )


def _wrong_kind(kind: str, spec: KindSpec, number_text: str, ucum: str) -> str:
    dimension = units.UNITS[ucum].dimension
    if kind == "weight" and dimension == "length":
        return "This looks like a height, not a weight. Type " + spec.example + "."
    if kind in ("height", "head_circumference") and dimension == "mass":
        return f"This looks like a weight, not {spec.noun}. Type {spec.example}."
    unit_symbol = units.symbol(ucum)
    return (
        f"{number_text} {unit_symbol} is {DIMENSION_NOUNS[dimension]}, not {spec.noun}. "
        f"Type {spec.example}."
    )


def _message(status: Status, kind: str, shown: str, bounds: Bounds, spec: KindSpec) -> str:
    if status == "normal":
        return ""
    if status == "critical-high":
        return f"Critical high: {shown} — tell the provider now."
    if status == "critical-low":
        return f"Critical low: {shown} — tell the provider now."
    if status == "high" and bounds.hi_normal is not None:
        limit = _show(bounds.hi_normal, spec.canonical, spec.shown)
        return f"High: {shown} (normal up to {limit})."
    if status == "low" and bounds.low_normal is not None:
        limit = _show(bounds.low_normal, spec.canonical, spec.shown)
        return f"Low: {shown} (normal from {limit})."
    return f"{status.capitalize()}: {shown}."


def _allowed(bounds: Bounds, spec: KindSpec, entered_unit: str) -> str:
    lo, hi = bounds.low_absolute, bounds.hi_absolute
    parts = []
    for ucum in dict.fromkeys((spec.canonical, entered_unit)):
        if units.UNITS[ucum].dimension != spec.dimension:
            continue
        a = "" if lo is None else f"{round(units.convert(lo, spec.canonical, ucum), 1):g}"
        b = "" if hi is None else f"{round(units.convert(hi, spec.canonical, ucum), 1):g}"
        span = f"{a}–{b}" if a and b else (f"at least {a}" if a else f"at most {b}")
        suffix = "" if ucum == "{score}" else units.symbol(ucum)
        parts.append(f"{span}{'' if ucum in _TIGHT or not suffix else ' '}{suffix}")
    return " or ".join(parts)


def _suggest(
    number: float, number_text: str, spec: KindSpec, bounds: Bounds, system: System, default: str
) -> str | None:
    """A message proposing the other plausible unit(s) for an impossible bare number, or None.

    "37.2 is not a temperature in Fahrenheit — did you mean 37.2 °C? Type 37.2C."
    """
    alternatives = spec.alternatives_us if system == "us" else spec.alternatives_metric
    meant, typed = [], []
    for ucum in alternatives:
        canonical = round(units.convert(number, ucum, spec.canonical), spec.decimals)
        if bounds.is_possible(canonical):
            other = units.UNITS[ucum]
            meant.append(f"{number_text} {other.symbol}")
            tight = other.dimension == "temperature"
            typed.append(f"{number_text}{other.symbol.lstrip('°')}" if tight else meant[-1])
    if not meant:
        return None
    return (
        f"{number_text} is not {spec.noun} in {units.UNITS[default].name} — "
        f"did you mean {' or '.join(meant)}? Type {' or '.join(typed)}."
    )


def _check(kind: str, entered: str, bounds: Bounds, system: System) -> VitalCheck:
    spec = KIND_SPECS[kind]

    def invalid(message: str, value: float | None = None, ucum: str | None = None) -> VitalCheck:
        return VitalCheck(kind, entered, None, spec.canonical, "invalid", message, value, ucum)

    text = units.normalise_text(entered)
    if not text:
        return invalid("Enter a value.")
    if len(text) > _MAX_TEXT:
        return invalid(f"Too long for {spec.noun}. Type {spec.example}.")
    try:
        number, ucum = _interpret(kind, spec, text)
    except _Unreadable as problem:
        return invalid(str(problem))
    number_text = f"{number:g}"
    bare = ucum is None
    default = spec.default_us if system == "us" else spec.default_metric
    ucum = ucum or default
    if units.UNITS[ucum].dimension != spec.dimension:
        return invalid(_wrong_kind(kind, spec, number_text, ucum), number, ucum)
    if spec.whole and number != int(number):
        return invalid("Pain is a whole number from 0 to 10.", number, ucum)
    try:
        value = round(units.convert(number, ucum, spec.canonical), spec.decimals)
    except ValueError:
        return invalid("That number is too large to be a reading.", number, ucum)
    if not bounds.is_possible(value):
        if bare:
            suggestion = _suggest(number, number_text, spec, bounds, system, default)
            if suggestion is not None:
                return invalid(suggestion, number, ucum)
        allowed = _allowed(bounds, spec, ucum)
        message = f"Not possible for {spec.noun} (allowed {allowed}). Check the reading."
        return VitalCheck(kind, entered, value, spec.canonical, "impossible", message, number, ucum)
    status = bounds.classify(value)
    shown = _show(value, spec.canonical, spec.shown)
    message = _message(status, kind, shown, bounds, spec)
    return VitalCheck(kind, entered, value, spec.canonical, status, message, number, ucum)


@lru_cache(maxsize=4096)
def _cached(kind: str, entered: str, band: int, system: System, generation: int) -> VitalCheck:
    """One check, cached per range-table ``generation`` (a new table never hits old results)."""
    ranges = default_table().kinds[kind]
    bounds = ranges.default if band < 0 else ranges.bands[band].bounds
    return _check(kind, entered, bounds, system)


def clear_cache() -> None:
    """Forget cached results (the range table changed)."""
    _cached.cache_clear()


def check_vital(
    kind: str,
    text: str,
    *,
    age_years: float | None = None,
    system: System = "us",
    ranges: RangeTable | None = None,
) -> VitalCheck:
    """Read and check one typed reading of ``kind``: the contract every validator keeps.

    Never raises for any ``text``; ValueError only for an unknown ``kind`` or ``system`` (a
    programming error). ``ranges`` overrides the clinic's default table (results then are not
    cached).
    """
    if kind not in KIND_SPECS:
        raise ValueError(f"unknown kind of measurement: {kind!r}")
    if system not in ("us", "metric"):
        raise ValueError(f"unknown unit system: {system!r} (use 'us' or 'metric')")
    if ranges is not None:
        return _check(kind, text, ranges.bounds(kind, age_years), system)
    band = default_table().kinds[kind].band_index(age_years)
    return _cached(kind, text, band, system, table_generation())


M = TypeVar("M", bound="Measurement")


@overload
def to_measurement(
    check: VitalCheck, *, taken_at: datetime | None = None, cls: None = None, **extra: Any
) -> Measurement: ...
@overload
def to_measurement(
    check: VitalCheck, *, taken_at: datetime | None = None, cls: type[M], **extra: Any
) -> M: ...
def to_measurement(
    check: VitalCheck,
    *,
    taken_at: datetime | None = None,
    cls: type[Measurement] | None = None,
    **extra: Any,
) -> Measurement:
    """Build the model for a checked reading (``cls``: Measurement, Temperature, SpO2, ...).

    ValueError with the check's message when the reading is invalid or impossible: such a value
    is never saved.
    """
    if not check.ok:
        raise ValueError(
            f"{check.kind}: an {check.status} reading cannot be saved. {check.message}"
        )
    from kiosk import models

    model = cls or models.Measurement
    fields: dict[str, Any] = {
        "kind": check.kind,
        "entered": check.entered,
        "value": check.value,
        "unit": check.unit,
        "entered_value": check.entered_value,
        "entered_unit": check.entered_unit,
        "status": check.status,
        "message": check.message,
    }
    if taken_at is not None:
        fields["taken_at"] = taken_at
    return model(**fields, **extra)
