"""Clinic settings: the shipped ``kiosk/data/kiosk.toml`` overridden by ``KIOSK_*`` variables.

Precedence, highest first: keyword overrides (the command line), environment variables
(``KIOSK_DATA_DIR``, ``KIOSK_IDLE_LOCK_SECONDS``, ...), the TOML file, the defaults below.
The file is ``KIOSK_CONFIG`` when set, else the shipped ``kiosk/data/kiosk.toml`` (inside the
installed package; ``config/kiosk.toml`` is the editable copy a clinic starts from).
Every mistake becomes a :class:`~kiosk.errors.ConfigError`
naming the file (or environment variable), the key and what is wrong, so start-up ends with one
readable line instead of a traceback.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from kiosk import units
from kiosk.data import packaged
from kiosk.errors import ConfigError
from kiosk.models.rooming import RoomingSettings, Thresholds
from kiosk.screening.due import ScreeningRules
from kiosk.validators.change import ChangeLimits
from kiosk.validators.required import REQUIRED_FIELD_NAMES as REQUIRED_FIELD_NAMES
from kiosk.validators.required import missing_required as missing_required

ENV_PREFIX = "KIOSK_"
DEFAULT_CONFIG = packaged("kiosk.toml")
"""The shipped default settings (``config/kiosk.toml`` is an editable copy of it)."""
RANGES_ENV = ("KIOSK_RANGES", "KIOSK_RANGES_FILE")
"""Environment names of ``ranges_file``; KIOSK_RANGES is the one kiosk.validators.ranges reads."""
PATH_KEYS = ("data_dir", "demo_data_dir", "ranges_file", "poc_catalog_file")
"""Keys holding paths; in a TOML file a relative path is relative to that file's folder."""

_toml_data: ContextVar[dict[str, Any]] = ContextVar("kiosk_toml_data", default={})  # noqa: B039


def _default_data_dir() -> Path:
    import platformdirs  # only when no data_dir is configured

    return Path(platformdirs.user_data_dir("kiosk", appauthor=False))


def _default_room() -> str:
    import socket

    try:
        return socket.gethostname().split(".")[0][:40]
    except OSError:
        return ""


