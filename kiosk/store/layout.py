"""Every name under a data folder, in one place (docs/ARCHITECTURE.md, "Data folder").

Why one module: the write path, recovery, ``kiosk check``, drafts, staff accounts and the audit
trail all look at the same files; when each spelled its own paths, a renamed file or a new
temp-file pattern had to be found in five places, and ``check`` could miss a leftover that the
write path knew about. Everything else asks this module, so the folder's shape is readable
here::

    encounters/<day>/<NNNN>.json   segment files (kiosk.store.partitions); a damaged one is
                                   renamed <NNNN>.json.corrupt-<UTC time>
    index/ids/<xx>.log             id -> partition shards (kiosk.store.index)
    index/patients/<xx>.log        patient -> encounters shards
    index/amendments.log           old id -> new id
    index/directory.log            the latest demographics of each patient
    index/checkpoint.json          each log's size and each day's mtime when last fsynced
                                   (kiosk.store.recovery)
    drafts/<key>.json, <key>.lock  one draft per (staff, patient) and its claim
    schedule/<day>.json            the day's appointment list (patient ids)
    rooming/<day>.json             that day's visit statuses and turnovers (kiosk.store.rooming)
    rooming/rooms.json             each exam room's state now
    sterilizer.json                the sterilizer log (kiosk.store.sterilizer)
    outbox/origin                  this folder's id in the central database (kiosk.store.outbox)
    outbox/<NNNNNN>.log            encounter documents not yet pushed to it, one line each
    outbox/state.json, sync.lock   how far the push has gone; held by the process pushing
    audit.jsonl, audit.lock        the hash-chained audit trail (kiosk.store.audit): the
                                   current period's entries
    audit-<YYYY-MM>[-<n>].jsonl    earlier periods' entries (one chain with audit.jsonl)
    audit.head                     the chain head (count and hash) after the last fsynced entry
    staff.json, staff.json.lock    staff accounts (kiosk.store.staff)
    stock.json, stock.json.lock    lots on hand: test kits, vaccines, medications
                                   (kiosk.store.stock)
    qc.jsonl, qc.lock              the point-of-care QC log, one control run a line
                                   (kiosk.store.qc)
    pending.json                   the save in flight, for recovery after a kill
    store.lock                     the folder lock every writer holds
    kiosk-errors.log               the private log (kiosk.privacy): tracebacks without values
    DEMO-DATA                      marks a folder filled with synthetic data (kiosk.demo)
    <name>.corrupt-<UTC time>      a damaged file moved aside (segments, drafts, schedules)
    .<name>.<pid>-<hex>.tmp        an atomic write in progress (or a killed one's leftover)

``kind_of`` names the kind of any path under the folder, so ``kiosk check`` verifies each
file by its kind and says so of a name it does not know (``KINDS`` lists them all).

Only names: nothing here touches the disk, so any layer may import it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

TEMP_SUFFIX = ".tmp"
_SEGMENT = re.compile(r"^(\d{4})\.json(?:\.corrupt-.*)?$")
_LIVE_SEGMENT = re.compile(r"^\d{4}\.json$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHARD_SUFFIX = ".log"
_DRAFT_SUFFIX = ".json"
_AUDIT_ARCHIVE = re.compile(r"^audit-(\d{4}-\d{2})(?:-(\d+))?\.jsonl$")
_QUARANTINED = ".corrupt-"
_OUTBOX_LOG = re.compile(r"^(\d{6})\.log$")
ERRORS_LOG = "kiosk-errors.log"
DEMO_MARKER = "DEMO-DATA"


def temp_path(path: Path, *, suffix: str = TEMP_SUFFIX) -> Path:
    """A fresh hidden temp name beside ``path`` (same folder, so a rename cannot cross disks)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{suffix}")


def is_temp_name(name: str) -> bool:
    """A file name ``temp_path`` makes: an atomic write in progress or a killed one's leftover."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def quarantine_path(path: Path, stamp: str) -> Path:
    """Where a damaged file is moved aside (beside it, never written over)."""
    return path.with_name(f"{path.name}{_QUARANTINED}{stamp}")


def is_quarantined_name(name: str) -> bool:
    """A damaged file moved aside by ``quarantine_path``."""
    return _QUARANTINED in name and not name.startswith(".")


# ---------------------------------------------------------------------- segments


def partition_name(day: str, number: int) -> str:
    """A segment's partition name, ``<day>/<NNNN>`` (also its path under ``encounters/``)."""
    return f"{day}/{number:04d}"


def partition_day(partition: str) -> str:
    return partition.split("/", 1)[0]


def is_day_name(name: str) -> bool:
    return bool(_DAY.match(name))


