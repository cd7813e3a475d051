"""Partition files: the encounters of one UTC day, in small TinyDB segment files.

Why segments: a busy day holds a few hundred encounters; rewriting one day file on every save
would cost more as the day goes on. ``encounters/<day>/<NNNN>.json`` holds at most
``SEGMENT_SIZE`` encounters, so a save rewrites at most ~50 KB whatever the day or the history.
Each file is a TinyDB database (table ``encounters``) written through ``AtomicJSONStorage``:
``TinyDB(path, storage=AtomicJSONStorage)`` reads it like any TinyDB file.

A damaged file is renamed ``<name>.corrupt-<UTC time>`` (never written over) and its number is
never reused.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.store import layout
from kiosk.store.checksums import SUMS_KEY, sums_table
from kiosk.store.files import (
    AtomicJSONStorage,
    DamagedFileError,
    fsync_dir,
    make_private_dir,
    write_atomic,
)

log = logging.getLogger("kiosk.store")

TABLE = "encounters"
HEADS = "audit_heads"
"""The table of store metadata: document number -> the audit chain head when it was written."""
SEGMENT_SIZE = 16
_HEADS_PREFIX = b'{"' + HEADS.encode() + b'":'
_TABLE_START = b',"' + TABLE.encode() + b'":{\n'

Docs = dict[str, dict[str, Any]]
"""A segment's table: TinyDB document number (as text) -> encounter JSON."""


def encode(docs: Docs, heads: Docs | None = None) -> bytes:
    """A TinyDB file (table ``encounters``) with one document per line, and each document's
    checksum in the ``sums`` table on the first line.

    Still plain JSON (TinyDB and any JSON reader load it); the line layout lets ``read_one``
    pick one document out of a segment without parsing the other fifteen. ``heads`` (the
    ``audit_heads`` table: kiosk.store.anchors) goes on the first line, before the documents,
    so ``read_heads`` reads a few hundred bytes and the clinical documents stay as they were.
    """
    bodies = {key: orjson.dumps(doc) for key, doc in docs.items()}
    lines = [b'"' + key.encode() + b'":' + body for key, body in bodies.items()]
    sums = sums_table(bodies)  # each document's checksum (kiosk.store.checksums)
    start = _HEADS_PREFIX + orjson.dumps(heads) + SUMS_KEY if heads else b'{"sums":'
    return start + sums + _TABLE_START + b",\n".join(lines) + b"\n}}"


def salvage(raw: bytes) -> Docs:
    """The documents still intact in a damaged segment (``encode`` puts one on each line).

    A segment is replaced atomically, so damage means a disk fault or a file system that
    reordered the rename before the data; each document line is checked on its own.
    """
    docs: Docs = {}
    for line in raw.split(b"\n"):
        key, colon, body = line.rstrip(b",").partition(b":")
        if not colon or len(key) < 3 or key[:1] != b'"' or key[-1:] != b'"':
            continue
        if not key[1:-1].isdigit():
            continue
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            continue
        if isinstance(doc, dict) and isinstance(doc.get("id"), str) and "patient" in doc:
            docs[key[1:-1].decode()] = doc
    return docs


class Partitions:
    """The ``encounters/`` folder of a data folder."""

    def __init__(self, paths: layout.Layout) -> None:
        self.layout = paths
        self.root = paths.encounters

    def path(self, partition: str) -> Path:
        return self.layout.segment(partition)

    def days(self, since: date | None = None, until: date | None = None) -> list[str]:
        """Day folders, oldest first, within [since, until]."""
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return []
        low = since.isoformat() if since else ""
        high = until.isoformat() if until else "9999"
        return sorted(n for n in names if layout.is_day_name(n) and low <= n <= high)

    def segments(self, day: str) -> list[str]:
        """Partition names (``<day>/<NNNN>``) of a day, in order."""
        try:
            names = os.listdir(self.layout.day_folder(day))
        except FileNotFoundError:
            return []
        numbers = (layout.live_segment_number(n) for n in sorted(names))
        return [layout.partition_name(day, n) for n in numbers if n is not None]

    def next_number(self, day: str) -> int:
        """One past every segment number used so far, damaged ones included."""
        try:
            names = os.listdir(self.layout.day_folder(day))
        except FileNotFoundError:
            return 1
        used = [u for n in names if (u := layout.used_segment_number(n)) is not None]
        return max(used, default=0) + 1

    def read(self, partition: str) -> Docs | None:
        """The segment's table, None if the file is absent; DamagedFileError if damaged."""
        data = AtomicJSONStorage(self.path(partition)).read()
        if data is None:
            return None
        return data.get(TABLE, {})

    def write(self, partition: str, docs: Docs, heads: Docs | None = None) -> None:
        path = self.path(partition)
        make_private_dir(path.parent)
        write_atomic(path, encode(docs, heads))

    def read_heads(self, partition: str) -> Docs:
        """The ``audit_heads`` table (empty for a segment written before heads were kept).

        Reads only the first line, where ``encode`` puts the table: a file in any other
        layout has no heads to read.
        """
        try:
            with open(self.layout.segment_text(partition), "rb", buffering=0) as handle:
                first = handle.read(8192)
                if not first.startswith(_HEADS_PREFIX):
                    return {}
                if first.find(_TABLE_START) == -1:
                    first += handle.read()
                end = first.find(_TABLE_START)
                sums = first.find(SUMS_KEY, 0, end)  # the sums table follows the heads
                end = sums if sums != -1 else end
        except FileNotFoundError:
            return {}
        try:
            heads = orjson.loads(first[len(_HEADS_PREFIX) : end])
        except orjson.JSONDecodeError:
            heads = None
        return heads if isinstance(heads, dict) else {}

    def read_one(self, partition: str, encounter_id: str) -> bytes | None:
        """One document's JSON without parsing the whole segment (None: use ``read``).

        Segments hold one document per line (see ``encode``), so the document is the line
        that starts ``"<n>":{"id":"<encounter_id>",``. Anything unexpected returns None and
        the caller falls back to a full, damage-checking read.
        """
        # A str path and an unbuffered read: half the cost of Path.read_bytes, and a patient's
        # history reads one segment per visit.
        try:
            with open(self.layout.segment_text(partition), "rb", buffering=0) as handle:
                raw = handle.read()
        except FileNotFoundError:
            return None
        if not raw.endswith(b"\n}}"):  # truncated (or not our layout): let ``read`` decide
            return None
        needle = b'":{"id":' + orjson.dumps(encounter_id) + b","
        at = raw.find(needle)
        while at != -1:
            start = raw.rfind(b"\n", 0, at) + 1
            end = raw.find(b"\n", at)
            if end != -1 and raw[start : start + 1] == b'"' and raw[start + 1 : at].isdigit():
                return raw[at + 2 : end].rstrip(b",")
            at = raw.find(needle, at + 1)
        return None

    def quarantine(self, path: Path) -> Path:
        """Move a damaged file aside, durably; log without PHI (names are dates and numbers)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = layout.quarantine_path(path, stamp)
        os.rename(path, target)
        fsync_dir(path.parent)
        log.warning("Damaged data file %s moved aside as %s", path.name, target.name)
        return target


__all__ = [
    "HEADS",
    "SEGMENT_SIZE",
    "TABLE",
    "DamagedFileError",
    "Docs",
    "Partitions",
    "salvage",
]
