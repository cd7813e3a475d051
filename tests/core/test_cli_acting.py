"""Commands that read patient data record who ran them, proved: a staff PIN (``--staff`` with a
prompt or ``--pin-stdin``) or the operating-system account, never ``$USER`` or a bare flag; the
MRN can come from standard input, so it is not in ``ps``."""

from __future__ import annotations

import io
import os
import pwd
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import argon2
import orjson
import pytest
from export_samples import full_encounter

from kiosk.cli import main
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditEntry, AuditTrail
from kiosk.store.staff import StaffDirectory

CHEAP = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
OS_USER = "os:" + pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with EncounterStore(folder, staff_id="ma-7") as store:
        store.save(full_encounter(encounter_id="e1", mrn="MRN-1001"))
        store.save(full_encounter(encounter_id="e2", mrn="MRN-2002"))
    StaffDirectory(folder, hasher=CHEAP).add("ana", "Ana Lopez", "4821", by="test")
    return folder


def kiosk(monkeypatch: pytest.MonkeyPatch, data: Path, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data), *args])


def entries(data: Path, action: str) -> list[AuditEntry]:
    return [e for e in AuditTrail(data).entries() if e.action == action]


def test_export_records_the_os_account_not_the_user_variable(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    out = tmp_path / "x.ndjson"
    assert kiosk(monkeypatch, data_dir, "export", "--format", "json", "--out", str(out)) == 0
    (export,) = entries(data_dir, "export")
    assert export.staff == OS_USER
    views = [e for e in entries(data_dir, "view") if e.staff == OS_USER]
    assert [e.reason for e in views] == ["export"]


def test_export_as_a_staff_member_needs_the_right_pin(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "x.ndjson"
    base = ("export", "--format", "json", "--out", str(out), "--staff", "ana", "--pin-stdin")
    assert kiosk(monkeypatch, data_dir, *base, stdin="0000\n") == 2
    assert "Wrong staff ID or PIN." in capsys.readouterr().err
    assert not out.exists()
    assert entries(data_dir, "export") == []
    assert kiosk(monkeypatch, data_dir, *base, stdin="4821\n") == 0
    (export,) = entries(data_dir, "export")
    assert export.staff == "ana"
    assert [e.staff for e in entries(data_dir, "failed-sign-in")] == ["ana"]


def test_without_pin_stdin_the_pin_is_asked_without_echo(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "4821"

    monkeypatch.setattr("getpass.getpass", getpass)
    out = tmp_path / "x.ndjson"
    args = ("export", "--format", "json", "--out", str(out), "--staff", "ANA")
    assert kiosk(monkeypatch, data_dir, *args) == 0
    assert prompts == ["PIN for ana: "]
    assert entries(data_dir, "export")[0].staff == "ana"


def test_pin_stdin_without_a_staff_id_is_refused(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("export", "--format", "json", "--out", str(tmp_path / "x"), "--pin-stdin")
    assert kiosk(monkeypatch, data_dir, *args, stdin="4821\n") == 2
    assert "--pin-stdin needs --staff" in capsys.readouterr().err


def test_the_mrn_is_read_from_stdin_and_is_never_in_the_process_arguments(
    data_dir: Path,
) -> None:
    """A real process: while it waits for the MRN, its command line (what ps shows) lacks it."""
    argv = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "export"]
    argv += ["--format", "json", "--out", "-", "--staff", "ana", "--pin-stdin", "--patient", "-"]
    child = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdin is not None
    child.stdin.write(b"4821\n")
    child.stdin.flush()
    cmdline = b""
    while not cmdline and child.poll() is None:  # empty for an instant during the exec
        cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes()
    assert b"--patient" in cmdline
    out, err = child.communicate(b"MRN-2002\n", timeout=60)
    assert b"MRN-2002" not in Path(f"/proc/{os.getpid()}/cmdline").read_bytes()
    assert b"MRN-2002" not in cmdline
    assert child.returncode == 0, err
    assert [orjson.loads(line)["patient"]["id"] for line in out.splitlines()] == ["MRN-2002"]
    (export,) = entries(data_dir, "export")
    assert (export.staff, export.patient_id) == ("ana", "MRN-2002")


def test_audit_show_records_who_looked_before_it_prints(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with EncounterStore(data_dir, staff_id="ma-7", purpose="intake") as store:
        store.find_patients("MRN-1001")
    monkeypatch.setenv("USER", "someone-else")
    assert kiosk(monkeypatch, data_dir, "audit", "show", "--patient", stdin="MRN-1001\n") == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("search (1 found)" in line and "(in a list or search)" in line for line in lines)
    assert any("why: intake" in line for line in lines)
    last = list(AuditTrail(data_dir).entries())[-1]
    assert (last.staff, last.action, last.patient_id, last.reason) == (
        OS_USER,
        "view",
        "MRN-1001",
        "access report",
    )
    assert OS_USER in lines[-1]


def test_audit_show_as_staff_with_a_wrong_pin_prints_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("audit", "show", "--staff", "ana", "--pin-stdin", "--patient", "-")
    assert kiosk(monkeypatch, data_dir, *args, stdin="1111\nMRN-1001\n") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Wrong staff ID or PIN." in captured.err


def test_staff_commands_record_the_os_account_as_the_administrator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    data = tmp_path / "data"
    args = ("staff", "add", "bo", "--name", "Bo", "--pin-stdin")
    assert kiosk(monkeypatch, data, *args, stdin="5555\n") == 0
    (added,) = entries(data, "staff-add")
    assert added.staff == "admin:" + OS_USER.removeprefix("os:")
    assert datetime.fromisoformat(added.time) <= datetime.now(UTC)
