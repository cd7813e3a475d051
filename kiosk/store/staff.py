"""Staff accounts: who is signed in, proved by a PIN, shared by every kiosk on the host.

HIPAA 164.312 asks for unique user identification and person authentication, so each medical
assistant has an id and a PIN (4-12 digits) or a password (8-128 characters). Only an Argon2
hash is kept. Repeated wrong PINs lock the account for a while; the count lives in the shared
file, so trying another kiosk does not reset it.

``staff.json`` sits in the data directory, mode 0600. Several kiosk processes share it, so every
read-modify-write holds a cross-process file lock, and every write goes to a temp file that is
fsynced and renamed over the old one: a crash never leaves a torn file.

Every change and every sign-in attempt goes to the audit trail with the staff id, never the PIN.
This module is core: it never imports Textual.
"""

from __future__ import annotations

import builtins
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import argon2

from kiosk.errors import KioskError, StoreError
from kiosk.store.files import ProcessLock, make_private_dir, write_atomic
from kiosk.store.layout import Layout

ROLES = ("ma", "nurse", "provider", "admin")
DEMO_ID, DEMO_PIN = "demo", "1234"


def kiosk_hasher() -> argon2.PasswordHasher:
    """Argon2id for a kiosk: 64 MiB and two passes, so guessing PINs from a stolen file is
    costly while signing in does not feel slow (the verify time is measured by
    ``benchmarks/bench_signin.py``, figures in benchmarks/README.md)."""
    return argon2.PasswordHasher(time_cost=2, memory_cost=64 * 1024, parallelism=1)


_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")

SessionAction = Literal["sign-in", "unlock", "lock", "sign-out"]


class AuthError(KioskError):
    """Signing in failed; ``str(error)`` is the message to show on the sign-in screen."""


class StaffError(KioskError):
    """An administrator's staff command cannot be done (unknown id, duplicate, weak PIN)."""


class AuditSink(Protocol):
    """What staff.py needs from the audit trail (kiosk.store.audit.AuditTrail fits)."""

    def append(
        self, action: str, *, staff: str, patient_id: str | None = None, detail: str = ""
    ) -> Any: ...


@dataclass(frozen=True)
class StaffMember:
    """A staff account as the app and the CLI see it (no hash, no counters)."""

    staff_id: str
    name: str
    role: str
    disabled: bool = False
    locked_until: float | None = None
    """Epoch seconds until which sign-in is refused after too many wrong PINs, or None."""


def normalise_id(staff_id: str) -> str:
    """Staff ids are case-insensitive: 'JDoe ' and 'jdoe' are one account."""
    return staff_id.strip().lower()