def live_segment_number(name: str) -> int | None:
    """The number of a segment file name in a day folder (damaged, moved-aside ones excluded)."""
    return int(name[:4]) if _LIVE_SEGMENT.match(name) else None


def used_segment_number(name: str) -> int | None:
    """The number a segment file name uses, damaged ones included (never reused)."""
    match = _SEGMENT.match(name)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------------- index shards


def shard_file(folder: Path, shard: str) -> Path:
    return folder / f"{shard}{_SHARD_SUFFIX}"


def is_shard_name(name: str) -> bool:
    return name.endswith(_SHARD_SUFFIX)


# ---------------------------------------------------------------------- drafts


def draft_key(staff_id: str, patient_id: str) -> str:
    """A draft's file name stem: a hash, so a directory listing shows no names."""
    return hashlib.sha256(f"{staff_id}\0{patient_id}".encode()).hexdigest()[:32]


def is_draft_name(name: str) -> bool:
    return name.endswith(_DRAFT_SUFFIX)


# ---------------------------------------------------------------------- audit trail


def audit_archive_name(period: str, number: int = 1) -> str:
    """An earlier period's trail file: ``audit-<YYYY-MM>.jsonl`` (``-<n>`` after the first)."""
    return f"audit-{period}.jsonl" if number == 1 else f"audit-{period}-{number}.jsonl"


def audit_archive_key(name: str) -> tuple[str, int] | None:
    """(period, number) of an earlier period's trail file name, None for any other name."""
    match = _AUDIT_ARCHIVE.match(name)
    return (match.group(1), int(match.group(2) or 1)) if match else None


# ---------------------------------------------------------------------- outbox


def outbox_log_name(number: int) -> str:
    return f"{number:06d}.log"


def outbox_log_number(name: str) -> int | None:
    match = _OUTBOX_LOG.match(name)
    return int(match.group(1)) if match else None


_OUTBOX_FILES = {
    "origin": "outbox-origin",
    "state.json": "outbox-state",
    "sync.lock": "outbox-lock",
}

_TOP_FILES = {
    "audit.jsonl": "audit",
    "audit.lock": "audit-lock",
    "audit.head": "audit-head",
    "staff.json": "staff",
    "sterilizer.json": "sterilizer",
    "staff.json.lock": "staff-lock",
    "stock.json": "stock",
    "stock.json.lock": "stock-lock",
    "qc.jsonl": "qc-log",
    "qc.lock": "qc-lock",
    "pending.json": "pending",
    "store.lock": "store-lock",
    ERRORS_LOG: "errors-log",
    DEMO_MARKER: "demo-marker",
}
_INDEX_FILES = {
    "amendments.log": "amendments",
    "directory.log": "directory",
    "checkpoint.json": "checkpoint",
    "boot.json": "boot",
}
_FOLDERS = {
    (): "root",
    ("encounters",): "encounters",
    ("index",): "index",
    ("index", "ids"): "ids",
    ("index", "patients"): "patients",
    ("drafts",): "drafts",
    ("schedule",): "schedule",
    ("rooming",): "rooming",
    ("outbox",): "outbox",
}
KINDS = (
    *sorted(set(_FOLDERS.values()) | {"day"}),
    *sorted({*_TOP_FILES.values(), *_INDEX_FILES.values(), *_OUTBOX_FILES.values()}),
    "outbox-log",
    "audit-archive",
    "segment",
    "ids-shard",
    "patients-shard",
    "draft",
    "draft-lock",
    "schedule-day",
    "rooming-day",
    "rooms",
    "quarantined",
    "temp",
)
"""Every kind of path a data folder holds (``kind_of``); anything else is "unknown"."""


def kind_of(parts: tuple[str, ...], *, is_dir: bool) -> str:
    """The kind of the path ``parts`` (its names under the data folder): one of ``KINDS``,
    or "unknown" for a name no part of the kiosk writes."""
    if is_dir:
        if parts in _FOLDERS:
            return _FOLDERS[parts]
        if parts and is_temp_name(parts[-1]):
            return "temp"  # a killed index roll's temp folder
        if _rolled(parts):
            return parts[1]  # a rolled shard's folder is part of its index
        return (
            "day"
            if len(parts) == 2 and parts[0] == "encounters" and is_day_name(parts[1])
            else "unknown"
        )
    name = parts[-1]
    if is_temp_name(name):
        return "temp"
    if is_quarantined_name(name):
        return "quarantined"
    where = parts[:-1]
    if where == ():
        return _TOP_FILES.get(name) or ("audit-archive" if audit_archive_key(name) else "unknown")
    if where == ("index",):
        return _INDEX_FILES.get(name, "unknown")
    if (where in (("index", "ids"), ("index", "patients")) or _rolled(where)) and is_shard_name(
        name
    ):
        return f"{where[1]}-shard"
    if len(where) == 2 and where[0] == "encounters" and is_day_name(where[1]):
        return "segment" if live_segment_number(name) is not None else "unknown"
    if where == ("drafts",):
        if is_draft_name(name):
            return "draft"
        return "draft-lock" if name.endswith(".lock") else "unknown"
    if where == ("outbox",):
        if outbox_log_number(name) is not None:
            return "outbox-log"
        return _OUTBOX_FILES.get(name, "unknown")
    if where == ("schedule",) and is_day_name(name.removesuffix(".json")):
        return "schedule-day" if name.endswith(".json") else "unknown"
    if where == ("rooming",):
        if name == "rooms.json":
            return "rooms"
        day = name.endswith(".json") and is_day_name(name.removesuffix(".json"))
        return "rooming-day" if day else "unknown"
    return "unknown"


