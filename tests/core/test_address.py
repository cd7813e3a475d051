"""Address checks (kiosk.validators.address): US state codes, ZIP / ZIP+4, other postal codes."""

from __future__ import annotations

import pytest

from kiosk.config import load_settings
from kiosk.errors import ConfigError
from kiosk.validators.address import US_STATES, check_postal_code, check_state


def test_fifty_states_dc_and_five_territories() -> None:
    assert len(US_STATES) == 56
    for code in ("DC", "PR", "GU", "VI", "AS", "MP", "WA", "WY"):
        assert code in US_STATES


@pytest.mark.parametrize("code", sorted(US_STATES))
def test_every_code_in_any_case_is_upper_cased(code: str) -> None:
    assert check_state(code.lower()) == check_state(f" {code} ")
    assert check_state(code.lower()).value == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Washington", "WA"),
        ("washington", "WA"),
        ("NEW  YORK", "NY"),
        ("District of Columbia", "DC"),
        ("Washington, D.C.", "DC"),
        ("U.S. Virgin Islands", "VI"),
        ("puerto rico", "PR"),
    ],
)
def test_a_full_name_is_answered_with_its_code(text: str, code: str) -> None:
    checked = check_state(text)
    assert not checked.ok
    assert checked.message.startswith(f"Use {code} for ")


@pytest.mark.parametrize("text", ["XX", "Wash", "W", "98101", "Ontario"])
def test_anything_else_is_refused_with_an_example(text: str) -> None:
    checked = check_state(text)
    assert not checked.ok
    assert "two-letter state code" in checked.message


def test_empty_is_fine_and_other_countries_take_a_region() -> None:
    assert check_state("   ").ok
    assert check_state("Ontario", country="CA").value == "Ontario"
    assert not check_state("x" * 51, country="FR").ok


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("98101", "98101"),
        (" 98101-1234 ", "98101-1234"),
        ("98101 1234", "98101-1234"),
        ("981011234", "98101-1234"),
        ("00501", "00501"),
    ],
)
def test_zip_and_zip_plus_4(text: str, value: str) -> None:
    assert check_postal_code(text).value == value


@pytest.mark.parametrize("text", ["98AB1", "9810", "981012", "98101-12", "98101-12345", "ABCDE"])
def test_bad_zip_codes(text: str) -> None:
    checked = check_postal_code(text)
    assert not checked.ok
    assert checked.message == "A ZIP code is 5 digits (12345) or ZIP+4 (12345-6789)."


@pytest.mark.parametrize(
    ("country", "text", "value"),
    [
        ("CA", "k1a0b1", "K1A 0B1"),
        ("ca", "K1A 0B1", "K1A 0B1"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("GB", "M1 1AE", "M1 1AE"),
        ("GB", "EC1A 1BB", "EC1A 1BB"),
        ("FR", "75008", "75008"),
        ("DE", "D-10115", "D-10115"),
    ],
)
def test_postal_codes_of_other_countries(country: str, text: str, value: str) -> None:
    assert check_postal_code(text, country=country).value == value


@pytest.mark.parametrize(
    ("country", "text"),
    [("CA", "12345"), ("CA", "K1A 0B"), ("GB", "12345"), ("GB", "SW1A"), ("FR", "x" * 11)],
)
def test_bad_postal_codes_of_other_countries(country: str, text: str) -> None:
    checked = check_postal_code(text, country=country)
    assert not checked.ok
    assert checked.message


def test_empty_postal_code_is_fine() -> None:
    assert check_postal_code("").ok
    assert check_postal_code("", country="CA").ok


def test_country_setting() -> None:
    assert load_settings(None).country == "US"
    assert load_settings(None, country="ca").country == "CA"
    for bad in ("USA", "1A", ""):
        with pytest.raises(ConfigError) as caught:
            load_settings(None, country=bad)
        assert caught.value.key == "country"
        assert "two-letter country code" in caught.value.reason