def check_id(staff_id: str) -> str:
    """The normalised id, or StaffError saying what a valid id looks like."""
    sid = normalise_id(staff_id)
    if not _ID_RE.match(sid):
        raise StaffError(
            "A staff ID is 1-32 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    return sid


def check_pin(pin: str) -> None:
    """PIN rules: 4-12 digits, or a password of 8-128 characters."""
    if pin.isascii() and pin.isdigit():
        if not 4 <= len(pin) <= 12:
            raise StaffError("A PIN is 4 to 12 digits (or use a password of 8 or more characters).")
        return
    if not 8 <= len(pin) <= 128:
        raise StaffError("A password is 8 to 128 characters (or use a PIN of 4 to 12 digits).")
    if pin != pin.strip() or not pin.isprintable():
        raise StaffError("A password cannot start or end with a space or hold control characters.")


class StaffDirectory:
    """The staff accounts in ``data_dir/staff.json``.

    ``hasher`` lets tests use cheap Argon2 parameters; ``clock`` lets them move time forward
    to test the lockout without sleeping; ``audit`` defaults to the data directory's trail.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        hasher: argon2.PasswordHasher | None = None,
        max_failures: int = 5,
        lockout_seconds: float = 300,
        clock: Callable[[], float] = time.time,
        audit: AuditSink | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        paths = Layout(self.data_dir)
        self.path = paths.staff
        # Short-lived holds from many directories: the descriptor is not kept between them.
        self._lock = ProcessLock(paths.staff_lock, timeout=10, keep_open=False)
        self.hasher = hasher or kiosk_hasher()
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self._audit = audit
        self._dummy_hash: str | None = None

    # ------------------------------------------------------------------ storage

    @property
    def audit(self) -> AuditSink:
        if self._audit is None:
            from kiosk.store.audit import AuditTrail

            self._audit = AuditTrail(self.data_dir)
        return self._audit

    @contextmanager
    def _locked(self) -> Iterator[dict[str, dict[str, Any]]]:
        """Hold the cross-process lock and yield the accounts; a changed dict is written back."""
        try:
            make_private_dir(self.data_dir)
            self._lock.acquire()
        except OSError as error:
            raise self._unusable(error) from None
        except StoreError as error:  # the lock file cannot be opened (or stays held)
            if isinstance(error.__cause__, OSError):
                raise self._unusable(error.__cause__) from None
            raise
        try:
            accounts = self._read()
            before = json.dumps(accounts, sort_keys=True)
            yield accounts
            if json.dumps(accounts, sort_keys=True) != before:
                data = {"version": 1, "staff": accounts}
                write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
        except OSError as error:
            raise self._unusable(error) from None
        finally:
            self._lock.release()

    def _unusable(self, error: OSError) -> StoreError:
        return StoreError(f"Cannot use the staff file {self.path}: {error.strerror}")

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw)
            accounts = data["staff"]
            if not isinstance(accounts, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise StoreError(f"The staff file {self.path} is damaged.") from None
        return accounts

    @staticmethod
    def _member(sid: str, record: dict[str, Any]) -> StaffMember:
        return StaffMember(
            staff_id=sid,
            name=str(record.get("name", "")),
            role=str(record.get("role", "ma")),
            disabled=bool(record.get("disabled", False)),
            locked_until=record.get("locked_until"),
        )

    # ------------------------------------------------------------------ administration

    def add(
        self, staff_id: str, name: str, pin: str, role: str = "ma", *, by: str = "admin"
    ) -> StaffMember:
        """Create an account; ``by`` is who did it, for the audit trail."""
        sid = check_id(staff_id)
        check_pin(pin)
        name = " ".join(name.split())
        if not name or len(name) > 80:
            raise StaffError("Give the staff member's name (up to 80 characters).")
        if role not in ROLES:
            raise StaffError(f"The role must be one of: {', '.join(ROLES)}.")
        pin_hash = self.hasher.hash(pin)
        with self._locked() as accounts:
            if sid in accounts:
                raise StaffError(f"There is already a staff member with ID '{sid}'.")
            accounts[sid] = {
                "name": name,
                "role": role,
                "hash": pin_hash,
                "disabled": False,
                "failures": 0,
                "locked_until": None,
                "created_at": self.clock(),
            }
            member = self._member(sid, accounts[sid])
        self.audit.append("staff-add", staff=by, detail=f"added {sid} ({role})")
        return member

    def disable(self, staff_id: str, *, by: str = "admin") -> None:
        """Stop an account from signing in (kept, so the audit trail still names it)."""
        sid = normalise_id(staff_id)
        with self._locked() as accounts:
            self._require(accounts, sid)["disabled"] = True
        self.audit.append("staff-disable", staff=by, detail=f"disabled {sid}")

    def reset_pin(self, staff_id: str, pin: str, *, by: str = "admin") -> None:
        """Set a new PIN; also re-enables nothing, but clears the wrong-PIN lockout."""
        sid = normalise_id(staff_id)
        check_pin(pin)
        pin_hash = self.hasher.hash(pin)
        with self._locked() as accounts:
            record = self._require(accounts, sid)
            record.update(hash=pin_hash, failures=0, locked_until=None)
        self.audit.append("staff-reset-pin", staff=by, detail=f"new PIN for {sid}")

    def list(self) -> builtins.list[StaffMember]:
        """Every account, sorted by id."""
        with self._locked() as accounts:
            return [self._member(sid, accounts[sid]) for sid in sorted(accounts)]

    def get(self, staff_id: str) -> StaffMember | None:
        with self._locked() as accounts:
            record = accounts.get(normalise_id(staff_id))
            return None if record is None else self._member(normalise_id(staff_id), record)

    def ensure_demo_account(self) -> tuple[str, str]:
        """Create the demo account (id 'demo', PIN '1234') if absent, for ``--demo`` mode."""
        if self.get(DEMO_ID) is None:
            with suppress(StaffError):  # another kiosk may have created it meanwhile
                self.add(DEMO_ID, "Demo Assistant", DEMO_PIN, "ma", by="demo-setup")
        return DEMO_ID, DEMO_PIN

    @staticmethod
    def _require(accounts: dict[str, dict[str, Any]], sid: str) -> dict[str, Any]:
        if sid not in accounts:
            raise StaffError(f"There is no staff member with ID '{sid}'.")
        return accounts[sid]

    # ------------------------------------------------------------------ signing in

    def authenticate(
        self, staff_id: str, pin: str, *, purpose: Literal["sign-in", "unlock"] = "sign-in"
    ) -> StaffMember:
        """The staff member whose id and PIN these are, or AuthError with the message to show.

        The PIN is checked before saying an account is disabled, so a stranger learns nothing.
        On success ``purpose`` is recorded ("sign-in" or "unlock"); every failure is recorded
        as "failed-sign-in" with the attempted id only.
        """
        sid = normalise_id(staff_id)
        if not self.path.exists():  # deleted, or never made: no PIN can be right
            raise AuthError(
                "Nobody can sign in: this data folder has no staff file (staff.json is missing)."
                " An administrator restores it from a backup or adds accounts with "
                "`kiosk staff add`."
            )
        with self._locked() as accounts:
            record = accounts.get(sid)
            now = self.clock()
            if record is None:
                self._burn_time(pin)
                failure, message = "unknown staff ID", "Wrong staff ID or PIN."
            elif (record.get("locked_until") or 0) > now:
                failure = "account locked"
                message = self._locked_message(record["locked_until"] - now)
            elif not self._verify(record, pin):
                record["failures"] = int(record.get("failures", 0)) + 1
                failure, message = "wrong PIN", "Wrong staff ID or PIN."
                if record["failures"] >= self.max_failures:
                    record.update(failures=0, locked_until=now + self.lockout_seconds)
                    failure += f"; locked after {self.max_failures} tries"
                    message = self._locked_message(self.lockout_seconds)
            elif record.get("disabled"):
                failure, message = "account disabled", "This account is disabled."
            else:
                record.update(failures=0, locked_until=None)
                if self.hasher.check_needs_rehash(record["hash"]):
                    record["hash"] = self.hasher.hash(pin)
                failure = message = ""
            member = None if failure else self._member(sid, accounts[sid])
        if member is None:
            self.audit.append("failed-sign-in", staff=sid[:64] or "?", detail=failure)
            raise AuthError(message)
        self.audit.append(purpose, staff=sid)
        return member

    def record(
        self,
        action: SessionAction,
        staff_id: str,
        patient_id: str | None = None,
        *,
        detail: str = "",
    ) -> None:
        """Record a session event the app sees (lock, sign-out) in the audit trail."""
        self.audit.append(
            action, staff=normalise_id(staff_id), patient_id=patient_id, detail=detail
        )

    def _verify(self, record: dict[str, Any], pin: str) -> bool:
        try:
            return bool(self.hasher.verify(record["hash"], pin))
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def _burn_time(self, pin: str) -> None:
        """Spend as long as a real check, so timing does not tell which ids exist."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("not-a-real-pin")
        self._verify({"hash": self._dummy_hash}, pin)

    @staticmethod
    def _locked_message(seconds: float) -> str:
        minutes = max(1, math.ceil(seconds / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Too many tries: this account is locked for {minutes} more {unit}."