def _rolled(parts: tuple[str, ...]) -> bool:
    """A rolled shard's folder under ``index/ids`` or ``index/patients`` (kiosk.store.shards):
    ``<xx>``, then one hex digit per level."""
    if len(parts) < 3 or parts[0] != "index" or parts[1] not in ("ids", "patients"):
        return False
    top, *rest = parts[2:]
    hexdigits = set("0123456789abcdef")
    return (
        len(top) == 2
        and set(top) <= hexdigits
        and all(len(p) == 1 and p in hexdigits for p in rest)
    )


class Layout:
    """The paths of one data folder (cheap to build: no disk access)."""

    def __init__(self, data_dir: Path | str) -> None:
        root = Path(data_dir)
        self.root = root
        self.encounters = root / "encounters"
        self.index = root / "index"
        self.ids = self.index / "ids"
        self.patients = self.index / "patients"
        self.amendments = self.index / "amendments.log"
        self.directory = self.index / "directory.log"
        self.boot = self.index / "boot.json"
        """Written by kiosks before the checkpoint; no longer read."""
        self.checkpoint = self.index / "checkpoint.json"
        self.drafts = root / "drafts"
        self.schedule = root / "schedule"
        self.outbox = root / "outbox"
        self.outbox_origin = self.outbox / "origin"
        self.outbox_state = self.outbox / "state.json"
        self.outbox_lock = self.outbox / "sync.lock"
        self.audit = root / "audit.jsonl"
        self.audit_lock = root / "audit.lock"
        self.audit_head = root / "audit.head"
        self.staff = root / "staff.json"
        self.rooming = root / "rooming"
        self.rooms = self.rooming / "rooms.json"
        self.sterilizer = root / "sterilizer.json"
        self.staff_lock = root / "staff.json.lock"
        self.stock = root / "stock.json"
        self.stock_lock = root / "stock.json.lock"
        self.qc_log = root / "qc.jsonl"
        self.qc_lock = root / "qc.lock"
        self.pending = root / "pending.json"
        self.store_lock = root / "store.lock"
        self.errors_log = root / ERRORS_LOG
        self.demo_marker = root / DEMO_MARKER
        self._encounters_text = os.fspath(self.encounters)

    def private_folders(self) -> tuple[Path, ...]:
        """The folders whose mode the store checks on opening (they hold PHI)."""
        return (self.root, self.encounters, self.index, self.drafts, self.outbox)

    def day_folder(self, day: str) -> Path:
        return self.encounters / day

    def segment(self, partition: str) -> Path:
        return self.encounters / f"{partition}.json"

    def segment_text(self, partition: str) -> str:
        """``segment`` as a str: opening a str path skips pathlib on the hottest read."""
        return f"{self._encounters_text}/{partition}.json"

    def draft(self, key: str) -> Path:
        return self.drafts / f"{key}{_DRAFT_SUFFIX}"

    def draft_lock(self, key: str) -> Path:
        return self.drafts / f"{key}.lock"

    def schedule_day(self, day: str) -> Path:
        return self.schedule / f"{day}.json"

    def rooming_day(self, day: str) -> Path:
        return self.rooming / f"{day}.json"


__all__ = [
    "DEMO_MARKER",
    "ERRORS_LOG",
    "KINDS",
    "TEMP_SUFFIX",
    "Layout",
    "audit_archive_key",
    "audit_archive_name",
    "draft_key",
    "is_day_name",
    "is_draft_name",
    "is_quarantined_name",
    "is_shard_name",
    "is_temp_name",
    "kind_of",
    "live_segment_number",
    "outbox_log_name",
    "outbox_log_number",
    "partition_day",
    "partition_name",
    "quarantine_path",
    "shard_file",
    "temp_path",
    "used_segment_number",
]
