"""check_vital / check_blood_pressure: typed text -> a checked, canonical reading (DESIGN §3).

The text is split by :func:`kiosk.units.split_quantity`, units are looked up in the alias table,
compounds (5'10", 5 lb 4 oz, 7/10) are assembled here, pint converts, and the range table
classifies. Nothing here raises for any text: unreadable input is a ``VitalCheck`` with status
``invalid`` and a message an MA understands.

Bare numbers take the clinic's default unit. If that reading is impossible but the same number
is possible in another unit (37.2 typed on a US kiosk), the result is ``invalid`` with a message
proposing every other unit in which it is possible, never the impossible value; so is a bare
number outside the span its default unit is usually typed in, when it is usual in another
(``KindSpec.bare_spans``: a bare glucose of 12 on a US kiosk). Heights: a bare US number is
inches, else cm, feet or metres are proposed (180 -> "did you mean 180 cm?", 1.78 -> "1.78 ft
or 1.78 m?"), and feet-dot-inches as feet and inches (5.10 -> "5'10\"?"; "5.10 ft" is asked
about too); a bare metric number is cm, else m or inches (1.78 -> "did you mean 1.78 m?").
Numbers above 10 million are refused before any conversion, and every message quoting the
text shows its invisible characters as escapes (:func:`kiosk.validators.text.visible`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from kiosk import units
from kiosk.validators.kinds import DIMENSION_NOUNS, KIND_SPECS, KindSpec
from kiosk.validators.messages import (
    allowed_span,
    feet_and_inches,
    feet_inches_text,
    flag_message,
    show,
)
from kiosk.validators.ranges import Bounds, RangeTable, default_table
from kiosk.validators.ranges import generation as table_generation
from kiosk.validators.text import hidden_char, visible

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.models import Measurement, Status

System = Literal["us", "metric"]
_RECORDABLE = frozenset({"critical-low", "low", "normal", "high", "critical-high"})
_MAX_TEXT = 40
_EXPONENT = re.compile(r"\d\s*[eE]\s*[+-]?\s*\d")
_MAX_NUMBER = 1e7
"""Larger numbers are refused before any conversion (the largest reading of any kind in any
unit is a weight of about 680 000 g), so no conversion can overflow."""


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
        return show(self.value, self.unit, spec.shown)


class _Unreadable(Exception):
    """Internal: the text cannot be read; the argument is the message for the MA."""


def _interpret(kind: str, spec: KindSpec, text: str) -> tuple[float, str | None, str]:
    """(number, UCUM unit or None for a bare number, the number as typed) from normalised
    text, or _Unreadable."""
    hidden = hidden_char(text)
    if hidden is not None:
        raise _Unreadable(
            f"'{visible(text)}' holds an invisible character ({hidden}). "
            f"Clear the field and type {spec.example}."
        )
    if text.startswith("-"):
        raise _Unreadable(f"{spec.noun.capitalize()} cannot be negative.")
    if "," in text:
        raise _Unreadable(f"Use a decimal point and no commas. Type {spec.example}.")
    if _EXPONENT.search(text):
        raise _Unreadable(f"Type the number in full, without an exponent. Type {spec.example}.")
    segments = units.split_quantity(text)
    if segments is None:
        raise _Unreadable(f"Cannot read '{visible(text)}'. Type {spec.example}.")
    if any(not math.isfinite(s.number) or s.number > _MAX_NUMBER for s in segments):
        raise _Unreadable("That number is too large to be a reading.")
    first = segments[0]
    if len(segments) == 1:
        if not first.unit_word:
            return first.number, None, first.number_text
        ucum = units.lookup_unit(first.unit_word)
        if ucum is None:
            if kind == "pain" and first.unit_word == "/":
                raise _Unreadable("Type the pain score as 7 or 7/10.")
            word = visible(first.unit_word)
            raise _Unreadable(f"Unknown unit '{word}'. Type {spec.example}.")
        if ucum == units.DEGREE:
            if kind != "temperature":
                raise _Unreadable(f"A degree sign is for temperatures, not {spec.noun}.")
            return first.number, None, first.number_text
        if ucum == "[ft_i]" and spec.dimension == "length":
            _refuse_dotted_feet(first)
        return first.number, ucum, first.number_text
    if len(segments) == 2:
        number, ucum = _compound(kind, spec, first, segments[1])
        return number, ucum, f"{number:g}"
    raise _Unreadable(f"Cannot read '{visible(text)}'. Type {spec.example}.")


def _refuse_dotted_feet(first: units.Segment) -> None:
    """A "5.10 ft" is more often 5'10" than 5.1 decimal feet: ask, never guess."""
    parts = feet_and_inches(first.number_text)
    if parts is None:
        return
    cm = units.convert(first.number, "[ft_i]", "cm")
    feet, inches = parts
    raise _Unreadable(
        f"{first.number_text} ft is unclear: {feet_inches_text(feet, inches)}, or "
        f"{first.number:g} decimal feet ({cm:.1f} cm)? Type {feet}'{inches}\" or {cm:.1f} cm."
    )


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
        f"Cannot read '{first.number_text}{visible(first.unit_word)} ...'. Type {spec.example}."
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


