"""The encounter store's small indexes: id -> partition, patient -> encounters, patient directory.

Why append-only shard logs: a single index file would be the O(n) rewrite we are avoiding.
Each index is 256 shard files chosen by a hash prefix of the key, and a save appends one JSON
line to one shard of each, so a save's index cost does not grow with the clinic's history and a
lookup reads one shard (~400 lines at 100,000 encounters). Appends are not fsynced one by one:
``kiosk.store.recovery`` re-adds what a power cut lost.

Lines: ``["+", id, partition, patient_id]`` in ``ids/``; ``["+", patient_id, id, started_at,
version, status, partition]`` in ``patients/``; ``["-", key, id]`` voids an entry whose save
never completed. A torn last line (a crash mid-append) is skipped. ``amendments.log`` holds
``[old_id, new_id]`` lines and ``directory.log`` the latest demographics of each patient.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from kiosk.store import layout
from kiosk.store.files import append_durable, make_private_dir, write_atomic


def shard_of(key: str) -> str:
    """Two hex digits: 256 shards."""
    return hashlib.blake2b(key.encode(), digest_size=1).hexdigest()


@dataclass(frozen=True)
class Entry:
    """Where one stored encounter version lives, with what lists and sorts need."""

    id: str
    patient_id: str
    partition: str
    started_at: str
    version: int
    status: str

    @property
    def day(self) -> str:
        return layout.partition_day(self.partition)


SearchKey = tuple[str, str, tuple[str, str, str]]
"""(" word word ... " lower-case, birth date, sort key): a word prefix is `" " + prefix in text`."""


def _search_key(patient: dict[str, Any]) -> SearchKey:
    family, given = str(patient.get("family_name", "")), str(patient.get("given_name", ""))
    text = f"{family} {given} {patient.get('preferred_name', '')} {patient['id']}".lower()
    words = text.replace(",", " ").replace("-", " ").split()
    spaced = " " + " ".join([*words, family.lower()]) + " "
    return (
        spaced,
        str(patient.get("birth_date", "")),
        (family.lower(), given.lower(), patient["id"]),
    )


def _lines(path: Path, needle: bytes | None = None, start: int = 0) -> Iterator[list[Any]]:
    """Parsed complete lines of ``path`` from byte ``start`` (those holding ``needle`` if given)."""
    try:
        with path.open("rb") as handle:
            handle.seek(start)
            raw = handle.read()
    except FileNotFoundError:
        return
    if needle is not None and needle not in raw:
        return
    end = raw.rfind(b"\n")
    for line in raw[: end + 1].split(b"\n"):
        if not line or (needle is not None and needle not in line):
            continue
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(parsed, list) and parsed:
            yield parsed


class Index:
    """The index files under ``<data_dir>/index``."""

    def __init__(self, paths: layout.Layout) -> None:
        self.root = paths.index
        self.ids = paths.ids
        self.patients = paths.patients
        self.amendments_path = paths.amendments
        self.directory_path = paths.directory
        self._count_cache: dict[str, tuple[int, int, int]] = {}
        self._directory: dict[str, dict[str, Any]] = {}
        self._search: dict[str, SearchKey] = {}
        self._directory_offset = 0
        self._directory_lock = threading.RLock()

    def ensure_dirs(self) -> None:
        for path in (self.root, self.ids, self.patients):
            make_private_dir(path)

    # ------------------------------------------------------------------ lookups

    def lookup(self, encounter_id: str) -> tuple[str, str] | None:
        """(partition, patient_id) of a live id, or None."""
        found: tuple[str, str] | None = None
        key = orjson.dumps(encounter_id)
        for line in _lines(layout.shard_file(self.ids, shard_of(encounter_id)), key):
            if line[0] == "+" and line[1] == encounter_id:
                found = (str(line[2]), str(line[3]))
            elif line[0] == "-" and line[1] == encounter_id:
                found = None
        return found

    def for_patient(self, patient_id: str) -> list[Entry]:
        """Live entries of one patient, in the order they were written."""
        entries: dict[str, Entry] = {}
        key = orjson.dumps(patient_id)
        for line in _lines(layout.shard_file(self.patients, shard_of(patient_id)), key):
            if line[1] != patient_id:
                continue
            if line[0] == "+":
                entries[line[2]] = Entry(line[2], line[1], line[6], line[3], line[4], line[5])
            elif line[0] == "-":
                entries.pop(line[2], None)
        return list(entries.values())

    def count(self) -> int:
        """Live ids; a shard is re-read only when its size or mtime changed."""
        total = 0
        try:
            names = os.listdir(self.ids)
        except FileNotFoundError:
            return 0
        for name in names:
            if not layout.is_shard_name(name):
                continue
            path = self.ids / name
            stat = path.stat()
            cached = self._count_cache.get(name)
            if cached is None or cached[:2] != (stat.st_size, stat.st_mtime_ns):
                cached = (stat.st_size, stat.st_mtime_ns, self._count_shard(path))
                self._count_cache[name] = cached
            total += cached[2]
        return total

    @staticmethod
    def _count_shard(path: Path) -> int:
        """Live ids in one shard; without voids every complete line is one id (no parsing)."""
        raw = path.read_bytes()
        if b'["-"' not in raw:
            return raw.count(b"\n")
        live: set[str] = set()
        for line in _lines(path):
            (live.add if line[0] == "+" else live.discard)(line[1])
        return len(live)

    def amendments(self) -> dict[str, str]:
        """old id -> new id (including amendments whose save never completed: check new)."""
        return {str(line[0]): str(line[1]) for line in _lines(self.amendments_path)}

    # ------------------------------------------------------------------ writes

    def add(self, entry: Entry) -> None:
        """Record one version: two appends, not fsynced (see kiosk.store.recovery)."""
        self.add_id_line(entry)
        self.add_patient_line(entry)

    def add_id_line(self, entry: Entry) -> None:
        line = orjson.dumps(["+", entry.id, entry.partition, entry.patient_id]) + b"\n"
        append_durable(layout.shard_file(self.ids, shard_of(entry.id)), line, sync=False)

    def add_patient_line(self, entry: Entry) -> None:
        fields = ["+", entry.patient_id, entry.id, entry.started_at, entry.version, entry.status]
        line = orjson.dumps([*fields, entry.partition]) + b"\n"
        path = layout.shard_file(self.patients, shard_of(entry.patient_id))
        append_durable(path, line, sync=False)

    def void(self, encounter_id: str, patient_id: str) -> None:
        """Cancel the entries of a save that never reached its partition."""
        line = orjson.dumps(["-", encounter_id, encounter_id]) + b"\n"
        append_durable(layout.shard_file(self.ids, shard_of(encounter_id)), line, sync=False)
        line = orjson.dumps(["-", patient_id, encounter_id]) + b"\n"
        append_durable(layout.shard_file(self.patients, shard_of(patient_id)), line, sync=False)

    def add_amendment(self, old_id: str, new_id: str) -> None:
        line = orjson.dumps([old_id, new_id]) + b"\n"
        append_durable(self.amendments_path, line, sync=False)

    def files(self) -> list[Path]:
        """Every index file that grows by appends (what a checkpoint fsyncs)."""
        found = [self.amendments_path, self.directory_path]
        found += self.shards(self.ids) + self.shards(self.patients)
        return [f for f in found if f.exists()]

    @staticmethod
    def shards(folder: Path) -> list[Path]:
        """The shard files of ``ids/`` or ``patients/``, by name."""
        with contextlib.suppress(FileNotFoundError):
            return [folder / n for n in sorted(os.listdir(folder)) if layout.is_shard_name(n)]
        return []

    def add_many(self, entries: Iterable[Entry]) -> set[Path]:
        """Bulk path: one append per touched shard, not fsynced; returns the files to fsync."""
        ids: dict[str, list[bytes]] = defaultdict(list)
        patients: dict[str, list[bytes]] = defaultdict(list)
        for e in entries:
            ids[shard_of(e.id)].append(orjson.dumps(["+", e.id, e.partition, e.patient_id]))
            patient_line = ["+", e.patient_id, e.id, e.started_at, e.version, e.status]
            patients[shard_of(e.patient_id)].append(orjson.dumps([*patient_line, e.partition]))
        touched: set[Path] = set()
        for folder, shards in ((self.ids, ids), (self.patients, patients)):
            for shard, lines in shards.items():
                path = layout.shard_file(folder, shard)
                append_durable(path, b"\n".join(lines) + b"\n", sync=False)
                touched.add(path)
        return touched

    def rebuild(self, entries: Iterable[Entry], amendments: Iterable[tuple[str, str]]) -> None:
        """Replace every index shard with one built from the partitions (``check --repair``)."""
        ids: dict[str, list[bytes]] = {f"{n:02x}": [] for n in range(256)}
        patients: dict[str, list[bytes]] = {f"{n:02x}": [] for n in range(256)}
        for e in entries:
            ids[shard_of(e.id)].append(orjson.dumps(["+", e.id, e.partition, e.patient_id]))
            patient_line = ["+", e.patient_id, e.id, e.started_at, e.version, e.status]
            patients[shard_of(e.patient_id)].append(orjson.dumps([*patient_line, e.partition]))
        self.ensure_dirs()
        for folder, shards in ((self.ids, ids), (self.patients, patients)):
            for shard, lines in shards.items():
                path = layout.shard_file(folder, shard)
                if lines:
                    write_atomic(path, b"\n".join(lines) + b"\n")
                elif path.exists():
                    path.unlink()
        lines = [orjson.dumps([old, new]) for old, new in amendments]
        write_atomic(self.amendments_path, b"\n".join(lines) + b"\n" if lines else b"")
        self._count_cache.clear()

    # ------------------------------------------------------------------ patient directory

    def directory(self) -> dict[str, dict[str, Any]]:
        """patient id -> latest demographics (Patient JSON); reads only what was appended since."""
        with self._directory_lock:
            return dict(self._refresh_directory())  # a snapshot, safe to iterate

    def _refresh_directory(self) -> dict[str, dict[str, Any]]:
        try:
            with self.directory_path.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < self._directory_offset:  # rebuilt: start over
                    self._directory, self._search, self._directory_offset = {}, {}, 0
                handle.seek(self._directory_offset)
                chunk = handle.read(size - self._directory_offset)
        except FileNotFoundError:
            return self._directory
        end = chunk.rfind(b"\n")
        for line in chunk[: end + 1].split(b"\n"):
            try:
                patient = orjson.loads(line) if line else None
            except orjson.JSONDecodeError:
                continue
            if isinstance(patient, dict) and "id" in patient:
                pid = str(patient["id"])
                self._directory[pid] = patient
                self._search[pid] = _search_key(patient)
        self._directory_offset += end + 1
        return self._directory

    def search_keys(self) -> dict[str, SearchKey]:
        """patient id -> (lower-case name words, birth date, sort key), kept with the directory.

        A snapshot, so a search in one thread never sees another thread's update midway.
        """
        with self._directory_lock:
            self.directory()
            return dict(self._search)

    def patient(self, patient_id: str) -> dict[str, Any] | None:
        """One patient's latest demographics from the directory."""
        with self._directory_lock:
            return self._refresh_directory().get(patient_id)

    def forget_directory(self) -> None:
        """Drop the cached directory (after the file was rewritten)."""
        self._directory, self._search, self._directory_offset = {}, {}, 0

    def add_patient(self, patient: dict[str, Any]) -> None:
        """Append one patient's demographics, fsynced: a registration survives a power cut."""
        append_durable(self.directory_path, orjson.dumps(patient) + b"\n", sync=True)
        self.directory()

    def note_patients(self, patients: Iterable[dict[str, Any]]) -> None:
        """Append demographics that are new or changed (usually nothing to write)."""
        known = self.directory()
        changed = [p for p in patients if known.get(str(p["id"])) != p]
        if changed:
            unique = {str(p["id"]): p for p in changed}
            data = b"".join(orjson.dumps(p) + b"\n" for p in unique.values())
            append_durable(self.directory_path, data, sync=False)
            self.directory()
