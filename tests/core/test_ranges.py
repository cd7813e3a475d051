"""Range tables: docs/CLINICAL.md's order of checks, edges on both sides, age bands, bad files."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

import kiosk
from kiosk.errors import ConfigError
from kiosk.validators import ranges
from kiosk.validators.ranges import (
    BOUND_NAMES,
    KINDS,
    Bounds,
    classify,
    default_path,
    load_ranges,
    parse_ranges,
)

SHIPPED = Path(kiosk.__file__).parent / "data" / "ranges.toml"


@pytest.fixture
def data() -> dict[str, Any]:
    with SHIPPED.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(autouse=True)
def _fresh_default_table(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("KIOSK_RANGES", raising=False)
    ranges.reset_default_table()
    yield
    ranges.reset_default_table()


FULL = Bounds(0, 10, 20, 80, 90, 100)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (-0.001, "impossible"),
        (0, "critical-low"),  # the absolute bound itself is possible
        (10, "critical-low"),  # <= low_critical
        (10.001, "low"),
        (19.999, "low"),
        (20, "normal"),  # < low_normal is low, so the bound is normal
        (80, "normal"),  # > hi_normal is high, so the bound is normal
        (80.001, "high"),
        (89.999, "high"),
        (90, "critical-high"),  # >= hi_critical
        (100, "critical-high"),
        (100.001, "impossible"),
    ],
)
def test_order_of_checks_and_edge_semantics(value: float, status: str) -> None:
    assert FULL.classify(value) == status


def test_missing_bounds_are_not_checked() -> None:
    assert Bounds().classify(-1e9) == "normal"
    only_high = Bounds(hi_normal=5)
    assert only_high.classify(-100) == "normal"
    assert only_high.classify(5.5) == "high"
    assert Bounds(low_absolute=0).classify(1e9) == "normal"


def test_critical_high_is_checked_before_low() -> None:
    # A degenerate table where a value is both >= hi_critical and <= low_critical.
    assert Bounds(low_critical=50, hi_critical=50).classify(50) == "critical-high"


def test_shipped_table_loads_every_kind_in_its_canonical_unit() -> None:
    table = load_ranges(SHIPPED)
    assert set(table.kinds) == set(KINDS)
    for kind, unit in KINDS.items():
        assert table.kinds[kind].unit == unit
        bounds = table.bounds(kind)
        assert bounds.low_absolute is not None, kind
        assert bounds.hi_absolute is not None, kind


def test_shipped_defaults() -> None:
    table = load_ranges(SHIPPED)
    assert table.bounds("pain") == Bounds(0, None, None, 6, None, 10)
    glucose = table.bounds("glucose")
    assert (glucose.low_critical, glucose.hi_critical) == (50, 400)
    assert table.classify("glucose", 50) == "critical-low"
    assert table.classify("glucose", 51) == "low"
    assert table.classify("glucose", 400) == "critical-high"
    assert table.classify("systolic", 180) == "high"
    assert table.classify("systolic", 181) == "critical-high"
    assert table.classify("spo2", 91) == "critical-low"
    assert table.classify("spo2", 96) == "normal"
    assert table.classify("temperature", 24.9) == "impossible"
    assert table.classify("temperature", 25) == "critical-low"


def _edge_cases(bounds: Bounds) -> list[tuple[float, str]]:
    """Every present bound and a value just beyond it, with the status the model demands."""
    eps = 1e-6
    cases: list[tuple[float, str]] = []
    lo_abs, hi_abs = bounds.low_absolute, bounds.hi_absolute
    if lo_abs is not None:
        cases.append((lo_abs - eps, "impossible"))
        assert bounds.classify(lo_abs) != "impossible"
    if hi_abs is not None:
        cases.append((hi_abs + eps, "impossible"))
        assert bounds.classify(hi_abs) != "impossible"
    if bounds.hi_critical is not None:
        cases.append((bounds.hi_critical, "critical-high"))
    if bounds.low_critical is not None:
        cases.append((bounds.low_critical, "critical-low"))
    if bounds.hi_normal is not None:
        above = bounds.hi_normal + eps
        crit = bounds.hi_critical
        cases.append((above, "critical-high" if crit is not None and above >= crit else "high"))
    if bounds.low_normal is not None:
        below = bounds.low_normal - eps
        crit = bounds.low_critical
        cases.append((below, "critical-low" if crit is not None and below <= crit else "low"))
        cases.append((bounds.low_normal, "normal"))
    return cases


def test_every_shipped_edge_on_both_sides() -> None:
    table = load_ranges(SHIPPED)
    checked = 0
    for kind, kind_ranges in table.kinds.items():
        all_bounds = [kind_ranges.default] + [band.bounds for band in kind_ranges.bands]
        for bounds in all_bounds:
            for value, status in _edge_cases(bounds):
                assert bounds.classify(value) == status, (kind, bounds, value)
                checked += 1
    assert checked > 200


@pytest.mark.parametrize(
    ("kind", "value", "age", "status"),
    [
        # Fleming 0-3 months: 1st centile 107, 10th 123, 90th 164, 99th 181.
        ("pulse", 107, 0.0, "critical-low"),
        ("pulse", 108, 0.0, "low"),
        ("pulse", 123, 0.249, "normal"),
        ("pulse", 165, 0.1, "high"),
        ("pulse", 181, 0.1, "critical-high"),
        # 0.25 years starts the 3-6 month band (age_max is exclusive).
        ("pulse", 175, 0.25, "critical-high"),
        ("pulse", 175, 0.2499, "high"),
        # 15-18 years, then adults from 18.
        ("pulse", 104, 17.99, "critical-high"),
        ("pulse", 104, 18.0, "high"),
        ("pulse", 104, None, "high"),
        ("respiratory_rate", 40, 0.1, "normal"),
        ("respiratory_rate", 40, 30, "critical-high"),
        ("temperature", 38.0, 0.1, "critical-high"),
        ("temperature", 37.95, 0.1, "high"),
        ("temperature", 38.0, 0.25, "normal"),
        ("systolic", 98, 1.5, "high"),
        ("systolic", 97, 1.5, "normal"),
        ("systolic", 71, 1.5, "critical-low"),
        ("systolic", 85, 5, "normal"),  # low for an adult
        ("systolic", 85, 30, "critical-low"),
        ("diastolic", 52, 1.0, "high"),
        ("weight", 3.5, 0.0, "normal"),
    ],
)
def test_age_bands(kind: str, value: float, age: float | None, status: str) -> None:
    assert classify(kind, value, age) == status


def test_bands_inherit_absolute_bounds_but_not_normal_ones(data: dict[str, Any]) -> None:
    data["pulse"]["band"] = [{"age_min": 0, "age_max": 1, "hi_normal": 170}]
    table = parse_ranges(data, "t.toml")
    infant = table.bounds("pulse", 0.5)
    assert infant.low_absolute == 20
    assert infant.hi_absolute == 300
    assert infant.low_normal is None
    assert table.classify("pulse", 30, 0.5) == "normal"
    assert table.classify("pulse", 301, 0.5) == "impossible"


def test_narrowest_band_wins(data: dict[str, Any]) -> None:
    data["pulse"]["band"] = [
        {"age_min": 0, "age_max": 18, "hi_normal": 120},
        {"age_min": 0, "age_max": 1, "hi_normal": 160},
        {"age_min": 0.5, "age_max": 1, "hi_normal": 150},
    ]
    table = parse_ranges(data, "t.toml")
    assert table.bounds("pulse", 0.2).hi_normal == 160
    assert table.bounds("pulse", 0.7).hi_normal == 150
    assert table.bounds("pulse", 5).hi_normal == 120
    assert table.bounds("pulse", 18).hi_normal == 100
    assert table.bounds("pulse", math.nan).hi_normal == 100


def test_open_ended_band(data: dict[str, Any]) -> None:
    data["pulse"]["band"] = [{"age_min": 65, "low_normal": 50}]
    table = parse_ranges(data, "t.toml")
    assert table.bounds("pulse", 90).low_normal == 50
    assert table.bounds("pulse", 64.9).low_normal == 55


def _mutations() -> list[tuple[str, Any, str, str]]:
    def set_(kind: str, key: str, value: Any) -> Any:
        return lambda d: d[kind].__setitem__(key, value)

    return [
        ("lo above hi", set_("pulse", "low_normal", 120), "pulse.hi_normal", "below low_normal"),
        ("crit inside normal", set_("pulse", "hi_critical", 90), "pulse.hi_critical", "below"),
        ("absolute", set_("spo2", "low_absolute", 99), "spo2.low_critical", "below low_absolute"),
        ("text", set_("pulse", "hi_normal", "100"), "pulse.hi_normal", "must be a number"),
        ("bool", set_("pulse", "hi_normal", True), "pulse.hi_normal", "must be a number"),
        ("nan", set_("pulse", "hi_normal", math.nan), "pulse.hi_normal", "finite"),
        ("typo", set_("pulse", "hi_nromal", 100), "pulse.hi_nromal", "unknown setting"),
        ("unit", set_("temperature", "unit", "[degF]"), "temperature.unit", "written in Cel"),
        ("unknown kind", lambda d: d.__setitem__("shoe_size", {}), "shoe_size", "unknown kind"),
        ("missing kind", lambda d: d.pop("glucose"), "glucose", "no ranges"),
        ("not a table", lambda d: d.__setitem__("pain", 3), "pain", "table of bounds"),
        (
            "overlap",
            set_("pulse", "band", [{"age_min": 0, "age_max": 2}, {"age_min": 1, "age_max": 3}]),
            "pulse.band",
            "overlap",
        ),
        (
            "duplicate",
            set_("pulse", "band", [{"age_min": 0, "age_max": 2}, {"age_min": 0, "age_max": 2}]),
            "pulse.band",
            "overlap",
        ),
        (
            "empty band",
            set_("pulse", "band", [{"age_min": 2, "age_max": 2}]),
            "pulse.band[0]",
            "empty",
        ),
        (
            "negative age",
            set_("pulse", "band", [{"age_min": -1, "age_max": 2}]),
            "pulse.band[0]",
            "negative",
        ),
        (
            "band key",
            set_("pulse", "band", [{"age_max": 2, "sex": "f"}]),
            "pulse.band[0].sex",
            "unknown",
        ),
        ("band not list", set_("pulse", "band", {"age_max": 2}), "pulse.band", "list"),
        (
            "band age text",
            set_("pulse", "band", [{"age_max": "2"}]),
            "pulse.band[0].age_max",
            "number",
        ),
        (
            "band order",
            set_("pulse", "band", [{"age_max": 1, "low_normal": 400}]),
            "pulse.band[0].hi_absolute",
            "below low_normal",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "mutate", "key", "reason"), _mutations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_malformed_tables_name_file_key_and_reason(
    data: dict[str, Any], name: str, mutate: Any, key: str, reason: str
) -> None:
    broken = copy.deepcopy(data)
    mutate(broken)
    with pytest.raises(ConfigError) as caught:
        parse_ranges(broken, "clinic.toml")
    error = caught.value
    assert error.file == "clinic.toml"
    assert error.key == key, name
    assert reason in error.reason
    assert str(error).startswith(f"clinic.toml, key '{key}': ")


def test_bad_files(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    with pytest.raises(ConfigError, match="does not exist") as caught:
        load_ranges(missing)
    assert caught.value.file == str(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[pulse\nhi_normal = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_ranges(broken)


def test_env_override_and_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = SHIPPED.read_text().replace(
        "hi_normal = 100.0\nhi_critical = 131.0", "hi_normal = 90.0\nhi_critical = 131.0"
    )
    assert text != SHIPPED.read_text()
    custom = tmp_path / "ranges.toml"
    custom.write_text(text)
    assert default_path() == SHIPPED.resolve()
    assert classify("pulse", 95) == "normal"
    from kiosk.validators import check_vital

    assert check_vital("pulse", "95").status == "normal"
    monkeypatch.setenv("KIOSK_RANGES", str(custom))
    ranges.reset_default_table()
    assert default_path() == custom
    assert classify("pulse", 95) == "high"
    assert check_vital("pulse", "95").status == "high"


def test_shipped_file_cites_sources_for_every_kind() -> None:
    text = SHIPPED.read_text()
    for source in ("CIEL", "NEWS2", "Canvas", "Fleming", "AAP", "PALS", "NICE", "ADA", "Abusamaan"):
        assert f"[{source}]" in text
    assert "project decision" in text.lower()
    for kind in KINDS:
        section = text.split(f"[{kind}]\n", 1)[1].split("\n[", 1)[0]
        assert "#" in section, f"{kind} has no cited source"


def test_bound_names_are_in_checking_order() -> None:
    assert BOUND_NAMES == (
        "low_absolute",
        "low_critical",
        "low_normal",
        "hi_normal",
        "hi_critical",
        "hi_absolute",
    )


def test_use_ranges_installs_a_clinic_file(tmp_path: Path) -> None:
    from kiosk.validators import check_vital, use_ranges

    text = SHIPPED.read_text().replace("low_normal = 96.0", "low_normal = 94.0")
    assert text != SHIPPED.read_text()
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(text)
    assert check_vital("spo2", "95%").status == "low"
    table = use_ranges(clinic)
    assert table.path == str(clinic)
    assert ranges.default_table() is table
    assert check_vital("spo2", "95%").status == "normal"
    broken = tmp_path / "broken.toml"
    broken.write_text("spo2 = 1\n")
    with pytest.raises(ConfigError):
        use_ranges(broken)
    assert ranges.default_table() is table
    ranges.reset_default_table()
    assert check_vital("spo2", "95%").status == "low"
