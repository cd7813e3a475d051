"""Identity validators: date of birth, names, phone, MRN, member id."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.validators.identity import (
    check_birth_date,
    check_member_id,
    check_mrn,
    check_name,
    check_phone,
)

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07/04/1980", date(1980, 7, 4)),
        ("7/4/1980", date(1980, 7, 4)),
        ("07-04-1980", date(1980, 7, 4)),
        ("1980-07-04", date(1980, 7, 4)),
        (" 1980-7-4 ", date(1980, 7, 4)),
        ("07041980", date(1980, 7, 4)),
        ("02/29/2024", date(2024, 2, 29)),
        ("11/29/2026", TODAY),
        ("11/30/1900", date(1900, 11, 30)),
    ],
)
def test_birth_date_formats(text: str, expected: date) -> None:
    checked = check_birth_date(text, today=TODAY)
    assert checked.ok, checked.message
    assert checked.value == expected
    assert checked.message == ""


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter the date of birth"),
        ("July 4th", "Cannot read"),
        ("07/04/80", "four digits"),
        ("13/04/1980", "no month 13"),
        ("02/30/1980", "February 30, 1980 does not exist"),
        ("02/29/2023", "February 29, 2023 does not exist"),
        ("11/30/2026", "in the future"),
        ("11/29/1900", "older than 125"),
        ("1980/07/04", "Cannot read"),
    ],
)
def test_birth_date_rejections(text: str, words: str) -> None:
    checked = check_birth_date(text, today=TODAY)
    assert not checked.ok
    assert checked.value is None
    assert words in checked.message


def test_birth_date_age_limit_is_a_parameter() -> None:
    assert not check_birth_date("01/01/1950", today=TODAY, max_age=70).ok
    assert check_birth_date("01/01/1950", today=TODAY, max_age=80).ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Smith", "Smith"),
        ("  mary   ann ", "mary ann"),
        ("O’Neil", "O'Neil"),
        ("Smith-Jones", "Smith-Jones"),
        ("St. John", "St. John"),
        ("José", "José"),
        ("Jose\u0301", "José"),
        ("Nguyễn", "Nguyễn"),
        ("Łukasz", "Łukasz"),
        ("王", "王"),
    ],
)
def test_names_accept_letters_of_any_script(text: str, expected: str) -> None:
    checked = check_name(text)
    assert checked.ok, checked.message
    assert checked.value == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter the name"),
        ("   ", "Enter the name"),
        ("R2D2", "cannot contain digits"),
        ("Smith; DROP", "not ';'"),
        ("-Smith", "starts with a letter"),
        ("a" * 101, "longer than 100"),
    ],
)
def test_names_reject_other_characters(text: str, words: str) -> None:
    checked = check_name(text)
    assert not checked.ok
    assert words in checked.message


def test_name_label_and_length_are_parameters() -> None:
    checked = check_name("", label="family name")
    assert checked.message == "Enter the family name."
    assert not check_name("abcdef", max_length=5).ok


@pytest.mark.parametrize(
    "text",
    [
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "5551234567",
        "+1 555 123 4567",
        "1-555-123-4567",
    ],
)
def test_phone_formats_normalise(text: str) -> None:
    checked = check_phone(text)
    assert checked.ok, checked.message
    assert checked.value == "(555) 123-4567"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter a phone number"),
        ("555-1234", "10 digits; this has 7"),
        ("555-123-45678", "10 digits; this has 11"),
        ("(055) 123-4567", "cannot start with 0 or 1"),
        ("555-CALL-NOW", "digits only"),
        ("555 123 4567 x12", "digits only"),
        ("٥٥٥١٢٣٤٥٦٧", "digits only"),
    ],
)
def test_phone_rejections(text: str, words: str) -> None:
    checked = check_phone(text)
    assert not checked.ok
    assert words in checked.message


def test_mrn_default_format_and_normalisation() -> None:
    assert check_mrn(" ab 12345 ").value == "AB12345"
    assert not check_mrn("12345").ok
    assert "6 to 12 letters or digits" in check_mrn("12-345-678").message
    assert check_mrn("").message == "Enter the MRN."


def test_mrn_pattern_is_configurable() -> None:
    checked = check_mrn("MRN-000123", pattern=r"MRN-\d{6}", description="MRN- and six digits")
    assert checked.value == "MRN-000123"
    rejected = check_mrn("000123", pattern=r"MRN-\d{6}", description="MRN- and six digits")
    assert rejected.message == "The MRN should be MRN- and six digits."
    assert check_mrn("abc123", uppercase=False, pattern=r"[a-z0-9]{6}").value == "abc123"


def test_member_id() -> None:
    assert check_member_id("xyz 123-456-789").value == "XYZ123-456-789"
    assert not check_member_id("-123").ok
    assert not check_member_id("A").ok
    assert not check_member_id("A" * 41).ok
    assert check_member_id("A" * 40).ok
    assert check_member_id("AB").ok
    assert check_member_id("W1234 5678", pattern=r"W\d{8}").value == "W12345678"


def test_checked_results_are_frozen() -> None:
    checked = check_phone("555-123-4567")
    with pytest.raises(AttributeError):
        checked.ok = False  # type: ignore[misc]
