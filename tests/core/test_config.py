"""Settings: TOML + KIOSK_* environment, and a readable message for every broken config."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import kiosk.cli
from kiosk import config
from kiosk.config import (
    REQUIRED_FIELD_NAMES,
    ChangeLimitSettings,
    Settings,
    load_settings,
    missing_required,
    settings_from_args,
)
from kiosk.errors import ConfigError, KioskError
from kiosk.models import (
    Address,
    ChiefComplaint,
    Coverage,
    Encounter,
    History,
    Insurance,
    Measurement,
    Patient,
    Vitals,
)

Write = Callable[..., Path]


def config_error(*args: object, **kwargs: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(*args, **kwargs)  # type: ignore[arg-type]
    return caught.value


# ------------------------------------------------------------------ where settings come from


def test_repo_file_documents_the_defaults() -> None:
    assert config.DEFAULT_CONFIG.is_file()
    assert load_settings() == Settings()


def test_missing_default_file_means_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(config, "DEFAULT_CONFIG", tmp_path / "absent.toml")
    monkeypatch.delenv("KIOSK_DATA_DIR")
    settings = load_settings()
    assert settings.idle_lock_seconds == 120
    assert settings.unit_system == "us"
    assert settings.data_dir.is_absolute()
    assert settings.data_dir.name == "kiosk"


def test_values_from_the_file(write_config: Write) -> None:
    path = write_config(
        'clinic_name = "Maple St Family Practice"\nunit_system = "metric"\nroom = "3"\n'
    )
    settings = load_settings(path)
    assert settings.clinic_name == "Maple St Family Practice"
    assert settings.unit_system == "metric"
    assert settings.room == "3"


def test_kiosk_config_names_the_file(write_config: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_CONFIG", str(write_config("idle_lock_seconds = 45\n")))
    assert load_settings().idle_lock_seconds == 45
    explicit = write_config("idle_lock_seconds = 50\n", name="other.toml")
    assert load_settings(explicit).idle_lock_seconds == 50


def test_precedence_override_then_env_then_file(
    write_config: Write, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_config(
        f'idle_lock_seconds = 45\nunit_system = "metric"\ndata_dir = "{tmp_path}/f"\n'
    )
    monkeypatch.setenv("KIOSK_IDLE_LOCK_SECONDS", "30")
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "env"))
    settings = load_settings(path, data_dir=tmp_path / "arg", unit_system=None)
    assert settings.idle_lock_seconds == 30  # env beats file
    assert settings.data_dir == tmp_path / "arg"  # override beats env
    assert settings.unit_system == "metric"  # a None override is ignored


def test_env_unit_system_and_required_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_UNIT_SYSTEM", "metric")
    monkeypatch.setenv("KIOSK_REQUIRED_FIELDS", "vitals.pulse, complaint.text,vitals.pulse")
    settings = load_settings()
    assert settings.unit_system == "metric"
    assert settings.required_fields == ("vitals.pulse", "complaint.text")


def test_bare_glucose_unit_follows_the_unit_system_unless_set(
    write_config: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().glucose_unit is None
    assert load_settings().bare_glucose_unit == "mg/dL"
    assert load_settings(unit_system="metric").bare_glucose_unit == "mmol/L"
    path = write_config('unit_system = "metric"\nglucose_unit = "mg/dL"\n')
    assert load_settings(path).bare_glucose_unit == "mg/dL"
    monkeypatch.setenv("KIOSK_GLUCOSE_UNIT", "mmol/l")  # spelt as a meter prints it
    assert load_settings().bare_glucose_unit == "mmol/L"


def test_a_glucose_unit_of_another_kind_is_refused(write_config: Write) -> None:
    error = config_error(write_config('glucose_unit = "kg"\n'))
    assert "glucose_unit" in str(error)
    assert "mg/dL" in str(error)


def test_kiosk_ranges_is_the_ranges_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, write_config: Write
) -> None:
    # The same variable the range loader reads (kiosk.validators.ranges.default_path).
    table = tmp_path / "clinic-ranges.toml"
    table.write_text("", encoding="utf-8")
    monkeypatch.setenv("KIOSK_RANGES", str(table))
    assert load_settings().ranges_file == table
    monkeypatch.setenv("KIOSK_RANGES", str(tmp_path / "missing.toml"))
    error = config_error()
    assert error.file == "environment variable KIOSK_RANGES"
    assert "no such file" in error.reason
    monkeypatch.delenv("KIOSK_RANGES")
    monkeypatch.setenv("RANGES_FILE", str(tmp_path / "missing.toml"))  # no prefix: ignored
    assert load_settings().ranges_file is None


def test_relative_paths_are_relative_to_the_file(
    write_config: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_DATA_DIR")
    (tmp_path / "ranges-peds.toml").write_text("", encoding="utf-8")
    path = write_config('data_dir = "store"\nranges_file = "ranges-peds.toml"\n')
    settings = load_settings(path)
    assert settings.data_dir == tmp_path / "store"
    assert settings.ranges_file == tmp_path / "ranges-peds.toml"


def test_demo_uses_its_own_folder(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path).active_data_dir == tmp_path
    assert load_settings(data_dir=tmp_path, demo=True).active_data_dir == tmp_path / "demo"
    other = tmp_path / "elsewhere"
    assert load_settings(demo=True, demo_data_dir=other).active_data_dir == other


def test_settings_from_args(write_config: Write, tmp_path: Path) -> None:
    path = write_config('room = "7"\n')
    args = argparse.Namespace(config=str(path), data_dir=str(tmp_path / "d"), demo=True)
    settings = settings_from_args(args)
    assert (settings.room, settings.data_dir, settings.demo) == ("7", tmp_path / "d", True)


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(ValidationError):
        settings.idle_lock_seconds = 5  # type: ignore[misc]


def test_mrn_pattern_matches_the_whole_number(write_config: Write) -> None:
    settings = load_settings(write_config('mrn_pattern = "MRN[0-9]{6}"\n'))
    assert settings.mrn_is_valid("MRN123456")
    assert not settings.mrn_is_valid("MRN1234567")
    assert not settings.mrn_is_valid("xMRN123456")


# --------------------------------------------------------------------------- broken configs


def test_toml_syntax_error_names_file_and_line(write_config: Write) -> None:
    path = write_config('clinic_name = "ok"\nidle_lock_seconds = = 3\n')
    error = config_error(path)
    assert error.file == str(path)
    assert "not valid TOML" in error.reason
    assert "line 2" in str(error)


def test_unknown_key_suggests_the_right_one(write_config: Write) -> None:
    error = config_error(write_config("idle_lock_second = 30\n"))
    assert error.key == "idle_lock_second"
    assert "unknown setting" in error.reason
    assert "idle_lock_seconds" in error.reason


def test_keys_are_case_sensitive_in_the_file(write_config: Write) -> None:
    assert config_error(write_config('Clinic_Name = "x"\n')).key == "Clinic_Name"


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('idle_lock_seconds = "soon"\n', "idle_lock_seconds", "valid integer"),
        ("idle_lock_seconds = 0\n", "idle_lock_seconds", "greater than 0"),
        ("idle_lock_seconds = 99999\n", "idle_lock_seconds", "less than or equal to 3600"),
        ('unit_system = "imperial"\n', "unit_system", "'us' or 'metric'"),
        ('required_fields = ["vitals.puls"]\n', "required_fields", "'vitals.pulse'"),
        ('mrn_pattern = "[0-9"\n', "mrn_pattern", "not a valid regular expression"),
        ('ranges_file = "nowhere.toml"\n', "ranges_file", "no such file"),
        ('clinic_name = ""\n', "clinic_name", "at least 1 character"),
        ("demo = 3\n", "demo", "valid boolean"),
    ],
)
def test_bad_values_name_file_key_and_reason(
    write_config: Write, text: str, key: str, words: str
) -> None:
    path = write_config(text)
    error = config_error(path)
    assert (error.file, error.key) == (str(path), key)
    assert words in error.reason
    assert str(error).startswith(f"{path}, key '{key}': ")


def _numeric_fields() -> list[tuple[str, str]]:
    """(table, key) of every number setting, nested tables included ("" is the top level)."""
    found = []
    for table, model in (("", Settings), ("change_limits", ChangeLimitSettings)):
        for key, field in model.model_fields.items():
            if field.annotation in (int, float):
                found.append((table, key))
    return found


@pytest.mark.parametrize(("table", "key"), _numeric_fields())
@pytest.mark.parametrize("flag", ["true", "false"])
def test_a_number_setting_refuses_true_or_false(
    write_config: Write, table: str, key: str, flag: str
) -> None:
    """TOML's ``true`` is not 1 second (pydantic would read it as 1 by default)."""
    path = write_config(f"[{table}]\n{key} = {flag}\n" if table else f"{key} = {flag}\n")
    error = config_error(path)
    where = f"{table}.{key}" if table else key
    assert (error.file, error.key) == (str(path), where)
    assert error.reason.startswith("should be a number, not true or false"), error.reason


