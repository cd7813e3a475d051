"""The one object every part of the encounter store shares: a data folder, opened.

Why: the writer, the queries, the drafts and reboot recovery each need the folder's files, its
cross-process lock, who is acting, where to note damage, and a way to read a stored document
that copes with a damaged segment. They get exactly that from a ``Folder`` and nothing else,
so none of them reaches into ``EncounterStore`` (which only composes them) and no import goes
back up to it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.store.audit import AuditTrail
from kiosk.store.files import (
    DIR_MODE,
    DamagedFileError,
    ProcessLock,
    make_private_dir,
    os_error_message,
)
from kiosk.store.index import Index
from kiosk.store.layout import Layout
from kiosk.store.partitions import Docs, Partitions

log = logging.getLogger("kiosk.store")

EXPORTABLE = ("signed", "amended")
"""Statuses of a finished record: what is exported, amended and carried forward."""


class Folder:
    """A data folder's layout, lock, segments, indexes and audit trail, plus who is acting."""

    def __init__(self, data_dir: Path | str, *, actor: str | None = None) -> None:
        self.layout = Layout(data_dir)
        self.data_dir = self.layout.root
        self.actor = actor
        self.problems: list[str] = []
        """Plain-language notes about damage or loose permissions found while working."""
        try:
            make_private_dir(self.data_dir)
        except OSError as error:
            raise StoreError(
                f"The data folder {self.data_dir} cannot be created: {error.strerror}."
            ) from error
        self._check_modes()
        self.partitions = Partitions(self.layout)
        self.index = Index(self.layout)
        self.audit = AuditTrail(self.data_dir)
        self.lock = ProcessLock(self.layout.store_lock)

    def writable(self) -> bool:
        return os.access(self.data_dir, os.W_OK)

    def _check_modes(self) -> None:
        """Tighten folders that others could read (a 0755 data dir) and say so."""
        for path in self.layout.private_folders():
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                continue
            if mode & 0o077:
                try:
                    os.chmod(path, DIR_MODE)
                    self.problem(f"{path} was readable by others (mode {mode:o}); set to 700.")
                except OSError:
                    self.problem(
                        f"{path} is readable by others (mode {mode:o}) and cannot be fixed."
                    )

    # ------------------------------------------------------------------ who and what

    def problem(self, message: str) -> None:
        self.problems.append(message)
        log.warning("%s", message)

    def who(self, staff: str | None, *, required: bool = True) -> str:
        who = staff or self.actor
        if not who and required:
            raise StoreError(
                "Nobody is signed in: every look at a record is logged with a staff id."
            )
        return who or ""

    def record(self, action: str, staff: str, patient_id: str | None, detail: str) -> None:
        """One audit entry (views are not fsynced one by one: see ``AuditTrail.append``)."""
        try:
            self.audit.append(
                action, staff=staff, patient_id=patient_id, detail=detail, sync=action != "view"
            )
        except StoreError:
            raise
        except OSError as error:
            raise StoreError(os_error_message(error, "the audit entry")) from error

    # ------------------------------------------------------------------ reading documents

    def read_docs(self, partition: str, *, strict: bool = True) -> Docs | None:
        """A segment's documents; a damaged one is moved aside (re-checked under the lock)."""
        try:
            return self.partitions.read(partition)
        except DamagedFileError:
            pass
        with self.lock:
            try:
                return self.partitions.read(partition)
            except DamagedFileError as error:
                moved = self.partitions.quarantine(error.path)
                message = (
                    f"A damaged data file ({partition}) was moved aside as {moved.name}; "
                    "the encounters in it cannot be read. Everything else is fine. "
                    "Run `kiosk check` and restore that file from backup."
                )
                self.problem(message)
                if strict:
                    raise StoreError(message) from error
                return None

    def find(self, encounter_id: str) -> dict[str, Any] | None:
        raw = self.find_json(encounter_id)
        return None if raw is None else dict(orjson.loads(raw))

    def find_json(
        self, encounter_id: str, partition: str | None = None, *, strict: bool = True
    ) -> bytes | None:
        """One stored document's JSON: the fast single-line read, else a full segment read."""
        if partition is None:
            where = self.index.lookup(encounter_id)
            if where is None:
                return None
            partition = where[0]
        raw = self.partitions.read_one(partition, encounter_id)
        if raw is not None:
            return raw
        docs = self.read_docs(partition, strict=strict) or {}
        doc = next((d for d in docs.values() if d.get("id") == encounter_id), None)
        return None if doc is None else orjson.dumps(doc)

    def live_amendments(self) -> dict[str, str]:
        """old id -> new id, only where the new version really was saved."""
        return {old: new for old, new in self.index.amendments().items() if self.index.lookup(new)}

    def close(self) -> None:
        self.lock.close()
