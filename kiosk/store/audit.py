"""The append-only, hash-chained audit trail: who touched which record, when, and how.

HIPAA 164.312(b) and ONC 170.315(d)(2) ask for time, user, patient, action and data category,
views included, in a tamper-evident trail. Each entry is one JSON line holding ``prev`` (the
SHA-256 of the previous entry's canonical bytes) and ``hash`` (the SHA-256 of its own canonical
bytes, ``hash`` left out), so editing, deleting or reordering an entry breaks the chain at that
entry. Entries carry ids and action names only, never PHI values.

Appends are cross-process safe (a lock, then only the last line is read, seeking from the end)
and fsynced, so an entry written by ``save`` is durable when ``save`` returns (views skip the
fsync: see ``append``).

Limit: removing whole entries from the end leaves a valid shorter chain; compare ``verify().head``
with a head recorded elsewhere (e.g. the nightly export) to catch that.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.store.files import FILE_MODE, ProcessLock, make_private_dir, os_error_message, write_all
from kiosk.store.layout import Layout

ACTIONS = frozenset(
    {
        "sign-in",
        "failed-sign-in",
        "sign-out",
        "lock",
        "unlock",
        "view",
        "create",
        "save-draft",
        "sign",
        "amend",
        "export",
        "draft-discard",
        "staff-add",
        "staff-disable",
        "staff-reset-pin",
        "check",
        "repair",
    }
)
GENESIS = "0" * 64
_TAIL_BLOCK = 4096


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: str
    staff: str
    patient_id: str | None
    action: str
    detail: str
    prev: str
    hash: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(
            seq=int(data["seq"]),
            time=str(data["time"]),
            staff=str(data["staff"]),
            patient_id=data["patient"],
            action=str(data["action"]),
            detail=str(data.get("detail", "")),
            prev=str(data["prev"]),
            hash=str(data["hash"]),
        )


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` or the first broken entry: its expected ``seq``, its ``line`` and why."""

    ok: bool
    entries: int
    head: str
    """Hash of the last good entry (record it elsewhere to detect truncation)."""
    broken_seq: int | None = None
    broken_line: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def _canonical(fields: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {k: v for k, v in fields.items() if k != "hash"}, option=orjson.OPT_SORT_KEYS
    )


def _digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(fields)).hexdigest()


class AuditTrail:
    """``AuditTrail(data_dir).append(action, staff=..., patient_id=..., detail=...)``."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        paths = Layout(self.data_dir)
        self.path = paths.audit
        self._lock = ProcessLock(paths.audit_lock)

    def append(
        self,
        action: str,
        *,
        staff: str,
        patient_id: str | None = None,
        detail: str = "",
        sync: bool = True,
    ) -> AuditEntry:
        """Chain one entry; fsynced before returning unless ``sync=False``.

        ``sync=False`` suits views: the entry is in the file (every reader sees it) and reaches
        the disk with the next fsynced entry or the kernel's writeback; a power cut can lose
        only trailing view entries, never break the chain.
        """
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        if not staff:
            raise ValueError("an audit entry needs the staff id")
        try:
            make_private_dir(self.data_dir)
            with self._lock:
                fields = self._write(action, staff, patient_id, detail, sync)
        except OSError as error:
            raise StoreError(os_error_message(error, "the audit entry")) from error
        return AuditEntry.from_json(fields)

    def _write(
        self, action: str, staff: str, patient_id: str | None, detail: str, sync: bool
    ) -> dict[str, Any]:
        """Chain a new entry after the tail (under the lock), dropping a torn fragment.

        A fragment with no final newline is an append a crash or full disk cut short: it was
        never acknowledged, so it is cut off rather than left to break the chain forever.
        """
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
        try:
            seq, prev, complete, size = self._tail_fd(fd)
            if size == 0:
                os.fchmod(fd, FILE_MODE)
            if complete != size:
                os.ftruncate(fd, complete)
            fields: dict[str, Any] = {
                "seq": seq + 1,
                "time": datetime.now(UTC).isoformat(timespec="microseconds"),
                "staff": staff,
                "patient": patient_id,
                "action": action,
                "detail": detail,
                "prev": prev,
            }
            fields["hash"] = _digest(fields)
            write_all(fd, orjson.dumps(fields, option=orjson.OPT_SORT_KEYS) + b"\n")
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        return fields

    def _tail(self) -> tuple[int, str]:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return 0, GENESIS
        try:
            seq, prev, _, _ = self._tail_fd(fd)
        finally:
            os.close(fd)
        return seq, prev

    def _tail_fd(self, fd: int) -> tuple[int, str, int, int]:
        """(seq, hash, size up to the last newline, size) of the last complete entry.

        Reads backwards from the end in 4 KB blocks, so the cost does not grow with the trail.
        """
        size = os.fstat(fd).st_size
        data = b""
        pos = size
        while pos > 0:
            start = max(0, pos - _TAIL_BLOCK)
            data = os.pread(fd, pos - start, start) + data
            pos = start
            cut = data.rfind(b"\n")
            if cut != -1 and (pos == 0 or data.rfind(b"\n", 0, cut) != -1):
                break
        cut = data.rfind(b"\n")
        if cut == -1:
            return 0, GENESIS, 0, size
        complete = pos + cut + 1
        last = data[data.rfind(b"\n", 0, cut) + 1 : cut]
        try:
            parsed = orjson.loads(last)
            return int(parsed["seq"]), str(parsed["hash"]), complete, size
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            # A damaged last entry: keep chaining (verify reports the damage), count lines for seq.
            return self._line_count(), hashlib.sha256(last).hexdigest(), complete, size

    def _line_count(self) -> int:
        with self.path.open("rb") as handle:
            return sum(1 for _ in handle)

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            return
        with handle:
            yield from enumerate(handle, start=1)

    def entries(self, patient_id: str | None = None) -> Iterator[AuditEntry]:
        """Readable entries, oldest first (only ``patient_id``'s when given)."""
        for _, raw in self._lines():
            try:
                entry = AuditEntry.from_json(orjson.loads(raw))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
            if patient_id is None or entry.patient_id == patient_id:
                yield entry

    def verify(self) -> VerifyResult:
        """Walk the chain; report the first entry that was changed, removed, moved or cut."""
        prev = GENESIS
        count = 0
        for line_no, raw in self._lines():
            reason = _check_line(raw, line_no, count + 1, prev)
            if reason:
                return VerifyResult(False, count, prev, count + 1, line_no, reason)
            prev = str(orjson.loads(raw)["hash"])
            count += 1
        return VerifyResult(True, count, prev)


def _check_line(raw: bytes, line_no: int, expected: int, prev: str) -> str:
    """Why line ``line_no`` is not entry ``expected`` chained to ``prev`` ("" when it is)."""
    if not raw.endswith(b"\n"):
        return f"entry {expected} (line {line_no}) is incomplete: the file was cut"
    try:
        data = orjson.loads(raw)
        seq, recorded = int(data["seq"]), str(data["hash"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return f"entry {expected} (line {line_no}) is not readable"
    if seq > expected:
        return (
            f"line {line_no} holds entry {seq} where entry {expected} should be: "
            "an entry was removed or entries were reordered"
        )
    if seq < expected:
        return (
            f"line {line_no} holds entry {seq} where entry {expected} should be: "
            "entries were reordered or copied"
        )
    if _digest(data) != recorded:
        return f"entry {seq} (line {line_no}) was changed after it was written"
    if data.get("prev") != prev:
        return (
            f"entry {seq} (line {line_no}) does not follow entry {seq - 1}: "
            "an earlier entry was changed, removed or reordered"
        )
    return ""
