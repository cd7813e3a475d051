"""Rebuilding the indexes from the segments, streaming: memory does not grow with the store.

Why: ``kiosk check --repair``, a damaged log and an upgrade from the unframed format rebuild
every index from the segments (the truth). Holding every line of a million encounters before
writing them took over a gigabyte; here each shard's lines go to a hidden temp file beside it
as they are made (a few KB buffered per shard), and each temp file replaces its shard when
every segment was read (fsynced first, the folder once at the end). A shard past the roll
limit is rolled at once (kiosk.store.shards). What is kept whole is small: the amendment
links and each patient's latest demographics (for the directory).
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from kiosk.store.files import FILE_MODE, fsync_dir, fsync_file, make_private_dir, write_all
from kiosk.store.files import write_atomic as _write_atomic
from kiosk.store.folder import Folder
from kiosk.store.framing import frame
from kiosk.store.index import Entry, demographics_digest, id_line, patient_line
from kiosk.store.layout import shard_file, temp_path
from kiosk.store.shards import roll_if_big, shard_of

_FLUSH = 32 * 1024


def entry_of(doc: dict[str, Any], partition: str) -> Entry:
    """The index entry of a stored document (KeyError or TypeError if it lacks a field)."""
    patient = doc["patient"]
    return Entry(
        doc["id"],
        patient["id"],
        partition,
        doc["started_at"],
        doc["version"],
        doc["status"],
        demographics_digest(patient),
    )


class _Spill:
    """The new lines of one index's 256 shards, spilled to temp files as they grow."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffers: dict[str, list[bytes]] = defaultdict(list)
        self.sizes: dict[str, int] = defaultdict(int)
        self.temps: dict[str, Path] = {}

    def add(self, shard: str, line: bytes) -> None:
        self.buffers[shard].append(line)
        self.sizes[shard] += len(line)
        if self.sizes[shard] >= _FLUSH:
            self._flush(shard)

    def _flush(self, shard: str) -> None:
        temp = self.temps.get(shard)
        if temp is None:
            temp = self.temps[shard] = temp_path(shard_file(self.folder, shard))
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
        try:
            write_all(fd, b"".join(self.buffers.pop(shard, [])))
        finally:
            os.close(fd)
        self.sizes[shard] = 0

    def discard(self) -> None:
        for temp in self.temps.values():
            temp.unlink(missing_ok=True)

    def finish(self) -> None:
        """Each temp file replaces its shard (an empty shard is removed), then rolls."""
        make_private_dir(self.folder)
        for n in range(256):
            shard = f"{n:02x}"
            if self.buffers.get(shard):
                self._flush(shard)
            path = shard_file(self.folder, shard)
            temp = self.temps.get(shard)
            if temp is not None:
                fsync_file(temp)
                os.replace(temp, path)
            elif path.exists():
                path.unlink()
            rolled = self.folder / shard
            if rolled.is_dir():  # readers move to the new log once it is gone
                shutil.rmtree(rolled)
            if temp is not None:
                roll_if_big(self.folder, path)
        fsync_dir(self.folder)


def rebuild_index(folder: Folder) -> dict[str, dict[str, Any]]:
    """Replace every index log and the amendment log with ones built from the segments
    (under the lock); return each patient's latest demographics (for ``rebuild_directory``).

    Damaged segments are read through ``Folder.read_docs``: moved aside, what is intact kept.
    """
    index = folder.index
    index.ensure_dirs()
    ids, patients = _Spill(index.ids), _Spill(index.patients)
    amendments: list[bytes] = []
    latest: dict[str, dict[str, Any]] = {}
    try:
        for day in folder.partitions.days():
            for partition in folder.partitions.segments(day):
                for doc in (folder.read_docs(partition, strict=False) or {}).values():
                    entry = entry_of(doc, partition)
                    ids.add(shard_of(entry.id), id_line(entry))
                    patients.add(shard_of(entry.patient_id), patient_line(entry))
                    latest[entry.patient_id] = doc["patient"]
                    if doc.get("amends"):
                        amendments.append(frame(orjson.dumps([doc["amends"], doc["id"]])))
        ids.finish()
        patients.finish()
    except BaseException:
        ids.discard()
        patients.discard()
        raise
    _write_atomic(index.amendments_path, b"".join(amendments))
    index.forget_counts()
    return latest


__all__ = ["entry_of", "rebuild_index"]
