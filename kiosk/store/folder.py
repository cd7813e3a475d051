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
from collections.abc import Sequence
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
from kiosk.store.partitions import Docs, Partitions, salvage

log = logging.getLogger("kiosk.store")

EXPORTABLE = ("signed", "amended")
"""Statuses of a finished record: what is exported, amended and carried forward."""


class Folder:
    """A data folder's layout, lock, segments, indexes and audit trail, plus who is acting."""

    def __init__(self, data_dir: Path | str, *, actor: str | None = None) -> None:
        self.layout = Layout(data_dir)
        self.data_dir = self.layout.root
        self.actor = actor
        self.purpose = ""
        """Why this store reads records ("intake", "export"): the reason a view records when
        its caller gives none."""
        self.problems: list[str] = []
        """Plain-language notes about damage or loose permissions found while working."""
        self.repaired: list[str] = []
        """The notes among ``problems`` that say what was repaired (``kiosk check`` lists them)."""
        self.suspect: set[str] = set()
        """Partitions the open-time check found damaged, left for the first read to salvage
        (so a reader such as ``kiosk export`` still sees the damage as its own problem)."""
        self.lost: set[str] = set()
        """Ids of encounters found unreadable in a damaged segment (``find_json`` says so)."""
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

    def repaired_note(self, message: str) -> None:
        """A repair made while working: a problem note and an audit entry (no patient data)."""
        self.repaired.append(message)
        self.problem(message)
        try:
            self.audit.append("repair", staff=self.actor or "kiosk", detail=message)
        except (OSError, StoreError):
            log.warning("Could not record a repair in the audit trail.")

    def who(self, staff: str | None, *, required: bool = True) -> str:
        who = staff or self.actor
        if not who and required:
            raise StoreError(
                "Nobody is signed in: every look at a record is logged with a staff id."
            )
        return who or ""

    def record(
        self,
        action: str,
        staff: str,
        patient_id: str | None,
        detail: str,
        *,
        reason: str | None = None,
        patients: Sequence[str] = (),
    ) -> None:
        """One audit entry (views are not fsynced one by one: see ``AuditTrail.append``).

        A view records why (``reason``, else this store's ``purpose``, else "unstated") and the
        patients a list showed."""
        why = reason or self.purpose or ("unstated" if action == "view" else "")
        try:
            self.audit.append(
                action,
                staff=staff,
                patient_id=patient_id,
                detail=detail,
                sync=action != "view",
                reason=why,
                patients=patients,
            )
        except StoreError:
            raise
        except OSError as error:
            raise StoreError(os_error_message(error, "the audit entry")) from error

    # ------------------------------------------------------------------ reading documents

    def read_docs(self, partition: str, *, strict: bool = True) -> Docs | None:
        """A segment's documents; a damaged one is moved aside (re-checked under the lock) and
        what is intact in it written back, so one torn document does not hide fifteen."""
        try:
            return self.partitions.read(partition)
        except DamagedFileError:
            pass
        with self.lock:
            try:
                return self.partitions.read(partition)
            except DamagedFileError as error:
                return self._salvage(partition, error, strict=strict)

    def _salvage(self, partition: str, error: DamagedFileError, *, strict: bool) -> Docs | None:
        self.suspect.discard(partition)
        moved = self.partitions.quarantine(error.path)
        kept = salvage(moved.read_bytes())
        if kept:
            self.partitions.write(partition, kept)
        ids = {str(d["id"]) for d in kept.values()}
        lost = [(e, p) for e, p in self.index.entries_in(partition) if e not in ids]
        for encounter_id, patient_id in lost:
            self.index.void(encounter_id, patient_id)
        self.lost |= {e for e, _ in lost}
        message = (
            f"A damaged data file ({partition}) was moved aside as {moved.name}; "
            f"{len(kept)} encounter(s) in it were kept"
        )
        if lost:
            message += (
                f", {len(lost)} could not be read ({', '.join(e for e, _ in lost)}). "
                "Restore that file from backup and run `kiosk check --repair`"
            )
        self.repaired_note(message + ".")
        if strict and not kept:
            raise StoreError(message) from error
        return kept or None

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
                if strict and encounter_id in self.lost:
                    raise StoreError(
                        f"Encounter {encounter_id} was in a damaged data file and cannot be "
                        "read: see `kiosk check`."
                    )
                return None
            partition = where[0]
        raw = self.partitions.read_one(partition, encounter_id)
        if raw is not None:
            return raw
        docs = self.read_docs(partition, strict=strict) or {}
        doc = next((d for d in docs.values() if d.get("id") == encounter_id), None)
        if doc is None and strict and encounter_id in self.lost:
            raise StoreError(
                f"Encounter {encounter_id} was in a damaged data file and cannot be read: "
                "see `kiosk check`."
            )
        return None if doc is None else orjson.dumps(doc)

    def salvage_suspects(self) -> None:
        """Salvage the damaged segments the open-time check found (before an exact count)."""
        for partition in sorted(self.suspect):
            self.read_docs(partition, strict=False)

    def live_amendments(self) -> dict[str, str]:
        """old id -> new id, only where the new version really was saved."""
        return {old: new for old, new in self.index.amendments().items() if self.index.lookup(new)}

    def close(self) -> None:
        self.lock.close()
