"""Wrong PINs slow down the terminal they are typed at, never the account; every answer costs the
same Argon2 work and says the same words whether the id exists; sign-in fails closed when a try
cannot be recorded (a full disk: injected at the write layer, and a real full tmpfs as root)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import argon2
import pytest

from kiosk.store.audit import AuditTrail
from kiosk.store.staff import AuthError, StaffDirectory

CHEAP = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
WAIT = "Too many wrong tries at this terminal"


class CountingHasher(argon2.PasswordHasher):
    """The cheap hasher, counting every verify (the work that makes an answer take time)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verifies = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.verifies += 1
        return super().verify(hash, password)


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Kiosk:
    """Staff directories sharing one data folder, each at its own terminal."""

    data: Path
    clock: Clock = field(default_factory=Clock)
    hasher: CountingHasher = field(default_factory=CountingHasher)

    def at(self, terminal: str) -> StaffDirectory:
        return StaffDirectory(self.data, hasher=self.hasher, clock=self.clock, terminal=terminal)

    def answer(self, directory: StaffDirectory, sid: str, pin: str) -> str:
        try:
            return "signed in as " + directory.authenticate(sid, pin).staff_id
        except AuthError as error:
            return str(error)


@pytest.fixture
def kiosk(tmp_path: Path) -> Kiosk:
    k = Kiosk(tmp_path / "data")
    k.at("tty A").add("ana", "Ana Lopez", "4821", by="test")
    return k


def test_the_fifth_wrong_try_makes_this_terminal_wait_and_only_this_one(kiosk: Kiosk) -> None:
    a, b = kiosk.at("tty A"), kiosk.at("tty B")
    for _ in range(4):
        assert kiosk.answer(a, "ana", "0000") == "Wrong staff ID or PIN."
    fifth = kiosk.answer(a, "ana", "0000")
    assert fifth == f"Wrong staff ID or PIN. {WAIT}: try again in 30 seconds."
    assert kiosk.answer(a, "ana", "4821") == f"{WAIT}: try again in 30 seconds."
    # the owner is never locked out: another terminal signs in at once
    assert kiosk.answer(b, "ana", "4821") == "signed in as ana"
    kiosk.clock.now += 29
    assert kiosk.answer(a, "ana", "4821") == f"{WAIT}: try again in 1 second."
    kiosk.clock.now += 1
    assert kiosk.answer(a, "ana", "4821") == "signed in as ana"


def _wait_in(message: str) -> float:
    """Seconds named by a wait message ('try again in 2 minutes.'), 0 when there is none."""
    if WAIT not in message:
        return 0.0
    number, unit = message.rsplit("try again in ", 1)[1].rstrip(".").split()
    return float(number) * (60 if unit.startswith("minute") else 1)


def test_the_wait_doubles_up_to_fifteen_minutes_and_fades_after_an_hour(kiosk: Kiosk) -> None:
    a = kiosk.at("tty A")
    waits = []
    for _ in range(11):
        waits.append(_wait_in(kiosk.answer(a, "zed", "0000")))
        kiosk.clock.now += waits[-1]  # the next try as soon as it is allowed
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    kiosk.clock.now += 3600
    assert kiosk.answer(a, "zed", "0000") == "Wrong staff ID or PIN."


def test_a_right_pin_in_between_does_not_reset_the_count(kiosk: Kiosk) -> None:
    """Someone with a PIN of their own cannot sign in between guesses to avoid waiting."""
    a = kiosk.at("tty A")
    a.add("bo", "Bo Insider", "7777", by="test")
    answers = []
    for turn in range(5):
        answers.append(kiosk.answer(a, "ana", "0000"))
        if turn < 4:
            assert kiosk.answer(a, "bo", "7777") == "signed in as bo"
    assert WAIT in answers[-1]
    assert WAIT in kiosk.answer(a, "bo", "7777")


def test_known_and_unknown_ids_get_the_same_words_and_the_same_work(kiosk: Kiosk) -> None:
    """Two terminals with the same history: a real id and an unknown one answer alike, after
    a free try, a try that starts a wait and a try while waiting, each with one Argon2 check."""
    first, second = kiosk.at("tty A"), kiosk.at("tty B")
    for turn in range(7):
        answers = []
        for directory, sid in ((first, "ana"), (second, "nobody")):
            before = kiosk.hasher.verifies
            answers.append((kiosk.answer(directory, sid, "0000"), kiosk.hasher.verifies - before))
        assert answers[0] == answers[1], (turn, answers)
        assert answers[0][1] == 1
    assert WAIT in answers[0][0]


