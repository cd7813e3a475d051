"""Index durability without an fsync per save: a checkpoint, and a check of its tail on every open.

Why: a save must be durable when it returns, but only the segment (the truth) and the audit
entry need their own fsync; the indexes are derived from segments. Index appends stay in the
page cache: every process sees them at once, and a killed process loses nothing. A power cut
(or a kernel crash) can lose them, tear the last line, leave a zero-filled tail or a page of
zeros between good ones, but only in what was written since those files were last fsynced.

So ``index/checkpoint.json`` (written atomically, after fsyncing every index log that grew)
records each log's size and each day folder's mtime at a moment the indexes agreed with the
segments. Every open, whatever the boot id says (a cut need not look like a reboot):

1. each log must be at least its checkpointed size (else: rebuild everything from the
   segments); the bytes after it are checked line by line (``kiosk.store.framing``) and a log
   with a torn or damaged line is rewritten without it;
2. each day folder whose mtime moved since the checkpoint (a segment was renamed into it) is
   re-read, and every document in it must be in the id index, the patient index, the
   amendment log and the directory: what is missing is re-added;
3. every id line written since the checkpoint must point at a stored document, else it is
   voided (a segment lost since, or a save an older, index-first kiosk cut short);
4. a new checkpoint is written.

That reads a few small files when nothing happened, and the segments of the days written
since the checkpoint after a cut: never the whole history. A writer checkpoints every
``CHECKPOINT_S`` and on ``close``, which bounds that tail. A folder without a checkpoint but
with index logs was written by an older kiosk (unframed lines): it is rebuilt from the
segments once, keeping the patient directory. A damaged line found later in checkpointed bytes
(a disk fault, not a cut) triggers the same rebuild. What was repaired goes to
``store.problems`` and the audit trail, with counts and file names only.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from kiosk.store.audit_tail import audit_position, record_missing
from kiosk.store.files import DamagedFileError, fsync_dir, fsync_file, write_atomic
from kiosk.store.folder import Folder
from kiosk.store.framing import frame, payload_of, read_from, scan_bytes
from kiosk.store.index import Rolls, _lines
from kiosk.store.partitions import Docs
from kiosk.store.rebuild import entry_of, rebuild_index

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
FORMAT = 2
CHECKPOINT_S = 300.0
"""A writer checkpoints this often (well past the kernel's default 30 s writeback, so the
fsyncs find little dirty data)."""
SLACK_NS = 2_000_000_000
"""A day folder touched this close to the checkpoint also records its segments' inodes: file
system timestamps are coarser than a save, so its mtime alone may not move."""


def current_boot() -> str:
    try:
        return BOOT_ID_FILE.read_text().strip()
    except OSError:
        return f"pid-{os.getpid()}"


class RebootRecovery:
    """The checkpoint and the open-time check of one data folder (see the module doc)."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.path = folder.layout.checkpoint
        self._last = time.monotonic()
        self._verifying = False
        self._damage_seen = False
        folder.index.on_damage = self.damaged
        folder.index.on_roll = self.rolled
        self.before_checkpoint: Callable[[], None] | None = None
        """Run under the lock before a checkpoint (set by the writer: finish a save a kill
        left unindexed, whose marker a power cut could lose once its day is checkpointed)."""

    # ------------------------------------------------------------------ the checkpoint

    def read_checkpoint(self) -> dict[str, Any] | None:
        try:
            data = orjson.loads(self.path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        ok = isinstance(data, dict) and data.get("format") == FORMAT
        return data if ok else None

    def _logs(self) -> dict[str, Path]:
        index = self.folder.index
        root = self.folder.layout.index
        found = {f"ids/{p.name}": p for p in index.shards(index.ids)}
        found |= {f"patients/{p.name}": p for p in index.shards(index.patients)}
        for path in (index.amendments_path, index.directory_path):
            if path.exists():
                found[path.relative_to(root).as_posix()] = path
        return found

    def _sizes(self) -> dict[str, int]:
        """Each log's size, by its path under ``index/``."""
        sizes: dict[str, int] = {}
        root = os.fspath(self.folder.layout.index)
        index = self.folder.index
        cut = len(root) + 1
        for path in index.shards(index.ids) + index.shards(index.patients):
            with contextlib.suppress(FileNotFoundError):
                sizes[os.fspath(path)[cut:]] = os.stat(path).st_size
        for name in ("amendments.log", "directory.log"):
            with contextlib.suppress(FileNotFoundError):
                sizes[name] = os.stat(f"{root}/{name}").st_size
        return sizes

    def _days(self) -> dict[str, int]:
        root = os.fspath(self.folder.layout.encounters)
        return {d: os.stat(f"{root}/{d}").st_mtime_ns for d in self.folder.partitions.days()}

    def _fingerprint(self, day: str) -> list[list[Any]]:
        """The segments of a day as the file system sees them: each save renames a new inode in."""
        folder = os.fspath(self.folder.layout.day_folder(day))
        found = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".json"):
                st = entry.stat()
                found.append([entry.name, st.st_ino, st.st_size, st.st_mtime_ns])
        return found

    def _changed_days(self, checkpoint: dict[str, Any]) -> list[str]:
        """Days a segment was written to since ``checkpoint``: the folder's mtime moved, or it
        was touched so near the checkpoint that only its segments' inodes can tell."""
        old: dict[str, Any] = checkpoint["days"]
        changed = []
        for day, mtime in self._days().items():
            recorded = old.get(day)
            if recorded is None or recorded[0] != mtime:
                changed.append(day)
                continue
            if recorded[1] is not None and recorded[1] != self._fingerprint(day):
                changed.append(day)
        return changed

    def checkpoint(self, before: dict[str, Any] | None = None) -> None:
        """fsync every log that grew since ``before`` (the old checkpoint), then record sizes
        and day mtimes (under the lock: no save is half-way)."""
        with self.folder.lock:
            if self.before_checkpoint is not None:
                self.before_checkpoint()
            before = before if before is not None else self.read_checkpoint() or {}
            old = before.get("logs", {})
            sizes = self._sizes()
            for rel, size in sizes.items():
                if old.get(rel) != size:
                    fsync_file(self.folder.layout.index / rel)
            index = self.folder.index
            for folder in (index.ids, index.patients, index.root):
                if folder.is_dir():
                    fsync_dir(folder)
            now = time.time_ns()
            days = {
                day: [mtime, self._fingerprint(day) if mtime >= now - SLACK_NS else None]
                for day, mtime in self._days().items()
            }
            data = {"format": FORMAT, "at": now, "logs": sizes, "days": days}
            data["audit"] = audit_position(self.folder.audit)  # saves after it audit after it
            self.path.parent.mkdir(mode=0o700, exist_ok=True)  # a repair where none was saved
            write_atomic(self.path, orjson.dumps(data))
            self._last = time.monotonic()

    def rolled(self, done: Rolls) -> None:
        """Logs were rolled (under the lock): the checkpoint names their children, at their
        whole size (a roll fsyncs them), instead of them."""
        data = self.read_checkpoint()
        if data is None:
            return
        root = self.folder.layout.index
        logs: dict[str, int] = data["logs"]
        for old, children in done:
            logs.pop(old.relative_to(root).as_posix(), None)
            for child in children:
                with contextlib.suppress(FileNotFoundError):
                    logs[child.relative_to(root).as_posix()] = child.stat().st_size
        write_atomic(self.path, orjson.dumps(data))

    def checkpoint_if_due(self) -> None:
        if time.monotonic() - self._last >= CHECKPOINT_S:
            self.checkpoint()

    def ensure(self) -> None:
        """Before a first index line (under the lock): a new store's empty checkpoint, or the
        migration of an older kiosk's indexes."""
        if not self.path.exists():
            self.recover()

    def sync_index(self) -> None:
        """Make the indexes durable now (bulk loads, repairs)."""
        self.checkpoint()

    # ------------------------------------------------------------------ the check on open

    def recover_if_needed(self) -> None:
        """On opening: check the tail since the checkpoint (re-checked under the lock)."""
        checkpoint = self.read_checkpoint()
        if checkpoint is not None and self._unchanged(checkpoint):
            if any(v[1] for v in checkpoint["days"].values()):
                self.checkpoint(checkpoint)  # once those days are old, mtimes alone will do
            return
        if checkpoint is None and not self._logs():
            return  # a new folder: the first write records the checkpoint
        self.recover()

    def _unchanged(self, checkpoint: dict[str, Any]) -> bool:
        return self._sizes() == checkpoint["logs"] and not self._changed_days(checkpoint)

    def recover(self) -> int:
        """Check and repair the indexes against the segments (under the lock); return how
        many lines were re-added, voided or dropped."""
        with self.folder.lock:
            checkpoint = self.read_checkpoint()
            if checkpoint is None:
                if not self._logs():
                    self.checkpoint({})
                    return 0
                self.rebuild("were written by an older version of the kiosk; rebuilt")
                return 0
            self._verifying, self._damage_seen = True, False
            try:
                fixed = self._verify(checkpoint)
            finally:
                self._verifying = False
            if fixed is None or self._damage_seen:
                self.rebuild("were damaged before the last checkpoint; rebuilt")
                return 0
            if sum(fixed.values()):
                self._note(fixed)
            self.checkpoint(checkpoint)
            return sum(fixed.values())

    def _verify(self, checkpoint: dict[str, Any]) -> dict[str, int] | None:
        """Steps 1-3 of the module doc; None when the checkpointed part itself is damaged."""
        fixed = {"dropped": 0, "added": 0, "voided": 0, "audited": 0}
        old: dict[str, int] = checkpoint["logs"]
        logs = self._logs()
        if any(size and rel not in logs and not self._rolled(rel) for rel, size in old.items()):
            return None
        fresh: list[list[Any]] = []  # id lines written since the checkpoint
        for rel, path in logs.items():
            start = old.get(rel, 0)
            if path.stat().st_size < start:
                return None
            fixed["dropped"] += self._clean_tail(path, start)
            if rel.startswith("ids/"):
                fresh += _lines(path, start=start)
        index, partitions = self.folder.index, self.folder.partitions
        stored: dict[str, set[str]] = {}
        unindexed: list[dict[str, Any]] = []  # stored since the checkpoint, index lines lost
        amended = index.amendments()
        for day in self._changed_days(checkpoint):
            for partition in partitions.segments(day):
                docs = self._docs(partition)
                stored[partition] = {str(d.get("id")) for d in docs.values()}
                for doc in docs.values():
                    added = self._reindex(doc, partition, amended)
                    fixed["added"] += added
                    if added:
                        unindexed.append(doc)
                index.note_patients(d["patient"] for d in docs.values())
        fixed["audited"] = record_missing(self.folder.audit, unindexed, checkpoint.get("audit"))
        for line in fresh:
            if line[0] != "+" or len(line) < 4 or index.lookup(line[1]) != (line[2], line[3]):
                continue
            partition = str(line[2])
            if partition not in stored:
                docs = self._docs(partition)
                stored[partition] = {str(d.get("id")) for d in docs.values()}
            if partition in self.folder.suspect:
                continue  # the first read salvages it and cancels what it lost
            if line[1] not in stored[partition]:
                index.void(str(line[1]), str(line[3]))
                fixed["voided"] += 1
        return fixed

    def _rolled(self, rel: str) -> bool:
        """A checkpointed log rolled since (a kill before the checkpoint followed): its
        children are checked from their start."""
        return (self.folder.layout.index / rel.removesuffix(".log")).is_dir()

    def _docs(self, partition: str) -> Docs:
        """A segment's documents; a damaged one is only marked (see ``Folder.suspect``)."""
        try:
            return self.folder.partitions.read(partition) or {}
        except DamagedFileError:
            self.folder.suspect.add(partition)
            return {}

    @staticmethod
    def _clean_tail(path: Path, start: int) -> int:
        """Rewrite ``path`` without the damaged lines after ``start``; return how many."""
        raw = read_from(path, start)
        scan = scan_bytes(raw, start)
        if not scan.bad and not scan.torn_tail:
            return 0
        kept = read_from(path)[:start] + b"".join(frame(p) for p in scan.payloads)
        write_atomic(path, kept)
        return scan.bad + scan.torn_tail

    def index_stored(self, doc: dict[str, Any], partition: str) -> int:
        """Add whatever index lines a stored document lacks (a save killed after its segment
        was written); return how many."""
        added = self._reindex(doc, partition, self.folder.index.amendments())
        self.folder.index.note_patients([doc["patient"]])
        return added

    def _reindex(self, doc: dict[str, Any], partition: str, amended: dict[str, str]) -> int:
        index = self.folder.index
        entry = entry_of(doc, partition)
        added = 0
        if index.lookup(entry.id) != (partition, entry.patient_id):
            index.add_id_line(entry)
            added += 1
        if entry.id not in {e.id for e in index.for_patient(entry.patient_id)}:
            index.add_patient_line(entry)
            added += 1
        if doc.get("amends") and amended.get(doc["amends"]) != entry.id:
            index.add_amendment(doc["amends"], entry.id)
            amended[doc["amends"]] = entry.id
            added += 1
        return added

    def _note(self, fixed: dict[str, int]) -> None:
        words = {
            "dropped": "torn or damaged lines dropped",
            "added": "lost lines re-added from the encounter files",
            "voided": "entries of saves that never reached their file cancelled",
            "audited": "missing sign or amend entries written to the audit trail",
        }
        parts = [f"{n} {words[k]}" for k, n in fixed.items() if n]
        self.folder.repaired_note(
            f"Index: after an interruption (a power cut?) {', '.join(parts)}."
        )

    # ------------------------------------------------------------------ damage and rebuilds

    def damaged(self, path: Path) -> bool:
        """A reader met a line that fails its check: rebuild now (True) if this process may."""
        if self._verifying:
            self._damage_seen = True
            return False
        if not self.folder.writable():
            return False
        with self.folder.lock:
            self.rebuild(f"had a damaged line in {path.name}; rebuilt")
        return True

    def rebuild(self, why: str) -> None:
        """Every index from the segments, keeping the directory's registrations (under the
        lock); then a checkpoint."""
        with self.folder.lock:
            rebuild_directory(self.folder, rebuild_index(self.folder))
            self.checkpoint({})
        self.folder.repaired_note(f"Index: the indexes {why} from the encounter files.")


def read_directory(path: Path) -> dict[str, dict[str, Any]]:
    """The directory's good lines, framed or in the first (unframed) format, latest last."""
    found: dict[str, dict[str, Any]] = {}
    for line in read_from(path).split(b"\n"):
        payload = payload_of(line) or line
        try:
            patient = orjson.loads(payload) if payload else None
        except orjson.JSONDecodeError:
            continue
        if isinstance(patient, dict) and "id" in patient:
            found[str(patient["id"])] = patient
    return found


def rebuild_directory(folder: Folder, patients: dict[str, dict[str, Any]]) -> bool:
    """Rewrite the directory framed: the segments' patients, then what it held (registrations,
    newer demographics). True if it changed."""
    path = folder.index.directory_path
    merged = {**patients, **read_directory(path)}
    data = b"".join(frame(orjson.dumps(p)) for p in merged.values())
    if read_from(path) == data:
        return False
    write_atomic(path, data)
    folder.index.forget_directory()
    return True
