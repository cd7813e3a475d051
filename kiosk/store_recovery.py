"""Index durability without an fsync per save: checkpoints, and recovery after a reboot.

Why: a save must be durable when it returns, but only the segment (the truth) and the audit
entry need their own fsync; the indexes are derived from segments. Index appends stay in the
page cache (every process sees them at once, and a killed process loses nothing), and every
``EVERY`` saves, at ``close`` and after bulk loads a checkpoint fsyncs every index file and
records, in ``index/checkpoint.json``, the boot id, the time and each file's size.

A power cut can only lose index lines written after the last checkpoint. The boot id tells a
store it is the first opened since a reboot: it then re-reads the lines written after the
checkpoint (voiding any whose document never reached a segment) and the segments written
since (re-adding index lines the cut lost), then writes a new checkpoint. That costs a few ms
and happens once per reboot; a normal open reads one small file.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from kiosk.storage import write_atomic
from kiosk.store_index import Entry, _lines

if TYPE_CHECKING:
    from kiosk.store import EncounterStore

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
EVERY = 256
SLACK_S = 3600.0
"""Segments modified up to an hour before the checkpoint are re-read (clock steps)."""


def current_boot() -> str:
    try:
        return BOOT_ID_FILE.read_text().strip()
    except OSError:  # not Linux: every open after a checkpoint counts as a new boot
        return f"pid-{os.getpid()}"


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Checkpoints:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store
        self.path = store.index.root / "checkpoint.json"
        self.writes = 0

    def load(self) -> dict[str, Any] | None:
        try:
            data = orjson.loads(self.path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def needs_recovery(self) -> bool:
        """True for the first store opened after a reboot (or with its checkpoint missing)."""
        checkpoint = self.load()
        if checkpoint is None:
            return self.store.index.root.is_dir()
        return bool(checkpoint.get("boot") != current_boot())

    def ensure(self) -> None:
        """A new store's first checkpoint (under the lock, before its first index line)."""
        if not self.path.exists():
            self.write()

    def wrote(self) -> None:
        """Count one save; checkpoint every ``EVERY`` (under the lock)."""
        self.writes += 1
        if self.writes >= EVERY:
            self.write()

    def write(self) -> None:
        """fsync every index file, then record their sizes (under the lock)."""
        index = self.store.index
        sizes: dict[str, int] = {}
        for path in index.files():
            _fsync_file(path)
            sizes[str(path.relative_to(index.root))] = path.stat().st_size
        record = {"boot": current_boot(), "time": time.time(), "sizes": sizes}
        write_atomic(self.path, orjson.dumps(record))
        self.writes = 0

    def recover(self) -> int:
        """Bring the indexes back in line with the segments after a power cut (under the lock).

        Returns how many index lines were added or voided.
        """
        checkpoint = self.load() or {"time": 0.0, "sizes": {}}
        changed = self._void_lost_saves(checkpoint["sizes"])
        changed += self._index_recent_segments(float(checkpoint["time"]) - SLACK_S)
        self.write()
        return changed

    def _void_lost_saves(self, sizes: dict[str, int]) -> int:
        """Index lines after the checkpoint whose document is in no segment."""
        index, store = self.store.index, self.store
        voided = 0
        for path in sorted(index.ids.glob("*.log")):
            start = sizes.get(str(path.relative_to(index.root)), 0)
            for line in _lines(path, start=start):
                if line[0] != "+" or index.lookup(line[1]) is None:
                    continue
                if store._find_json(line[1], line[2], strict=False) is None:
                    index.void(line[1], line[3])
                    voided += 1
        return voided

    def _index_recent_segments(self, since: float) -> int:
        """Documents in segments written since ``since`` that an index line is missing for."""
        store, index = self.store, self.store.index
        added = 0
        amended = index.amendments()
        for day in store.partitions.days():
            folder = store.partitions.root / day
            if folder.stat().st_mtime < since:
                continue
            for partition in store.partitions.segments(day):
                if store.partitions.path(partition).stat().st_mtime < since:
                    continue
                docs = store._read_docs(partition, strict=False) or {}
                for doc in docs.values():
                    added += self._reindex(doc, partition, amended)
                index.note_patients(d["patient"] for d in docs.values())
        return added

    def _reindex(self, doc: dict[str, Any], partition: str, amended: dict[str, str]) -> int:
        index = self.store.index
        pid = doc["patient"]["id"]
        entry = Entry(doc["id"], pid, partition, doc["started_at"], doc["version"], doc["status"])
        added = 0
        if index.lookup(entry.id) != (partition, pid):
            index.add_id_line(entry)
            added += 1
        if entry.id not in {e.id for e in index.for_patient(pid)}:
            index.add_patient_line(entry)
            added += 1
        if doc.get("amends") and amended.get(doc["amends"]) != entry.id:
            index.add_amendment(doc["amends"], entry.id)
            added += 1
        return added
