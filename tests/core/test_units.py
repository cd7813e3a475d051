"""kiosk.units: the tokenizer, the alias table and pint-backed exact conversions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kiosk import units
from kiosk.units import Segment, convert, lookup_unit, normalise_text, split_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("98.6F", [(98.6, "F")]),
        ("98.6 deg F", [(98.6, "deg F")]),
        ("5 ft 10 in", [(5.0, "ft"), (10.0, "in")]),
        ("5ft10in", [(5.0, "ft"), (10.0, "in")]),
        ("5'10\"", [(5.0, "'"), (10.0, '"')]),
        ("5' 10\"", [(5.0, "'"), (10.0, '"')]),
        ("120 / 80 mmHg", [(120.0, "/"), (80.0, "mmHg")]),
        ("176 lbs.", [(176.0, "lbs.")]),
        (".5 kg", [(0.5, "kg")]),
        ("72", [(72.0, "")]),
        ("2e2 kg", [(2.0, "e"), (2.0, "kg")]),  # no exponents: "e" is a (unknown) unit word
    ],
)
def test_split_quantity(text: str, expected: list[tuple[float, str]]) -> None:
    segments = split_quantity(text)
    assert segments is not None
    assert [(s.number, s.unit_word) for s in segments] == expected


@pytest.mark.parametrize("text", ["", "kg", "abc", "F 98", "..."])
def test_split_quantity_rejects_text_without_a_leading_number(text: str) -> None:
    assert split_quantity(text) is None


def test_huge_exponent_is_infinite_not_an_error() -> None:
    assert split_quantity("1e400") == [Segment(1.0, "e", "1"), Segment(400.0, "", "400")]
    assert split_quantity("1" + "0" * 39) == [Segment(1e39, "", "1" + "0" * 39)]


@pytest.mark.parametrize(
    ("word", "ucum"),
    [
        ("F", "[degF]"),
        ("°f", "[degF]"),
        ("deg  F", "[degF]"),
        ("Fahrenheit", "[degF]"),
        ("C", "Cel"),
        ("°C", "Cel"),
        ("°", units.DEGREE),
        ("LBS", "[lb_av]"),
        ("lbs.", "[lb_av]"),
        ("#", "[lb_av]"),
        ("Kg", "kg"),
        ("'", "[ft_i]"),
        ('"', "[in_i]"),
        ("''", "[in_i]"),
        ("MMHG", "mm[Hg]"),
        ("mm Hg", "mm[Hg]"),
        ("bpm", "/min"),
        ("breaths / min", "/min"),
        ("%", "%"),
        ("mmol/L", "mmol/L"),
        ("MG/DL", "mg/dL"),
    ],
)
def test_lookup_unit(word: str, ucum: str) -> None:
    assert lookup_unit(word) == ucum


@pytest.mark.parametrize("word", ["farad", "coulomb", "furlong", "mg", "", "/"])
def test_lookup_unit_unknown(word: str) -> None:
    assert lookup_unit(word) is None


def test_normalise_text_folds_typography() -> None:
    assert normalise_text(" 5’10” ") == "5'10\""
    assert normalise_text("5′10″") == "5'10\""
    assert normalise_text("37 ºC") == "37 °C"
    assert normalise_text("37℃") == "37°C"
    assert normalise_text("−3") == "-3"
    assert normalise_text("98.6\u00a0F") == "98.6 F"


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1, "[in_i]", "cm", 2.54),
        (70, "[in_i]", "cm", 177.8),
        (1, "[lb_av]", "kg", 0.45359237),
        (16, "[oz_av]", "[lb_av]", 1.0),
        (1, "[ft_i]", "[in_i]", 12.0),
        (98.6, "[degF]", "Cel", 37.0),
        (212, "[degF]", "Cel", 100.0),
        (-40, "Cel", "[degF]", -40.0),
        (1.78, "m", "cm", 178.0),
        (1000, "g", "kg", 1.0),
        (18.016, "mg/dL", "mmol/L", 1.0),
        (5.5, "mmol/L", "mg/dL", 99.088),
        (1, "kPa", "mm[Hg]", 7.500617),
        (80, "kg", "kg", 80.0),
    ],
)
def test_convert_exact_clinical_factors(
    value: float, source: str, target: str, expected: float
) -> None:
    assert convert(value, source, target) == pytest.approx(expected, rel=1e-6)


def test_38_celsius_is_not_quite_100_4_fahrenheit_unrounded() -> None:
    # The STYLE.md trap: callers must round before comparing with a threshold.
    assert round(convert(38, "Cel", "[degF]"), 6) == 100.4


def test_convert_refuses_other_dimensions_and_unknown_units() -> None:
    with pytest.raises(ValueError, match="cannot convert"):
        convert(1, "kg", "cm")
    with pytest.raises(ValueError, match="unknown unit"):
        convert(1, "kg", "stone")


def test_one_registry_for_the_package() -> None:
    assert units.registry() is units.registry()
    qty = units.quantity(98.6, "[degF]")
    assert qty.to("degC").magnitude == pytest.approx(37.0)


def test_importing_the_core_does_not_import_pint() -> None:
    code = (
        "import sys, kiosk.units, kiosk.validators, kiosk.validators.cross, "
        "kiosk.validators.identity; print('pint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_warm_up_caches_every_same_dimension_pair() -> None:
    units.warm_up()
    info = units._affine.cache_info()
    same_dimension = sum(
        1
        for a in units.UNITS.values()
        for b in units.UNITS.values()
        if a is not b and a.dimension == b.dimension
    )
    assert info.currsize >= same_dimension
    assert units._affine("[degF]", "Cel") == pytest.approx((-160 / 9, 5 / 9))


def test_symbols() -> None:
    assert units.symbol("mm[Hg]") == "mmHg"
    assert units.symbol("Cel") == "°C"
    assert units.symbol("kg/m2") == "kg/m2"