_Limit = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _not_a_flag(model: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """Refuse true/false for a number: pydantic reads a bool as 1 or 0, so TOML's
    ``idle_lock_seconds = true`` would lock after one second."""
    field = model.model_fields.get(info.field_name or "")
    if isinstance(value, bool) and field is not None and field.annotation in (int, float):
        raise ValueError("should be a number, not true or false")
    return value


class ChangeLimitSettings(BaseModel):
    """``[change_limits]``: how far weight and height may move from the last visit before the
    vitals step asks the MA to confirm (rules in :mod:`kiosk.validators.change`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight_percent: Annotated[_Limit, Field(le=100)] = 5.0
    """Weight: percent of the last weight (the smaller of this and ``weight_kg`` applies)."""
    weight_kg: Annotated[_Limit, Field(le=100)] = 5.0
    """Weight: kilograms (the smaller of this and ``weight_percent`` applies)."""
    adult_height_cm: Annotated[_Limit, Field(le=50)] = 2.0
    """Height of an adult, either way, in cm."""
    child_height_decrease_cm: Annotated[_Limit, Field(le=50)] = 0.0
    """Height of a child: a decrease beyond this is flagged (an increase never is)."""
    adult_age_years: Annotated[_Limit, Field(le=30)] = 18.0
    """From this age on the adult height limit applies."""

    @field_validator("*", mode="before")
    @classmethod
    def _numbers(cls, value: Any, info: ValidationInfo) -> Any:
        return _not_a_flag(cls, value, info)

    def limits(self) -> ChangeLimits:
        """The limits for :func:`kiosk.validators.change.check_change`."""
        return ChangeLimits(**self.model_dump())


class Settings(BaseSettings):
    """One clinic's kiosk settings (immutable once loaded)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,
        extra="forbid",
        frozen=True,
        populate_by_name=True,
    )

    clinic_name: Annotated[str, Field(min_length=1, max_length=100)] = "Exam-room intake"
    """Shown in the header of every screen."""

    unit_system: Literal["us", "metric"] = "us"
    """Unit a bare number takes: "us" (°F, lb, in) or "metric" (°C, kg, cm)."""

    glucose_unit: Literal["mg/dL", "mmol/L"] | None = None
    """Unit a bare fingerstick glucose takes: "mg/dL" or "mmol/L"; unset, it follows
    ``unit_system`` (mmol/L for metric, mg/dL for us). A typed unit is always read as typed."""

    idle_lock_seconds: Annotated[int, Field(gt=0, le=3600)] = 120
    """Seconds without a key or touch before the screen clears and locks (HIPAA automatic
    logoff; 2-3 minutes is common practice for a shared screen)."""

    data_dir: Path = Field(default_factory=_default_data_dir)
    """Where encounters and the audit trail live (default: the user's data folder)."""

    demo_data_dir: Path | None = None
    """Data folder in demo mode; unset means a ``demo`` folder inside ``data_dir``, so demo
    patients never mix with real ones."""

    room: Annotated[str, Field(max_length=40)] = Field(default_factory=_default_room)
    """Exam room shown on screen and stored with each encounter (default: the host name)."""

    required_fields: Annotated[tuple[str, ...], NoDecode] = (
        "history.allergies",
        "complaint.text",
        "vitals.blood_pressure",
        "vitals.pulse",
        "vitals.temperature",
    )
    """What the intake needs before signing; names from ``REQUIRED_FIELD_NAMES``. In the
    environment, a comma-separated list."""

    country: str = "US"
    """ISO 3166 two-letter country of the clinic: the demographics step checks US state codes and
    ZIP codes for "US", Canadian ("CA") and UK ("GB") postal codes, else free text."""

    mrn_pattern: str = r"[A-Za-z0-9-]{1,40}"
    """Regular expression the whole medical record number must match."""
    demo: bool = False
    """Run on synthetic patients in the demo data folder."""
    audit_syslog: bool = False
    """Also send the audit chain's head (entry count and hash, never patient data) to the
    system log after every fsynced entry, so a copy outside the trail shows removed entries
    (kiosk.store.anchors). Off by default: not every host has a syslog that leaves it."""

    ranges_file: Path | None = Field(default=None, validation_alias=AliasChoices(*RANGES_ENV))
    """Clinic range table replacing the packaged ``config/ranges.toml`` (unset: packaged).
    In the environment ``KIOSK_RANGES``, the variable the range loader itself reads."""
    poc_catalog_file: Path | None = None
    """Clinic point-of-care test catalog replacing the packaged ``config/poc_catalog.toml``
    (unset: packaged; environment ``KIOSK_POC_CATALOG_FILE``)."""
    glucose_meter_lo_mg_dl: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = 20.0
    """The lowest glucose the clinic's meters show as a number; below it they show "LO"."""
    glucose_meter_hi_mg_dl: Annotated[float, Field(ge=200, le=1500, allow_inf_nan=False)] = 600.0
    """The highest glucose the clinic's meters show as a number; above it they show "HI"."""
    central_database: str | None = None
    """The clinic's shared record: a PostgreSQL URL (``postgresql://kiosk@db.clinic/kiosk``;
    a password is better in ``~/.pgpass`` than here). Unset: this host's store only, exactly
    as without it. Set: every saved encounter and audit event is also pushed there (outbox,
    ``kiosk sync``, the app's background sync) and history is read from it."""
    sync_interval_seconds: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 5.0
    """How often the app's background sync pushes to ``central_database`` (and retries)."""
    patient_update: Literal["update", "task"] = "task"
    """Changed demographics in the FHIR export: a Task listing them, or a Patient "update"."""

    change_limits: ChangeLimitSettings = Field(default_factory=ChangeLimitSettings)
    """Changes from the last visit the MA must confirm (``[change_limits]`` in the file; in the
    environment ``KIOSK_CHANGE_LIMITS`` as JSON)."""

    rooming: RoomingSettings = Field(default_factory=RoomingSettings)
    """``[rooming]``: the exam rooms, the turnover checklist and ``[rooming.thresholds]``."""
    screenings: ScreeningRules = Field(default_factory=ScreeningRules)
    """Which screenings are due, by age, sex and days since the last one (``[screenings]``
    and ``[screenings.<phq|gad7|auditc|steadi>]`` in the file; in the environment
    ``KIOSK_SCREENINGS`` as JSON)."""

    @field_validator("*", mode="before")
    @classmethod
    def _numbers(cls, value: Any, info: ValidationInfo) -> Any:
        return _not_a_flag(cls, value, info)

    @field_validator("glucose_unit", mode="before")
    @classmethod
    def _glucose_spelling(cls, value: Any) -> Any:
        if isinstance(value, str) and units.lookup_unit(value) in ("mg/dL", "mmol/L"):
            return units.lookup_unit(value)  # "mmol/l", "mmol", "mg/dl" as the meters print
        return value

    @field_validator("required_fields", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("required_fields")
    @classmethod
    def _known_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in REQUIRED_FIELD_NAMES:
                raise ValueError(f"unknown field {name!r}{_suggest(name, REQUIRED_FIELD_NAMES)}")
        return tuple(dict.fromkeys(value))

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ValueError("should be a two-letter country code such as US or CA")
        return value.upper()

    @field_validator("mrn_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression ({error})") from None
        return value

    @field_validator("central_database")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("should be a PostgreSQL URL starting with postgresql://")
        return value

    @field_validator("ranges_file", "poc_catalog_file")
    @classmethod
    def _exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.expanduser().is_file():
            raise ValueError(f"no such file: {value}")
        return value.expanduser() if value is not None else None

    @field_validator("data_dir", "demo_data_dir")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = InitSettingsSource(settings_cls, init_kwargs=dict(_toml_data.get()))
        return (init_settings, env_settings, toml)

    @property
    def bare_glucose_unit(self) -> str:
        """The UCUM unit a bare glucose is read in at this clinic."""
        if self.glucose_unit is not None:
            return self.glucose_unit
        return "mmol/L" if self.unit_system == "metric" else "mg/dL"

    @property
    def active_data_dir(self) -> Path:
        """The folder the store should open: the demo folder in demo mode."""
        if self.demo:
            return self.demo_data_dir or self.data_dir / "demo"
        return self.data_dir

    def mrn_is_valid(self, mrn: str) -> bool:
        """True when the whole of ``mrn`` matches the clinic's pattern."""
        return re.fullmatch(self.mrn_pattern, mrn) is not None


def _suggest(name: str, choices: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _env_name(field: str) -> str | None:
    """The environment variable that set ``field``, if any (matching is case-insensitive)."""
    wanted = RANGES_ENV if field == "ranges_file" else (ENV_PREFIX + field.upper(),)
    return next((name for name in os.environ if name.upper() in wanted), None)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, None, f"not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not a UTF-8 text file") from None
    except OSError as error:
        raise ConfigError(path, None, f"cannot be read ({error.strerror or error})") from None
    for key, value in data.items():
        if key not in Settings.model_fields:
            raise ConfigError(path, key, f"unknown setting{_suggest(key, Settings.model_fields)}")
        if key in PATH_KEYS and isinstance(value, str):
            data[key] = path.parent / Path(value).expanduser()
    return data


def _config_path(config_path: Path | str | None) -> tuple[Path | None, str]:
    """The file to read (None: none) and how to name it if it is missing."""
    if config_path is not None:
        return Path(config_path), "the --config file"
    from_env = os.environ.get(ENV_PREFIX + "CONFIG")
    if from_env:
        return Path(from_env), f"the file named by {ENV_PREFIX}CONFIG"
    return (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None), ""


def load_settings(config_path: Path | str | None = None, **overrides: Any) -> Settings:
    """Read the settings; keyword overrides whose value is None are ignored.

    Raises ConfigError for a missing named file, bad TOML, an unknown key, or a bad value from
    the file, the environment or an override.
    """
    path, described = _config_path(config_path)
    data: dict[str, Any] = {}
    if path is not None:
        if not path.is_file():
            raise ConfigError(path, None, f"{described} does not exist")
        data = _read_toml(path)
    given = {key: value for key, value in overrides.items() if value is not None}
    token = _toml_data.set(data)
    try:
        return Settings(**given)
    except ValidationError as error:
        raise _explain(error, path, given) from None
    except SettingsError as error:
        raise ConfigError("environment", None, str(error)) from None
    finally:
        _toml_data.reset(token)


def _explain(error: ValidationError, path: Path | None, given: dict[str, Any]) -> ConfigError:
    """Turn the first validation problem into a ConfigError naming where the value came from."""
    first = error.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else None
    if key is not None and key.upper() in RANGES_ENV:  # pydantic reports the alias
        key = "ranges_file"
    inner = [str(part) for part in first["loc"][1:]]  # a key inside a [table]
    reason = first["msg"].removeprefix("Value error, ").replace("Input should", "should", 1)
    if first["type"] == "extra_forbidden":
        tables: dict[str | None, Any] = {
            "change_limits": ChangeLimitSettings,
            "rooming": RoomingSettings,
        }
        table = Thresholds if inner[:1] == ["thresholds"] else tables.get(key, ChangeLimitSettings)
        known: Any = table.model_fields if inner else Settings.model_fields
        reason = f"unknown setting{_suggest(inner[-1] if inner else key or '', known)}"
    elif first["type"] == "model_type":
        reason = f"should be a table of settings, [{key}] (got {first.get('input')!r})"
    elif "input" in first and first["type"] != "missing" and key != "central_database":
        # (a URL may hold a password: never echoed)
        reason += f" (got {first['input']!r})"
    if error.error_count() > 1:
        reason += f" (and {error.error_count() - 1} more problem(s))"
    where = ".".join([key, *inner]) if key is not None else None
    if key in given or key is None:
        return ConfigError("command line", where, reason)
    env = _env_name(key)
    if env is not None:
        return ConfigError(f"environment variable {env}", ".".join(inner) or None, reason)
    return ConfigError(path, where, reason)


def settings_from_args(args: Any) -> Settings:
    """Settings for a parsed ``kiosk`` command line (``--config``, ``--data-dir``, ``--demo``)."""
    return load_settings(
        getattr(args, "config", None),
        data_dir=getattr(args, "data_dir", None),
        demo=getattr(args, "demo", None) or None,
    )
