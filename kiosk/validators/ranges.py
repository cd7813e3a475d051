"""Range tables: absolute, critical and normal bounds per kind and age band, from TOML.

The numbers are clinic data, not code: they ship in ``kiosk/data/ranges.toml`` (each default
cites its source there; ``config/ranges.toml`` is the copy a clinic edits, named by
``ranges_file``). Classification follows docs/CLINICAL.md section 3, "The range model" (OpenMRS
ConceptNumeric semantics), in this order:

outside the absolute bounds -> ``impossible`` (the bounds themselves are possible);
``>= hi_critical`` -> ``critical-high``; ``> hi_normal`` -> ``high``;
``<= low_critical`` -> ``critical-low``; ``< low_normal`` -> ``low``; else ``normal``.
Any bound may be missing. A kind's top-level bounds apply to adults and to an unknown age; an
``[[kind.band]]`` (``age_min`` inclusive, ``age_max`` exclusive, in years) replaces the normal
and critical bounds for that age and inherits the absolute bounds unless it sets its own. Bands
may nest but not partly overlap; the narrowest band containing the age wins.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import ConfigError
from kiosk.validators.kinds import KIND_SPECS

if TYPE_CHECKING:
    from kiosk.models import Status

KINDS: dict[str, str] = {kind: spec.canonical for kind, spec in KIND_SPECS.items()}
"""Every measured kind and the canonical UCUM unit its range table is written in."""

BOUND_NAMES = (
    "low_absolute",
    "low_critical",
    "low_normal",
    "hi_normal",
    "hi_critical",
    "hi_absolute",
)
"""In the order they must hold: each bound is <= the next one present."""

_ABSOLUTE = ("low_absolute", "hi_absolute")
_KIND_KEYS = frozenset({*BOUND_NAMES, "unit", "band"})
_BAND_KEYS = frozenset({*BOUND_NAMES, "age_min", "age_max"})


@dataclass(frozen=True, slots=True)
class Bounds:
    """The six bounds of one kind for one age band; None where the table gives none."""

    low_absolute: float | None = None
    low_critical: float | None = None
    low_normal: float | None = None
    hi_normal: float | None = None
    hi_critical: float | None = None
    hi_absolute: float | None = None

    def is_possible(self, value: float) -> bool:
        """True unless ``value`` lies outside the absolute bounds (the bounds are possible)."""
        lo, hi = self.low_absolute, self.hi_absolute
        return not ((lo is not None and value < lo) or (hi is not None and value > hi))

    def classify(self, value: float) -> Status:
        """The status of ``value`` under docs/CLINICAL.md's order of checks."""
        if not self.is_possible(value):
            return "impossible"
        if self.hi_critical is not None and value >= self.hi_critical:
            return "critical-high"
        if self.hi_normal is not None and value > self.hi_normal:
            return "high"
        if self.low_critical is not None and value <= self.low_critical:
            return "critical-low"
        if self.low_normal is not None and value < self.low_normal:
            return "low"
        return "normal"


@dataclass(frozen=True, slots=True)
class Band:
    """Bounds for ages in [age_min, age_max) years."""

    age_min: float
    age_max: float
    bounds: Bounds

    def contains(self, age: float) -> bool:
        return self.age_min <= age < self.age_max


@dataclass(frozen=True, slots=True)
class KindRanges:
    """One kind's adult/unknown-age bounds and its age bands, narrowest first."""

    kind: str
    unit: str
    default: Bounds
    bands: tuple[Band, ...] = ()

    def band_index(self, age_years: float | None) -> int:
        """Index of the narrowest band containing the age; -1 for the default bounds."""
        if age_years is None or not math.isfinite(age_years):
            return -1
        for index, band in enumerate(self.bands):
            if band.contains(age_years):
                return index
        return -1

    def bounds_for(self, age_years: float | None) -> Bounds:
        index = self.band_index(age_years)
        return self.default if index < 0 else self.bands[index].bounds