def test_the_number_settings_are_found() -> None:
    assert ("", "idle_lock_seconds") in _numeric_fields()
    assert ("change_limits", "weight_kg") in _numeric_fields()


def test_several_problems_are_counted(write_config: Write) -> None:
    error = config_error(write_config('unit_system = "x"\nidle_lock_seconds = -1\n'))
    assert "1 more problem" in error.reason


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("KIOSK_IDLE_LOCK_SECONDS", "two minutes", "valid integer"),
        ("KIOSK_UNIT_SYSTEM", "imperial", "'us' or 'metric'"),
        ("KIOSK_REQUIRED_FIELDS", "vitals.pulse,bogus", "unknown field 'bogus'"),
    ],
)
def test_bad_env_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
) -> None:
    monkeypatch.setenv(name, value)
    error = config_error()
    assert error.file == f"environment variable {name}"
    assert words in error.reason


def test_bad_override_names_the_command_line() -> None:
    error = config_error(idle_lock_seconds=-5)
    assert (error.file, error.key) == ("command line", "idle_lock_seconds")
    assert config_error(colour="red").reason.startswith("unknown setting")  # "country"?


def test_missing_named_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = config_error(tmp_path / "nope.toml")
    assert error.file == str(tmp_path / "nope.toml")
    assert "does not exist" in error.reason
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "gone.toml"))
    assert "KIOSK_CONFIG" in config_error().reason


