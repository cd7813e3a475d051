"""The write path of the encounter store: save, amend, and recovery from an interrupted save.

Why a separate module: this is the part that must be right under kills, full disks and many
processes, so it is kept small enough to read in one sitting. A save, under the folder lock:

1. ``pending.json`` names the save in flight and where the audit trail ended (a pwrite, no
   fsync);
2. the day's segment is replaced atomically (temp file, fsync, rename, folder fsync), with
   the audit chain's head beside the document (store metadata, not part of it);
3. index lines are appended (not fsynced: checked on every open, kiosk.store.recovery): the
   id, the patient's line, and last the amendment that hides the old version;
4. the audit entry is appended and fsynced; ``pending.json`` is cleared.

Why the segment goes first: readers in other processes take no lock. Until the amendment line
is written they see the old version; once it is, the new version is already readable. Had the
index gone first, a reader (or every reader, if the writer died there) would see neither.

A kill at any point leaves ``pending.json`` set: the next writer (or the next open) looks at
the facts, never at how far the marker says the save got. If the segment holds the document,
its missing index lines are added and, unless the trail holds its entry since the recorded
position, the sign/amend entry is written; if not, nothing of it is left (an older kiosk's index
lines are voided). Then the temp file the killed writer left is removed.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.models import Encounter, Patient, new_id, utcnow
from kiosk.store.audit_tail import RECOVERED, action_of, audit_position, audited
from kiosk.store.files import FILE_MODE, os_error_message
from kiosk.store.folder import EXPORTABLE, Folder
from kiosk.store.index import Entry, demographics_digest
from kiosk.store.layout import is_temp_name, partition_name
from kiosk.store.partitions import SEGMENT_SIZE, Docs
from kiosk.store.recovery import RebootRecovery

log = logging.getLogger("kiosk.store")


class Writer:
    """Saves, amendments and registrations of one data folder (see the module doc)."""

    _PENDING_BYTES = 1024

    def __init__(self, folder: Folder, recovery: RebootRecovery) -> None:
        self.folder = folder
        self.recovery = recovery
        self._pending = folder.layout.pending
        self._pending_fd: int | None = None
        self.wrote = False
        """This store appended to the indexes (``close`` then records a checkpoint)."""
        recovery.before_checkpoint = self._recover_pending

    def finish_interrupted(self) -> None:
        """On opening: finish or cancel a save a kill interrupted, if one is recorded."""
        if self._pending_marker():
            with self.folder.lock:
                self._recover_pending()

    def close(self) -> None:
        if self._pending_fd is not None:
            os.close(self._pending_fd)
            self._pending_fd = None

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

        No fsync and no truncation (a truncate-and-rewrite is a metadata update on every save):
        the marker only matters after a kill, when the page cache still holds it.
        """
        if self._pending_fd is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            self._pending_fd = os.open(self._pending, flags, FILE_MODE)
            os.fchmod(self._pending_fd, FILE_MODE)
        data = orjson.dumps(marker) if marker is not None else b""
        os.pwrite(self._pending_fd, data.ljust(self._PENDING_BYTES), 0)

    def _recover_pending(self) -> None:
        """Finish or cancel a save a kill interrupted (under the lock): see the module doc."""
        marker = self._pending_marker()
        if marker is None:
            return
        folder = self.folder
        if not {"id", "patient", "partition", "staff", "action"} <= marker.keys():
            self._set_pending(None)  # not a marker this kiosk wrote: nothing to finish
            return
        encounter_id, partition = str(marker["id"]), str(marker["partition"])
        docs = folder.read_docs(partition, strict=False) or {}
        doc = next((d for d in docs.values() if d.get("id") == encounter_id), None)
        if doc is None:
            if folder.index.lookup(encounter_id) is not None:  # an index-first (older) save
                folder.index.void(encounter_id, str(marker["patient"]))
        else:
            if folder.outbox.enabled:  # the kill may have come before its outbox line: a
                folder.outbox.add(doc)  # second line for the same document is no duplicate
            if self.recovery.index_stored(doc, partition):
                self.wrote = True
            if not audited(folder.audit, marker.get("audit"), str(marker["action"]), encounter_id):
                folder.audit.append(
                    str(marker["action"]),
                    staff=str(marker["staff"]),
                    patient_id=str(marker["patient"]),
                    detail=f"{encounter_id} {RECOVERED}",
                )
        self._remove_temp_files(folder.partitions.path(partition).parent)
        self._set_pending(None)

    @staticmethod
    def _remove_temp_files(folder: Path) -> None:
        """Temp files a killed writer left (under the lock no segment write is in progress)."""
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return
        for name in names:
            if is_temp_name(name):
                (folder / name).unlink(missing_ok=True)

    def save(self, encounter: Encounter, *, staff: str | None = None) -> str:
        """Store ``encounter``; durable (and audited) when it returns. Returns its id.

        Saving the same document again is a no-op; a different document with a stored id is
        refused: a signed encounter changes only through ``amend``.
        """
        action = action_of(encounter.status)
        with self._writing("the encounter"):
            who = self.folder.who(staff or self.folder.actor or encounter.staff_id)
            return self._save_locked(encounter, who, action)

    def register_patient(self, patient: Patient, *, staff: str | None = None) -> None:
        """Add a newly registered patient to the directory now, durable and audited "create".

        Without this a new patient could be found only after an encounter was signed. The
        same demographics again are a no-op; another patient with a registered MRN is refused.
        """
        who = self.folder.who(staff)
        index = self.folder.index
        doc = patient.model_dump(mode="json")
        with self._writing("the new patient"):
            known = index.patient(patient.id)
            if known == doc:
                return
            if known is not None:
                raise StoreError(
                    "A patient with this MRN is already registered: search for them instead."
                )
            index.add_patient(doc)
            self.wrote = True
            self.folder.audit.append("create", staff=who, patient_id=patient.id, detail="patient")

    def register_patients(self, patients: list[Patient], *, staff: str) -> int:
        """Add patients new to the directory in one fsynced append, each audited "create"
        (an import): one lock and two fsyncs for the whole batch. Patients already registered
        with the same demographics are skipped; the caller decides about conflicts. Returns
        how many were added."""
        index = self.folder.index
        with self._writing("the imported patients"):
            docs = {p.id: p.model_dump(mode="json") for p in patients}
            new = [doc for pid, doc in docs.items() if index.patient(pid) is None]
            if not new:
                return 0
            index.add_patients(new)
            self.wrote = True
            audit = self.folder.audit
            for number, doc in enumerate(new, start=1):
                last = number == len(new)
                audit.append(
                    "create", staff=staff, patient_id=doc["id"], detail="patient import", sync=last
                )
            return len(new)

    def _writing(self, what: str) -> Writing:
        return Writing(self, what)

    def _save_locked(
        self, encounter: Encounter, staff: str, action: str, amends: str | None = None
    ) -> str:
        folder = self.folder
        doc = encounter.model_dump(mode="json")
        stored = folder.find(encounter.id)
        if stored is not None:
            if stored == doc:
                return encounter.id
            raise StoreError(
                "This encounter is already saved and signed records are never overwritten: "
                "amend it instead."
            )
        day = encounter.day.isoformat()
        partition, docs = self._current_segment(day)
        demographics = demographics_digest(doc["patient"])
        known = folder.index.for_patient(encounter.patient.id)  # one small log, not the directory
        entry = Entry(
            encounter.id,
            encounter.patient.id,
            partition,
            doc["started_at"],
            encounter.version,
            encounter.status,
            demographics,
        )
        marker: dict[str, Any] = {"id": entry.id, "patient": entry.patient_id}
        marker["partition"] = partition
        marker |= {"staff": staff, "action": action, "audit": audit_position(folder.audit)}
        self._set_pending(marker)
        heads = folder.partitions.read_heads(partition) if docs else {}
        number = str(max((int(k) for k in docs), default=0) + 1)
        docs[number] = doc
        head = folder.audit.record_head()
        if head is not None:  # the trail can never again be shorter than what this save saw
            heads[number] = head.to_json()
        folder.partitions.write(partition, docs, heads)
        try:
            if folder.outbox.enabled:  # for the central database: before the index lines
                folder.outbox.add(doc)
            folder.index.add(entry)
            if amends is not None:  # last: from here on the old version is hidden
                folder.index.add_amendment(amends, encounter.id)
            if not known or known[-1].demographics != demographics:
                folder.index.append_patient(doc["patient"])
        except OSError as error:
            raise StoreError(
                "The encounter was saved, but its index (or its outbox line) could not be written "
                f"({os.strerror(error.errno or 0)}). The next save, or the next kiosk to start, "
                "completes it."
            ) from error
        try:
            folder.audit.append(action, staff=staff, patient_id=entry.patient_id, detail=entry.id)
        except StoreError as error:
            raise StoreError(
                "The encounter was saved, but its audit entry could not be written "
                f"({error}). It will be recorded by the next save."
            ) from error
        self._set_pending(None)
        self.wrote = True
        self.recovery.checkpoint_if_due()
        return encounter.id

    def _current_segment(self, day: str) -> tuple[str, Docs]:
        """The day's last segment if it has room, else a new one (never a damaged one)."""
        partitions = self.folder.partitions
        segments = partitions.segments(day)
        if segments:
            docs = self.folder.read_docs(segments[-1], strict=False)
            if docs is not None and len(docs) < SEGMENT_SIZE:
                return segments[-1], docs
        return partition_name(day, partitions.next_number(day)), {}

    def amend(self, encounter_id: str, encounter: Encounter, *, staff: str | None = None) -> str:
        """Store ``encounter`` as the next version of ``encounter_id``; return the new id."""
        with self._writing("the amendment"):
            old = self.folder.find(encounter_id)
            if old is None:
                raise KeyError(encounter_id)
            if old["status"] not in EXPORTABLE:
                raise StoreError("Only a signed encounter can be amended.")
            newer = self.folder.live_amendments().get(encounter_id)
            if newer is not None:
                raise StoreError(f"This version was already amended: amend the latest ({newer}).")
            fields = encounter.model_dump()
            fields |= {"id": new_id(), "amends": encounter_id, "version": old["version"] + 1}
            fields |= {"status": "amended", "signed_at": encounter.signed_at or utcnow()}
            version = Encounter.model_validate(fields)
            who = self.folder.who(staff or self.folder.actor or encounter.staff_id)
            return self._save_locked(version, who, "amend", amends=encounter_id)


class Writing:
    """Hold the folder lock around a write; turn OSError into a plain StoreError.

    If a save fails after its index lines were written, the same writer cancels them at once
    (or, if even that fails, the next writer does, from ``pending.json``).
    """

    def __init__(self, writer: Writer, what: str) -> None:
        self.writer = writer
        self.lock = writer.folder.lock
        self.what = what

    def __enter__(self) -> None:
        try:
            self.writer.folder.index.ensure_dirs()
            self.lock.acquire()
        except OSError as error:
            raise StoreError(os_error_message(error, self.what)) from error
        try:
            self.writer.recovery.ensure()
            self.writer._recover_pending()
        except BaseException:
            self.lock.release()
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
                    self.writer._recover_pending()
                except OSError:
                    log.warning("Could not cancel an unfinished save yet; the next save will.")
                raise StoreError(os_error_message(exc, self.what)) from exc
        finally:
            self.lock.release()
