"""The one table of vital kinds: how each is read, shown, typed, reviewed, coded and required.

Every per-kind fact lives in :data:`KIND_SPECS` — the parsing rules (canonical unit, default
units, nouns, rounding), the form field it is typed in, its review label, its LOINC coding and
the ``required_fields`` name that asks for it — and the range kinds, the vitals and point-of-care
forms, the review text and the FHIR codes are derived from it, so adding a kind touches this
table (plus its values in ``ranges.toml`` and its field in :class:`kiosk.models.Vitals`).
``tests/core/test_kind_table.py`` fails for a half-added kind.

The table's order is the range table's (``ranges.toml`` messages list the kinds in it); the
forms, the review and the export follow the order of the Vitals model's fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Coding:
    """One LOINC code and its display (the system is LOINC for every vital kind)."""

    code: str
    display: str


@dataclass(frozen=True, slots=True)
class FormField:
    """Where a kind is typed: the field's label, widget id and placeholder per unit system."""

    label: str
    widget_id: str
    """The Input's id (prefixed with its step, as the step protocol requires). Blood pressure
    is repeated: its fields are ``<widget_id>-0``, ``-1``, ..."""
    placeholder_us: str
    """Placeholder in a US clinic: the unit a bare number is read in."""
    placeholder_metric: str
    trend: bool = False
    """Show the trend of the last visits beside the field."""

    def placeholder(self, system: str) -> str:
        return self.placeholder_us if system == "us" else self.placeholder_metric


@dataclass(frozen=True, slots=True)
class KindSpec:
    """Everything about one kind of measurement."""

    kind: str
    noun: str
    """Plain word for messages: "a temperature"."""
    canonical: str
    """UCUM unit stored and classified (and the unit its ranges are written in)."""
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
    label: str
    """The review's name for a reading of this kind: "Respiratory rate"."""
    field: FormField
    loinc: tuple[Coding, ...]
    """The Observation.code codings, the first being the kind's own code."""
    required: tuple[str, str]
    """The ``required_fields`` name asking for this kind, and its plain words for the review."""
    loinc_text: str = ""
    """Observation.code.text, where the codings alone would not say it plainly."""
    unit_loinc: tuple[tuple[str, Coding], ...] = ()
    """A code replacing the first when the reading was typed in that unit (glucose in mmol/L)."""
    fhir_units: frozenset[str] = frozenset()
    """Units exported as typed (98.6 [degF] rather than 36.99999 Cel): only those the FHIR
    vital-signs profile allows for the kind. Any other unit goes in the canonical one."""
    whole: bool = False
    """Only whole numbers are accepted (pain score)."""
    bare_spans: tuple[tuple[str, float, float], ...] = ()
    """(unit, low, high): the span a bare number is usually typed in, in that unit. A bare
    number possible in the default unit but outside its span, and inside another unit's span,
    is refused with that unit proposed rather than guessed."""


BLOOD_PRESSURE_FIELD = FormField("Blood pressure", "vitals-bp", "sys/dia", "sys/dia")
"""Systolic and diastolic are typed together, "120/80", in one (repeatable) field."""
_BP_REQUIRED = ("vitals.blood_pressure", "blood pressure")

