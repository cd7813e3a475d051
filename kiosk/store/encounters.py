"""EncounterStore: signed encounters on disk, safe against kills, power cuts and many kiosks.

Layout of a data directory (0700; every file 0600)::

    encounters/<day>/<NNNN>.json   TinyDB segment files (kiosk.store.partitions)
    index/                         shard logs: id -> partition, patient -> encounters,
                                   amendments, patient directory (kiosk.store.index)
    drafts/<key>.json              one autosaved draft per (staff, room)
    schedule/<day>.json            the day's appointment list (patient ids)
    audit.jsonl                    the hash-chained audit trail (kiosk.store.audit)
    pending.json                   the save in flight, for recovery after a kill

A save, under the folder lock: index lines first (appended, not fsynced), then the segment
(atomic replace: 2 fsyncs), then the audit entry (1 fsync). Everything in a segment is
therefore indexed after a kill; an index entry whose save was cut short points at nothing and
is voided by the next writer (``pending.json`` says which). Index appends are not fsynced:
after a power cut the first open re-indexes the recent segments (kiosk.store.recovery).

Who is acting: ``EncounterStore(data_dir, staff_id="ma1")`` or ``store.actor = "ma1"`` on
sign-in; every audited method also takes ``staff=`` to override it. ``save`` falls back to the
encounter's ``staff_id``; views (``get``, ``for_patient``, ``last_encounter``, ``versions``)
raise StoreError when nobody is signed in, because every look at a record is logged.
"""

from __future__ import annotations

import builtins
import logging
import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.store.audit import AuditTrail
from kiosk.store.drafts import DraftsMixin
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
from kiosk.store.queries import QueriesMixin
from kiosk.store.recovery import RebootRecovery
from kiosk.store.writes import EXPORTABLE, WritesMixin

log = logging.getLogger("kiosk.store")


