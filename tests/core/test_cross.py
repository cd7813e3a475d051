"""Cross-field checks: BP order, BMI only for adults, weight and height swapped."""

from __future__ import annotations

import pytest

from kiosk.validators import check_vital
from kiosk.validators.cross import (
    bmi_applicability,
    check_bp_order,
    check_height_field,
    check_weight_field,
    check_weight_height,
)


def test_bp_order() -> None:
    assert check_bp_order(120, 80).ok
    assert check_bp_order(None, 80).ok
    assert check_bp_order(120, None).ok
    same = check_bp_order(90, 90)
    assert not same.ok
    assert same.fields == ("systolic", "diastolic")
    assert "Systolic (80) must be higher than diastolic (120)" in check_bp_order(80, 120).message


@pytest.mark.parametrize(
    ("age", "ok", "message"),
    [
        (18.0, True, ""),
        (64.5, True, ""),
        (17.99, False, "BMI-for-age percentile needed for children."),
        (2.0, False, "BMI-for-age percentile needed for children."),
        (None, False, "Age unknown: adult BMI classes need an age of 18 or more."),
    ],
)
def test_bmi_applies_to_adults_only(age: float | None, ok: bool, message: str) -> None:
    result = bmi_applicability(age)
    assert (result.ok, result.message) == (ok, message)


@pytest.mark.parametrize("text", ["5'10\"", "70 in", "5 ft 10 in", "178 cm"])
def test_height_in_the_weight_field(text: str) -> None:
    check = check_weight_field(text)
    assert check.status == "invalid"
    assert "This looks like a height" in check.message


@pytest.mark.parametrize("text", ["176 lbs", "80 kg", "7 lb 4 oz"])
def test_weight_in_the_height_field(text: str) -> None:
    check = check_height_field(text)
    assert check.status == "invalid"
    assert "This looks like a weight" in check.message


@pytest.mark.parametrize(
    ("weight", "height"),
    [("178", "80"), ("178 kg", "80 cm")],
)
def test_swapped_metric_numbers_are_caught(weight: str, height: str) -> None:
    result = check_weight_height(
        check_vital("weight", weight, system="metric"),
        check_vital("height", height, system="metric"),
    )
    assert not result.ok
    assert "look swapped" in result.message
    assert result.fields == ("weight", "height")


def test_fields_that_failed_alone_are_not_cross_checked() -> None:
    # A US swap of bare numbers (weight 70, height 176) is caught per field: 176 in is
    # impossible and the height field proposes cm; the cross check stays quiet.
    result = check_weight_height(check_vital("weight", "70 lb"), check_vital("height", "150 lb"))
    assert result.ok  # the height field itself is invalid: nothing to cross-check
    result = check_weight_height(check_vital("weight", "66 kg"), check_vital("height", "176 in"))
    assert result.ok  # 176 in is impossible in the height field: per-field message suffices


def test_implausible_but_not_swapped_asks_to_check_both() -> None:
    result = check_weight_height(check_vital("weight", "300 kg"), check_vital("height", "50 cm"))
    assert not result.ok
    assert "BMI of 1200" in result.message


@pytest.mark.parametrize(
    ("weight", "height"),
    [("176 lb", "5'10\""), ("80 kg", "178 cm"), ("7 lb 4 oz", "20 in"), ("40 kg", "150 cm")],
)
def test_plausible_pairs_pass(weight: str, height: str) -> None:
    assert check_weight_height(check_vital("weight", weight), check_vital("height", height)).ok


def test_unread_fields_are_not_cross_checked() -> None:
    assert check_weight_height(check_vital("weight", ""), check_vital("height", "178 cm")).ok
