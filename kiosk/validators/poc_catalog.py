"""The point-of-care test catalog: which tests the clinic runs, their codes, results and QC.

Shipped as ``kiosk/data/poc_catalog.toml`` (``config/poc_catalog.toml`` is the same file for a
clinic to edit; the setting ``poc_catalog_file`` names the clinic's own). Every entry is checked
when loaded, and a bad one stops start-up with one line naming the file, the entry and the key
(``ConfigError``), never a traceback and never a half-read catalog. The file's header documents
each key and cites the sources of the codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

from kiosk.errors import ConfigError
from kiosk.models.poc import QcFrequency, ResultType
from kiosk.validators.ranges import BOUND_NAMES, Bounds, parse_bounds

LOINC_CODE = re.compile(r"^\d{1,7}-\d$")
CPT_CODE = re.compile(r"^\d{4}[0-9A-Z]$")
TEST_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
QUALITATIVE_ANSWERS = ("positive", "negative", "invalid")
"""A qualitative kit reads positive or negative; invalid when the control line is missing."""
BUILTINS = ("urine", "glucose")
NUMERIC_UNITS: dict[str, str] = {
    "g/dL": "gram / deciliter",
    "g/L": "gram / liter",
    "mmol/L": "millimole / liter",
    "mg/dL": "milligram / deciliter",
    "%": "percent",
    "{INR}": "dimensionless",
}
"""UCUM units a numeric catalog test may use, and their pint spelling."""
HEMOGLOBIN_G_PER_MMOL = 16.114
"""Haemoglobin (Fe) monomer mass, for g/dL <-> mmol/L (1 g/dL = 0.6206 mmol/L)."""

_KEYS = frozenset(
    {
        "id",
        "name",
        "loinc",
        "loinc_display",
        "cpt",
        "result",
        "answers",
        "unit",
        "units",
        "range",
        "specimen",
        "abnormal",
        "critical",
        "qc",
        "controls",
        "kit",
        "device",
        "builtin",
        "sources",
    }
)


@dataclass(frozen=True, slots=True)
class PocTestSpec:
    """One catalog entry, checked."""

    id: str
    name: str
    loinc: str
    loinc_display: str
    cpt: str
    result: ResultType
    specimen: str
    qc: QcFrequency
    controls: tuple[str, ...]
    kit: str
    sources: tuple[str, ...]
    answers: tuple[str, ...] = ()
    abnormal: frozenset[str] = frozenset()
    critical: frozenset[str] = frozenset()
    unit: str = ""
    units: tuple[str, ...] = ()
    bounds: Bounds = field(default_factory=Bounds)
    device: bool = False
    builtin: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """What the MA may choose for a qualitative or ordinal test (invalid included)."""
        return (*self.answers, "invalid") if self.result == "ordinal" else QUALITATIVE_ANSWERS

    @property
    def needs_qc(self) -> bool:
        return self.qc != "none"


@dataclass(frozen=True, slots=True)
class Catalog:
    tests: tuple[PocTestSpec, ...]
    path: str

    def get(self, test_id: str) -> PocTestSpec | None:
        return next((t for t in self.tests if t.id == test_id), None)

    def spec(self, test_id: str) -> PocTestSpec:
        found = self.get(test_id)
        if found is None:
            raise KeyError(f"no test {test_id!r} in the catalog {self.path}")
        return found

    @property
    def recorded_here(self) -> tuple[PocTestSpec, ...]:
        """Tests the catalog section of the POC step records (not the built-in rows)."""
        return tuple(t for t in self.tests if not t.builtin)

    def kits(self) -> dict[str, list[PocTestSpec]]:
        """Stock item (kit) -> the tests read with it."""
        out: dict[str, list[PocTestSpec]] = {}
        for test in self.tests:
            out.setdefault(test.kit, []).append(test)
        return out


def _text(file: str, where: str, raw: Any, *, required: bool = True) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()):
        raise ConfigError(file, where, f"must be a non-empty text, not {raw!r}")
    return raw.strip()


def _texts(file: str, where: str, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise ConfigError(file, where, f"must be a list of texts, not {raw!r}")
    return tuple(x.strip() for x in raw)


def _choice(file: str, where: str, raw: Any, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise ConfigError(file, where, f"must be one of {', '.join(allowed)} (got {raw!r})")
    return str(raw)


def _entry(file: str, index: int, raw: Any) -> PocTestSpec:
    where = f"test[{index}]"
    if not isinstance(raw, dict):
        raise ConfigError(file, where, "each [[test]] must be a table")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(file, f"{where}.{unknown[0]}", "unknown key in a test entry")
    test_id = _text(file, f"{where}.id", raw.get("id"))
    if not TEST_ID.match(test_id):
        raise ConfigError(file, f"{where}.id", "lower-case letters, digits and dashes, 1-32")
    where = f"test[{index}] ({test_id})"
    loinc = _text(file, f"{where}.loinc", raw.get("loinc"))
    if not LOINC_CODE.match(loinc):
        raise ConfigError(file, f"{where}.loinc", f"{loinc!r} is not a LOINC code (12345-6)")
    cpt = _text(file, f"{where}.cpt", raw.get("cpt"), required=False)
    if cpt and not CPT_CODE.match(cpt):
        raise ConfigError(file, f"{where}.cpt", f"{cpt!r} is not a CPT code (five characters)")
    result = _choice(file, f"{where}.result", raw.get("result"), get_args(ResultType))
    qc = _choice(file, f"{where}.qc", raw.get("qc", "none"), get_args(QcFrequency))
    controls = _texts(file, f"{where}.controls", raw.get("controls"))
    if qc != "none" and not controls:
        raise ConfigError(file, f"{where}.controls", f"qc = {qc!r} needs the control levels")
    sources = _texts(file, f"{where}.sources", raw.get("sources"))
    if not sources:
        raise ConfigError(file, f"{where}.sources", "cite where the code comes from")
    answers = _texts(file, f"{where}.answers", raw.get("answers"))
    if result == "ordinal" and len(answers) < 2:
        raise ConfigError(file, f"{where}.answers", "an ordinal test lists its answers")
    known = answers if result == "ordinal" else QUALITATIVE_ANSWERS[:2]
    abnormal = _texts(file, f"{where}.abnormal", raw.get("abnormal"))
    critical = _texts(file, f"{where}.critical", raw.get("critical"))
    if result != "numeric":
        for key, listed in (("abnormal", abnormal), ("critical", critical)):
            stray = [a for a in listed if a not in known]
            if stray:
                raise ConfigError(
                    file, f"{where}.{key}", f"{stray[0]!r} is not an answer ({', '.join(known)})"
                )
    unit, bounds = "", Bounds()
    units: tuple[str, ...] = ()
    builtin = _text(file, f"{where}.builtin", raw.get("builtin"), required=False)
    if builtin and builtin not in BUILTINS:
        raise ConfigError(file, f"{where}.builtin", f"must be one of {', '.join(BUILTINS)}")
    if result == "numeric":
        unit = _text(file, f"{where}.unit", raw.get("unit"))
        units = _texts(file, f"{where}.units", raw.get("units")) or (unit,)
        for u in (unit, *units):
            if u not in NUMERIC_UNITS:
                raise ConfigError(
                    file,
                    f"{where}.units",
                    f"unknown unit {u!r} (known: {', '.join(NUMERIC_UNITS)})",
                )
        if units[0] != unit:
            raise ConfigError(file, f"{where}.units", f"the first unit must be {unit!r}")
        table = raw.get("range")
        if table is None and not builtin:
            raise ConfigError(file, f"{where}.range", "a numeric test needs its [test.range]")
        if table is not None:
            if not isinstance(table, dict) or set(table) - set(BOUND_NAMES):
                raise ConfigError(file, f"{where}.range", f"bounds only: {', '.join(BOUND_NAMES)}")
            bounds = parse_bounds(file, f"{where}.range", table)
    device = raw.get("device", False)
    if not isinstance(device, bool):
        raise ConfigError(file, f"{where}.device", "must be true or false")
    return PocTestSpec(
        id=test_id,
        name=_text(file, f"{where}.name", raw.get("name")),
        loinc=loinc,
        loinc_display=_text(
            file, f"{where}.loinc_display", raw.get("loinc_display"), required=False
        ),
        cpt=cpt,
        result=result,  # type: ignore[arg-type]  # checked against ResultType above
        specimen=_text(file, f"{where}.specimen", raw.get("specimen"), required=False),
        qc=qc,  # type: ignore[arg-type]  # checked against QcFrequency above
        controls=controls,
        kit=_text(file, f"{where}.kit", raw.get("kit", test_id)),
        sources=sources,
        answers=answers,
        abnormal=frozenset(abnormal),
        critical=frozenset(critical),
        unit=unit,
        units=units,
        bounds=bounds,
        device=device,
        builtin=builtin,
    )


def parse_catalog(data: dict[str, Any], file: str) -> Catalog:
    """Check parsed TOML; ConfigError naming the entry and key of the first problem."""
    unknown = sorted(set(data) - {"test"})
    if unknown:
        raise ConfigError(file, unknown[0], "unknown key (the catalog holds [[test]] entries)")
    raw = data.get("test")
    if not isinstance(raw, list) or not raw:
        raise ConfigError(file, "test", "the catalog needs at least one [[test]] entry")
    tests = [_entry(file, i, entry) for i, entry in enumerate(raw)]
    seen: set[str] = set()
    for test in tests:
        if test.id in seen:
            raise ConfigError(file, f"test ({test.id})", "the id is used twice")
        seen.add(test.id)
    for builtin in BUILTINS:
        if sum(t.builtin == builtin for t in tests) > 1:
            raise ConfigError(file, "test", f"two entries are builtin = {builtin!r}")
    return Catalog(tuple(tests), file)


def default_catalog_path() -> Path:
    from kiosk.data import packaged

    return packaged("poc_catalog.toml")


def load_catalog(path: Path | None = None) -> Catalog:
    """Read and check a catalog file (None: the shipped one)."""
    import tomllib

    path = path or default_catalog_path()
    file = str(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(file, None, "the test catalog does not exist") from None
    except OSError as error:
        raise ConfigError(file, None, f"cannot read the test catalog ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(file, None, "not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(file, None, f"not valid TOML: {error}") from None
    return parse_catalog(data, file)


@lru_cache(maxsize=8)
def cached_catalog(path: Path | None = None) -> Catalog:
    """:func:`load_catalog`, once per path and process (the file is read at start-up)."""
    return load_catalog(path)