def test_the_count_survives_a_restart_of_the_kiosk(kiosk: Kiosk) -> None:
    for _ in range(5):
        kiosk.answer(kiosk.at("tty A"), "ana", "0000")
    assert WAIT in kiosk.answer(kiosk.at("tty A"), "ana", "4821")


def test_a_pin_typed_into_the_id_box_is_not_in_the_audit_trail(kiosk: Kiosk) -> None:
    a = kiosk.at("tty A")
    kiosk.answer(a, "58213", "58213")
    kiosk.answer(a, "p@ssw0rd!x", "x")
    raw = (kiosk.data / "audit.jsonl").read_text()
    assert "58213" not in raw
    assert "p@ssw0rd" not in raw
    failed = [e for e in AuditTrail(kiosk.data).entries() if e.action == "failed-sign-in"]
    assert [(e.staff, e.detail) for e in failed] == [
        ("?", "unknown staff ID (5 characters); terminal tty A"),
        ("?", "unknown staff ID (10 characters); terminal tty A"),
    ]
    kiosk.answer(a, "ana", "0000")
    last = list(AuditTrail(kiosk.data).entries())[-1]
    assert (last.staff, last.detail) == ("ana", "wrong PIN; terminal tty A")


# ---------------------------------------------------------------------- a full disk


@pytest.fixture
def no_space(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """While ``state["full"]``, every ``os.write`` (what kiosk.store.files writes with) fails
    with ENOSPC, as on a full disk."""
    state = {"full": False}
    real = os.write

    def write(fd: int, data: Any) -> int:
        if state["full"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    return state


def _refused_until_space(kiosk: Kiosk, fill: Any, free: Any) -> None:
    a = kiosk.at("tty A")
    kiosk.answer(a, "ana", "4821")
    audited = len(list(AuditTrail(kiosk.data).entries()))
    fill()
    answers = [kiosk.answer(a, "ana", pin) for pin in ("0000", "1111", "4821")]
    for answer in answers:
        assert answer.startswith("Sign-in is refused: the try cannot be recorded (")
        assert "No space left on device" in answer
        assert "Traceback" not in answer
        assert "4821" not in answer
    free()
    assert len(list(AuditTrail(kiosk.data).entries())) == audited  # nothing half-written
    assert kiosk.answer(a, "ana", "4821") == "signed in as ana"
    assert AuditTrail(kiosk.data).verify().ok


def test_a_full_disk_refuses_every_sign_in_instead_of_uncounted_guesses(
    kiosk: Kiosk, no_space: dict[str, bool]
) -> None:
    _refused_until_space(
        kiosk, lambda: no_space.__setitem__("full", True), lambda: no_space.update(full=False)
    )


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KiB tmpfs (needs root and a mount namespace that allows it)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the injected full disk covers the rule")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fits(fd: int) -> bool:
    """Write one more page of ballast; False once the filesystem is full."""
    try:
        os.write(fd, b"\0" * 4096)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        return False
    return True


def test_a_real_full_filesystem_refuses_every_sign_in(tmpfs: Path) -> None:
    kiosk = Kiosk(tmpfs / "data")
    kiosk.at("tty A").add("ana", "Ana Lopez", "4821", by="test")
    ballast = tmpfs / "ballast"

    def fill() -> None:
        fd = os.open(ballast, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while _fits(fd):
                pass
        finally:
            os.close(fd)

    _refused_until_space(kiosk, fill, ballast.unlink)


def test_staff_list_shows_the_terminals_with_wrong_tries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    data = tmp_path / "data"
    at_a = StaffDirectory(data, hasher=CHEAP, terminal="tty A")
    at_a.add("ana", "Ana Lopez", "4821", by="test")
    for _ in range(5):
        with pytest.raises(AuthError):
            at_a.authenticate("ana", "0000")
    with pytest.raises(AuthError):
        StaffDirectory(data, hasher=CHEAP, terminal="tty B").authenticate("nobody", "1")
    assert main(["--data-dir", str(data), "staff", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("Terminal tty A: 5 wrong PIN(s) in the last hour; waits ")
    assert lines[-1] == "Terminal tty B: 1 wrong PIN(s) in the last hour; may try now."
