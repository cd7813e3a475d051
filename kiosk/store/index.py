"""The encounter store's small indexes: id -> partition, patient -> encounters, patient directory.

Why append-only shard logs: a single index file would be the O(n) rewrite we are avoiding.
Each index is 256 shard files chosen by a hash prefix of the key, and a save appends one line
to one shard of each, so a save's index cost does not grow with the clinic's history and a
lookup reads one shard (~400 lines at 100,000 encounters). Appends are not fsynced one by one:
every open checks what was written since the last checkpoint (``kiosk.store.recovery``).

Every line is framed with its checksum (``kiosk.store.framing``); the payloads are
``["+", id, partition, patient_id]`` in ``ids/``; ``["+", patient_id, id, started_at, version,
status, partition]`` in ``patients/``; ``["-", key, id]`` voids an entry whose save never
completed. ``amendments.log`` holds ``[old_id, new_id]`` and ``directory.log`` the latest
demographics of each patient. A line that fails its check is skipped and reported through
``on_damage``, so a reader never silently trusts a damaged log.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from kiosk.store import layout
from kiosk.store.files import append_durable, fsync_dir, make_private_dir, write_atomic
from kiosk.store.framing import frame, good_lines, read_from


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


def _lines(
    path: Path,
    needle: bytes | None = None,
    start: int = 0,
    on_bad: Callable[[Path], None] | None = None,
) -> Iterator[list[Any]]:
    """Parsed good lines of ``path`` from byte ``start`` (those holding ``needle`` if given).

    A complete line that fails its check is skipped and reported to ``on_bad``, and so is a
    zero byte anywhere (lines without ``needle`` are not checked one by one).
    """
    raw = read_from(path, start)
    bad = b"\x00" in raw  # a page that never reached the disk, even in lines not looked at
    for payload in good_lines(raw, needle):
        parsed = None
        if payload is not None:
            try:
                parsed = orjson.loads(payload)
            except orjson.JSONDecodeError:
                parsed = None
        if isinstance(parsed, list) and parsed:
            yield parsed
        elif not isinstance(parsed, dict):
            bad = True
    if bad and on_bad is not None:
        on_bad(path)


def id_line(e: Entry) -> bytes:
    return frame(orjson.dumps(["+", e.id, e.partition, e.patient_id]))


def patient_line(e: Entry) -> bytes:
    fields = ["+", e.patient_id, e.id, e.started_at, e.version, e.status, e.partition]
    return frame(orjson.dumps(fields))


class Index:
    """The index files under ``<data_dir>/index``."""

    def __init__(self, paths: layout.Layout) -> None:
        self.root = paths.index
        self.ids = paths.ids
        self.patients = paths.patients
        self.amendments_path = paths.amendments
        self.directory_path = paths.directory
        self._count_cache: dict[str, tuple[int, int, int, int]] = {}
        self._directory: dict[str, dict[str, Any]] = {}
        self._search: dict[str, SearchKey] = {}
        self._directory_offset = 0
        self._directory_inode = 0
        self._directory_lock = threading.RLock()
        self._repaired = False
        self.on_damage: Callable[[Path], bool] | None = None
        """Called with a log in which a line failed its check (set by the store); True when
        the indexes were rebuilt, so the caller reads again."""

    def _bad(self, path: Path) -> bool:
        return self.on_damage is not None and self.on_damage(path)

    def _read(self, path: Path, needle: bytes) -> list[list[Any]]:
        """The good lines of one shard holding ``needle``, read again after a repair."""
        bad: list[Path] = []
        lines = list(_lines(path, needle, on_bad=bad.append))
        if bad and self._bad(path):
            lines = list(_lines(path, needle))
        return lines

    def ensure_dirs(self) -> None:
        for path in (self.root, self.ids, self.patients):
            make_private_dir(path)

    # ------------------------------------------------------------------ lookups

    def lookup(self, encounter_id: str) -> tuple[str, str] | None:
        """(partition, patient_id) of a live id, or None."""
        found: tuple[str, str] | None = None
        key = orjson.dumps(encounter_id)
        path = layout.shard_file(self.ids, shard_of(encounter_id))
        for line in self._read(path, key):
            if line[0] == "+" and line[1] == encounter_id:
                found = (str(line[2]), str(line[3]))
            elif line[0] == "-" and line[1] == encounter_id:
                found = None
        return found

    def for_patient(self, patient_id: str) -> list[Entry]:
        """Live entries of one patient, in the order they were written."""
        entries: dict[str, Entry] = {}
        key = orjson.dumps(patient_id)
        path = layout.shard_file(self.patients, shard_of(patient_id))
        for line in self._read(path, key):
            if len(line) < 3 or line[1] != patient_id:
                continue
            if line[0] == "+":
                entries[line[2]] = Entry(line[2], line[1], line[6], line[3], line[4], line[5])
            elif line[0] == "-":
                entries.pop(line[2], None)
        return list(entries.values())

    def count(self) -> int:
        """Live ids; a shard is re-read only when its size, mtime or inode changed."""
        self._repaired = False
        total = self._count()
        return self._count() if self._repaired else total

    def _count(self) -> int:
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
            key = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
            cached = self._count_cache.get(name)
            if cached is None or cached[:3] != key:
                cached = (*key, self._count_shard(path))
                self._count_cache[name] = cached
            total += cached[3]
        return total

    def _count_shard(self, path: Path) -> int:
        """Live ids in one shard; without voids every good line is one id (no parsing)."""
        raw = read_from(path)
        if b'["-"' not in raw:
            good = [p for p in good_lines(raw) if p is not None]
            if len(good) != raw.count(b"\n"):
                self._repaired |= self._bad(path)
            return len(good)
        live: set[str] = set()
        for line in _lines(path, on_bad=self._note_bad):
            (live.add if line[0] == "+" else live.discard)(line[1])
        return len(live)

    def _note_bad(self, path: Path) -> None:
        self._repaired |= self._bad(path)

    def entries_in(self, partition: str) -> list[tuple[str, str]]:
        """(id, patient id) of each live id pointing at ``partition`` (reads every id shard:
        only for a damaged segment)."""
        live: dict[str, tuple[str, str]] = {}
        needle = orjson.dumps(partition)
        for path in self.shards(self.ids):
            for line in _lines(path, needle):
                if line[0] == "+" and len(line) >= 4 and line[2] == partition:
                    live[str(line[1])] = (str(line[1]), str(line[3]))
                elif line[0] == "-":
                    live.pop(str(line[1]), None)
        return list(live.values())

    def amendments(self) -> dict[str, str]:
        """old id -> new id (including amendments whose save never completed: check new)."""
        lines = _lines(self.amendments_path, on_bad=self._note_bad)
        return {str(line[0]): str(line[1]) for line in lines if len(line) == 2}

    # ------------------------------------------------------------------ writes

    def add(self, entry: Entry) -> None:
        """Record one version: two appends, not fsynced (see kiosk.store.recovery)."""
        self.add_id_line(entry)
        self.add_patient_line(entry)

    def add_id_line(self, entry: Entry) -> None:
        path = layout.shard_file(self.ids, shard_of(entry.id))
        append_durable(path, id_line(entry), sync=False)

    def add_patient_line(self, entry: Entry) -> None:
        path = layout.shard_file(self.patients, shard_of(entry.patient_id))
        append_durable(path, patient_line(entry), sync=False)

    def void(self, encounter_id: str, patient_id: str) -> None:
        """Cancel the entries of a save that never reached its partition."""
        line = frame(orjson.dumps(["-", encounter_id, encounter_id]))
        append_durable(layout.shard_file(self.ids, shard_of(encounter_id)), line, sync=False)
        line = frame(orjson.dumps(["-", patient_id, encounter_id]))
        append_durable(layout.shard_file(self.patients, shard_of(patient_id)), line, sync=False)

    def add_amendment(self, old_id: str, new_id: str) -> None:
        line = frame(orjson.dumps([old_id, new_id]))
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
            ids[shard_of(e.id)].append(id_line(e))
            patients[shard_of(e.patient_id)].append(patient_line(e))
        touched: set[Path] = set()
        for folder, shards in ((self.ids, ids), (self.patients, patients)):
            for shard, lines in shards.items():
                path = layout.shard_file(folder, shard)
                append_durable(path, b"".join(lines), sync=False)
                touched.add(path)
        return touched

    def rebuild(self, entries: Iterable[Entry], amendments: Iterable[tuple[str, str]]) -> None:
        """Replace every index shard with one built from the partitions (``check --repair``,
        a damaged log, an upgrade from the unframed format)."""
        ids: dict[str, list[bytes]] = {f"{n:02x}": [] for n in range(256)}
        patients: dict[str, list[bytes]] = {f"{n:02x}": [] for n in range(256)}
        for e in entries:
            ids[shard_of(e.id)].append(id_line(e))
            patients[shard_of(e.patient_id)].append(patient_line(e))
        self.ensure_dirs()
        for folder, shards in ((self.ids, ids), (self.patients, patients)):
            for shard, lines in shards.items():
                path = layout.shard_file(folder, shard)
                if lines:
                    write_atomic(path, b"".join(lines), sync_dir=False)
                elif path.exists():
                    path.unlink()
            make_private_dir(folder)
            fsync_dir(folder)
        data = b"".join(frame(orjson.dumps([old, new])) for old, new in amendments)
        write_atomic(self.amendments_path, data)
        self._count_cache.clear()

    # ------------------------------------------------------------------ patient directory

    def directory(self) -> dict[str, dict[str, Any]]:
        """patient id -> latest demographics (Patient JSON); reads only what was appended since."""
        with self._directory_lock:
            return dict(self._refresh_directory())  # a snapshot, safe to iterate

    def _refresh_directory(self) -> dict[str, dict[str, Any]]:
        try:
            with self.directory_path.open("rb") as handle:
                stat = os.fstat(handle.fileno())
                size = stat.st_size
                if size < self._directory_offset or stat.st_ino != self._directory_inode:
                    # rewritten (a repair): start over
                    self._directory, self._search, self._directory_offset = {}, {}, 0
                    self._directory_inode = stat.st_ino
                handle.seek(self._directory_offset)
                chunk = handle.read(size - self._directory_offset)
        except FileNotFoundError:
            return self._directory
        end = chunk.rfind(b"\n")
        bad = False
        for payload in good_lines(chunk[: end + 1]):
            try:
                patient = orjson.loads(payload) if payload is not None else None
            except orjson.JSONDecodeError:
                patient = None
            if not isinstance(patient, dict) or "id" not in patient:
                bad = True
            else:
                pid = str(patient["id"])
                self._directory[pid] = patient
                self._search[pid] = _search_key(patient)
        self._directory_offset += end + 1
        if bad:
            self._bad(self.directory_path)
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
        append_durable(self.directory_path, frame(orjson.dumps(patient)), sync=True)
        self.directory()

    def add_patients(self, patients: list[dict[str, Any]]) -> None:
        """Append many patients' demographics in one fsynced write (an import)."""
        data = b"".join(frame(orjson.dumps(p)) for p in patients)
        append_durable(self.directory_path, data, sync=True)
        self.directory()

    def note_patients(self, patients: Iterable[dict[str, Any]]) -> None:
        """Append demographics that are new or changed (usually nothing to write)."""
        known = self.directory()
        changed = [p for p in patients if known.get(str(p["id"])) != p]
        if changed:
            unique = {str(p["id"]): p for p in changed}
            data = b"".join(frame(orjson.dumps(p)) for p in unique.values())
            append_durable(self.directory_path, data, sync=False)
            self.directory()
