"""EncounterStore: signed encounters on disk, safe against kills, power cuts and many kiosks.

Layout of a data directory (0700; every file 0600)::

    encounters/<day>/<NNNN>.json   TinyDB segment files (kiosk.store.partitions)
    index/                         shard logs: id -> partition, patient -> encounters,
                                   amendments, patient directory (kiosk.store.index)
    drafts/<key>.json              one autosaved draft per (staff, room)
    schedule/<day>.json            the day's appointment list (patient ids)
    audit.jsonl                    the hash-chained audit trail (kiosk.store.audit)
    pending.json                   the save in flight, for recovery after a kill

(every name: kiosk.store.layout)

A save, under the folder lock: the segment first (atomic replace: 2 fsyncs), then the index
lines (appended, not fsynced), then the audit entry (1 fsync), so a reader never finds an
index entry for a document that is not there yet (kiosk.store.writes). A document a kill left
unindexed or unaudited is completed by the next writer (``pending.json`` says which). Index
appends are not fsynced: after a power cut the first open re-indexes the recent segments
(kiosk.store.recovery).

Who is acting: ``EncounterStore(data_dir, staff_id="ma1")`` or ``store.actor = "ma1"`` on
sign-in; every audited method also takes ``staff=`` to override it. ``save`` falls back to the
encounter's ``staff_id``; every method that returns patient data (records, lists, searches,
appointments, drafts, documents) raises StoreError when nobody is signed in, because every look
at a record is logged. Why: ``EncounterStore(..., purpose="intake")`` or ``store.purpose``, and
``reason=`` on each of those methods to say more; the entry records it.

Built by composition: a ``Folder`` (the data folder, its lock, a document reader) shared by a
``Writer`` (kiosk.store.writes), ``Queries`` (kiosk.store.queries), ``Drafts``
(kiosk.store.drafts) and ``RebootRecovery`` (kiosk.store.recovery); the methods here only
delegate, so none of those parts depends on this class.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.errors import StoreError
from kiosk.models import Encounter, Patient
from kiosk.models.rooming import VisitRecord
from kiosk.store.audit import AuditTrail
from kiosk.store.drafts import DraftInfo, Drafts
from kiosk.store.folder import Folder
from kiosk.store.index import Index
from kiosk.store.partitions import Partitions
from kiosk.store.queries import Queries, Visit
from kiosk.store.recovery import RebootRecovery
from kiosk.store.rooming import Rooming
from kiosk.store.sterilizer import SterilizerStore
from kiosk.store.tasks import TaskItem, Tasks
from kiosk.store.writes import Writer


class EncounterStore:
    """The contract: ``save``, ``get``, ``count``, ``for_patient``, ``close`` (see module doc)."""

    def __init__(
        self, data_dir: Path | str, *, staff_id: str | None = None, purpose: str = ""
    ) -> None:
        self.folder = Folder(data_dir, actor=staff_id)
        self.folder.purpose = purpose
        self.recovery = RebootRecovery(self.folder)
        self.writer = Writer(self.folder, self.recovery)
        self.drafts = Drafts(self.folder)
        self.queries = Queries(self.folder, self.drafts)
        self.task_list = Tasks(self.folder, self.queries)
        self.sterilizer = SterilizerStore(self.folder)
        self.rooming = Rooming(self.folder, self.sterilizer)
        """Visit status, rooms and turnover (kiosk.store.rooming); the sterilizer log."""
        if self.folder.writable():
            # The index is checked against the segments as the interruption left them first;
            # only then is the save in flight finished and what killed writers left removed
            # (removing a file changes its folder, which the check reads as a sign of writes).
            for tidy in (
                self.recovery.recover_if_needed,
                self.writer.finish_interrupted,
                self.drafts.remove_leftovers,
            ):
                try:
                    tidy()
                except (OSError, StoreError) as error:  # reading may still work: say so, go on
                    self.folder.problem(f"Could not tidy up after an interruption yet: {error}")

    # ------------------------------------------------------------------ the folder's parts

    @property
    def data_dir(self) -> Path:
        return self.folder.data_dir

    @property
    def actor(self) -> str | None:
        """Who is signed in: audited views are logged with this id."""
        return self.folder.actor

    @actor.setter
    def actor(self, staff_id: str | None) -> None:
        self.folder.actor = staff_id

    @property
    def purpose(self) -> str:
        """Why this store reads records: the reason its views record when none is given."""
        return self.folder.purpose

    @purpose.setter
    def purpose(self, purpose: str) -> None:
        self.folder.purpose = purpose

    @property
    def problems(self) -> builtins.list[str]:
        """Plain-language notes about damage or loose permissions found while working."""
        return self.folder.problems

    @property
    def invalid_documents(self) -> dict[str, str]:
        """Records left out because they do not match the format: id -> the note said."""
        return self.queries.loader.invalid

    @property
    def partitions(self) -> Partitions:
        return self.folder.partitions

    @property
    def index(self) -> Index:
        return self.folder.index

    @property
    def audit(self) -> AuditTrail:
        return self.folder.audit

    # ------------------------------------------------------------------ writes

    def save(self, encounter: Encounter, *, staff: str | None = None) -> str:
        """Store ``encounter``; durable (and audited) when it returns. Returns its id."""
        return self.writer.save(encounter, staff=staff)

    def amend(self, encounter_id: str, encounter: Encounter, *, staff: str | None = None) -> str:
        """Store ``encounter`` as the next version of ``encounter_id``; return the new id."""
        return self.writer.amend(encounter_id, encounter, staff=staff)

    def register_patient(self, patient: Patient, *, staff: str | None = None) -> None:
        """Add a newly registered patient to the directory now, durable and audited."""
        self.writer.register_patient(patient, staff=staff)

    def register_patients(self, patients: builtins.list[Patient], *, staff: str) -> int:
        """Add the patients new to the directory at once (an import); returns how many."""
        return self.writer.register_patients(patients, staff=staff)

    def set_appointments(self, day: date, patient_ids: builtins.list[str]) -> None:
        self.queries.set_appointments(day, patient_ids)

    def merge_appointments(
        self, day: date, add: builtins.list[str], remove: frozenset[str] = frozenset()
    ) -> tuple[int, int]:
        """Add patients to the day's list, take cancelled ones off: (added, removed)."""
        from kiosk.store.schedule import merge_appointments

        return merge_appointments(self.folder, day, add, remove)

    # ------------------------------------------------------------------ reads

    def get(
        self, encounter_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> Encounter:
        """One stored version; KeyError if absent. Audited as a view."""
        return self.queries.get(encounter_id, staff=staff, reason=reason)

    def count(self) -> int:
        """Stored encounter documents (each amendment version counts); drafts excluded."""
        return self.queries.count()

    def for_patient(
        self,
        patient_id: str,
        *,
        staff: str | None = None,
        latest_only: bool = True,
        limit: int | None = None,
        reason: str | None = None,
    ) -> builtins.list[Encounter]:
        """A patient's encounters, newest first (superseded versions left out by default)."""
        return self.queries.for_patient(
            patient_id, staff=staff, latest_only=latest_only, limit=limit, reason=reason
        )

    def versions(
        self, encounter_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Encounter]:
        """Every version of the chain ``encounter_id`` belongs to, oldest first."""
        return self.queries.versions(encounter_id, staff=staff, reason=reason)

    def last_encounter(
        self, patient_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> Encounter | None:
        """The patient's newest signed (or amended) version, to carry history forward."""
        return self.queries.last_encounter(patient_id, staff=staff, reason=reason)

    def iter_documents(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        patient_id: str | None = None,
        latest_only: bool = True,
        staff: str | None = None,
        reason: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Signed and amended documents (``model_dump(mode="json")``), by day, streaming."""
        return self.queries.iter_documents(
            since=since,
            until=until,
            patient_id=patient_id,
            latest_only=latest_only,
            staff=staff,
            reason=reason,
        )

    def list(
        self,
        day: date | None = None,
        staff: str | None = None,
        status: str | None = None,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[Encounter]:
        """Encounters of ``day`` (default: today, UTC), newest first, filtered by staff/status
        (``staff`` filters; ``actor`` is who looks)."""
        return self.queries.list(day=day, staff=staff, status=status, actor=actor, reason=reason)

    def today_visits(
        self,
        staff_id: str,
        day: date | None = None,
        *,
        staff: str | None = None,
        reason: str | None = None,
        board: dict[str, VisitRecord] | None = None,
    ) -> builtins.list[Visit]:
        """Today's list, in an order that does not change under the MA's fingers (with
        ``board``, the patients on today's rooming board too, each with its place on it)."""
        return self.queries.today_visits(staff_id, day, staff=staff, reason=reason, board=board)

    def recent_patients(
        self,
        day: date | None = None,
        limit: int = 50,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[Patient]:
        """Patients seen on ``day`` (default today), most recent first, each once."""
        return self.queries.recent_patients(day, limit, staff=staff, reason=reason)

    def patients(
        self, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Patient]:
        """Every patient the store has seen, by name (latest demographics)."""
        return self.queries.patients(staff=staff, reason=reason)

    def find_patients(
        self,
        query: str,
        limit: int = 20,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[Patient]:
        """Search by date of birth or word prefixes of the names and MRN (audited per call,
        without the query)."""
        return self.queries.find_patients(query, limit, staff=staff, reason=reason)

    def appointments(
        self, day: date | None = None, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Patient]:
        """The patients scheduled for ``day`` (default today), in order, from the directory."""
        return self.queries.appointments(day, staff=staff, reason=reason)

    # ------------------------------------------------------------------ drafts

    def tasks(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        include_done: bool = False,
        patient_id: str | None = None,
        staff: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[TaskItem]:
        """Requests handed over in signed encounters, as tasks (kiosk.store.tasks)."""
        return self.task_list.tasks(
            since=since,
            until=until,
            include_done=include_done,
            patient_id=patient_id,
            staff=staff,
            reason=reason,
        )

    def mark_task_done(
        self,
        task_id: str,
        *,
        since: date | None = None,
        staff: str | None = None,
        reason: str | None = None,
    ) -> str:
        """Record a task as done (a ``task-done`` audit entry); its encounter's id."""
        return self.task_list.mark_done(task_id, since=since, staff=staff, reason=reason)

    def claim_draft(self, staff_id: str, patient_id: str) -> bool:
        """Hold the draft of (staff, patient) for this terminal; False if another holds it."""
        return self.drafts.claim_draft(staff_id, patient_id)

    def holds_draft(self, staff_id: str, patient_id: str) -> bool:
        return self.drafts.holds_draft(staff_id, patient_id)

    def release_draft(self, staff_id: str, patient_id: str, *, remove: bool = False) -> None:
        """Let go of a draft this store holds (leaving the intake); idempotent."""
        self.drafts.release_draft(staff_id, patient_id, remove=remove)

    def release_drafts(self) -> None:
        """Let go of every draft this store holds (sign-out, lock take-over, close)."""
        self.drafts.release_drafts()

    def draft_in_use(self, staff_id: str, patient_id: str) -> bool:
        """Another terminal holds this draft now (this store's own claims do not count)."""
        return self.drafts.draft_in_use(staff_id, patient_id)

    def save_draft(self, encounter: Encounter) -> None:
        """Autosave the draft of (``encounter.staff_id``, its patient); DraftInUseError if
        another terminal holds it."""
        self.drafts.save_draft(encounter)

    def load_draft(
        self,
        staff_id: str,
        patient_id: str,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> Encounter | None:
        """The saved draft of (staff, patient), or None. A damaged draft is moved aside."""
        return self.drafts.load_draft(staff_id, patient_id, staff=staff, reason=reason)

    def draft_infos(
        self, staff_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[DraftInfo]:
        """Every unfinished intake of a staff member (any room), newest save first."""
        return self.drafts.draft_infos(staff_id, staff=staff, reason=reason)

    def drafts_for(
        self, staff_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Encounter]:
        """Every draft a staff member left, in any room, newest first."""
        return self.drafts.drafts_for(staff_id, staff=staff, reason=reason)

    def discard_draft(self, staff_id: str, patient_id: str, *, staff: str | None = None) -> bool:
        """Delete the draft (after signing, or on purpose); True if there was one. Audited."""
        return self.drafts.discard_draft(staff_id, patient_id, staff=staff)

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        if self.writer.wrote and self.folder.writable():
            try:  # a clean close leaves nothing for the next open to check
                self.recovery.checkpoint()
            except (OSError, StoreError) as error:
                self.folder.problem(f"Could not record an index checkpoint: {error}")
        self.drafts.release_drafts()
        self.folder.close()
        self.folder.audit.lock.close()
        self.writer.close()

    def __enter__(self) -> EncounterStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["EncounterStore", "StoreError"]
