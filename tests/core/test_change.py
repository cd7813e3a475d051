"""Change from the last visit (kiosk.validators.change) and its limits in the clinic settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import ChangeLimitSettings, load_settings
from kiosk.errors import ConfigError
from kiosk.validators.change import (
    ChangeLimits,
    change_message,
    check_change,
    in_clinic_units,
)

LB = 0.45359237
ADULT, CHILD, NEWBORN = 40.0, 7.0, 0.02

Write = Callable[..., Path]


# ------------------------------------------------------------------ weight


def test_a_15_lb_drop_in_an_adult_is_flagged() -> None:
    change = check_change("weight", (180 - 15) * LB, 180 * LB, age_years=ADULT)
    assert change.flagged
    assert change.difference == pytest.approx(-15 * LB)
    message = change_message(change, "us", date(2026, 3, 1))
    assert message == "Weight 15 lb less than last visit (180 lb, 2026-03-01)"
    assert change_message(change, "metric") == "Weight 6.8 kg less than last visit (81.6 kg)"


@pytest.mark.parametrize(
    ("last", "now", "age", "flagged"),
    [
        (70.0, 73.5, ADULT, False),  # 5 % of 70 kg = 3.5 kg: on the limit
        (70.0, 73.6, ADULT, True),
        (70.0, 66.4, ADULT, True),  # either way
        (150.0, 154.9, ADULT, False),  # 5 kg is smaller than 5 % (7.5 kg)
        (150.0, 155.2, ADULT, True),
        (20.0, 21.0, CHILD, False),  # 5 % of 20 kg = 1 kg
        (20.0, 21.1, CHILD, True),  # a child's weight uses the same rule
        (3.5, 3.2, NEWBORN, True),  # 8.6 % lost
        (3.5, 3.6, NEWBORN, False),  # 2.9 % gained
    ],
)
def test_weight_is_flagged_beyond_the_smaller_of_5_percent_and_5_kg(
    last: float, now: float, age: float, flagged: bool
) -> None:
    assert check_change("weight", now, last, age_years=age).flagged is flagged


# ------------------------------------------------------------------ height


@pytest.mark.parametrize(
    ("last", "now", "age", "flagged"),
    [
        (170.0, 178.6, ADULT, True),  # the 8.6 cm
        (170.0, 161.4, ADULT, True),
        (170.0, 172.0, ADULT, False),  # 2 cm: on the limit
        (170.0, 168.5, ADULT, False),
        (170.0, 178.6, 18.0, True),  # 18 is an adult
        (170.0, 178.6, None, True),  # unknown age: adult rules
        (120.0, 128.6, CHILD, False),  # children grow
        (120.0, 119.5, CHILD, True),  # ... but do not shrink
        (120.0, 120.0, CHILD, False),
        (50.0, 58.0, NEWBORN, False),
        (50.0, 49.0, NEWBORN, True),
        (160.0, 168.6, 17.9, False),  # a teenager still growing
    ],
)
def test_height_limits_for_adults_and_children(
    last: float, now: float, age: float | None, flagged: bool
) -> None:
    assert check_change("height", now, last, age_years=age).flagged is flagged


def test_height_messages_in_us_and_metric_units() -> None:
    change = check_change("height", 178.6, 170.0, age_years=ADULT)
    assert change_message(change, "metric") == "Height 8.6 cm taller than last visit (170 cm)"
    assert change_message(change, "us", date(2026, 1, 5)) == (
        "Height 3.4 in taller than last visit (66.9 in, 2026-01-05)"
    )
    shrunk = check_change("height", 119.5, 120.0, age_years=CHILD)
    assert change_message(shrunk, "metric") == "Height 0.5 cm shorter than last visit (120 cm)"


def test_the_limits_are_the_clinic_s() -> None:
    strict = ChangeLimits(weight_percent=1, weight_kg=0.5, adult_height_cm=0.5)
    assert check_change("weight", 70.6, 70.0, age_years=ADULT, limits=strict).flagged
    assert check_change("height", 170.6, 170.0, age_years=ADULT, limits=strict).flagged
    loose = ChangeLimits(child_height_decrease_cm=1.0, adult_age_years=21)
    assert not check_change("height", 119.5, 120.0, age_years=CHILD, limits=loose).flagged
    assert not check_change("height", 178.6, 170.0, age_years=19, limits=loose).flagged


def test_only_weight_and_height_have_limits() -> None:
    with pytest.raises(ValueError, match="no change limits"):
        check_change("pulse", 80, 60, age_years=ADULT)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_limits_refuse_negative_or_non_finite_numbers(bad: float) -> None:
    with pytest.raises(ValueError, match="weight_kg"):
        ChangeLimits(weight_kg=bad)


# ------------------------------------------------------------------ clinic units


@pytest.mark.parametrize(
    ("kind", "canonical", "system", "text"),
    [
        ("weight", 74.9, "us", "165.1 lb"),
        ("weight", 74.9, "metric", "74.9 kg"),
        ("height", 177.8, "us", "70 in"),
        ("height", 177.8, "metric", "177.8 cm"),
        ("temperature", 37.0, "us", "98.6 °F"),
        ("temperature", 37.0, "metric", "37 °C"),
    ],
)
def test_values_in_the_unit_the_clinic_types(
    kind: str, canonical: float, system: str, text: str
) -> None:
    assert in_clinic_units(kind, canonical, system) == text  # type: ignore[arg-type]


# ------------------------------------------------------------------ settings


def test_packaged_config_holds_the_documented_defaults() -> None:
    limits = load_settings(None).change_limits
    assert limits == ChangeLimitSettings()
    assert limits.limits() == ChangeLimits()


def test_change_limits_from_the_file(write_config: Write) -> None:
    path = write_config("[change_limits]\nweight_percent = 3\nadult_height_cm = 1.5\n")
    limits = load_settings(path).change_limits.limits()
    assert (limits.weight_percent, limits.weight_kg, limits.adult_height_cm) == (3, 5, 1.5)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[change_limits]\nweight_percent = -3\n", "change_limits.weight_percent", "(got -3)"),
        ("[change_limits]\nweight_percent = 101\n", "change_limits.weight_percent", "100"),
        ("[change_limits]\nweight_kg = 'five'\n", "change_limits.weight_kg", "valid number"),
        ("[change_limits]\nadult_height_cm = nan\n", "change_limits.adult_height_cm", "finite"),
        ("[change_limits]\nweigth_kg = 3\n", "change_limits.weigth_kg", "'weight_kg'"),
        ("change_limits = 5\n", "change_limits", "[change_limits]"),
    ],
)
def test_bad_change_limits_name_the_key_and_the_reason(
    write_config: Write, text: str, key: str, words: str
) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.key == key
    assert words in caught.value.reason
    assert str(caught.value).startswith(f"{path}, key '{key}': ")


def test_change_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_CHANGE_LIMITS", '{"weight_kg": 2}')
    assert load_settings(None).change_limits.weight_kg == 2
    monkeypatch.setenv("KIOSK_CHANGE_LIMITS", '{"weight_kg": -2}')
    with pytest.raises(ConfigError) as caught:
        load_settings(None)
    assert caught.value.file == "environment variable KIOSK_CHANGE_LIMITS"
    assert caught.value.key == "weight_kg"