_SPECS = (
    KindSpec(
        "temperature",
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
        label="Temperature",
        field=FormField("Temperature", "vitals-temp", "°F", "°C"),
        loinc=(Coding("8310-5", "Body temperature"),),
        required=("vitals.temperature", "temperature"),
        fhir_units=frozenset({"Cel", "[degF]"}),
    ),
    KindSpec(
        "weight",
        "a weight",
        "kg",
        "mass",
        "[lb_av]",
        "kg",
        ("kg", "g"),
        ("[lb_av]", "g"),
        3,
        1,
        "176 lb or 80 kg",
        label="Weight",
        field=FormField("Weight", "vitals-weight", "lb", "kg", trend=True),
        loinc=(Coding("29463-7", "Body weight"),),
        required=("vitals.weight", "weight"),
        fhir_units=frozenset({"kg", "g", "[lb_av]"}),
    ),
    KindSpec(
        "height",
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
        label="Height",
        field=FormField("Height", "vitals-height", "in or 5'10\"", "cm"),
        loinc=(Coding("8302-2", "Body height"),),
        required=("vitals.height", "height"),
        fhir_units=frozenset({"cm", "[in_i]"}),
    ),
    KindSpec(
        "systolic",
        "a systolic pressure",
        "mm[Hg]",
        "pressure",
        "mm[Hg]",
        "mm[Hg]",
        (),
        (),
        2,
        0,
        "120",
        label="Systolic BP",
        field=BLOOD_PRESSURE_FIELD,
        loinc=(Coding("8480-6", "Systolic blood pressure"),),
        required=_BP_REQUIRED,
    ),
    KindSpec(
        "diastolic",
        "a diastolic pressure",
        "mm[Hg]",
        "pressure",
        "mm[Hg]",
        "mm[Hg]",
        (),
        (),
        2,
        0,
        "80",
        label="Diastolic BP",
        field=BLOOD_PRESSURE_FIELD,
        loinc=(Coding("8462-4", "Diastolic blood pressure"),),
        required=_BP_REQUIRED,
    ),
    KindSpec(
        "pulse",
        "a pulse",
        "/min",
        "rate",
        "/min",
        "/min",
        (),
        (),
        2,
        0,
        "72 or 72 bpm",
        label="Pulse",
        field=FormField("Pulse", "vitals-pulse", "/min", "/min"),
        loinc=(Coding("8867-4", "Heart rate"),),
        required=("vitals.pulse", "pulse"),
    ),
    KindSpec(
        "respiratory_rate",
        "a respiratory rate",
        "/min",
        "rate",
        "/min",
        "/min",
        (),
        (),
        2,
        0,
        "16 or 16 /min",
        label="Respiratory rate",
        field=FormField("Resp. rate", "vitals-rr", "/min", "/min"),
        loinc=(Coding("9279-1", "Respiratory rate"),),
        required=("vitals.respiratory_rate", "respiratory rate"),
    ),
    KindSpec(
        "spo2",
        "an oxygen saturation",
        "%",
        "percent",
        "%",
        "%",
        (),
        (),
        2,
        0,
        "97 or 97%",
        label="SpO2",
        field=FormField("SpO2", "vitals-spo2", "%", "%"),
        loinc=(
            Coding("2708-6", "Oxygen saturation in Arterial blood"),
            Coding("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
        ),
        loinc_text="Oxygen saturation",
        required=("vitals.spo2", "oxygen saturation"),
    ),
    KindSpec(
        "pain",
        "a pain score",
        "{score}",
        "score",
        "{score}",
        "{score}",
        (),
        (),
        0,
        0,
        "7 or 7/10",
        label="Pain",
        field=FormField("Pain", "vitals-pain", "0-10", "0-10"),
        loinc=(Coding("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),),
        required=("vitals.pain", "pain score"),
        whole=True,
    ),
    KindSpec(
        "glucose",
        "a glucose level",
        "mg/dL",
        "glucose",
        "mg/dL",
        "mmol/L",
        ("mmol/L",),
        ("mg/dL",),
        1,
        0,
        "99 mg/dL or 5.5 mmol/L",
        label="Fingerstick glucose",
        field=FormField("Glucose", "poc-glucose", "mg/dL", "mmol/L"),
        loinc=(Coding("41653-7", "Glucose [Mass/volume] in Capillary blood by Glucometer"),),
        unit_loinc=(
            (
                "mmol/L",
                Coding("14743-9", "Glucose [Moles/volume] in Capillary blood by Glucometer"),
            ),
        ),
        required=("poc.glucose", "fingerstick glucose"),
        # Glucose meters read about 20-600 mg/dL (1.1-33.3 mmol/L at 18.016) and show LO / HI
        # beyond (ranges.toml): a bare 12 is far more likely 12 mmol/L than 12 mg/dL.
        bare_spans=(("mg/dL", 20.0, 600.0), ("mmol/L", 1.1, 33.3)),
    ),
    KindSpec(
        "head_circumference",
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
        label="Head circumference",
        field=FormField("Head circ.", "vitals-head", "in", "cm"),
        loinc=(Coding("9843-4", "Head Occipital-frontal circumference"),),
        required=("vitals.head_circumference", "head circumference (under 2 years only)"),
        fhir_units=frozenset({"cm", "[in_i]"}),
    ),
)

KIND_SPECS: dict[str, KindSpec] = {spec.kind: spec for spec in _SPECS}
"""Every measured kind, in the range table's order."""


def required_names(section: str) -> dict[str, str]:
    """The ``required_fields`` names of the kinds in ``section`` ("vitals", "poc"), with their
    plain words, in table order (the two blood-pressure parts share one name)."""
    names: dict[str, str] = {}
    for spec in _SPECS:
        name, words = spec.required
        if name.startswith(f"{section}."):
            names[name] = words
    return names


DIMENSION_NOUNS: dict[str, str] = {
    "temperature": "a temperature",
    "mass": "a weight",
    "length": "a length",
    "pressure": "a pressure",
    "rate": "a rate per minute",
    "percent": "a percentage",
    "score": "a score",
    "glucose": "a glucose level",
    "flow": "an oxygen flow",
}


def format_number(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` places, but never hiding a fraction of a whole-number kind."""
    text = f"{value:.{decimals}f}"
    if decimals == 0 and value != round(value):
        text = f"{value:g}"
    return text
