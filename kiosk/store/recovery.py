"""Index durability without an fsync per save: re-indexing after a reboot.

Why: a save must be durable when it returns, but only the segment (the truth) and the audit
entry need their own fsync; the indexes are derived from segments. Index appends stay in the
page cache: every process sees them at once, and a killed process loses nothing. Only a power
cut (or a kernel crash) can lose them, and only those written shortly before it: Linux writes
dirty pages back within ``vm.dirty_expire_centisecs`` (30 s by default).

So ``index/boot.json`` records the boot id of the machine that last wrote. The first store
opened after a reboot re-reads the segments written in the ``WINDOW`` before the newest one
(the cut came after that) and re-adds any index line, amendment link or directory entry that
is missing, then records the new boot id. That is paid once per boot; a normal open reads one
small file. (Per-file fsyncs at checkpoints were tried instead: after a few hundred saves they
meant hundreds of dirty shard files and a long stall.) ``kiosk check --repair`` rebuilds every
index from the segments whatever happened.

Known gap: an index line whose save was in flight at the cut, if it reached the disk without
its segment, stays until ``kiosk check --repair`` (reads skip it; ``count`` is one too high).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from kiosk.store.files import fsync_file, write_atomic
from kiosk.store.folder import Folder
from kiosk.store.index import Entry

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
WINDOW_S = 600.0
"""Segments written this long before the newest one are re-read (20x the default writeback)."""


def current_boot() -> str:
    try:
        return BOOT_ID_FILE.read_text().strip()
    except OSError:  # not Linux: every open counts as the first since a boot (cheap anyway)
        return f"pid-{os.getpid()}"


class RebootRecovery:
    """Re-indexing after a reboot, for one data folder (see the module doc)."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.path = folder.layout.boot

    def recorded_boot(self) -> str | None:
        try:
            data = orjson.loads(self.path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        return str(data.get("boot")) if isinstance(data, dict) else None

    def needs_recovery(self) -> bool:
        """True for the first store opened after a reboot (or with boot.json missing)."""
        recorded = self.recorded_boot()
        if recorded is None:
            return self.folder.index.ids.is_dir()
        return recorded != current_boot()

    def recover_if_needed(self) -> None:
        """On opening: recover once (re-checked under the lock: another kiosk may be first)."""
        if not self.needs_recovery():
            return
        with self.folder.lock:
            if not self.needs_recovery():
                return
            added = self.recover()
        if added:
            self.folder.problem(
                f"The indexes had lost {added} recent lines (a power cut?); they were re-added "
                "from the encounter files."
            )

    def ensure(self) -> None:
        """Record the boot before a new store's first index line (under the lock)."""
        if not self.path.exists():
            self.mark_boot()

    def mark_boot(self) -> None:
        write_atomic(self.path, orjson.dumps({"boot": current_boot()}))

    def sync_index(self) -> None:
        """fsync every index file (bulk loads, repairs: admin tasks where a pause is fine)."""
        for path in self.folder.index.files():
            fsync_file(path)

    def recover(self) -> int:
        """Re-add index lines lost with the page cache (under the lock); return how many.

        A day folder's mtime moves with every segment renamed into it, so the newest folder
        bounds the cut from below and older folders are skipped without listing them.
        """
        folder = self.folder
        partitions = folder.partitions
        days = {day: folder.layout.day_folder(day).stat().st_mtime for day in partitions.days()}
        added = 0
        if days:
            since = max(days.values()) - WINDOW_S
            amended = folder.index.amendments()
            for day in sorted(d for d, mtime in days.items() if mtime >= since):
                for partition in partitions.segments(day):
                    if partitions.path(partition).stat().st_mtime < since:
                        continue
                    docs = folder.read_docs(partition, strict=False) or {}
                    for doc in docs.values():
                        added += self._reindex(doc, partition, amended)
                    folder.index.note_patients(d["patient"] for d in docs.values())
        self.sync_index()
        self.mark_boot()
        return added

    def _reindex(self, doc: dict[str, Any], partition: str, amended: dict[str, str]) -> int:
        index = self.folder.index
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
