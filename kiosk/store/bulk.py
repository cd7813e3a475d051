"""The bulk path: load many encounters at once in the store's own format (demo data, benchmarks).

Why separate from ``save``: one save costs several fsyncs; 100,000 saves would take minutes. Here
documents are grouped by day into full segments, each segment written once (atomic, fsynced),
each folder fsynced once, and each index shard gets one fsynced append per batch. Index lines
still go first, so every stored document is indexed. No per-encounter audit entries: one
``create`` entry records the load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import StoreError
from kiosk.store.files import fsync_dir, make_private_dir, os_error_message, write_atomic
from kiosk.store.index import Entry
from kiosk.store.layout import partition_name
from kiosk.store.partitions import SEGMENT_SIZE, encode

if TYPE_CHECKING:
    from kiosk.store.encounters import EncounterStore

BATCH = 2_000


def bulk_save(
    store: EncounterStore, documents: Iterable[dict[str, Any]], *, staff: str = "demo"
) -> int:
    """Store already-validated documents (``Encounter.model_dump(mode="json")``); return count.

    Documents must be first versions with unique, new ids (demo data); not checked one by one.
    """
    total = 0
    docs = iter(documents)
    try:
        store.index.ensure_dirs()
        with store.folder.lock:
            store.recovery.ensure()
            unsynced: set[Path] = set()
            while batch := list(islice(docs, BATCH)):
                unsynced |= _write_batch(store, batch)
                total += len(batch)
            for path in sorted(unsynced):
                if path.is_dir():
                    fsync_dir(path)
            store.recovery.checkpoint()
    except OSError as error:
        raise StoreError(os_error_message(error, "the demo data")) from error
    store.audit.append("create", staff=staff, detail=f"bulk load of {total} encounters")
    return total


def _write_batch(store: EncounterStore, batch: list[dict[str, Any]]) -> set[Path]:
    """Write one batch; return the index files and day folders still to fsync."""
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in batch:
        by_day[doc["started_at"][:10]].append(doc)
    segments: list[tuple[str, list[dict[str, Any]]]] = []
    entries: list[Entry] = []
    for day, day_docs in sorted(by_day.items()):
        day_docs.sort(key=lambda d: str(d["started_at"]))
        number = store.partitions.next_number(day)
        for start in range(0, len(day_docs), SEGMENT_SIZE):
            partition = partition_name(day, number)
            number += 1
            chunk = day_docs[start : start + SEGMENT_SIZE]
            segments.append((partition, chunk))
            for d in chunk:
                pid = d["patient"]["id"]
                entries.append(
                    Entry(d["id"], pid, partition, d["started_at"], d["version"], d["status"])
                )
    unsynced = store.index.add_many(entries)
    store.index.note_patients(d["patient"] for d in batch)
    paths = store.folder.layout
    make_private_dir(paths.encounters)
    for day in by_day:
        make_private_dir(paths.day_folder(day))
    for partition, chunk in segments:
        table = {str(n): doc for n, doc in enumerate(chunk, start=1)}
        write_atomic(store.partitions.path(partition), encode(table), sync_dir=False)
    return unsynced | {paths.day_folder(day) for day in by_day}
