"""The outbox: what this data folder still owes the central PostgreSQL (``central_database``).

Present only when a clinic configures a central database (the folder ``outbox/`` exists; it
is made when the kiosk or ``kiosk sync`` first opens with the setting). From then on every
process writing the folder feeds it, whatever its own settings::

    outbox/origin          this data folder's id in the central database (written once)
    outbox/<NNNNNN>.log    every saved encounter document (signed, amended), one self-checking
                           line each (kiosk.store.framing), appended and fsynced under the
                           folder lock, after the segment and before the index lines
    outbox/state.json      how far the sync has pushed: (log, offset), replaced atomically
    outbox/sync.lock       held by the one process pushing now (flock)

A save appends its document before it returns, so the outbox holds every encounter the
store holds (a kill between the segment and the outbox line leaves ``pending.json`` set, and
the recovery of that save appends it again: a line may appear twice, never be missing).
Pushing is idempotent (kiosk.sync: keyed by id and version), so a line pushed twice is no
duplicate. The state moves only after the database has committed; logs wholly pushed are
removed. Audit events need no copy here: the audit trail is itself an append-only, fsynced,
hash-chained log, and the sync pushes it from the last entry the database has of this origin.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock
import orjson

from kiosk.store.files import FILE_MODE, append_durable, make_private_dir, write_atomic
from kiosk.store.framing import frame, read_from, scan_bytes
from kiosk.store.layout import Layout, outbox_log_name, outbox_log_number

LOG_BYTES = 8 * 1024 * 1024
"""A log this big is closed and the next appends start a new one (so pushed ones can go)."""


@dataclass(frozen=True)
class Pending:
    """One document not yet pushed, and the position just past it."""

    log: int
    end: int
    document: dict[str, Any]


@dataclass(frozen=True)
class Position:
    log: int
    offset: int


class Outbox:
    """The outbox of one data folder (see the module doc)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.folder = layout.outbox

    @property
    def enabled(self) -> bool:
        return self.folder.is_dir()

    def enable(self) -> str:
        """Make the outbox if it is not there; return this folder's origin id."""
        make_private_dir(self.folder)
        if not self.layout.outbox_origin.exists():
            write_atomic(self.layout.outbox_origin, secrets.token_hex(16).encode() + b"\n")
        return self.origin()

    def origin(self) -> str:
        return self.layout.outbox_origin.read_text(encoding="ascii").strip()

    # ------------------------------------------------------------------ appending (folder lock)

    def add(self, document: dict[str, Any]) -> None:
        """Append one document, fsynced (the caller holds the folder lock)."""
        self.add_many([document])

    def add_many(self, documents: list[dict[str, Any]]) -> None:
        """Append documents in one fsynced write (a bulk load; the folder lock held)."""
        data = b"".join(frame(orjson.dumps(doc)) for doc in documents)
        append_durable(self.current_log(), data, sync=True)

    def current_log(self) -> Path:
        """The log the next append goes to (a new one once the last is ``LOG_BYTES``)."""
        logs = self.logs()
        number = logs[-1] if logs else 1
        path = self.log_path(number)
        try:
            if path.stat().st_size >= LOG_BYTES:
                path = self.log_path(number + 1)
        except FileNotFoundError:
            pass
        return path

    # ------------------------------------------------------------------ pushing (sync lock)

    def logs(self) -> list[int]:
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return sorted(n for name in names if (n := outbox_log_number(name)) is not None)

    def log_path(self, number: int) -> Path:
        return self.folder / outbox_log_name(number)

    def position(self) -> Position:
        try:
            data = orjson.loads(self.layout.outbox_state.read_bytes())
            return Position(int(data["log"]), int(data["offset"]))
        except (FileNotFoundError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            logs = self.logs()  # none yet, or damaged (kiosk check says so): from the start
            return Position(logs[0] if logs else 1, 0)

    def pending(self, limit: int) -> tuple[list[Pending], int]:
        """Up to ``limit`` documents after the position, and how many lines failed their
        check (damage after a power cut: reported, never pushed)."""
        start = self.position()
        found: list[Pending] = []
        bad = 0
        for number in self.logs():
            if number < start.log:
                continue
            offset = start.offset if number == start.log else 0
            raw = read_from(self.log_path(number), offset)
            position = offset
            for line in raw.splitlines(keepends=True):
                if not line.endswith(b"\n"):
                    break  # an append in progress (or torn by a crash): not yet
                position += len(line)
                scan = scan_bytes(line)
                if not scan.payloads:
                    bad += 1
                    continue
                found.append(Pending(number, position, orjson.loads(scan.payloads[0])))
                if len(found) >= limit:
                    return found, bad
        return found, bad

    def mark_sent(self, log: int, offset: int) -> None:
        """Record that everything up to (log, offset) is in the database; drop pushed logs."""
        data = orjson.dumps({"log": log, "offset": offset})
        write_atomic(self.layout.outbox_state, data)
        for number in self.logs():
            if number < log:
                self.log_path(number).unlink(missing_ok=True)

    def backlog_bytes(self) -> int:
        """Bytes of documents not yet pushed (what the outbox has grown by)."""
        start = self.position()
        total = 0
        for number in self.logs():
            if number >= start.log:
                size = self.log_path(number).stat().st_size
                total += size - (start.offset if number == start.log else 0)
        return total

    @contextmanager
    def pushing(self) -> Iterator[bool]:
        """Hold the sync lock; yields False when another process is pushing now."""
        make_private_dir(self.folder)
        fd = os.open(self.layout.outbox_lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        try:
            held = filelock.lock_descriptor(fd, blocking=False)
            yield held
        finally:
            os.close(fd)
