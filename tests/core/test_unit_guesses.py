"""Bare numbers whose unit is a guess: glucose by the clinic's unit, heights written 5.10,
flag limits in the unit typed (issue 10, "Unit guesses that pick the wrong unit")."""

from __future__ import annotations

import pytest

from kiosk.validators import check_vital

# (text, system, default unit or None, status, value in mg/dL or None, words in the message)
GLUCOSE = [
    # Metric clinics type mmol/L: a bare number follows the clinic.
    ("12", "metric", None, "high", 216.2, "High: 12 mmol/L (216.2 mg/dL; normal up to 9.9"),
    ("5.5", "metric", None, "normal", 99.1, ""),
    ("2.7", "metric", None, "critical-low", 48.6, "limit 2.8 mmol/L — tell the provider now"),
    ("20", "metric", None, "high", 360.3, "20 mmol/L (360.3 mg/dL"),
    ("25", "metric", None, "critical-high", 450.4, "limit 22.2 mmol/L"),
    # Plausible only in mg/dL on a metric kiosk: refused, mg/dL proposed.
    ("80", "metric", None, "invalid", None, "did you mean 80 mg/dL?"),
    ("120", "metric", None, "invalid", None, "did you mean 120 mg/dL?"),
    ("99 mg/dL", "metric", None, "normal", 99.0, ""),
    # US clinics type mg/dL; a bare number only a meter in mmol/L shows is asked about.
    ("99", "us", None, "normal", 99.0, ""),
    ("12", "us", None, "invalid", None, "did you mean 12 mmol/L?"),
    ("5.5", "us", None, "invalid", None, "did you mean 5.5 mmol/L?"),
    ("19", "us", None, "invalid", None, "(or 19 mg/dL if that is right)"),
    ("700", "us", None, "critical-high", 700.0, None),  # above a meter, possible in the lab
    ("45 mg/dL", "us", None, "critical-low", 45.0, "Critical low: 45 mg/dL — tell the provider"),
    # The setting overrides the system, both ways.
    ("12", "us", "mmol/L", "high", 216.2, "12 mmol/L"),
    ("120", "metric", "mg/dL", "normal", 120.0, ""),
    ("5.5", "metric", "mg/dL", "invalid", None, "did you mean 5.5 mmol/L?"),
]


@pytest.mark.parametrize(("text", "system", "default", "status", "value", "words"), GLUCOSE)
def test_bare_glucose_follows_the_clinic_unit(
    text: str, system: str, default: str | None, status: str, value: float | None, words: str | None
) -> None:
    check = check_vital("glucose", text, system=system, default_unit=default)  # type: ignore[arg-type]
    assert check.status == status, check.message
    assert check.value == (None if value is None else pytest.approx(value, abs=0.05))
    if words:
        assert words in check.message
    elif words == "":
        assert check.message == ""


def test_a_bare_glucose_in_its_default_unit_records_that_unit() -> None:
    check = check_vital("glucose", "6.1", system="metric")
    assert (check.entered_value, check.entered_unit) == (6.1, "mmol/L")


def test_default_unit_must_be_of_the_kind() -> None:
    with pytest.raises(ValueError, match="not a unit of"):
        check_vital("glucose", "5", default_unit="kg")
    with pytest.raises(ValueError, match="not a unit of"):
        check_vital("glucose", "5", default_unit="furlong")


# Feet-dot-inches heights on a US kiosk: proposed as feet and inches, said so.
@pytest.mark.parametrize(
    ("text", "proposal"),
    [
        ("5.10", "5'10\" (read as 5 feet 10 inches, 177.8 cm)"),
        ("5.11", "5'11\" (read as 5 feet 11 inches, 180.3 cm)"),
        ("5.5", "5'5\" (read as 5 feet 5 inches, 165.1 cm)"),
        ("6.0", "6'0\" (read as 6 feet 0 inches, 182.9 cm)"),
        ("4.01", "4'1\" (read as 4 feet 1 inch, 124.5 cm)"),
    ],
)
def test_feet_dot_inches_is_proposed_as_feet_and_inches(text: str, proposal: str) -> None:
    check = check_vital("height", text)
    assert check.status == "invalid"
    assert f"did you mean {proposal}?" in check.message
    assert "decimal" not in check.message
    assert " ft" not in check.message


def test_decimal_feet_are_proposed_only_when_the_decimals_cannot_be_inches() -> None:
    assert "did you mean 5.25 ft?" in check_vital("height", "5.25").message
    assert "1.78 ft or 1.78 m?" in check_vital("height", "1.78").message
    # 1.8 may be 1'8" (a baby) or 1.8 m: both are offered, neither is guessed.
    assert "did you mean 1'8\" (read as 1 foot 8 inches, 50.8 cm) or 1.8 m?" in (
        check_vital("height", "1.8").message
    )


@pytest.mark.parametrize("text", ["5.10 ft", "5.5 ft", "5.10'", "5.11 feet"])
def test_dotted_feet_with_a_unit_are_asked_about(text: str) -> None:
    check = check_vital("height", text)
    assert check.status == "invalid"
    assert "is unclear" in check.message
    assert "decimal feet" in check.message


def test_decimal_feet_that_cannot_be_inches_are_read() -> None:
    assert check_vital("height", "5.75 ft").value == pytest.approx(175.26)
    assert check_vital("height", "5'10\"").value == pytest.approx(177.8)


# Flag messages: the reading in the unit typed and the canonical one, the limit as typed.
@pytest.mark.parametrize(
    ("kind", "text", "system", "message"),
    [
        ("temperature", "101.5", "us", "High: 101.5 °F (38.6 °C; normal up to 100.4 °F)."),
        (
            "temperature",
            "104.5F",
            "metric",
            "Critical high: 104.5 °F (40.3 °C), limit 104.0 °F — tell the provider now.",
        ),
        ("temperature", "96", "us", "Low: 96 °F (35.6 °C; normal from 97.0 °F)."),
        ("temperature", "38.5C", "us", "High: 38.5 °C (normal up to 38.0 °C)."),
        (
            "glucose",
            "2.7 mmol/L",
            "us",
            "Critical low: 2.7 mmol/L (48.6 mg/dL), limit 2.8 mmol/L — tell the provider now.",
        ),
        ("glucose", "250", "us", "High: 250 mg/dL (normal up to 180 mg/dL)."),
    ],
)
def test_flag_messages_show_limits_in_the_unit_typed(
    kind: str, text: str, system: str, message: str
) -> None:
    assert check_vital(kind, text, system=system).message == message  # type: ignore[arg-type]


def test_a_limit_in_another_unit_is_rounded_towards_normal() -> None:
    """A flagged value is never shown on the normal side of its limit."""
    for tenths in range(20, 400):
        mmol = tenths / 10
        check = check_vital("glucose", f"{mmol} mmol/L")
        if check.status in ("critical-low", "low"):
            limit = float(check.message.rsplit(" mmol/L", 2)[-2].rsplit(" ", 1)[-1])
            assert mmol < limit or (check.status == "critical-low" and mmol <= limit)
        if check.status in ("critical-high", "high"):
            limit = float(check.message.rsplit(" mmol/L", 2)[-2].rsplit(" ", 1)[-1])
            assert mmol > limit or (check.status == "critical-high" and mmol >= limit)