def _alternatives(spec: KindSpec, system: System, default: str) -> tuple[str, ...]:
    """Units tried for a bare number that does not fit ``default``, in order."""
    if default == (spec.default_us if system == "us" else spec.default_metric):
        return spec.alternatives_us if system == "us" else spec.alternatives_metric
    every = (spec.default_us, spec.default_metric, *spec.alternatives_us, *spec.alternatives_metric)
    return tuple(u for u in dict.fromkeys(every) if u != default)


def _plausible(spec: KindSpec, ucum: str, number: float) -> bool:
    """Whether a bare ``number`` is within the span a reading in ``ucum`` is usually typed in
    (``KindSpec.bare_spans``; a unit without a span is always plausible)."""
    for unit, low, high in spec.bare_spans:
        if unit == ucum:
            return low <= number <= high
    return True


def _to_canonical(number: float, ucum: str, spec: KindSpec) -> float | None:
    try:
        return round(units.convert(number, ucum, spec.canonical), spec.decimals)
    except ValueError:
        return None


def _suggest(
    number: float,
    number_text: str,
    spec: KindSpec,
    bounds: Bounds,
    default: str,
    alternatives: tuple[str, ...],
    *,
    possible: bool,
) -> str | None:
    """A message proposing the other plausible unit(s) for a bare number that does not fit
    the default unit (impossible in it, or ``possible`` but outside its usual span), or None.

    "37.2 is not a temperature in Fahrenheit — did you mean 37.2 °C? Type 37.2C."
    A height written feet-dot-inches is proposed as feet and inches: "5.10" -> 5'10".
    """
    meant, typed = [], []
    for ucum in alternatives:
        other = units.UNITS[ucum]
        dotted = feet_and_inches(number_text) if ucum == "[ft_i]" else None
        if dotted is not None:
            feet, inches = dotted
            canonical = _to_canonical(feet * 12 + inches, "[in_i]", spec)
            if canonical is not None and bounds.is_possible(canonical):
                meant.append(feet_inches_text(feet, inches))
                typed.append(f"{feet}'{inches}\"")
            continue
        canonical = _to_canonical(number, ucum, spec)
        if canonical is None or not bounds.is_possible(canonical):
            continue
        if not _plausible(spec, ucum, number):
            continue
        meant.append(f"{number_text} {other.symbol}")
        tight = other.dimension == "temperature"
        typed.append(f"{number_text}{other.symbol.lstrip('°')}" if tight else meant[-1])
    if not meant:
        return None
    name = units.UNITS[default].name
    question = f"did you mean {' or '.join(meant)}? Type {' or '.join(typed)}"
    if possible:
        unit = units.UNITS[default].symbol
        return (
            f"{number_text} is unusual for {spec.noun} in {name} — {question} "
            f"(or {number_text} {unit} if that is right)."
        )
    return f"{number_text} is not {spec.noun} in {name} — {question}."


