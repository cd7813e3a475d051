"""Staff accounts: hashing, disabled accounts, the shared file and its audit events."""

from __future__ import annotations

import io
import json
import stat
from dataclasses import dataclass, field
from pathlib import Path

import argon2
import pytest

from kiosk.errors import StoreError
from kiosk.store.audit import AuditTrail
from kiosk.store.staff import AuthError, StaffDirectory, StaffError, check_pin

CHEAP = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Recorder:
    """Collects audit events as (action, staff, detail) to check what staff.py reports."""

    events: list[tuple[str, str, str]] = field(default_factory=list)

    def append(
        self, action: str, *, staff: str, patient_id: str | None = None, detail: str = ""
    ) -> None:
        self.events.append((action, staff, detail))


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def audit() -> Recorder:
    return Recorder()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def staff(tmp_path: Path, audit: Recorder, clock: Clock) -> StaffDirectory:
    directory = StaffDirectory(tmp_path / "data", hasher=CHEAP, clock=clock, audit=audit)
    directory.add("ana", "Ana Lopez", "4821")
    return directory


def test_authenticate_returns_the_member_and_records_sign_in(
    staff: StaffDirectory, audit: Recorder
) -> None:
    member = staff.authenticate(" ANA ", "4821")
    assert (member.staff_id, member.name, member.role) == ("ana", "Ana Lopez", "ma")
    assert audit.events[-1][:2] == ("sign-in", "ana")


def test_only_a_hash_is_stored_in_a_private_file(staff: StaffDirectory) -> None:
    raw = staff.path.read_text()
    assert "4821" not in raw
    assert json.loads(raw)["staff"]["ana"]["hash"].startswith("$argon2id$")
    assert stat.S_IMODE(staff.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(staff.data_dir.stat().st_mode) == 0o700
    assert not list(staff.data_dir.glob("*.tmp"))


@pytest.mark.parametrize(("sid", "pin"), [("ana", "0000"), ("bob", "4821"), ("ana", "")])
def test_wrong_id_or_pin_gives_one_message_and_records_only_the_id(
    staff: StaffDirectory, audit: Recorder, sid: str, pin: str
) -> None:
    with pytest.raises(AuthError, match=r"^Wrong staff ID or PIN\.$"):
        staff.authenticate(sid, pin)
    action, who, detail = audit.events[-1]
    assert (action, who) == ("failed-sign-in", sid if sid == "ana" else "?")
    assert pin not in detail or not pin
    assert sid not in detail


def test_disabled_account_is_refused_only_with_the_right_pin(
    staff: StaffDirectory, audit: Recorder
) -> None:
    staff.disable("ana", by="boss")
    assert audit.events[-1] == ("staff-disable", "boss", "disabled ana")
    with pytest.raises(AuthError, match="Wrong"):
        staff.authenticate("ana", "9999")
    with pytest.raises(AuthError, match=r"^This account is disabled\.$"):
        staff.authenticate("ana", "4821")
    assert staff.list()[0].disabled


def test_reset_pin_replaces_the_pin(staff: StaffDirectory, audit: Recorder) -> None:
    staff.reset_pin("ana", "20262026")
    assert audit.events[-1][0] == "staff-reset-pin"
    with pytest.raises(AuthError, match="Wrong"):
        staff.authenticate("ana", "4821")
    assert staff.authenticate("ana", "20262026").staff_id == "ana"


def test_add_refuses_duplicates_bad_ids_and_roles(staff: StaffDirectory) -> None:
    with pytest.raises(StaffError, match="already"):
        staff.add("ANA", "Another Ana", "5555")
    with pytest.raises(StaffError, match="staff ID"):
        staff.add("no spaces", "X", "5555")
    with pytest.raises(StaffError, match="role"):
        staff.add("carl", "Carl", "5555", role="god")
    with pytest.raises(StaffError, match="no staff member"):
        staff.reset_pin("nobody", "5555")


@pytest.mark.parametrize("pin", ["1234", "123456789012", "long enough", "p@ssw0rd!"])
def test_valid_pins_and_passwords(pin: str) -> None:
    check_pin(pin)


@pytest.mark.parametrize("pin", ["123", "1234567890123", "short", " padded pass ", "tab\there!"])
def test_invalid_pins_and_passwords(pin: str) -> None:
    with pytest.raises(StaffError):
        check_pin(pin)


def test_demo_account_is_created_once(tmp_path: Path, audit: Recorder) -> None:
    directory = StaffDirectory(tmp_path, hasher=CHEAP, audit=audit)
    assert directory.ensure_demo_account() == ("demo", "1234")
    assert directory.ensure_demo_account() == ("demo", "1234")
    assert [m.staff_id for m in directory.list()] == ["demo"]
    assert directory.authenticate("demo", "1234").staff_id == "demo"


def test_unlock_purpose_is_recorded(staff: StaffDirectory, audit: Recorder) -> None:
    staff.authenticate("ana", "4821", purpose="unlock")
    assert audit.events[-1][:2] == ("unlock", "ana")


def test_damaged_file_is_reported_plainly(staff: StaffDirectory) -> None:
    staff.path.write_text("{not json")
    with pytest.raises(StoreError, match="damaged"):
        staff.list()


# ---------------------------------------------------------------------- the `kiosk staff` CLI


def kiosk(monkeypatch: pytest.MonkeyPatch, data: Path, *args: str, stdin: str = "") -> int:
    from kiosk.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data), "staff", *args])


