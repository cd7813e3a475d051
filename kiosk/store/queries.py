"""Read side of the encounter store: records, day lists, a patient's visits, the directory.

Kept apart from the write path. Everything here reads the small indexes or one day's segments,
never the whole history. Every call that returns patient data is audited as a view before it
returns, with who (``staff=``, else the store's actor; none is StoreError) and why
(``reason=``, else the store's purpose); a list or a search records the patients it showed; the
directory search once per call (it runs per keystroke), without the query text.

A document that does not match the record format is skipped, never hiding the rest; the store
says once, without any value, which one (``store.problems``, ``store.invalid_documents``).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

import orjson

from kiosk.errors import StoreError
from kiosk.models import Encounter, Patient
from kiosk.models.rooming import VisitRecord
from kiosk.store.day_rows import DayRow, DayRows
from kiosk.store.drafts import Drafts
from kiosk.store.files import make_private_dir, write_atomic
from kiosk.store.folder import EXPORTABLE, Folder
from kiosk.store.index import Entry
from kiosk.store.loading import Loader
from kiosk.store.search import search_ids

VisitState = Literal["waiting", "draft", "open-elsewhere", "signed"]


@dataclass(frozen=True, slots=True)
class Visit:
    """One row of today's patient list: who, and how far their visit has come."""

    patient: Patient
    state: VisitState
    step: str = ""
    """Drafts: the step the intake was left at."""
    at: datetime | None = None
    """Drafts: last autosave; signed: when it was signed (aware, UTC)."""
    rooming: VisitRecord | None = None
    """Where the visit is on the rooming board (kiosk.store.rooming), if it is on it."""