class EncounterStore(WritesMixin, QueriesMixin, DraftsMixin):
    """The contract: ``save``, ``get``, ``count``, ``for_patient``, ``close`` (see module doc)."""

    def __init__(self, data_dir: Path | str, *, staff_id: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.actor = staff_id
        self.problems: builtins.list[str] = []
        """Plain-language notes about damage or loose permissions found while working."""
        try:
            make_private_dir(self.data_dir)
        except OSError as error:
            raise StoreError(
                f"The data folder {self.data_dir} cannot be created: {error.strerror}."
            ) from error
        self._check_modes()
        paths = Layout(self.data_dir)
        self.partitions = Partitions(paths)
        self.index = Index(paths)
        self.audit = AuditTrail(self.data_dir)
        self._lock = ProcessLock(self.data_dir / "store.lock")
        self._pending = self.data_dir / "pending.json"
        self._pending_fd: int | None = None
        self._claims: dict[str, int] = {}
        self.recovery = RebootRecovery(self)
        if os.access(self.data_dir, os.W_OK):
            try:
                if self._pending_marker():
                    with self._lock:
                        self._recover_pending()
                if self.recovery.needs_recovery():
                    with self._lock:
                        if self.recovery.needs_recovery():
                            self._recover_after_reboot()
            except (OSError, StoreError) as error:  # reading may still work: say so, go on
                self._problem(f"Could not tidy up after an interruption yet: {error}")

    # ------------------------------------------------------------------ housekeeping

    def _recover_after_reboot(self) -> None:
        added = self.recovery.recover()
        if added:
            self._problem(
                f"The indexes had lost {added} recent lines (a power cut?); they were re-added "
                "from the encounter files."
            )

    def _check_modes(self) -> None:
        """Tighten folders that others could read (a 0755 data dir) and say so."""
        for path in (
            self.data_dir,
            *(self.data_dir / n for n in ("encounters", "index", "drafts")),
        ):
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                continue
            if mode & 0o077:
                try:
                    os.chmod(path, DIR_MODE)
                    self._problem(f"{path} was readable by others (mode {mode:o}); set to 700.")
                except OSError:
                    self._problem(
                        f"{path} is readable by others (mode {mode:o}) and cannot be fixed."
                    )

    def _problem(self, message: str) -> None:
        self.problems.append(message)
        log.warning("%s", message)

    def _who(self, staff: str | None, *, required: bool = True) -> str:
        who = staff or self.actor
        if not who and required:
            raise StoreError(
                "Nobody is signed in: every look at a record is logged with a staff id."
            )
        return who or ""

    def _read_docs(self, partition: str, *, strict: bool = True) -> Docs | None:
        """A segment's documents; a damaged one is moved aside (re-checked under the lock)."""
        try:
            return self.partitions.read(partition)
        except DamagedFileError:
            pass
        with self._lock:
            try:
                return self.partitions.read(partition)
            except DamagedFileError as error:
                moved = self.partitions.quarantine(error.path)
                message = (
                    f"A damaged data file ({partition}) was moved aside as {moved.name}; "
                    "the encounters in it cannot be read. Everything else is fine. "
                    "Run `kiosk check` and restore that file from backup."
                )
                self._problem(message)
                if strict:
                    raise StoreError(message) from error
                return None

    def _find(self, encounter_id: str) -> dict[str, Any] | None:
        raw = self._find_json(encounter_id)
        return None if raw is None else dict(orjson.loads(raw))

    def _find_json(
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
        docs = self._read_docs(partition, strict=strict) or {}
        doc = next((d for d in docs.values() if d.get("id") == encounter_id), None)
        return None if doc is None else orjson.dumps(doc)

    # ------------------------------------------------------------------ the contract

    def get(self, encounter_id: str, *, staff: str | None = None) -> Encounter:
        """One stored version; KeyError if absent. Audited as a view."""
        who = self._who(staff)
        raw = self._find_json(encounter_id)
        if raw is None:
            raise KeyError(encounter_id)
        encounter = Encounter.model_validate_json(raw)
        self._audit("view", who, encounter.patient.id, encounter_id)
        return encounter

    def count(self) -> int:
        """Stored encounter documents (each amendment version counts); drafts excluded."""
        return self.index.count()

    def for_patient(
        self,
        patient_id: str,
        *,
        staff: str | None = None,
        latest_only: bool = True,
        limit: int | None = None,
    ) -> builtins.list[Encounter]:
        """A patient's encounters, newest first (superseded versions left out by default).

        Validating each document is most of the cost (~0.15 ms each): pass ``limit`` when
        only the last few visits are shown.
        """
        who = self._who(staff)
        found = self._patient_docs(patient_id, latest_only=latest_only)[:limit]
        self._audit("view", who, patient_id, "history")
        return [Encounter.model_validate_json(raw) for _, raw in found]

    def _live_amendments(self) -> dict[str, str]:
        """old id -> new id, only where the new version really was saved."""
        return {old: new for old, new in self.index.amendments().items() if self.index.lookup(new)}

    def versions(self, encounter_id: str, *, staff: str | None = None) -> builtins.list[Encounter]:
        """Every version of the chain ``encounter_id`` belongs to, oldest first."""
        who = self._who(staff)
        forward = self._live_amendments()
        backward = {new: old for old, new in forward.items()}
        root = encounter_id
        while root in backward:
            root = backward[root]
        chain = [root]
        while chain[-1] in forward:
            chain.append(forward[chain[-1]])
        docs = [d for d in (self._find(i) for i in chain) if d is not None]
        if not docs:
            raise KeyError(encounter_id)
        self._audit("view", who, docs[-1]["patient"]["id"], f"versions of {root}")
        return [Encounter.model_validate(d) for d in docs]

    def _audit(self, action: str, staff: str, patient_id: str | None, detail: str) -> None:
        try:
            self.audit.append(
                action, staff=staff, patient_id=patient_id, detail=detail, sync=action != "view"
            )
        except StoreError:
            raise
        except OSError as error:
            raise StoreError(os_error_message(error, "the audit entry")) from error

    def iter_documents(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        patient_id: str | None = None,
        latest_only: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Signed and amended documents (``model_dump(mode="json")``), by day, streaming.

        Reads one day at a time, so memory does not grow with the store. ``latest_only`` leaves
        out versions that a later amendment supersedes. Not audited here: the exporter logs
        the export.
        """
        superseded = set(self._live_amendments()) if latest_only else set()
        if patient_id is not None:
            days = sorted({e.day for e in self.index.for_patient(patient_id)})
            days = [d for d in days if _in_range(d, since, until)]
        else:
            days = self.partitions.days(since, until)
        for day in days:
            batch: builtins.list[dict[str, Any]] = []
            for partition in self.partitions.segments(day):
                for doc in (self._read_docs(partition, strict=False) or {}).values():
                    if doc.get("status") not in EXPORTABLE or doc.get("id") in superseded:
                        continue
                    if patient_id is None or doc["patient"]["id"] == patient_id:
                        batch.append(doc)
            batch.sort(key=lambda d: (d["started_at"], d["version"]))
            yield from batch

    def close(self) -> None:
        self.release_drafts()
        self._lock.close()
        if self._pending_fd is not None:
            os.close(self._pending_fd)
            self._pending_fd = None

    def __enter__(self) -> EncounterStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _in_range(day: str, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since.isoformat()) and (
        until is None or day <= until.isoformat()
    )


__all__ = ["EncounterStore", "StoreError"]