def test_cli_add_list_disable_reset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert (
        kiosk(monkeypatch, data, "add", "Ana", "--name", "Ana Lopez", "--pin-stdin", stdin="4821\n")
        == 0
    )
    assert kiosk(monkeypatch, data, "list") == 0
    assert "ana" in capsys.readouterr().out
    assert kiosk(monkeypatch, data, "reset-pin", "ana", "--pin-stdin", stdin="7777\n") == 0
    assert StaffDirectory(data).authenticate("ana", "7777").name == "Ana Lopez"
    assert kiosk(monkeypatch, data, "disable", "ana") == 0
    with pytest.raises(AuthError, match="disabled"):
        StaffDirectory(data).authenticate("ana", "7777")
    actions = [e.action for e in AuditTrail(data).entries()]
    assert actions[:3] == ["staff-add", "staff-reset-pin", "sign-in"]
    assert "staff-disable" in actions
    assert "7777" not in (data / "audit.jsonl").read_text()


def test_cli_refuses_a_weak_pin_and_unknown_ids_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert kiosk(monkeypatch, data, "add", "bob", "--name", "Bob", "--pin-stdin", stdin="12\n") == 2
    assert kiosk(monkeypatch, data, "disable", "zed") == 2
    err = capsys.readouterr().err
    assert "4 to 12 digits" in err
    assert "no staff member with ID 'zed'" in err
    assert "Traceback" not in err


def test_cli_asks_for_the_pin_twice_without_echo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["55555", "55556"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert kiosk(monkeypatch, tmp_path, "add", "cy", "--name", "Cy") == 2
    assert StaffDirectory(tmp_path).list() == []


def test_kiosks_adding_staff_at_once_lose_no_account(tmp_path: Path) -> None:
    """Several processes share staff.json: the file lock and atomic replace keep every write."""
    import subprocess
    import sys

    code = (
        "import sys, argon2\n"
        "from kiosk.store.staff import StaffDirectory\n"
        "cheap = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)\n"
        "d = StaffDirectory(sys.argv[1], hasher=cheap)\n"
        "for i in range(8):\n"
        "    d.add(f'k{sys.argv[2]}-{i}', 'Kiosk Test', '123456', by='test')\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path), str(n)]) for n in range(4)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0, 0, 0]
    ids = {m.staff_id for m in StaffDirectory(tmp_path, hasher=CHEAP).list()}
    assert ids == {f"k{n}-{i}" for n in range(4) for i in range(8)}
    assert len([e for e in AuditTrail(tmp_path).entries() if e.action == "staff-add"]) == 32
    assert AuditTrail(tmp_path).verify().ok