def test_unreadable_files(write_config: Write, tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"clinic_name = '\xff\xfe'\n")
    assert "UTF-8" in config_error(binary).reason
    assert "does not exist" in config_error(tmp_path).reason  # a folder is not a file


# --------------------------------------------------------------------------- the CLI shows one line


def test_cli_prints_the_config_error(
    write_config: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config("idle_lock_seconds = -1\n")
    assert kiosk.cli.main(["--config", str(path), "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kiosk: {path}, key 'idle_lock_seconds': ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "env", "start"),
    [
        ("[broken\n", {}, "{path}: not valid TOML"),
        ("", {"KIOSK_IDLE_LOCK_SECONDS": "soon"}, "environment variable KIOSK_IDLE_LOCK_SECONDS"),
    ],
)
def test_broken_config_in_a_fresh_process_has_no_traceback(
    write_config: Write, text: str, env: dict[str, str], start: str
) -> None:
    path = write_config(text)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(path), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("kiosk: " + start.format(path=path))
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_config_error_is_a_kiosk_error() -> None:
    assert issubclass(ConfigError, KioskError)


# --------------------------------------------------------------------------- required fields

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _encounter(birth: date = date(1980, 1, 1), **parts: Any) -> Encounter:
    patient = Patient(id="M1", family_name="Doe", given_name="Ada", birth_date=birth)
    return Encounter(staff_id="ma", started_at=DAY, patient=patient, **parts)


def test_missing_required_on_an_empty_encounter() -> None:
    every = tuple(REQUIRED_FIELD_NAMES)
    missing = missing_required(_encounter(), every)
    # Head circumference is only asked for under 2 years.
    assert missing == [words for name, words in REQUIRED_FIELD_NAMES.items() if "head" not in name]
    assert "head circumference (under 2 years only)" in missing_required(
        _encounter(birth=date(2025, 6, 1)), every
    )


def test_missing_required_once_recorded() -> None:
    refused = Measurement(kind="pulse", unit="/min", not_taken="refused", taken_at=DAY)
    encounter = _encounter(
        insurance=Insurance(primary=Coverage(payer="Acme Health", member_id="A1")),
        history=History(no_known_allergies=True, reviewed=True),
        complaint=ChiefComplaint(text="cough", severity=3),
        vitals=Vitals(pulse=[refused]),
    )
    required = (
        "insurance",
        "history.allergies",
        "history.reviewed",
        "complaint.text",
        "complaint.severity",
        "vitals.pulse",
        "vitals.weight",
        "patient.address",
    )
    assert missing_required(encounter, required) == ["weight", "address"]
    encounter.patient.address = Address(line1="1 Main St")
    assert missing_required(encounter, required) == ["weight"]


def test_the_editable_copies_in_config_match_the_shipped_defaults() -> None:
    """config/ is what a clinic copies and edits; the package ships the same files."""
    from kiosk.data import packaged

    repo = Path(__file__).resolve().parents[2] / "config"
    for name in ("kiosk.toml", "ranges.toml", "poc_catalog.toml"):
        assert (repo / name).read_bytes() == packaged(name).read_bytes(), name
