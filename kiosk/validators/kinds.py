"""What each measured kind accepts: canonical unit, default units, nouns and rounding.

Kept apart from vitals.py so the parsing rules read as a table, and so the cross-field checks
can share the nouns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KindSpec:
    """How one kind of measurement is read and shown."""

    noun: str
    """Plain word for messages: "a temperature"."""
    canonical: str
    """UCUM unit stored and classified."""
    dimension: str
    """The :class:`kiosk.units.UnitSpec` dimension a typed unit must have."""
    default_us: str
    default_metric: str
    alternatives_us: tuple[str, ...]
    """Units tried, in order, when a bare number is impossible in the default unit."""
    alternatives_metric: tuple[str, ...]
    decimals: int
    """Canonical values are rounded to this many decimals (before any comparison)."""
    shown: int
    """Decimals when a value is shown in a message."""
    example: str
    """A correct spelling, for "Type ..." hints."""
    whole: bool = False
    """Only whole numbers are accepted (pain score)."""


KIND_SPECS: dict[str, KindSpec] = {
    "temperature": KindSpec(
        "a temperature",
        "Cel",
        "temperature",
        "[degF]",
        "Cel",
        ("Cel",),
        ("[degF]",),
        2,
        1,
        "98.6F or 37C",
    ),
    "weight": KindSpec(
        "a weight", "kg", "mass", "[lb_av]", "kg", ("kg",), ("[lb_av]",), 3, 1, "176 lb or 80 kg"
    ),
    "height": KindSpec(
        "a height",
        "cm",
        "length",
        "[in_i]",
        "cm",
        ("cm", "[ft_i]", "m"),
        ("m", "[in_i]"),
        2,
        1,
        "5'10\" or 178 cm",
    ),
    "head_circumference": KindSpec(
        "a head circumference",
        "cm",
        "length",
        "[in_i]",
        "cm",
        ("cm",),
        ("[in_i]",),
        2,
        1,
        "14 in or 35.5 cm",
    ),
    "systolic": KindSpec(
        "a systolic pressure", "mm[Hg]", "pressure", "mm[Hg]", "mm[Hg]", (), (), 2, 0, "120"
    ),
    "diastolic": KindSpec(
        "a diastolic pressure", "mm[Hg]", "pressure", "mm[Hg]", "mm[Hg]", (), (), 2, 0, "80"
    ),
    "pulse": KindSpec("a pulse", "/min", "rate", "/min", "/min", (), (), 2, 0, "72 or 72 bpm"),
    "respiratory_rate": KindSpec(
        "a respiratory rate", "/min", "rate", "/min", "/min", (), (), 2, 0, "16 or 16 /min"
    ),
    "spo2": KindSpec("an oxygen saturation", "%", "percent", "%", "%", (), (), 2, 0, "97 or 97%"),
    "pain": KindSpec(
        "a pain score", "{score}", "score", "{score}", "{score}", (), (), 0, 0, "7 or 7/10", True
    ),
    "glucose": KindSpec(
        "a glucose level",
        "mg/dL",
        "glucose",
        "mg/dL",
        "mg/dL",
        ("mmol/L",),
        ("mmol/L",),
        1,
        0,
        "99 mg/dL or 5.5 mmol/L",
    ),
}

DIMENSION_NOUNS: dict[str, str] = {
    "temperature": "a temperature",
    "mass": "a weight",
    "length": "a length",
    "pressure": "a pressure",
    "rate": "a rate per minute",
    "percent": "a percentage",
    "score": "a score",
    "glucose": "a glucose level",
}


def format_number(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` places, but never hiding a fraction of a whole-number kind."""
    text = f"{value:.{decimals}f}"
    if decimals == 0 and value != round(value):
        text = f"{value:g}"
    return text
