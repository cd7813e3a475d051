"""Children's values per age band: no child's reading is read or tiered as if an adult's.

Issue 10, "Children and infants". Two classes: every age needs critical bands for blood
pressure, pulse, respiratory rate and temperature (so no value is ``normal`` by default), and
length, weight and head circumference have plausible limits by age, so a bare number impossible
for the age in the default unit but possible in the other is refused with that unit proposed.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.validators import check_vital
from kiosk.validators.ranges import default_table

AGES = [0.0, 0.01, 0.1, 0.3, 0.6, 0.9, 1.2, 1.7, 2.5, 4.5, 7.0, 9.5, 12.5, 13.0, 16.0, 18.0, 40.0]
"""One age in (or at the edge of) every band of every kind, and adults."""

FLAGGED_KINDS = ("systolic", "diastolic", "pulse", "respiratory_rate", "temperature")


# --------------------------------------------------------------------------- every age is tiered


@given(age=st.floats(min_value=0, max_value=125, allow_nan=False))
def test_every_age_has_critical_high_bands(age: float) -> None:
    """Every age the kiosk accepts gets an upper normal and a critical-high bound."""
    table = default_table()
    for kind in FLAGGED_KINDS:
        bounds = table.bounds(kind, age)
        assert bounds.hi_normal is not None, (kind, age)
        assert bounds.hi_critical is not None, (kind, age)
        if kind != "diastolic":  # children's diastolic pressure has no published lower limit
            assert bounds.low_critical is not None, (kind, age)


@given(
    age=st.floats(min_value=0, max_value=125, allow_nan=False),
    kind=st.sampled_from(FLAGGED_KINDS),
    data=st.data(),
)
def test_a_value_beyond_the_critical_bound_is_never_normal(
    age: float, kind: str, data: st.DataObject
) -> None:
    bounds = default_table().bounds(kind, age)
    assert bounds.hi_critical is not None
    assert bounds.hi_absolute is not None
    value = data.draw(st.floats(min_value=bounds.hi_critical, max_value=bounds.hi_absolute))
    assert default_table().classify(kind, value, age) == "critical-high"


@pytest.mark.parametrize(
    ("age", "bp", "systolic", "diastolic"),
    [
        (0.05, "200/130", "critical-high", "critical-high"),  # an infant
        (0.5, "150/100", "critical-high", "critical-high"),  # 6 months
        (0.5, "110/60", "high", "high"),  # above the PALS infant normal 104/56
        (0.5, "90/50", "normal", "normal"),
        (0.5, "65/40", "critical-low", "normal"),  # PALS hypotension < 70
        (3.0, "135/90", "critical-high", "critical-high"),
        (3.0, "105/60", "high", "high"),
        (8.0, "250/150", "critical-high", "critical-high"),
        (8.0, "120/75", "high", "high"),
        (8.0, "100/60", "normal", "normal"),
        (12.0, "200/125", "critical-high", "critical-high"),
        (12.0, "145/100", "critical-high", "high"),
        (12.0, "115/70", "high", "normal"),
        (15.0, "185/125", "critical-high", "critical-high"),  # adolescents: adult crisis
        (15.0, "145/92", "high", "high"),
    ],
)
def test_childrens_blood_pressure_per_age_band(
    age: float, bp: str, systolic: str, diastolic: str
) -> None:
    s, d = (float(part) for part in bp.split("/"))
    table = default_table()
    assert table.classify("systolic", s, age) == systolic
    assert table.classify("diastolic", d, age) == diastolic


@pytest.mark.parametrize(
    ("kind", "age", "value", "status"),
    [
        ("pulse", 0.1, 190, "critical-high"),
        ("pulse", 0.1, 140, "normal"),
        ("pulse", 0.1, 95, "critical-low"),
        ("pulse", 5.0, 135, "critical-high"),
        ("pulse", 10.0, 110, "high"),
        ("pulse", 16.0, 50, "low"),
        ("respiratory_rate", 0.1, 70, "critical-high"),
        ("respiratory_rate", 0.1, 40, "normal"),
        ("respiratory_rate", 3.5, 35, "critical-high"),
        ("respiratory_rate", 10.0, 14, "critical-low"),
        ("temperature", 0.1, 38.0, "critical-high"),  # NICE: >= 38 under 3 months
        ("temperature", 0.3, 39.0, "critical-high"),  # NICE amber: >= 39 at 3-6 months
        ("temperature", 0.3, 38.5, "high"),
        ("temperature", 4.0, 38.5, "high"),
        ("temperature", 4.0, 40.0, "critical-high"),
        ("temperature", 4.0, 34.5, "critical-low"),
    ],
)
def test_childrens_vital_signs_per_age_band(
    kind: str, age: float, value: float, status: str
) -> None:
    assert default_table().classify(kind, value, age) == status


# --------------------------------------------------------------------------- plausible for the age


@pytest.mark.parametrize(
    ("kind", "text", "age", "system", "proposed"),
    [
        ("height", "50", 0.01, "us", "50 cm"),  # a newborn's length, not 127 cm
        ("height", "60", 0.2, "us", "60 cm"),
        ("height", "75", 0.8, "us", "75 cm"),
        ("height", "85", 1.5, "us", "85 cm"),
        ("height", "100", 3.0, "us", "100 cm"),
        ("height", "20", 1.5, "metric", "20 in"),  # an infant's 20 in read as 20 cm
        ("head_circumference", "25", 0.01, "us", "25 cm"),
        ("head_circumference", "31", 0.01, "us", "31 cm"),
        ("head_circumference", "45", 0.8, "us", "45 cm"),
        ("head_circumference", "18", 1.5, "metric", "18 in"),
        ("weight", "3400", 0.01, "us", "3400 g"),
        ("weight", "12", 0.01, "metric", "12 lb"),  # a newborn is not 12 kg
        ("weight", "25", 1.0, "metric", "25 lb"),
    ],
)
def test_a_bare_number_impossible_for_the_age_proposes_the_other_unit(
    kind: str, text: str, age: float, system: str, proposed: str
) -> None:
    check = check_vital(kind, text, age_years=age, system=system)  # type: ignore[arg-type]
    assert check.status == "invalid"
    assert check.value is None  # never stored in either unit
    assert f"did you mean {proposed}" in check.message


@pytest.mark.parametrize(
    ("kind", "text", "age", "system", "value"),
    [
        ("height", "20", 0.01, "us", 50.8),
        ("height", "50 cm", 0.01, "us", 50.0),
        ("height", "50", 0.01, "metric", 50.0),
        ("height", "30", 0.01, "metric", 30.0),  # a preterm newborn
        ("head_circumference", "13.5", 0.01, "us", 34.29),
        ("head_circumference", "34", 0.01, "metric", 34.0),
        ("weight", "7 lb 8 oz", 0.01, "us", 3.402),
        ("weight", "3400 g", 0.01, "metric", 3.4),
        ("weight", "3.4", 0.01, "metric", 3.4),
        ("weight", "1.3 lb", 0.01, "us", 0.59),  # a 0.6 kg preterm infant
        ("weight", "176", 30.0, "us", 79.832),
    ],
)
def test_plausible_values_for_the_age_are_read(
    kind: str, text: str, age: float, system: str, value: float
) -> None:
    check = check_vital(kind, text, age_years=age, system=system)  # type: ignore[arg-type]
    assert check.ok, check.message
    assert check.value == pytest.approx(value, abs=0.01)


@pytest.mark.parametrize(
    ("kind", "text", "age"),
    [
        ("weight", "16 oz", 30.0),  # an adult is never 0.45 kg
        ("weight", "20 kg", 0.01),
        ("height", "127 cm", 0.01),
        ("height", "40 cm", 30.0),
        ("head_circumference", "63 cm", 0.01),
    ],
)
def test_a_value_with_a_unit_impossible_for_the_age_is_refused(
    kind: str, text: str, age: float
) -> None:
    check = check_vital(kind, text, age_years=age)
    assert check.status == "impossible"
    assert not check.ok


@given(
    age=st.floats(min_value=0, max_value=2, exclude_max=True, allow_nan=False),
    kind=st.sampled_from(("height", "weight", "head_circumference")),
    data=st.data(),
)
def test_under_two_nothing_beyond_the_age_limit_is_saved(
    age: float, kind: str, data: st.DataObject
) -> None:
    """A bare number over the age's limit in the default unit is never read in that unit."""
    bounds = default_table().bounds(kind, age)
    assert bounds.hi_absolute is not None
    assert bounds.hi_absolute < 110
    number = data.draw(st.integers(min_value=1, max_value=400))
    check = check_vital(kind, str(number), age_years=age, system="us")
    if check.ok:
        assert check.value is not None
        assert check.value <= bounds.hi_absolute


def test_the_scale_2_table_moves_only_spo2s_lower_bounds() -> None:
    from kiosk.validators.ranges import default_table, spo2_scale2

    table = default_table()
    scale2 = spo2_scale2(table)
    for value, status in (
        (97, "normal"),
        (90, "normal"),
        (88, "normal"),
        (87, "low"),
        (84, "low"),
        (83, "critical-low"),
        (60, "critical-low"),
    ):
        assert scale2.classify("spo2", value, 50) == status, value
        assert scale2.classify("spo2", value, 0.5) == status, (value, "infant")
    assert table.classify("spo2", 90, 50) == "critical-low"  # the clinic's table unchanged
    for kind in table.kinds:
        if kind != "spo2":
            assert scale2.kinds[kind] == table.kinds[kind]
    assert scale2.bounds("spo2").hi_absolute == table.bounds("spo2").hi_absolute