@dataclass(frozen=True, slots=True)
class RangeTable:
    """Every kind's ranges, as loaded from one file."""

    kinds: dict[str, KindRanges]
    path: str

    def bounds(self, kind: str, age_years: float | None = None) -> Bounds:
        """The bounds for ``kind`` at ``age_years`` (None: adult/unknown). KeyError if unknown."""
        return self.kinds[kind].bounds_for(age_years)

    def classify(self, kind: str, value: float, age_years: float | None = None) -> Status:
        return self.bounds(kind, age_years).classify(value)


# --------------------------------------------------------------------------- loading


def default_path() -> Path:
    """``$KIOSK_RANGES`` if set, else the shipped ``kiosk/data/ranges.toml``."""
    override = os.environ.get("KIOSK_RANGES")
    if override:
        return Path(override)
    from kiosk.data import packaged

    return packaged("ranges.toml")


def _number(file: str, key: str, raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ConfigError(file, key, f"must be a number, not {raw!r}")
    value = float(raw)
    if not math.isfinite(value):
        raise ConfigError(file, key, "must be a finite number")
    return value


def _bounds(file: str, where: str, table: dict[str, Any], inherit: Bounds | None) -> Bounds:
    values: dict[str, float | None] = {}
    for name in BOUND_NAMES:
        if name in table:
            values[name] = _number(file, f"{where}.{name}", table[name])
        elif inherit is not None and name in _ABSOLUTE:
            values[name] = getattr(inherit, name)
        else:
            values[name] = None
    present = [(name, v) for name, v in values.items() if v is not None]
    for (lo_name, lo), (hi_name, hi) in itertools.pairwise(present):
        if lo > hi:
            raise ConfigError(
                file, f"{where}.{hi_name}", f"{hi_name} {hi:g} is below {lo_name} {lo:g}"
            )
    return Bounds(**values)


def parse_bounds(file: str, where: str, table: dict[str, Any]) -> Bounds:
    """One table of bounds (the six names, each optional, in order), checked like a kind's:
    for other tables that hold bounds (the POC test catalog's ``[test.range]``)."""
    return _bounds(file, where, table, None)


def _band(file: str, where: str, raw: Any, default: Bounds) -> Band:
    if not isinstance(raw, dict):
        raise ConfigError(file, where, "an age band must be a table")
    unknown = sorted(set(raw) - _BAND_KEYS)
    if unknown:
        raise ConfigError(file, f"{where}.{unknown[0]}", "unknown setting in an age band")
    age_min = _number(file, f"{where}.age_min", raw.get("age_min", 0))
    age_max = _number(file, f"{where}.age_max", raw["age_max"]) if "age_max" in raw else math.inf
    if age_min < 0 or age_max <= age_min:
        raise ConfigError(
            file, where, f"age band {age_min:g}-{age_max:g} years is empty or negative"
        )
    return Band(age_min, age_max, _bounds(file, where, raw, default))


def _check_nesting(file: str, kind: str, bands: list[Band]) -> None:
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            same = (a.age_min, a.age_max) == (b.age_min, b.age_max)
            overlap = a.age_min < b.age_max and b.age_min < a.age_max
            nested = (a.age_min <= b.age_min and b.age_max <= a.age_max) or (
                b.age_min <= a.age_min and a.age_max <= b.age_max
            )
            if same or (overlap and not nested):
                raise ConfigError(
                    file,
                    f"{kind}.band",
                    f"age bands {a.age_min:g}-{a.age_max:g} and {b.age_min:g}-{b.age_max:g} "
                    "overlap (bands may nest but not partly overlap or repeat)",
                )


def _kind(file: str, kind: str, raw: Any) -> KindRanges:
    if not isinstance(raw, dict):
        raise ConfigError(file, kind, "must be a table of bounds")
    unknown = sorted(set(raw) - _KIND_KEYS)
    if unknown:
        raise ConfigError(file, f"{kind}.{unknown[0]}", "unknown setting")
    unit = raw.get("unit", KINDS[kind])
    if unit != KINDS[kind]:
        raise ConfigError(file, f"{kind}.unit", f"ranges for {kind} are written in {KINDS[kind]}")
    default = _bounds(file, kind, raw, None)
    raw_bands = raw.get("band", [])
    if not isinstance(raw_bands, list):
        raise ConfigError(file, f"{kind}.band", "must be a list of [[band]] tables")
    bands = [_band(file, f"{kind}.band[{i}]", b, default) for i, b in enumerate(raw_bands)]
    _check_nesting(file, kind, bands)
    bands.sort(key=lambda b: b.age_max - b.age_min)
    return KindRanges(kind, unit, default, tuple(bands))


def parse_ranges(data: dict[str, Any], file: str) -> RangeTable:
    """Validate parsed TOML into a :class:`RangeTable`; ConfigError naming the bad key."""
    for key in data:
        if key not in KINDS:
            raise ConfigError(file, key, f"unknown kind (known: {', '.join(KINDS)})")
    missing = [kind for kind in KINDS if kind not in data]
    if missing:
        raise ConfigError(file, missing[0], "no ranges given for this kind")
    return RangeTable({kind: _kind(file, kind, data[kind]) for kind in KINDS}, file)


def load_ranges(path: Path | None = None) -> RangeTable:
    """Read and validate a ranges file (default: :func:`default_path`)."""
    import tomllib

    path = path or default_path()
    file = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(file, None, "the ranges file does not exist") from None
    except OSError as error:
        raise ConfigError(file, None, f"cannot read the ranges file ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(file, None, f"not valid TOML: {error}") from None
    return parse_ranges(data, file)


@dataclass(slots=True)
class _Installed:
    table: RangeTable | None = None
    generation: int = 0
    """Bumped whenever the table may have changed, so results cached elsewhere (keyed by it,
    e.g. kiosk.validators.vitals) are never read against an old table."""


_installed = _Installed()


@lru_cache(maxsize=1)
def _loaded_default() -> RangeTable:
    return load_ranges()


def default_table() -> RangeTable:
    """The clinic's range table: the one :func:`use_ranges` installed, else the default file
    (``$KIOSK_RANGES`` or the shipped ``ranges.toml``), loaded once per process."""
    return _installed.table or _loaded_default()


def use_ranges(path: Path | None) -> RangeTable:
    """Load ``path`` (None: the default file) and make it the table check_vital uses.

    For the clinic setting ``ranges_file``: call once at start-up. A bad file raises
    ConfigError and leaves the current table in place.
    """
    table = load_ranges(path)
    _installed.table = table
    _installed.generation += 1
    return table


def reset_default_table() -> None:
    """Forget any installed or cached table (after editing the file or ``KIOSK_RANGES``)."""
    _installed.table = None
    _loaded_default.cache_clear()
    _installed.generation += 1


def generation() -> int:
    """Changes whenever :func:`use_ranges` or :func:`reset_default_table` ran."""
    return _installed.generation


def classify(kind: str, value: float, age_years: float | None = None) -> Status:
    """Status of a canonical ``value`` of ``kind`` under the clinic's default range table."""
    return default_table().classify(kind, value, age_years)


SCALE2_LOW_NORMAL = 88.0
SCALE2_LOW_CRITICAL = 83.0
"""SpO2 bounds when the provider prescribed a target of 88-92 % (NEWS2 scale 2, RCP 2017):
below 88 is low (NEWS2 scale 2 gives it 1-2 points), 83 and under is critical-low (3 points,
NEWS2's urgent band). A project decision derived from NEWS2; docs/CLINICAL.md section 5."""


def spo2_scale2(table: RangeTable) -> RangeTable:
    """``table`` with SpO2's lower bounds moved to the scale-2 target (every age band); the
    other kinds and the upper bounds unchanged."""
    spo2 = table.kinds["spo2"]

    def lowered(bounds: Bounds) -> Bounds:
        return replace(bounds, low_normal=SCALE2_LOW_NORMAL, low_critical=SCALE2_LOW_CRITICAL)

    bands = tuple(replace(band, bounds=lowered(band.bounds)) for band in spo2.bands)
    kinds = {**table.kinds, "spo2": replace(spo2, default=lowered(spo2.default), bands=bands)}
    return RangeTable(kinds=kinds, path=f"{table.path} (SpO2 scale 2)")
