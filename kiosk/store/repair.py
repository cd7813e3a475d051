"""``kiosk check --repair``: act on what an inspection found (kiosk.store.findings).

Under the folder lock, with the store open (which first finishes an interrupted save). Nothing
is ever written over: a damaged segment, draft or schedule is moved aside beside itself
(``<name>.corrupt-<UTC time>``, kept as it was: the quarantine), and what is intact in a
segment is put back into the store and indexed. Derived files (the indexes, the amendment log,
the patient directory, the checkpoint) are rebuilt from the segments. What cannot be rebuilt
(a lost document, a damaged staff file, a broken audit chain) stays a problem: the report
after a repair is a fresh inspection, so it says what was salvaged and what was lost.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import TYPE_CHECKING

from kiosk.store.files import claimed_elsewhere, tightened
from kiosk.store.findings import Findings
from kiosk.store.inspect_audit import ADDED_ENTRY
from kiosk.store.inspect_files import LEFTOVER_AGE_S
from kiosk.store.layout import partition_name
from kiosk.store.partitions import SEGMENT_SIZE
from kiosk.store.rebuild import rebuild_index
from kiosk.store.recovery import rebuild_directory

if TYPE_CHECKING:
    from kiosk.store.encounters import EncounterStore


def repair(store: EncounterStore, found: Findings, staff: str) -> list[str]:
    """Fix what ``found`` lists (the caller holds the folder lock); return what was done."""
    done: list[str] = []
    root = store.folder.layout.root
    for path, mode, _ in found.loose:
        new = tightened(mode, is_dir=path.is_dir())
        os.chmod(path, new, follow_symlinks=False)
        done.append(f"Set {path.relative_to(root)} to mode {new:o}.")
    for path in found.leftovers:
        try:
            if time.time() - path.lstat().st_mtime >= LEFTOVER_AGE_S:
                if path.is_dir():  # a killed index roll's temp folder
                    shutil.rmtree(path)
                else:
                    path.unlink()
                done.append(f"Removed the leftover temporary file {path.relative_to(root)}.")
        except FileNotFoundError:
            continue
    salvaged = _salvage(store, found, done)
    for path in found.bad_files:
        lock = path.with_suffix(".lock")
        if path.parent == store.folder.layout.drafts and claimed_elsewhere(lock):
            continue  # a kiosk has it open: it moves it aside itself when it reads it
        moved = store.partitions.quarantine(path)
        done.append(f"Moved the damaged {path.relative_to(root)} aside as {moved.name}.")
    for partition in found.unsummed:
        docs = store.partitions.read(partition)
        if docs:
            store.partitions.write(partition, docs, store.partitions.read_heads(partition) or None)
    if found.unsummed:
        done.append(
            f"Added checksums to {len(found.unsummed)} encounter file(s) written before "
            "checksums were kept."
        )
    if found.pending_damaged:
        _clear_pending(store)
        done.append("Cleared the damaged pending.json.")
    if found.index_stale or salvaged:
        rebuild_directory(store.folder, rebuild_index(store.folder))
        store.index.forget_directory()
        done.append(
            "Rebuilt the indexes, the amendment log and the patient directory from the "
            "encounter files."
        )
    for entry in found.unaudited:
        store.audit.append(
            "repair",
            staff=staff,
            patient_id=entry.patient_id,
            detail=f"{ADDED_ENTRY} encounter {entry.id} (found stored in "
            f"encounters/{entry.partition}.json without one)",
        )
    if found.unaudited:
        done.append(
            f"Recorded an audit entry for each of the {len(found.unaudited)} stored "
            "encounter(s) that had none (marked as added by this repair)."
        )
    store.recovery.checkpoint({})
    return done


def _salvage(store: EncounterStore, found: Findings, done: list[str]) -> bool:
    """Move damaged segments aside and put their intact documents back; put back the intact
    documents of files moved aside earlier that are not in the store. True if any."""
    partitions = store.partitions
    for damage in found.damaged:
        moved = partitions.quarantine(damage.path)
        if damage.readable:
            partitions.write(damage.partition, damage.readable, damage.heads or None)
        done.append(
            f"Moved the damaged encounters/{damage.partition}.json aside as {moved.name} "
            f"(kept as it was) and put its {len(damage.readable)} intact encounter(s) back."
        )
    for aside in found.aside:
        docs = list(aside.missing.values())
        for start in range(0, len(docs), SEGMENT_SIZE):
            chunk = docs[start : start + SEGMENT_SIZE]
            partition = partition_name(aside.day, partitions.next_number(aside.day))
            partitions.write(partition, {str(n): d for n, d in enumerate(chunk, start=1)})
        if docs:
            done.append(
                f"Put the {len(docs)} intact encounter(s) of encounters/{aside.day}/"
                f"{aside.path.name} back into the store."
            )
    return bool(found.damaged or any(a.missing for a in found.aside))


def _clear_pending(store: EncounterStore) -> None:
    """Blank ``pending.json`` in place (writers keep it open: never replace it)."""
    path = store.folder.layout.pending
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        size = os.fstat(fd).st_size
        os.pwrite(fd, b" " * max(size, 1), 0)
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["repair"]
