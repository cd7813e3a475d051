"""The encounter store's small indexes: id -> partition, patient -> encounters, patient directory.

Why append-only shard logs: a single index file would be the O(n) rewrite we are avoiding.
Each index is 256 shard logs chosen by a hash prefix of the key, and a save appends one line
to one log of each; a log that grows past 64 KB rolls into 16 smaller ones
(``kiosk.store.shards``), so a lookup reads at most about 64 KB and a save's index cost does not
grow with the clinic's history. Appends are not fsynced one by one: every open checks what
was written since the last checkpoint (``kiosk.store.recovery``).

Every line is framed with its checksum (``kiosk.store.framing``); the payloads are
``["+", id, partition, patient_id]`` in ``ids/``; ``["+", patient_id, id, started_at, version,
status, partition, demographics]`` in ``patients/`` (``demographics``: a digest of the patient's
demographics as that save stored them, so a save knows without reading the directory whether
they changed); ``["-", key, id]`` voids an entry whose save never
completed. ``amendments.log`` holds ``[old_id, new_id]`` and ``directory.log`` the latest
demographics of each patient. A line that fails its check is skipped and reported through
``on_damage``, so a reader never silently trusts a damaged log.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from kiosk.store import layout, shards
from kiosk.store.files import append_durable, make_private_dir
from kiosk.store.framing import frame, good_lines, read_from
from kiosk.store.shards import leaf, logs, read_leaf, roll_if_big
from kiosk.store.shards import shard_of as shard_of

Rolls = list[tuple[Path, list[Path]]]
"""Logs rolled: (the log, the logs it became)."""


def demographics_digest(patient: dict[str, Any]) -> str:
    """A short digest of a patient's demographics as stored (``patients/`` lines carry it)."""
    return hashlib.blake2b(orjson.dumps(patient), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Entry:
    """Where one stored encounter version lives, with what lists and sorts need."""

    id: str
    patient_id: str
    partition: str
    started_at: str
    version: int
    status: str
    demographics: str = ""
    """``demographics_digest`` of the patient as this version stored them ("" if unknown)."""

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
    raw: bytes | None = None,
) -> Iterator[list[Any]]:
    """Parsed good lines of ``path`` from byte ``start`` (those holding ``needle`` if given;
    ``raw``: its bytes, already read).

    A complete line that fails its check is skipped and reported to ``on_bad``, and so is a
    zero byte anywhere (lines without ``needle`` are not checked one by one).
    """
    raw = read_from(path, start) if raw is None else raw
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
    fields: list[Any] = ["+", e.patient_id, e.id, e.started_at, e.version, e.status, e.partition]
    if e.demographics:
        fields.append(e.demographics)
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
        self.on_roll: Callable[[Rolls], None] | None = None
        """Called (under the lock) after logs were rolled: the checkpoint follows them."""

    def _bad(self, path: Path) -> bool:
        return self.on_damage is not None and self.on_damage(path)

    def _read(self, folder: Path, key: str, needle: bytes) -> list[list[Any]]:
        """The good lines holding ``needle`` in ``key``'s log, read again after a repair."""
        bad: list[Path] = []
        path, raw = read_leaf(folder, key)
        lines = list(_lines(path, needle, on_bad=bad.append, raw=raw))
        if bad and self._bad(path):
            path, raw = read_leaf(folder, key)
            lines = list(_lines(path, needle, raw=raw))
        return lines

    def ensure_dirs(self) -> None:
        for path in (self.root, self.ids, self.patients):
            make_private_dir(path)

    # ------------------------------------------------------------------ lookups

    def lookup(self, encounter_id: str) -> tuple[str, str] | None:
        """(partition, patient_id) of a live id, or None."""
        found: tuple[str, str] | None = None
        key = orjson.dumps(encounter_id)
        for line in self._read(self.ids, encounter_id, key):
            if line[0] == "+" and line[1] == encounter_id:
                found = (str(line[2]), str(line[3]))
            elif line[0] == "-" and line[1] == encounter_id:
                found = None
        return found

    def for_patient(self, patient_id: str) -> list[Entry]:
        """Live entries of one patient, in the order they were written."""
        entries: dict[str, Entry] = {}
        key = orjson.dumps(patient_id)
        for line in self._read(self.patients, patient_id, key):
            if len(line) < 3 or line[1] != patient_id:
                continue
            if line[0] == "+":
                known = str(line[7]) if len(line) > 7 else ""
                fields = (line[6], line[3], line[4], line[5], known)
                entries[line[2]] = Entry(line[2], line[1], *fields)
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
        for path in logs(self.ids):
            name = os.fspath(path)
            try:
                stat = path.stat()
            except FileNotFoundError:  # rolled since the listing: count again
                return self._count()
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
        self._append(self.ids, entry.id, id_line(entry))

    def add_patient_line(self, entry: Entry) -> None:
        self._append(self.patients, entry.patient_id, patient_line(entry))

    def void(self, encounter_id: str, patient_id: str) -> None:
        """Cancel the entries of a save that never reached its partition."""
        self._append(self.ids, encounter_id, frame(orjson.dumps(["-", encounter_id, encounter_id])))
        line = frame(orjson.dumps(["-", patient_id, encounter_id]))
        self._append(self.patients, patient_id, line)

    def _append(self, folder: Path, key: str, data: bytes) -> None:
        """One line to ``key``'s log (not fsynced); roll the log once it is past the limit."""
        path = leaf(folder, key)
        append_durable(path, data, sync=False)
        size, limit = os.stat(path).st_size, shards.ROLL_BYTES
        if size > limit and (size - len(data)) // limit != size // limit:  # crossed a limit
            self.roll([path])

    def roll(self, paths: Iterable[Path]) -> None:
        """Roll each of ``paths`` that is past the limit (under the lock); tell the checkpoint."""
        done: Rolls = []
        for path in paths:
            folder = self.ids if path.is_relative_to(self.ids) else self.patients
            done += roll_if_big(folder, path)
        if done and self.on_roll is not None:
            self.on_roll(done)

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
        """The live logs of ``ids/`` or ``patients/`` (rolled ones' children included)."""
        return logs(folder)

    def add_many(self, entries: Iterable[Entry]) -> set[Path]:
        """Bulk path: one append per touched log, not fsynced; returns the logs appended to
        (``roll`` them once the batch is stored)."""
        lines: dict[Path, list[bytes]] = defaultdict(list)
        for e in entries:
            lines[leaf(self.ids, e.id)].append(id_line(e))
            lines[leaf(self.patients, e.patient_id)].append(patient_line(e))
        for path, chunk in lines.items():
            append_durable(path, b"".join(chunk), sync=False)
        return set(lines)

    def forget_counts(self) -> None:
        """Drop the cached counts (after the logs were rewritten)."""
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

    def append_patient(self, patient: dict[str, Any]) -> None:
        """Append one patient's demographics, not fsynced, without reading the directory
        (a save whose patient's ``demographics_digest`` differs from the last one stored)."""
        append_durable(self.directory_path, frame(orjson.dumps(patient)), sync=False)

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
