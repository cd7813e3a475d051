"""EncounterStore: signed encounters on disk, safe against kills, power cuts and many kiosks.

Layout of a data directory (0700; every file 0600)::

    encounters/<day>/<NNNN>.json   TinyDB segment files (kiosk.partitions)
    index/                         shard logs: id -> partition, patient -> encounters,
                                   amendments, patient directory (kiosk.store_index)
    drafts/<key>.json              one autosaved draft per (staff, room)
    schedule/<day>.json            the day's appointment list (patient ids)
    audit.jsonl                    the hash-chained audit trail (kiosk.audit)
    pending.json                   the save in flight, for recovery after a kill

A save, under the folder lock: index lines first (appended, not fsynced), then the segment
(atomic replace: 2 fsyncs), then the audit entry (1 fsync). Everything in a segment is
therefore indexed after a kill; an index entry whose save was cut short points at nothing and
is voided by the next writer (``pending.json`` says which). Index appends are not fsynced:
after a power cut the first open re-indexes the recent segments (kiosk.store_recovery).

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

from kiosk.audit import AuditTrail
from kiosk.errors import StoreError
from kiosk.models import Encounter, new_id, utcnow
from kiosk.partitions import SEGMENT_SIZE, Docs, Partitions
from kiosk.storage import (
    DIR_MODE,
    DamagedFileError,
    ProcessLock,
    make_private_dir,
    os_error_message,
)
from kiosk.store_drafts import DraftsMixin
from kiosk.store_index import Entry, Index
from kiosk.store_queries import QueriesMixin
from kiosk.store_recovery import RebootRecovery

log = logging.getLogger("kiosk.store")

EXPORTABLE = ("signed", "amended")


class EncounterStore(QueriesMixin, DraftsMixin):
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
        self.partitions = Partitions(self.data_dir / "encounters")
        self.index = Index(self.data_dir / "index")
        self.audit = AuditTrail(self.data_dir)
        self._lock = ProcessLock(self.data_dir / "store.lock")
        self._pending = self.data_dir / "pending.json"
        self._pending_fd: int | None = None
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

    _PENDING_BYTES = 1024

    def _pending_marker(self) -> dict[str, Any] | None:
        try:
            raw = self._pending.read_bytes()
        except FileNotFoundError:
            return None
        try:
            marker = orjson.loads(raw) if raw.strip() else None
        except orjson.JSONDecodeError:
            return None
        return marker if isinstance(marker, dict) else None

    def _set_pending(self, marker: dict[str, Any] | None) -> None:
        """Record the save in flight: one pwrite of a fixed-size record on a held descriptor.

        No fsync and no truncation (a truncate-and-rewrite costs ~200 µs on ext4): the marker
        only matters after a kill, when the page cache still holds it.
        """
        if self._pending_fd is None:
            self._pending_fd = os.open(self._pending, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            os.fchmod(self._pending_fd, 0o600)
        data = orjson.dumps(marker) if marker is not None else b""
        os.pwrite(self._pending_fd, data.ljust(self._PENDING_BYTES), 0)

    def _recover_pending(self) -> None:
        """Finish or cancel a save a kill interrupted (under the lock)."""
        marker = self._pending_marker()
        if marker is None:
            return
        docs = self._read_docs(marker["partition"], strict=False) or {}
        if any(d.get("id") == marker["id"] for d in docs.values()):
            if marker.get("stage") == "stored":
                self.audit.append(
                    marker["action"],
                    staff=marker["staff"],
                    patient_id=marker["patient"],
                    detail=f"encounter {marker['id']} (recorded after an interruption)",
                )
        else:
            self.index.void(marker["id"], marker["patient"])
        self._remove_temp_files(self.partitions.path(marker["partition"]).parent)
        self._set_pending(None)

    @staticmethod
    def _remove_temp_files(folder: Path) -> None:
        """Temp files a killed writer left (under the lock no segment write is in progress)."""
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return
        for name in names:
            if name.startswith(".") and name.endswith(".tmp"):
                (folder / name).unlink(missing_ok=True)

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

    def save(self, encounter: Encounter, *, staff: str | None = None) -> str:
        """Store ``encounter``; durable (and audited) when it returns. Returns its id.

        Saving the same document again is a no-op; a different document with a stored id is
        refused: a signed encounter changes only through ``amend``.
        """
        action = {"signed": "sign", "amended": "amend"}.get(encounter.status, "create")
        with self._writing("the encounter"):
            return self._save_locked(
                encounter, self._who(staff or self.actor or encounter.staff_id), action
            )

    def _writing(self, what: str) -> _Writing:
        return _Writing(self, what)

    def _save_locked(
        self, encounter: Encounter, staff: str, action: str, amends: str | None = None
    ) -> str:
        doc = encounter.model_dump(mode="json")
        stored = self._find(encounter.id)
        if stored is not None:
            if stored == doc:
                return encounter.id
            raise StoreError(
                "This encounter is already saved and signed records are never overwritten: "
                "amend it instead."
            )
        day = encounter.day.isoformat()
        partition, docs = self._current_segment(day)
        entry = Entry(
            encounter.id,
            encounter.patient.id,
            partition,
            doc["started_at"],
            encounter.version,
            encounter.status,
        )
        marker = {"id": entry.id, "patient": entry.patient_id, "partition": partition}
        marker |= {"staff": staff, "action": action, "stage": "indexing"}
        self._set_pending(marker)
        self.index.add(entry)
        if amends is not None:
            self.index.add_amendment(amends, encounter.id)
        self.index.note_patients([doc["patient"]])
        docs[str(max((int(k) for k in docs), default=0) + 1)] = doc
        self.partitions.write(partition, docs)
        self._set_pending(marker | {"stage": "stored"})
        try:
            self.audit.append(action, staff=staff, patient_id=entry.patient_id, detail=entry.id)
        except StoreError as error:
            raise StoreError(
                "The encounter was saved, but its audit entry could not be written "
                f"({error}). It will be recorded by the next save."
            ) from error
        self._set_pending(None)
        return encounter.id

    def _current_segment(self, day: str) -> tuple[str, Docs]:
        """The day's last segment if it has room, else a new one (never a damaged one)."""
        segments = self.partitions.segments(day)
        if segments:
            docs = self._read_docs(segments[-1], strict=False)
            if docs is not None and len(docs) < SEGMENT_SIZE:
                return segments[-1], docs
        return f"{day}/{self.partitions.next_number(day):04d}", {}

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

    def amend(self, encounter_id: str, encounter: Encounter, *, staff: str | None = None) -> str:
        """Store ``encounter`` as the next version of ``encounter_id``; return the new id."""
        with self._writing("the amendment"):
            old = self._find(encounter_id)
            if old is None:
                raise KeyError(encounter_id)
            if old["status"] not in EXPORTABLE:
                raise StoreError("Only a signed encounter can be amended.")
            newer = self._live_amendments().get(encounter_id)
            if newer is not None:
                raise StoreError(f"This version was already amended: amend the latest ({newer}).")
            fields = encounter.model_dump()
            fields |= {"id": new_id(), "amends": encounter_id, "version": old["version"] + 1}
            fields |= {"status": "amended", "signed_at": encounter.signed_at or utcnow()}
            version = Encounter.model_validate(fields)
            who = self._who(staff or self.actor or encounter.staff_id)
            return self._save_locked(version, who, "amend", amends=encounter_id)

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


class _Writing:
    """Hold the folder lock around a write; turn OSError into a plain StoreError.

    If a save fails after its index lines were written, the same writer cancels them at once
    (or, if even that fails, the next writer does, from ``pending.json``).
    """

    def __init__(self, store: EncounterStore, what: str) -> None:
        self.store = store
        self.what = what

    def __enter__(self) -> None:
        try:
            self.store.index.ensure_dirs()
            self.store._lock.acquire()
        except OSError as error:
            raise StoreError(os_error_message(error, self.what)) from error
        try:
            self.store.recovery.ensure()
            self.store._recover_pending()
        except BaseException:
            self.store._lock.release()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if isinstance(exc, OSError):
                try:
                    self.store._recover_pending()
                except OSError:
                    log.warning("Could not cancel an unfinished save yet; the next save will.")
                raise StoreError(os_error_message(exc, self.what)) from exc
        finally:
            self.store._lock.release()


__all__ = ["EncounterStore", "StoreError"]
