"""Clinical units: the package's one pint registry, a strict tokenizer and an alias table.

Why not hand the typed text to pint's parser? Because it reads clinical spellings wrongly and
silently: a bare ``F`` is farad, ``"5 ft 10 in"`` is 50 ft·in, ``""`` is 1, ``"120/80 mmHg"`` is
1.5 mmHg and ``mm[Hg]`` is unknown. So text is split here into (number, unit word) pairs by a
small regex tokenizer, each unit word is looked up in :data:`ALIASES` (clinical spellings ->
UCUM code), and pint only converts a known number between two known units.

pint is slow to import and to build a registry (benchmarks/README.md), so the registry is
created on first use, and each (from, to) unit pair is converted by pint once to derive an
affine map ``y = a + b*x`` that is reused (all clinical conversions here, °F -> °C included,
are affine).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pint import UnitRegistry

GLUCOSE_MOLAR_MASS_G_PER_MOL = 180.16
"""Molar mass of glucose used for mg/dL <-> mmol/L (docs/CLINICAL.md: mmol/L = mg/dL / 18.016)."""


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A unit the kiosk understands: its UCUM code, its pint name and what it measures."""

    ucum: str
    pint: str
    dimension: str
    """One of: temperature, mass, length, pressure, rate, percent, score, glucose, flow."""
    symbol: str
    """How the unit is shown to people, e.g. "°F", "mmHg"."""
    name: str
    """Plain word for messages, e.g. "Fahrenheit", "pounds"."""


UNITS: dict[str, UnitSpec] = {
    u.ucum: u
    for u in (
        UnitSpec("Cel", "degC", "temperature", "°C", "Celsius"),
        UnitSpec("[degF]", "degF", "temperature", "°F", "Fahrenheit"),
        UnitSpec("kg", "kilogram", "mass", "kg", "kilograms"),
        UnitSpec("g", "gram", "mass", "g", "grams"),
        UnitSpec("[lb_av]", "pound", "mass", "lb", "pounds"),
        UnitSpec("[oz_av]", "ounce", "mass", "oz", "ounces"),
        UnitSpec("cm", "centimeter", "length", "cm", "centimetres"),
        UnitSpec("mm", "millimeter", "length", "mm", "millimetres"),
        UnitSpec("m", "meter", "length", "m", "metres"),
        UnitSpec("[in_i]", "inch", "length", "in", "inches"),
        UnitSpec("[ft_i]", "foot", "length", "ft", "feet"),
        UnitSpec("mm[Hg]", "millimeter_Hg", "pressure", "mmHg", "mmHg"),
        UnitSpec("kPa", "kilopascal", "pressure", "kPa", "kilopascals"),
        UnitSpec("/min", "1/minute", "rate", "/min", "per minute"),
        UnitSpec("%", "percent", "percent", "%", "percent"),
        UnitSpec("{score}", "dimensionless", "score", "/10", "points"),
        UnitSpec("mg/dL", "milligram/deciliter", "glucose", "mg/dL", "mg/dL"),
        UnitSpec("mmol/L", "millimole/liter", "glucose", "mmol/L", "mmol/L"),
        UnitSpec("L/min", "liter/minute", "flow", "L/min", "litres per minute"),
    )
}

DEGREE = "degree"
"""Pseudo unit for a bare degree sign ("98.6°"): a temperature whose scale the kiosk infers."""

_ALIAS_GROUPS: dict[str, tuple[str, ...]] = {
    "[degF]": ("f", "°f", "degf", "deg f", "degreesf", "degrees f", "degree f", "fahrenheit"),
    "Cel": ("c", "°c", "degc", "deg c", "degreesc", "degrees c", "degree c", "celsius"),
    DEGREE: ("°", "deg", "degs", "degree", "degrees"),
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes"),
    "g": ("g", "gm", "gms", "gram", "grams", "gramme", "grammes"),
    "[lb_av]": ("lb", "lbs", "#", "pound", "pounds", "lb_av", "[lb_av]"),
    "[oz_av]": ("oz", "ozs", "ounce", "ounces"),
    "cm": ("cm", "cms", "centimeter", "centimeters", "centimetre", "centimetres"),
    "mm": ("mm", "millimeter", "millimeters", "millimetre", "millimetres"),
    "m": ("m", "meter", "meters", "metre", "metres"),
    "[in_i]": ("in", "ins", "inch", "inches", '"', "''", "[in_i]"),
    "[ft_i]": ("ft", "feet", "foot", "'", "[ft_i]"),
    "mm[Hg]": ("mmhg", "mm hg", "mm[hg]", "mm of hg", "millimeters of mercury", "torr"),
    "kPa": ("kpa",),
    "/min": (
        "/min",
        "per min",
        "per minute",
        "bpm",
        "beats/min",
        "beats per min",
        "beats per minute",
        "beats/minute",
        "breaths/min",
        "breaths per min",
        "breaths per minute",
        "breaths/minute",
        "b/min",
        "br/min",
        "bts/min",
        "min-1",
        "/minute",
    ),
    "%": ("%", "percent", "pct"),
    "mg/dL": ("mg/dl", "mg per dl", "mg/100ml"),
    "mmol/L": ("mmol/l", "mmol", "mmol per l", "mm/l"),
    "L/min": (
        "l",
        "l/min",
        "lpm",
        "l per min",
        "l per minute",
        "l/minute",
        "liters/min",
        "litres/min",
        "liters per min",
        "litres per min",
        "liters per minute",
        "litres per minute",
        "liter/min",
        "litre/min",
    ),
}