class Queries:
    """What the UI, the CLI and the exporter read from one data folder."""

    def __init__(self, folder: Folder, drafts: Drafts) -> None:
        self.folder = folder
        self.drafts = drafts
        self.index = folder.index
        self.partitions = folder.partitions
        self.loader = Loader(folder)
        self.day_rows = DayRows(folder, self.loader)

    # ------------------------------------------------------------------ records

    def get(
        self, encounter_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> Encounter:
        """One stored version; KeyError if absent. Audited as a view."""
        who = self.folder.who(staff)
        raw = self.folder.find_json(encounter_id)
        if raw is None:
            raise KeyError(encounter_id)
        encounter = self.loader.encounter(raw)
        if encounter is None:
            raise StoreError(self.loader.note_of(encounter_id))
        self.folder.record("view", who, encounter.patient.id, encounter_id, reason=reason)
        return encounter

    def count(self) -> int:
        """Stored encounter documents (each amendment version counts); drafts excluded."""
        self.folder.salvage_suspects()
        return self.index.count()

    def for_patient(
        self,
        patient_id: str,
        *,
        staff: str | None = None,
        latest_only: bool = True,
        limit: int | None = None,
        reason: str | None = None,
    ) -> builtins.list[Encounter]:
        """A patient's encounters, newest first (superseded versions left out by default).

        Validating each document is most of the cost: pass ``limit`` when only the last few
        visits are shown.
        """
        who = self.folder.who(staff)
        found = self._patient_docs(patient_id, latest_only=latest_only)[:limit]
        self.folder.record("view", who, patient_id, "history", reason=reason)
        loaded = [self.loader.encounter(raw, entry.partition) for entry, raw in found]
        encounters = [e for e in loaded if e is not None]
        if latest_only:  # an amendment whose amendment line is being written this instant
            newer = {e.amends for e in encounters if e.amends}
            encounters = [e for e in encounters if e.id not in newer]
        return encounters

    def versions(
        self, encounter_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Encounter]:
        """Every version of the chain ``encounter_id`` belongs to, oldest first."""
        who = self.folder.who(staff)
        forward = self.folder.live_amendments()
        backward = {new: old for old, new in forward.items()}
        root = encounter_id
        while root in backward:
            root = backward[root]
        chain = [root]
        while chain[-1] in forward:
            chain.append(forward[chain[-1]])
        docs = [d for d in (self.folder.find(i) for i in chain) if d is not None]
        if not docs:
            raise KeyError(encounter_id)
        loaded = [self.loader.encounter(d) for d in docs]
        encounters = [e for e in loaded if e is not None]
        if not encounters:
            raise StoreError(self.loader.note_of(str(docs[-1].get("id"))))
        patient = encounters[-1].patient.id
        self.folder.record("view", who, patient, f"versions of {root}", reason=reason)
        return encounters

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
        """Signed and amended documents (``model_dump(mode="json")``), by day, streaming.

        Reads one day at a time, so memory does not grow with the store. ``latest_only`` leaves
        out versions that a later amendment supersedes. Audited when called (the range and the
        patient, if one), before any document is read; the exporter also logs what it wrote.
        """
        who = self.folder.who(staff)
        span = f"documents since={since or '-'} until={until or '-'}"
        self.folder.record("view", who, patient_id, span, reason=reason)
        return self._documents(since, until, patient_id, latest_only)

    def _documents(
        self, since: date | None, until: date | None, patient_id: str | None, latest_only: bool
    ) -> Iterator[dict[str, Any]]:
        superseded = set(self.folder.live_amendments()) if latest_only else set()
        if patient_id is not None:
            days = sorted({e.day for e in self.index.for_patient(patient_id)})
            days = [d for d in days if _in_range(d, since, until)]
        else:
            days = self.partitions.days(since, until)
        for day in days:
            batch: builtins.list[dict[str, Any]] = []
            for partition in self.partitions.segments(day):
                for doc in (self.folder.read_docs(partition, strict=False) or {}).values():
                    if doc.get("status") not in EXPORTABLE or doc.get("id") in superseded:
                        continue
                    if patient_id is None or doc["patient"]["id"] == patient_id:
                        batch.append(doc)
            batch.sort(key=lambda d: (d["started_at"], d["version"]))
            yield from batch

    def _patient_docs(
        self, patient_id: str, *, latest_only: bool
    ) -> builtins.list[tuple[Entry, bytes]]:
        """A patient's stored versions (index entry, document JSON), newest first.

        Reads one line of each segment (``Partitions.read_one``), not whole segments.
        """
        # The amendments before the entries: a save writes the new version's entry before
        # the amendment line, so every version read as superseded has its successor listed.
        superseded = set(self.folder.live_amendments()) if latest_only else set()
        entries = self.index.for_patient(patient_id)
        entries.sort(key=lambda e: (e.started_at, e.version), reverse=True)
        found: builtins.list[tuple[Entry, bytes]] = []
        for entry in entries:
            if entry.id in superseded:
                continue
            raw = self.folder.find_json(entry.id, entry.partition, strict=False)
            if raw is not None:
                found.append((entry, raw))
        return found

    def last_encounter(
        self, patient_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> Encounter | None:
        """The patient's newest signed (or amended) version, to carry history forward."""
        who = self.folder.who(staff)
        for entry, raw in self._patient_docs(patient_id, latest_only=True):
            if entry.status in EXPORTABLE:
                encounter = self.loader.encounter(raw, entry.partition)
                if encounter is None:
                    continue  # said once; the visit before it still carries the history
                detail = f"last encounter {entry.id}"
                self.folder.record("view", who, patient_id, detail, reason=reason)
                return encounter
        return None

    def list(
        self,
        day: date | None = None,
        staff: str | None = None,
        status: str | None = None,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[Encounter]:
        """Encounters of ``day`` (default: today, UTC), newest first, filtered by staff/status.

        ``staff`` here filters by the encounter's staff id; the view is audited for ``actor``
        (default: the signed-in one), with the patients listed.
        """
        who = self.folder.who(actor)
        day_text = (day or datetime.now(UTC).date()).isoformat()
        found = self._day(day_text, staff, status)
        shown = _ids(e.patient.id for e in found)
        self.folder.record("view", who, None, f"day list {day_text}", reason=reason, patients=shown)
        return found

    def _day(
        self, day_text: str, staff: str | None = None, status: str | None = None
    ) -> builtins.list[Encounter]:
        found: builtins.list[Encounter] = []
        for partition in self.partitions.segments(day_text):
            for doc in (self.folder.read_docs(partition, strict=False) or {}).values():
                if staff is not None and doc.get("staff_id") != staff:
                    continue
                if status is not None and doc.get("status") != status:
                    continue
                encounter = self.loader.encounter(doc, partition)
                if encounter is not None:
                    found.append(encounter)
        found.sort(key=lambda e: (e.started_at, e.version), reverse=True)
        return found

    def today_visits(
        self,
        staff_id: str,
        day: date | None = None,
        *,
        staff: str | None = None,
        reason: str | None = None,
        board: dict[str, VisitRecord] | None = None,
    ) -> builtins.list[Visit]:
        """Today's list, in an order that does not change under the MA's fingers.

        The day's appointments in schedule order, then every other patient with a visit
        (signed today, or an unfinished intake of ``staff_id``) in the order their visit
        started: a row never moves because a draft was saved or a visit signed, so the
        same keys open the same patient a minute later. Each row carries its visit's state.
        One audit entry for the whole list. ``board`` (today's rooming board) adds each
        patient on it, in the order they arrived, and each row's place on it.
        """
        who = self.folder.who(staff or staff_id)
        day_text = (day or datetime.now(UTC).date()).isoformat()
        rows: dict[str, tuple[tuple[int, str, str], Visit | DayRow]] = {}
        for position, patient in enumerate(self._scheduled(day_text)):
            rows.setdefault(
                patient.id, ((0, f"{position:06d}", patient.id), Visit(patient, "waiting"))
            )
        for row in reversed(self.day_rows.rows(day_text)):  # oldest first
            if row.status == "draft":
                continue
            key = rows[row.patient_id][0] if row.patient_id in rows else None
            order = key or (1, row.started_at.isoformat(), row.patient_id)
            rows[row.patient_id] = (order, row)
        for info in self.drafts.unaudited_infos(staff_id):
            draft = info.draft
            known = rows.get(draft.patient.id)
            order = known[0] if known else (1, draft.started_at.isoformat(), draft.patient.id)
            state: VisitState = "open-elsewhere" if info.in_use else "draft"
            rows[draft.patient.id] = (
                order,
                Visit(draft.patient, state, step=draft.draft_step, at=info.saved_at),
            )
        for pid, record in (board or {}).items():
            if pid in rows:
                order, kept = rows[pid]
                visit = kept if isinstance(kept, Visit) else _signed(kept)
                rows[pid] = (order, replace(visit, rooming=record))
            elif (found := self.index.patient(pid)) and (person := self.loader.patient(found)):
                order = (1, record.history[0].at.isoformat(), pid)
                rows[pid] = (order, Visit(person, "waiting", rooming=record))
        ordered = sorted(rows.values(), key=lambda row: row[0])
        visits = [v if isinstance(v, Visit) else _signed(v) for _, v in ordered]
        shown = _ids(v.patient.id for v in visits)
        detail = f"patient list {day_text}"
        self.folder.record("view", who, None, detail, reason=reason, patients=shown)
        return visits

    def recent_patients(
        self,
        day: date | None = None,
        limit: int = 50,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[Patient]:
        """Patients seen on ``day`` (default today), most recent first, each once."""
        who = self.folder.who(staff)
        day_text = (day or datetime.now(UTC).date()).isoformat()
        seen: dict[str, Patient] = {}
        for encounter in self._day(day_text):
            seen.setdefault(encounter.patient.id, encounter.patient)
        found = builtins.list(seen.values())[:limit]
        detail = f"recent patients {day_text}"
        self.folder.record("view", who, None, detail, reason=reason, patients=_ids(found))
        return found

    # ------------------------------------------------------------------ patient directory

    def patients(
        self, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Patient]:
        """Every patient the store has seen, by name (latest demographics). Audited with the
        count only (the whole directory: its ids would make one huge entry)."""
        who = self.folder.who(staff)
        loaded = (self.loader.patient(p) for p in self.index.directory().values())
        found = [p for p in loaded if p is not None]
        self.folder.record("view", who, None, f"whole directory ({len(found)})", reason=reason)
        return sorted(found, key=lambda p: (p.family_name.lower(), p.given_name.lower(), p.id))

    def find_patients(
        self,
        query: str,
        limit: int = 20,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> builtins.list[Patient]:
        """Search by date of birth (2000-01-31 or 01/31/2000) or word prefixes of the names
        and MRN, in any order ("riv ana", "mrn0001").

        Audited per call with the ids of the patients found, never the query (a name or a
        birth date is PHI); a query with no words reads nothing and is not audited.
        """
        who = self.folder.who(staff)
        found = self._search(query, limit)
        if query.strip():
            detail = f"search ({len(found)} found)"
            self.folder.record("view", who, None, detail, reason=reason, patients=_ids(found))
        return found

    def _search(self, query: str, limit: int) -> builtins.list[Patient]:
        found = (self.index.patient(pid) for pid in search_ids(self.index, query, limit))
        loaded = (self.loader.patient(p) for p in found if p is not None)
        return [p for p in loaded if p is not None]

    # ------------------------------------------------------------------ today's appointments

    def appointments(
        self, day: date | None = None, *, staff: str | None = None, reason: str | None = None
    ) -> builtins.list[Patient]:
        """The patients scheduled for ``day`` (default today), in order, from the directory."""
        who = self.folder.who(staff)
        day_text = (day or datetime.now(UTC).date()).isoformat()
        found = self._scheduled(day_text)
        detail = f"appointments {day_text}"
        self.folder.record("view", who, None, detail, reason=reason, patients=_ids(found))
        return found

    def _scheduled(self, day_text: str) -> builtins.list[Patient]:
        try:
            ids = orjson.loads(self.folder.layout.schedule_day(day_text).read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return []
        directory = self.index.directory()
        loaded = (self.loader.patient(directory[i]) for i in ids if i in directory)
        return [p for p in loaded if p is not None]

    def set_appointments(self, day: date, patient_ids: builtins.list[str]) -> None:
        paths = self.folder.layout
        make_private_dir(paths.schedule)
        write_atomic(paths.schedule_day(day.isoformat()), orjson.dumps(patient_ids))


def _signed(row: DayRow) -> Visit:
    """A signed visit's row, with a fresh Patient (the cached demographics stay as stored)."""
    return Visit(Patient.model_validate(row.patient), "signed", at=row.signed_at)


def _ids(patients: Iterable[Patient | str]) -> builtins.list[str]:
    """Patient ids, each once, in order (what a list view records as shown)."""
    ids = (p if isinstance(p, str) else p.id for p in patients)
    return builtins.list(dict.fromkeys(ids))


def _in_range(day: str, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since.isoformat()) and (
        until is None or day <= until.isoformat()
    )
