"""Staff accounts: who is signed in, proved by a PIN, shared by every kiosk on the host.

HIPAA 164.312 asks for unique user identification and person authentication, so each medical
assistant has an id and a PIN (4-12 digits) or a password (8-128 characters). Only an Argon2
hash is kept. Wrong PINs slow down the terminal they were typed at, never the account
(kiosk.store.throttle says why and how much); the count lives in the shared file, so restarting
the kiosk does not reset it. Every answer costs one Argon2 check, whether the id exists, is
unknown or the terminal must wait, and a wrong PIN and an unknown id get the same words.

Sign-in fails closed: each try is counted as wrong in ``staff.json`` *before* its PIN is checked
(and taken back when it was right). If that count cannot be written (a full disk, a read-only
folder) or the audit entry cannot be, nobody signs in, and the screen says why in one line.

``staff.json`` sits in the data directory, mode 0600. Several kiosk processes share it, so every
read-modify-write holds a cross-process file lock, and every write goes to a temp file that is
fsynced and renamed over the old one: a crash never leaves a torn file.

Every change and every sign-in attempt goes to the audit trail with the staff id, never the PIN;
an id that is no account is recorded as ``?`` with its length only, because people type their
PIN into the id box.
This module is core: it never imports Textual.
"""

from __future__ import annotations

