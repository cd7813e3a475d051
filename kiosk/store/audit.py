"""The append-only, hash-chained audit trail: who touched which record, when, and how.

HIPAA 164.312(b) and ONC 170.315(d)(2) ask for time, user, patient, action and data category,
views included, in a tamper-evident trail. Each entry is one JSON line holding ``prev`` (the
SHA-256 of the previous entry's canonical bytes) and ``hash`` (the SHA-256 of its own canonical
bytes, ``hash`` left out), so editing, deleting or reordering an entry breaks the chain at that
entry. Entries carry ids and action names only, never PHI values. A look at records also says
why (``reason``: the purpose the caller gave, e.g. "intake", "export") and, for a list or a
search, which patients it showed (``patients``: their ids), so a patient's access report
(``entries(patient_id)``) includes every list they appeared in. Both keys are written only when
set, so entries from before them hash and verify as they did.

Appends are cross-process safe (a lock, then only the last line is read, seeking from the end)
and fsynced, so an entry written by ``save`` is durable when ``save`` returns (views skip the
fsync: see ``append``).

Removing whole entries from the end leaves a valid shorter chain, so after every fsynced entry
the head (count and hash) goes to the anchors (kiosk.store.anchors), and every stored encounter
and draft records the head it saw; ``kiosk audit verify`` (kiosk.store.audit_verify) compares.

Rotation: ``audit.jsonl`` holds the current month. The first append in a new month (UTC) renames
it ``audit-<YYYY-MM>.jsonl`` after the month of its first entry and starts a new ``audit.jsonl``
whose first entry chains from the renamed file's last one, so the files are one chain. A folder
from before rotation simply has one large first file, renamed at its first append.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.store.anchors import (
    GENESIS,
    AuditAnchor,
    Head,
    HeadFile,
    UnreadableAnchorError,
    outside_anchors,
)
from kiosk.store.audit_chain import VerifyResult, digest, walk
from kiosk.store.files import (
    FILE_MODE,
    ProcessLock,
    fsync_dir,
    make_private_dir,
    os_error_message,
    write_all,
)
from kiosk.store.layout import Layout, audit_archive_key, audit_archive_name

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
        "import",
        "sync",
        "draft-discard",
        "staff-add",
        "staff-disable",
        "staff-reset-pin",
        "check",
        "repair",
        "task-done",
        "qc-record",
        "qc-view",
        "stock-add",
        "stock-retire",
        "stock-use",
        "stock-view",
        "visit-status",
        "room-turnover",
        "provider-notified",
        "procedure-assist",
        "sterilizer",
    }
)
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
    reason: str = ""
    """Why the records were looked at (views); empty for other actions and older entries."""
    patients: tuple[str, ...] = ()
    """The patients a list or a search showed (their ids)."""

    def concerns(self, patient_id: str) -> bool:
        """This entry is about ``patient_id``, or showed them in a list."""
        return self.patient_id == patient_id or patient_id in self.patients

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditEntry:
        shown = data.get("patients") or ()
        return cls(
            seq=int(data["seq"]),
            time=str(data["time"]),
            staff=str(data["staff"]),
            patient_id=data["patient"],
            action=str(data["action"]),
            detail=str(data.get("detail", "")),
            prev=str(data["prev"]),
            hash=str(data["hash"]),
            reason=str(data.get("reason", "")),
            patients=tuple(str(p) for p in shown) if isinstance(shown, list) else (),
        )


class AuditTrail:
    """``AuditTrail(data_dir).append(action, staff=..., patient_id=..., detail=...)``."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.layout = Layout(self.data_dir)
        self.path = self.layout.audit
        """The current period's file (earlier periods: ``archives``)."""
        self.lock = ProcessLock(self.layout.audit_lock)
        self.head_file = HeadFile(self.layout.audit_head)
        self._first_period: tuple[int, int, str | None] | None = None
        """(device, inode, month of its first entry) of the current file, read once per file."""

    # ------------------------------------------------------------------ files

    def archives(self) -> list[Path]:
        """Earlier periods' files, oldest first."""
        try:
            names = os.listdir(self.data_dir)
        except FileNotFoundError:
            return []
        keyed = [(key, n) for n in names if (key := audit_archive_key(n)) is not None]
        return [self.data_dir / name for _, name in sorted(keyed)]

    def files(self) -> list[Path]:
        """Every file of the trail in chain order: the archives, then ``audit.jsonl``."""
        return self.archives() + ([self.path] if self.path.exists() else [])

    def anchors(self) -> list[AuditAnchor]:
        """Where each fsynced head is recorded: the head file first, then outside the host."""
        return [self.head_file, *outside_anchors(self.layout)]

    def record_head(self) -> Head | None:
        """The head to store with a record being written: the last fsynced one (the head
        file's), so a power cut cannot make the trail shorter than what the record saw.
        None before the first fsynced entry of this version (no head file yet)."""
        try:
            return self.head_file.recorded()
        except (UnreadableAnchorError, OSError):  # record nothing; verify reports it
            return None

    # ------------------------------------------------------------------ appending

    def append(
        self,
        action: str,
        *,
        staff: str,
        patient_id: str | None = None,
        detail: str = "",
        sync: bool = True,
        reason: str = "",
        patients: Sequence[str] = (),
    ) -> AuditEntry:
        """Chain one entry; fsynced before returning unless ``sync=False``.

        ``reason``: why records were looked at; ``patients``: who a list or search showed.

        ``sync=False`` suits views: the entry is in the file (every reader sees it) and reaches
        the disk with the next fsynced entry or the kernel's writeback; a power cut can lose
        only trailing view entries, never break the chain. Only fsynced entries move the
        anchors, so no anchor names an entry a power cut may take away.
        """
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        if not staff:
            raise ValueError("an audit entry needs the staff id")
        try:
            make_private_dir(self.data_dir)
            with self.lock:
                extra: dict[str, Any] = {"reason": reason} if reason else {}
                if patients:
                    extra["patients"] = list(patients)
                fields = self._write(action, staff, patient_id, detail, sync, extra)
                if sync:
                    head = Head(int(fields["seq"]), str(fields["hash"]))
                    for anchor in self.anchors():
                        if anchor is not self.head_file or self._follows_head_file(fields):
                            anchor.record(head)
        except OSError as error:
            raise StoreError(os_error_message(error, "the audit entry")) from error
        return AuditEntry.from_json(fields)

    def _follows_head_file(self, fields: dict[str, Any]) -> bool:
        """The new entry continues the chain the head file saw (else the file is kept as the
        evidence: a trail cut or rewritten and then appended to must not re-anchor itself)."""
        try:
            recorded = self.head_file.recorded()
        except (UnreadableAnchorError, OSError):
            return True
        if recorded is None:
            return True
        if recorded.count >= int(fields["seq"]):
            return False
        return recorded.count != int(fields["seq"]) - 1 or recorded.hash == fields["prev"]

    def _write(
        self,
        action: str,
        staff: str,
        patient_id: str | None,
        detail: str,
        sync: bool,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        """Chain a new entry after the tail (under the lock), dropping a torn fragment.

        A fragment with no final newline is an append a crash or full disk cut short: it was
        never acknowledged, so it is cut off rather than left to break the chain forever. A
        write that fails here is cut off the same way before the error goes up.
        """
        now = datetime.now(UTC)
        fd = self._open_current()
        try:
            seq, prev, complete, size = self._tail_fd(fd)
            if size == 0:
                os.fchmod(fd, FILE_MODE)
            if complete != size:
                os.ftruncate(fd, complete)
            if complete == 0:
                seq, prev = self._archived_tail()
            elif (period := self._rotation_due(fd, now)) is not None:
                os.close(fd)
                fd = -1
                self._rotate(period)
                fd = self._open_current()
                os.fchmod(fd, FILE_MODE)
                complete = 0
            fields: dict[str, Any] = {
                "seq": seq + 1,
                "time": now.isoformat(timespec="microseconds"),
                "staff": staff,
                "patient": patient_id,
                "action": action,
                "detail": detail,
                **extra,
                "prev": prev,
            }
            fields["hash"] = digest(fields)
            try:
                write_all(fd, orjson.dumps(fields, option=orjson.OPT_SORT_KEYS) + b"\n")
                if sync:
                    os.fsync(fd)
            except OSError:
                os.ftruncate(fd, complete)  # frees space: works on a full disk too
                raise
        finally:
            if fd != -1:
                os.close(fd)
        return fields

    def _open_current(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)

    def _rotation_due(self, fd: int, now: datetime) -> str | None:
        """The month of the current file's first entry when it is earlier than ``now``'s."""
        info = os.fstat(fd)
        cached = self._first_period
        if cached is None or cached[:2] != (info.st_dev, info.st_ino):
            cached = (info.st_dev, info.st_ino, _first_period(fd))
            self._first_period = cached
        first = cached[2]
        return first if first is not None and first < now.strftime("%Y-%m") else None

    def _rotate(self, period: str) -> None:
        """Rename the current file after ``period``, its first entry's month (under the lock)."""
        number = 1
        while (target := self.data_dir / audit_archive_name(period, number)).exists():
            number += 1
        os.rename(self.path, target)
        fsync_dir(self.data_dir)
        self._first_period = None

    def _archived_tail(self) -> tuple[int, str]:
        """(seq, hash) of the newest archive's last entry: where a new file's chain starts."""
        archives = self.archives()
        if not archives:
            return 0, GENESIS
        fd = os.open(archives[-1], os.O_RDONLY | os.O_CLOEXEC)
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
        return sum(1 for _ in self._lines())

    # ------------------------------------------------------------------ reading

    def _lines(self) -> Iterator[tuple[str, int, bytes]]:
        """(file name, line number in it, raw line) of every file, in chain order."""
        for path in self.files():
            try:
                handle = path.open("rb")
            except FileNotFoundError:  # renamed by a rotation since the listing
                continue
            with handle:
                for line_no, raw in enumerate(handle, start=1):
                    yield path.name, line_no, raw

    def entries(self, patient_id: str | None = None) -> Iterator[AuditEntry]:
        """Readable entries, oldest first (only those concerning ``patient_id`` when given:
        about them, or a list or search that showed them)."""
        for _, _, raw in self._lines():
            try:
                entry = AuditEntry.from_json(orjson.loads(raw))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
            if patient_id is None or entry.concerns(patient_id):
                yield entry

    def verify(self, wanted: Collection[int] = ()) -> VerifyResult:
        """Walk the chain; report the first entry that was changed, removed, moved or cut.

        ``wanted``: entry numbers whose recorded hash to return (the anchors' counts).
        """
        return walk(self._lines(), wanted)


def _first_period(fd: int) -> str | None:
    """The month (``YYYY-MM``) of a file's first entry; None when it cannot be read."""
    head = os.pread(fd, _TAIL_BLOCK, 0)
    cut = head.find(b"\n")
    if cut == -1:
        return None
    try:
        time = str(orjson.loads(head[:cut])["time"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return time[:7] if len(time) >= 7 else None
