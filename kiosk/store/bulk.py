"""The bulk path: load many encounters at once in the store's own format (demo data, benchmarks,
``kiosk import`` to come).

Why separate from ``save``: one save costs several fsyncs; 100,000 saves would take minutes. Here
documents are grouped by day into full segments, each segment written once (atomic, fsynced),
and each index shard gets one append per batch. No per-encounter audit entries: one ``create``
entry before the first document says a load began, one after it says how many were stored.

The rule is the one ``save`` keeps for a kill: nothing in the index names a document that is
not stored. A batch is stored in this order, under the folder lock:

1. its segments (new files; each atomic and fsynced), then their day folders fsynced;
2. its index lines and new patients' demographics (appended, not fsynced).

If anything fails (a full disk at any byte), the batch is undone before the error goes up: the
index files are cut back to their sizes before it and its segments are removed (both free
space, so they work on a full disk). Earlier batches stay stored, and the error says how many
documents (the first ones given) were saved. A kill mid-batch (segments stored, index lines
not yet) is re-indexed by the next open: the day folders changed since the last checkpoint are
verified against the index (kiosk.store.recovery), as after a power cut.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import defaultdict
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import StoreError
from kiosk.store.anchors import Head
from kiosk.store.files import fsync_dir, make_private_dir, os_error_message, write_atomic
from kiosk.store.index import Entry, demographics_digest
from kiosk.store.layout import partition_name
from kiosk.store.partitions import SEGMENT_SIZE, encode
from kiosk.store.shards import leaf

if TYPE_CHECKING:
    from kiosk.store.encounters import EncounterStore

log = logging.getLogger("kiosk.store")

BATCH = 2_000


class BulkWriteError(StoreError):
    """A bulk load stopped: the first ``saved`` documents given are stored, none after them."""

    def __init__(self, message: str, saved: int) -> None:
        self.saved = saved
        super().__init__(message)


def bulk_save(
    store: EncounterStore,
    documents: Iterable[dict[str, Any]],
    *,
    staff: str = "demo",
    what: str = "the demo data",
    batch: int = BATCH,
) -> int:
    """Store already-validated documents (``Encounter.model_dump(mode="json")``); return count.

    Documents must be first versions with unique, new ids (demo data); not checked one by one.
    Raises :class:`BulkWriteError` (a StoreError with plain words) when the disk fails.
    """
    total = 0
    docs = iter(documents)
    try:
        store.index.ensure_dirs()
        with store.folder.lock:
            store.audit.append("create", staff=staff, detail="bulk load started")
            head = store.audit.record_head()
            store.recovery.ensure()
            while chunk := list(islice(docs, batch)):
                _write_batch(store, chunk, head)
                total += len(chunk)
            _finish(store)
    except (OSError, StoreError) as error:
        raise _stopped(store, error, total, staff, what) from error
    try:
        store.audit.append("create", staff=staff, detail=f"bulk load of {total} encounters")
    except StoreError as error:
        raise BulkWriteError(
            f"All {total} encounters were stored, but the audit entry closing the load could "
            f"not be written ({error}).",
            total,
        ) from error
    return total


def _finish(store: EncounterStore) -> None:
    """fsync the index and write a checkpoint; a failure here loses nothing (see the module
    doc: the next open verifies the days changed since the last checkpoint)."""
    try:
        store.recovery.checkpoint()
    except OSError as error:
        log.warning("A bulk load's index was not yet fsynced (%s).", error.strerror)


def _stopped(
    store: EncounterStore, error: OSError | StoreError, saved: int, staff: str, what: str
) -> BulkWriteError:
    """The error for a load that stopped after ``saved`` documents (its audit entry tried)."""
    with contextlib.suppress(StoreError):
        detail = f"bulk load stopped after {saved} encounters"
        store.audit.append("create", staff=staff, detail=detail)
    what = what if saved == 0 else f"{what} after the first {saved} encounters"
    if isinstance(error, StoreError) and isinstance(error.__cause__, OSError):
        error = error.__cause__  # the audit entry's failure: say what was not saved
    if isinstance(error, OSError):
        return BulkWriteError(os_error_message(error, what), saved)
    if saved == 0:
        return BulkWriteError(str(error), saved)
    return BulkWriteError(f"{error} ({saved} encounters were stored before it.)", saved)


def _write_batch(store: EncounterStore, batch: list[dict[str, Any]], head: Head | None) -> None:
    """Store one batch, data first and index after; undo all of it if any step fails."""
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
                fields = (d["started_at"], d["version"], d["status"])
                digest = demographics_digest(d["patient"])
                entries.append(Entry(d["id"], pid, partition, *fields, digest))
    paths = store.folder.layout
    days = [paths.day_folder(day) for day in sorted(by_day)]
    written: list[Path] = []
    sizes = _sizes(store, entries)
    try:
        make_private_dir(paths.encounters)
        for folder in days:
            make_private_dir(folder)
        for partition, chunk in segments:
            table = {str(n): doc for n, doc in enumerate(chunk, start=1)}
            heads = {key: head.to_json() for key in table} if head is not None else None
            path = store.partitions.path(partition)
            write_atomic(path, encode(table, heads), sync_dir=False)
            written.append(path)
        for folder in days:
            fsync_dir(folder)
        if store.folder.outbox.enabled:  # for the central database, as ``save`` does
            store.folder.outbox.add_many(batch)
        touched = store.index.add_many(entries)
        store.index.note_patients(d["patient"] for d in batch)
    except BaseException:
        _undo(store, sizes, written, days)
        raise
    store.index.roll(touched)  # after the batch: a roll that fails loses nothing


def _sizes(store: EncounterStore, entries: list[Entry]) -> dict[Path, int | None]:
    """The size of every index file the batch may append to (None: it does not exist yet)."""
    index = store.index
    files = {leaf(index.ids, e.id) for e in entries}
    files |= {leaf(index.patients, e.patient_id) for e in entries}
    files.add(index.directory_path)
    if store.folder.outbox.enabled:  # undone with the index: no outbox line without its segment
        files.add(store.folder.outbox.current_log())
    found: dict[Path, int | None] = {}
    for path in files:
        try:
            found[path] = path.stat().st_size
        except FileNotFoundError:
            found[path] = None
    return found


def _undo(
    store: EncounterStore, sizes: dict[Path, int | None], written: list[Path], days: list[Path]
) -> None:
    """Cut the index files back, then remove the batch's segments (index first: it is what
    could name a missing document). Each step is tried even when another fails."""
    failed = 0
    for path, size in sizes.items():
        try:
            if size is None:
                path.unlink(missing_ok=True)
            elif path.stat().st_size != size:
                os.truncate(path, size)
        except FileNotFoundError:
            pass
        except OSError:
            failed += 1
    store.index.forget_directory()
    for path in written:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            failed += 1
    if failed:
        log.warning("%d files of a stopped bulk load could not be undone: run kiosk check.", failed)
    for folder in days:
        with contextlib.suppress(OSError):
            fsync_dir(folder)