ALIASES: dict[str, str] = {
    alias: ucum for ucum, aliases in _ALIAS_GROUPS.items() for alias in aliases
}
"""Normalised unit word (lower case, single spaces) -> UCUM code (or :data:`DEGREE`)."""
ALIASES.update({alias.replace(" ", ""): ucum for alias, ucum in list(ALIASES.items())})

_QUOTES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "”": '"',
        "“": '"',
        "″": '"',
        "º": "°",
        "˚": "°",
        "−": "-",
        "–": "-",
        "\u00a0": " ",
    }
)


def normalise_text(text: str) -> str:
    """Fold the typographic variants a keyboard or paste produces into plain ASCII-ish text."""
    if not text.isascii():
        # Fold before NFKC too: NFKC turns the ordinal "º" (often typed for "°") into "o".
        text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).translate(_QUOTES)
    return text.strip()


def lookup_unit(word: str) -> str | None:
    """The UCUM code (or :data:`DEGREE`) for a unit word as typed, or None if unknown."""
    key = " ".join(word.lower().split())
    found = ALIASES.get(key)
    if found is None and key.endswith("."):
        found = ALIASES.get(key.rstrip(".").strip())
    if found is None:
        found = ALIASES.get(key.replace(" ", "").rstrip("."))
    return found


_NUMBER = r"\d+(?:\.\d*)?|\.\d+"
"""Digits with an optional decimal point: no sign, no exponent ("1e3" is a number and a unit
word "e", which no unit has), no digit separators ("1_5"), unlike Python's float()."""
_SEGMENT = re.compile(rf"\s*({_NUMBER})\s*((?:[^\d.\s]|\.(?!\d)|\s+(?=[^\d.\s]))*)")
"""One number and the unit word after it (any run of non-digits, dots not followed by a digit)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One ``number unit-word`` piece of typed text, e.g. (5.0, "ft") in "5 ft 10 in"."""

    number: float
    unit_word: str
    number_text: str


def split_quantity(text: str) -> list[Segment] | None:
    """Split normalised text into number/unit-word segments; None if it is not that shape.

    "5 ft 10 in" -> [(5, "ft"), (10, "in")]; "98.6 deg F" -> [(98.6, "deg F")];
    "120/80" -> [(120, "/"), (80, "")]. Numbers may be huge ("9" * 40): the caller checks.
    """
    segments: list[Segment] = []
    pos, end = 0, len(text)
    while pos < end:
        match = _SEGMENT.match(text, pos)
        if match is None or match.end() == pos:
            return None
        number_text, word = match.group(1), match.group(2).strip()
        segments.append(Segment(float(number_text), word, number_text))
        pos = match.end()
    return segments or None


# --------------------------------------------------------------------------- pint, lazily


@lru_cache(maxsize=1)
def registry() -> UnitRegistry[Any]:
    """The package's one pint registry, built on first use (pint is slow to import)."""
    import pint

    return pint.UnitRegistry(cache_folder=":auto:", autoconvert_offset_to_baseunit=True)


def quantity(value: float, ucum: str) -> Any:
    """A pint Quantity for ``value`` in the UCUM unit ``ucum`` (a key of :data:`UNITS`)."""
    return registry().Quantity(value, UNITS[ucum].pint)


def _pint_convert(value: float, source: str, target: str) -> float:
    qty = quantity(value, source)
    src_dim, dst_dim = UNITS[source].dimension, UNITS[target].dimension
    if src_dim != dst_dim:
        raise ValueError(f"cannot convert {UNITS[source].name} to {UNITS[target].name}")
    if source == "mmol/L" and target != "mmol/L":
        qty = qty * registry().Quantity(GLUCOSE_MOLAR_MASS_G_PER_MOL, "g/mol")
    elif target == "mmol/L" and source != "mmol/L":
        qty = qty / registry().Quantity(GLUCOSE_MOLAR_MASS_G_PER_MOL, "g/mol")
    return float(qty.to(UNITS[target].pint).magnitude)


@lru_cache(maxsize=256)
def _affine(source: str, target: str) -> tuple[float, float]:
    offset = _pint_convert(0.0, source, target)
    return offset, _pint_convert(1.0, source, target) - offset


def convert(value: float, source: str, target: str) -> float:
    """``value`` in UCUM unit ``source`` expressed in ``target`` (unrounded).

    pint does each unit pair once; the affine map it yields is cached. ValueError for units of
    different dimensions (weight to length) or unknown codes.
    """
    if source == target:
        return value
    if source not in UNITS or target not in UNITS:
        raise ValueError(f"unknown unit {source!r} or {target!r}")
    offset, scale = _affine(source, target)
    result = offset + scale * value
    if not math.isfinite(result):
        raise ValueError("the converted value is not a finite number")
    return result


def warm_up() -> None:
    """Build the registry and every conversion now, e.g. in a start-up worker,
    so the first reading typed does not wait for pint."""
    for source in UNITS:
        for target in UNITS:
            if source != target and UNITS[source].dimension == UNITS[target].dimension:
                _affine(source, target)


def symbol(ucum: str) -> str:
    """The unit as shown to people ("mm[Hg]" -> "mmHg"); the code itself if unknown."""
    spec = UNITS.get(ucum)
    return spec.symbol if spec is not None else ucum