import builtins
import json
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
from kiosk.store.throttle import (
    Terminals,
    add_failure,
    remove_failure,
    seconds_to_wait,
    summary,
    terminal_id,
    wait_message,
)

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
    to test the backoff without sleeping; ``audit`` defaults to the data directory's trail;
    ``terminal`` names where the PINs are typed (default: :func:`kiosk.store.throttle.terminal_id`).
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        hasher: argon2.PasswordHasher | None = None,
        clock: Callable[[], float] = time.time,
        audit: AuditSink | None = None,
        terminal: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        paths = Layout(self.data_dir)
        self.path = paths.staff
        # Short-lived holds from many directories: the descriptor is not kept between them.
        self._lock = ProcessLock(paths.staff_lock, timeout=10, keep_open=False)
        self.hasher = hasher or kiosk_hasher()
        self.clock = clock
        self.terminal = terminal or terminal_id()
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
        with self._locked_file() as (accounts, _):
            yield accounts

    @contextmanager
    def _locked_file(self) -> Iterator[tuple[dict[str, dict[str, Any]], Terminals]]:
        """Hold the lock and yield (accounts, terminals' wrong tries); changes are written back."""
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
            accounts, terminals = self._read()
            before = json.dumps([accounts, terminals], sort_keys=True)
            yield accounts, terminals
            if json.dumps([accounts, terminals], sort_keys=True) != before:
                data: dict[str, Any] = {"version": 1, "staff": accounts}
                if terminals:
                    data["terminals"] = terminals
                write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode())
        except OSError as error:
            raise self._unusable(error) from None
        finally:
            self._lock.release()

    def _unusable(self, error: OSError) -> StoreError:
        return StoreError(f"Cannot use the staff file {self.path}: {error.strerror}")

    def _read(self) -> tuple[dict[str, dict[str, Any]], Terminals]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, {}
        try:
            data = json.loads(raw)
            accounts = data["staff"]
            terminals = data.get("terminals", {})
            if not isinstance(accounts, dict) or not isinstance(terminals, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StoreError(f"The staff file {self.path} is damaged.") from None
        return accounts, terminals

    @staticmethod
    def _member(sid: str, record: dict[str, Any]) -> StaffMember:
        return StaffMember(
            staff_id=sid,
            name=str(record.get("name", "")),
            role=str(record.get("role", "ma")),
            disabled=bool(record.get("disabled", False)),
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
        """Set a new PIN (re-enables nothing)."""
        sid = normalise_id(staff_id)
        check_pin(pin)
        pin_hash = self.hasher.hash(pin)
        with self._locked() as accounts:
            record = self._require(accounts, sid)
            record["hash"] = pin_hash
        self.audit.append("staff-reset-pin", staff=by, detail=f"new PIN for {sid}")

    def list(self) -> builtins.list[StaffMember]:
        """Every account, sorted by id."""
        with self._locked() as accounts:
            return [self._member(sid, accounts[sid]) for sid in sorted(accounts)]

    def waiting(self) -> builtins.list[tuple[str, int, float]]:
        """Terminals with wrong PINs in the last hour (``kiosk staff list``): see ``summary``."""
        with self._locked_file() as (_, terminals):
            return summary(terminals, self.clock())

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
        as "failed-sign-in" with the attempted id (``?`` when it is no account) and terminal.
        """
        sid = normalise_id(staff_id)
        if not self.path.exists():  # deleted, or never made: no PIN can be right
            raise AuthError(
                "Nobody can sign in: this data folder has no staff file (staff.json is missing)."
                " An administrator restores it from a backup or adds accounts with "
                "`kiosk staff add`."
            )
        dummy = self._dummy()  # made before the clock starts, whatever the id
        now = self.clock()
        after = 0.0  # the wait a wrong PIN now starts
        try:
            with self._locked_file() as (accounts, terminals):
                record = accounts.get(sid)
                wait = seconds_to_wait(terminals, self.terminal, now)
                if not wait:
                    add_failure(terminals, self.terminal, now)
                    after = seconds_to_wait(terminals, self.terminal, now)
        except StoreError as error:
            raise self._refused(error) from None
        who = sid if record is not None else "?"
        where = f"terminal {self.terminal}"
        if wait:
            self._verify({"hash": dummy}, pin)
            self._audit_failure(who, f"{self._what(sid, record)}; {where} must wait")
            raise AuthError(wait_message(wait))
        right = self._verify(record if record is not None else {"hash": dummy}, pin)
        if record is None or not right:
            failure = "wrong PIN" if record is not None else self._unknown(sid)
            message = "Wrong staff ID or PIN."
            if after:
                message += " " + wait_message(after)
            self._audit_failure(who, f"{failure}; {where}")
            raise AuthError(message)
        if record.get("disabled"):
            self._audit_failure(sid, f"account disabled; {where}")
            raise AuthError("This account is disabled.")
        try:
            with self._locked_file() as (accounts, terminals):
                remove_failure(terminals, self.terminal, now)
                current = accounts.get(sid)
                if current is not None and self.hasher.check_needs_rehash(current["hash"]):
                    current["hash"] = self.hasher.hash(pin)
                member = self._member(sid, current or record)
        except StoreError as error:
            raise self._refused(error) from None
        try:
            self.audit.append(purpose, staff=sid, detail=where)
        except (OSError, StoreError) as error:
            raise self._refused(error) from None
        return member

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash("not-a-real-pin")
        return self._dummy_hash

    @staticmethod
    def _what(sid: str, record: dict[str, Any] | None) -> str:
        return "known staff ID" if record is not None else StaffDirectory._unknown(sid)

    @staticmethod
    def _unknown(sid: str) -> str:
        """An id that is no account, described without its text: it is often a PIN typed into
        the id box, so only its length is kept (enough to tell a typo from a guessing run)."""
        return f"unknown staff ID ({len(sid)} characters)"

    def _audit_failure(self, who: str, detail: str) -> None:
        try:
            self.audit.append("failed-sign-in", staff=who, detail=detail)
        except (OSError, StoreError) as error:
            raise self._refused(error) from None

    @staticmethod
    def _refused(error: BaseException) -> AuthError:
        """Sign-in fails closed: a try that cannot be counted or audited lets nobody in."""
        reason = getattr(error, "strerror", None) or str(error).rstrip(".")
        return AuthError(
            f"Sign-in is refused: the try cannot be recorded ({reason}). "
            "Tell the administrator (the data folder needs attention)."
        )

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
