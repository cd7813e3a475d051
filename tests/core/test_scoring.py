"""Scores against the published tables in docs/CLINICAL.md: every band edge on both sides."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.models import (
    BloodPressure,
    Encounter,
    Measurement,
    Patient,
    SpO2,
    Temperature,
    Vitals,
)
from kiosk.scoring import (
    News2,
    bmi,
    bmi_class,
    bmi_for,
    bmi_shown,
    bp_category,
    news2,
    news2_for,
    round_temperature,
)

NORMAL: dict[str, Any] = {
    "respiratory_rate": 16,
    "spo2": 98,
    "on_oxygen": False,
    "systolic": 120,
    "pulse": 70,
    "consciousness": "A",
    "temperature_c": 37.0,
}


def score(**changes: Any) -> News2:
    return news2(**{**NORMAL, **changes})


# --------------------------------------------------------------------------- BMI


def test_bmi_is_si_and_unrounded() -> None:
    assert bmi(70, 175) == pytest.approx(70 / 1.75**2, rel=1e-12)
    assert bmi(80, 200) == 20.0


@pytest.mark.parametrize(
    ("weight", "height"), [(0, 170), (70, 0), (-1, 170), (70, -5), (float("nan"), 170)]
)
def test_bmi_rejects_non_positive(weight: float, height: float) -> None:
    with pytest.raises(ValueError, match="must be a finite number"):
        bmi(weight, height)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10.0, "underweight"),
        (18.44, "underweight"),
        (18.449, "underweight"),
        (18.45, "underweight"),  # the float is 18.4499...: shown "18.4"
        (18.49, "normal"),  # shown "18.5": the class agrees with the number
        (18.49999, "normal"),
        (18.5, "normal"),
        (24.94, "normal"),
        (24.99, "pre-obese"),  # shown "25.0"
        (25.0, "pre-obese"),
        (29.94, "pre-obese"),
        (29.99, "obese-1"),  # shown "30.0"
        (29.996, "obese-1"),
        (30.0, "obese-1"),
        (34.94, "obese-1"),
        (34.96, "obese-2"),
        (35.0, "obese-2"),
        (39.94, "obese-2"),
        (39.95, "obese-3"),
        (40.0, "obese-3"),
        (70.0, "obese-3"),
    ],
)
def test_bmi_class_edges(value: float, expected: str) -> None:
    assert bmi_class(value) == expected


@settings(max_examples=500, deadline=None)
@given(value=st.floats(min_value=0.05, max_value=500, allow_nan=False))
def test_bmi_class_agrees_with_the_number_shown(value: float) -> None:
    shown = f"{value:.1f}"
    assert bmi_class(value) == bmi_class(float(shown))
    assert bmi_shown(value) == float(shown)


def test_bmi_class_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="BMI"):
        bmi_class(0)


# --------------------------------------------------------------------------- blood pressure


@pytest.mark.parametrize(
    ("systolic", "diastolic", "expected"),
    [
        (119, 79, "normal"),
        (120, 79, "elevated"),
        (129, 79, "elevated"),
        (130, 79, "stage-1"),
        (120, 80, "stage-1"),
        (119, 80, "stage-1"),
        (139, 89, "stage-1"),
        (140, 90, "stage-2"),
        (140, 70, "stage-2"),
        (118, 90, "stage-2"),
        (180, 120, "stage-2"),
        (181, 80, "crisis"),
        (100, 121, "crisis"),
        (180.5, 70, "crisis"),
        (125, 85, "stage-1"),  # the higher category wins
        (150, 85, "stage-2"),
    ],
)
def test_bp_category_edges(systolic: float, diastolic: float, expected: str) -> None:
    assert bp_category(systolic, diastolic) == expected


def test_bp_category_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="systolic"):
        bp_category(float("inf"), 80)
    with pytest.raises(ValueError, match="diastolic"):
        bp_category(120, -1)


# --------------------------------------------------------------------------- NEWS2 bands


def test_all_normal_scores_zero() -> None:
    result = score()
    assert result.total == 0
    assert result.risk == "low"
    assert set(result.components) == {
        "respiratory_rate",
        "spo2",
        "air_or_oxygen",
        "systolic",
        "pulse",
        "consciousness",
        "temperature",
    }


@pytest.mark.parametrize(
    ("value", "points"),
    [(0, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (60, 3)],
)
def test_respiratory_rate_bands(value: int, points: int) -> None:
    assert score(respiratory_rate=value).components["respiratory_rate"] == points


@pytest.mark.parametrize(
    ("value", "points"), [(70, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)]
)
def test_spo2_scale_1_bands(value: int, points: int) -> None:
    assert score(spo2=value).components["spo2"] == points
    # On scale 1 oxygen does not change the saturation points, only adds its own 2.
    on_o2 = score(spo2=value, on_oxygen=True)
    assert on_o2.components["spo2"] == points
    assert on_o2.components["air_or_oxygen"] == 2


@pytest.mark.parametrize(
    ("value", "on_oxygen", "points"),
    [
        (80, False, 3),
        (83, False, 3),
        (84, False, 2),
        (85, True, 2),
        (86, False, 1),
        (87, True, 1),
        (88, False, 0),
        (92, True, 0),
        (93, False, 0),
        (100, False, 0),
        (93, True, 1),
        (94, True, 1),
        (95, True, 2),
        (96, True, 2),
        (97, True, 3),
        (100, True, 3),
    ],
)
def test_spo2_scale_2_bands(value: int, on_oxygen: bool, points: int) -> None:
    result = score(spo2=value, on_oxygen=on_oxygen, spo2_scale=2)
    assert result.components["spo2"] == points
    assert result.spo2_scale == 2


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (60, 3),
        (90, 3),
        (91, 2),
        (100, 2),
        (101, 1),
        (110, 1),
        (111, 0),
        (219, 0),
        (220, 3),
        (250, 3),
    ],
)
def test_systolic_bands(value: int, points: int) -> None:
    assert score(systolic=value).components["systolic"] == points


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (30, 3),
        (40, 3),
        (41, 1),
        (50, 1),
        (51, 0),
        (90, 0),
        (91, 1),
        (110, 1),
        (111, 2),
        (130, 2),
        (131, 3),
        (180, 3),
    ],
)
def test_pulse_bands(value: int, points: int) -> None:
    assert score(pulse=value).components["pulse"] == points


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (34.0, 3),
        (35.0, 3),
        (35.1, 1),
        (36.0, 1),
        (36.1, 0),
        (38.0, 0),
        (38.1, 1),
        (39.0, 1),
        (39.1, 2),
        (41.0, 2),
    ],
)
def test_temperature_bands(value: float, points: int) -> None:
    assert score(temperature_c=value).components["temperature"] == points


@pytest.mark.parametrize(("level", "points"), [("A", 0), ("C", 3), ("V", 3), ("P", 3), ("U", 3)])
def test_consciousness(level: str, points: int) -> None:
    assert score(consciousness=level).components["consciousness"] == points


def test_air_or_oxygen() -> None:
    assert score(on_oxygen=False).components["air_or_oxygen"] == 0
    assert score(on_oxygen=True).components["air_or_oxygen"] == 2


# --------------------------------------------------------------------------- rounding rules


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (38.05, "38.1"),  # half up on the spelling, although the float is 38.04999...
        (38.04, "38.0"),
        (35.05, "35.1"),
        ((100.4 - 32) * 5 / 9, "38.0"),  # 100.4 °F
        ((96.8 - 32) * 5 / 9, "36.0"),  # 96.8 °F
    ],
)
def test_temperature_rounds_half_up_to_a_tenth(value: float, expected: str) -> None:
    assert str(round_temperature(value)) == expected


def test_temperature_rounding_changes_points() -> None:
    assert score(temperature_c=38.04).components["temperature"] == 0
    assert score(temperature_c=38.05).components["temperature"] == 1
    assert score(temperature_c=35.04).components["temperature"] == 3
    assert score(temperature_c=35.05).components["temperature"] == 1


def test_whole_number_parameters_round_half_up() -> None:
    assert score(pulse=90.4).components["pulse"] == 0
    assert score(pulse=90.5).components["pulse"] == 1
    assert score(respiratory_rate=20.5).components["respiratory_rate"] == 2
    assert score(systolic=110.49).components["systolic"] == 1
    assert score(spo2=95.5).components["spo2"] == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"spo2_scale": 3},
        {"consciousness": "X"},
        {"consciousness": "a"},
        {"spo2": 101},
        {"pulse": float("nan")},
        {"respiratory_rate": -1},
        {"temperature_c": float("inf")},
    ],
)
def test_news2_rejects_nonsense(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|cannot"):
        score(**changes)


# --------------------------------------------------------------------------- risk


def test_risk_low_up_to_four_without_a_three() -> None:
    result = score(respiratory_rate=22, pulse=95, temperature_c=38.5)  # 2 + 1 + 1
    assert result.total == 4
    assert result.risk == "low"
    assert not result.red_score


def test_a_single_three_is_low_medium() -> None:
    result = score(consciousness="C")
    assert result.total == 3
    assert result.risk == "low-medium"
    assert result.red_score
    result = score(respiratory_rate=25, pulse=95)  # 3 + 1
    assert (result.total, result.risk) == (4, "low-medium")


def test_medium_and_high() -> None:
    assert score(respiratory_rate=22, on_oxygen=True, pulse=95).total == 5
    assert score(respiratory_rate=22, on_oxygen=True, pulse=95).risk == "medium"
    # A three with a total of 5-6 is medium, not low-medium.
    six = score(respiratory_rate=25, pulse=115, temperature_c=38.5)  # 3 + 2 + 1
    assert (six.total, six.risk) == (6, "medium")
    seven = score(respiratory_rate=25, pulse=115, on_oxygen=True)  # 3 + 2 + 2
    assert (seven.total, seven.risk) == (7, "high")
    worst = news2(
        respiratory_rate=30,
        spo2=85,
        on_oxygen=True,
        systolic=85,
        pulse=140,
        consciousness="U",
        temperature_c=34.0,
    )
    assert worst.total == 3 + 3 + 2 + 3 + 3 + 3 + 3
    assert worst.risk == "high"


def test_total_is_the_sum_of_components() -> None:
    result = score(respiratory_rate=10, spo2=93, systolic=105, pulse=45, temperature_c=35.5)
    assert result.total == sum(result.components.values()) == 1 + 2 + 1 + 1 + 1


# --------------------------------------------------------------------------- from an encounter

TAKEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def reading(
    kind: str, value: float, unit: str, cls: type[Measurement] = Measurement, **extra: Any
) -> Any:
    return cls(
        kind=kind,
        entered=str(value),
        value=value,
        unit=unit,
        status="normal",
        taken_at=TAKEN,
        **extra,
    )


def encounter(birth: date = date(1970, 5, 1), **vitals: Any) -> Encounter:
    return Encounter(
        staff_id="ma1",
        started_at=TAKEN,
        patient=Patient(id="MRN1", family_name="Doe", given_name="Ada", birth_date=birth),
        vitals=Vitals(**vitals),
    )


def full_vitals() -> dict[str, Any]:
    return {
        "respiratory_rate": [reading("respiratory_rate", 16, "/min")],
        "pulse": [reading("pulse", 120, "/min"), reading("pulse", 72, "/min")],
        "temperature": [reading("temperature", 37.0, "Cel", Temperature)],
        "spo2": [reading("spo2", 95, "%", SpO2, on_oxygen=True, o2_flow_l_min=2)],
        "blood_pressure": [
            BloodPressure(
                systolic=reading("systolic", 95, "mm[Hg]"),
                diastolic=reading("diastolic", 60, "mm[Hg]"),
            )
        ],
        "weight": [reading("weight", 80, "kg")],
        "height": [reading("height", 200, "cm")],
    }


def test_news2_for_uses_the_latest_readings() -> None:
    result = news2_for(encounter(**full_vitals()))
    assert result is not None
    # pulse: the newer 72 (0), not 120; spo2 95 (1) + oxygen (2); systolic 95 (2).
    assert result.components == {
        "respiratory_rate": 0,
        "spo2": 1,
        "air_or_oxygen": 2,
        "systolic": 2,
        "pulse": 0,
        "consciousness": 0,
        "temperature": 0,
    }
    assert result.total == 5


def test_news2_for_skips_readings_not_taken() -> None:
    vitals = full_vitals()
    vitals["pulse"].append(
        Measurement(kind="pulse", unit="/min", not_taken="refused", taken_at=TAKEN)
    )
    result = news2_for(encounter(**vitals))
    assert result is not None
    assert result.components["pulse"] == 0


@pytest.mark.parametrize(
    "missing", ["respiratory_rate", "pulse", "temperature", "spo2", "blood_pressure"]
)
def test_news2_for_needs_every_reading(missing: str) -> None:
    vitals = full_vitals()
    del vitals[missing]
    assert news2_for(encounter(**vitals)) is None


def test_news2_for_is_not_for_children() -> None:
    assert news2_for(encounter(birth=date(2012, 1, 1), **full_vitals())) is None
    assert news2_for(encounter(birth=date(2010, 3, 2), **full_vitals())) is not None


def test_bmi_for() -> None:
    assert bmi_for(encounter(**full_vitals())) == 20.0
    vitals = full_vitals()
    del vitals["height"]
    assert bmi_for(encounter(**vitals)) is None


# --------------------------------------------------------------------------- the shared BP words


@pytest.mark.parametrize(
    ("systolic", "diastolic", "age", "expected"),
    [
        (128, 82, 40, "hypertension stage 1"),  # both parts in range, yet stage 1
        (300, 20, 40, "hypertensive crisis"),
        (118, 76, None, "normal"),  # unknown age: adult categories
        (125, 70, 18, "elevated"),  # 18 is an adult
        (128, 82, 17.9, "adult categories do not apply under 18"),
        (300, 20, 0.1, "adult categories do not apply under 18"),
    ],
)
def test_bp_category_text_is_the_words_both_screens_show(
    systolic: float, diastolic: float, age: float | None, expected: str
) -> None:
    from kiosk.scoring import bp_category_for_age, bp_category_text

    assert bp_category_text(systolic, diastolic, age) == expected
    applies = bp_category_for_age(systolic, diastolic, age)
    assert (applies is None) == (expected.startswith("adult categories"))


def test_news2_for_scores_with_the_recorded_scale_2() -> None:
    """The provider's prescribed 88-92 % target (Vitals.spo2_scale) is what NEWS2 uses."""
    values = full_vitals()
    values["spo2"] = [reading("spo2", 90, "%", SpO2)]  # on air, on target
    scale_1 = news2_for(encounter(**values))
    scale_2 = news2_for(encounter(**values, spo2_scale=2))
    assert scale_1 is not None
    assert scale_2 is not None
    assert (scale_1.spo2_scale, scale_1.components["spo2"]) == (1, 3)
    assert (scale_2.spo2_scale, scale_2.components["spo2"]) == (2, 0)
    assert news2_for(encounter(**values, spo2_scale=2), spo2_scale=1) == scale_1


def test_documents_without_a_scale_load_as_scale_1() -> None:
    doc = encounter(**full_vitals()).model_dump(mode="json")
    del doc["vitals"]["spo2_scale"]
    assert Encounter.model_validate(doc).vitals.spo2_scale == 1


def test_the_review_shows_scale_2() -> None:
    from kiosk.screens.review_text import score_lines, vitals_lines

    scored = encounter(**full_vitals(), spo2_scale=2)
    assert any("SpO2 scale 2, target 88–92 %" in line for line, _ in score_lines(scored))
    assert any("88–92 %, prescribed by the provider" in line for line in vitals_lines(scored))