def _check(
    kind: str, entered: str, bounds: Bounds, system: System, default_unit: str | None
) -> VitalCheck:
    spec = KIND_SPECS[kind]

    def invalid(message: str, value: float | None = None, ucum: str | None = None) -> VitalCheck:
        return VitalCheck(kind, entered, None, spec.canonical, "invalid", message, value, ucum)

    text = units.normalise_text(entered)
    if not text:
        return invalid("Enter a value.")
    if len(text) > _MAX_TEXT:
        return invalid(f"Too long for {spec.noun}. Type {spec.example}.")
    try:
        number, ucum, number_text = _interpret(kind, spec, text)
    except _Unreadable as problem:
        return invalid(str(problem))
    bare = ucum is None
    default = default_unit or (spec.default_us if system == "us" else spec.default_metric)
    ucum = ucum or default
    if units.UNITS[ucum].dimension != spec.dimension:
        return invalid(_wrong_kind(kind, spec, f"{number:g}", ucum), number, ucum)
    if spec.whole and number != int(number):
        return invalid("Pain is a whole number from 0 to 10.", number, ucum)
    value = _to_canonical(number, ucum, spec)
    if value is None:
        return invalid("That number is too large to be a reading.", number, ucum)
    possible = bounds.is_possible(value)
    if bare and (not possible or not _plausible(spec, ucum, number)):
        alternatives = _alternatives(spec, system, default)
        suggestion = _suggest(
            number, number_text, spec, bounds, default, alternatives, possible=possible
        )
        if suggestion is not None:
            return invalid(suggestion, number, ucum)
    if not possible:
        allowed = allowed_span(bounds, spec, ucum)
        message = f"Not possible for {spec.noun} (allowed {allowed}). Check the reading."
        return VitalCheck(kind, entered, value, spec.canonical, "impossible", message, number, ucum)
    status = bounds.classify(value)
    message = flag_message(status, value, bounds, spec, number, ucum)
    return VitalCheck(kind, entered, value, spec.canonical, status, message, number, ucum)


@lru_cache(maxsize=4096)
def _cached(
    kind: str, entered: str, band: int, system: System, default_unit: str | None, generation: int
) -> VitalCheck:
    """One check, cached per range-table ``generation`` (a new table never hits old results)."""
    ranges = default_table().kinds[kind]
    bounds = ranges.default if band < 0 else ranges.bands[band].bounds
    return _check(kind, entered, bounds, system, default_unit)


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
    default_unit: str | None = None,
) -> VitalCheck:
    """Read and check one typed reading of ``kind``: the contract every validator keeps.

    Never raises for any ``text``; ValueError only for an unknown ``kind``, ``system`` or
    ``default_unit`` (a programming error). ``ranges`` overrides the clinic's default table
    (results then are not cached). ``default_unit`` is the UCUM unit a bare number takes
    instead of the system's (the clinic's ``glucose_unit``).
    """
    if kind not in KIND_SPECS:
        raise ValueError(f"unknown kind of measurement: {kind!r}")
    if system not in ("us", "metric"):
        raise ValueError(f"unknown unit system: {system!r} (use 'us' or 'metric')")
    if default_unit is not None:
        unit = units.UNITS.get(default_unit)
        if unit is None or unit.dimension != KIND_SPECS[kind].dimension:
            raise ValueError(f"{default_unit!r} is not a unit of {KIND_SPECS[kind].noun}")
    if ranges is not None:
        return _check(kind, text, ranges.bounds(kind, age_years), system, default_unit)
    band = default_table().kinds[kind].band_index(age_years)
    return _cached(kind, text, band, system, default_unit, table_generation())


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
