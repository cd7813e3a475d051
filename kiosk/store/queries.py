"""Read side of the encounter store: records, day lists, a patient's visits, the directory.

Kept apart from the write path so each stays readable. Everything here reads the small indexes
or one day's segments, never the whole history, so it stays fast at 100,000 encounters. Every
look at a record is audited as a view (the directory search is not: it runs per keystroke).

A stored document that does not match the record format (an edit by another tool, a disk
fault inside valid JSON) is skipped, never allowed to hide the rest: the day list, a patient's
visits and the directory show everything else, and the store says once, in plain words without
any value, which document it left out (``store.problems``, ``store.invalid_documents``). ``get`` of
that one document raises a StoreError saying the same.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import orjson

from kiosk.errors import StoreError
from kiosk.models import Encounter, Patient
from kiosk.store.drafts import Drafts
from kiosk.store.files import make_private_dir, write_atomic
from kiosk.store.folder import EXPORTABLE, Folder
from kiosk.store.index import Entry
from kiosk.store.loading import Loader

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


class Queries:
    """What the UI, the CLI and the exporter read from one data folder."""

    def __init__(self, folder: Folder, drafts: Drafts) -> None:
        self.folder = folder
        self.drafts = drafts
        self.index = folder.index
        self.partitions = folder.partitions
        self.loader = Loader(folder)

    # ------------------------------------------------------------------ records

    def get(self, encounter_id: str, *, staff: str | None = None) -> Encounter:
        """One stored version; KeyError if absent. Audited as a view."""
        who = self.folder.who(staff)
        raw = self.folder.find_json(encounter_id)
        if raw is None:
            raise KeyError(encounter_id)
        encounter = self.loader.encounter(raw)
        if encounter is None:
            raise StoreError(self.loader.note_of(encounter_id))
        self.folder.record("view", who, encounter.patient.id, encounter_id)
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
    ) -> builtins.list[Encounter]:
        """A patient's encounters, newest first (superseded versions left out by default).

        Validating each document is most of the cost: pass ``limit`` when only the last few
        visits are shown.
        """
        who = self.folder.who(staff)
        found = self._patient_docs(patient_id, latest_only=latest_only)[:limit]
        self.folder.record("view", who, patient_id, "history")
        loaded = [self.loader.encounter(raw, entry.partition) for entry, raw in found]
        encounters = [e for e in loaded if e is not None]
        if latest_only:  # an amendment whose amendment line is being written this instant
            newer = {e.amends for e in encounters if e.amends}
            encounters = [e for e in encounters if e.id not in newer]
        return encounters

    def versions(self, encounter_id: str, *, staff: str | None = None) -> builtins.list[Encounter]:
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
        self.folder.record("view", who, encounters[-1].patient.id, f"versions of {root}")
        return encounters

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

    def last_encounter(self, patient_id: str, *, staff: str | None = None) -> Encounter | None:
        """The patient's newest signed (or amended) version, to carry history forward."""
        who = self.folder.who(staff)
        for entry, raw in self._patient_docs(patient_id, latest_only=True):
            if entry.status in EXPORTABLE:
                encounter = self.loader.encounter(raw, entry.partition)
                if encounter is None:
                    continue  # said once; the visit before it still carries the history
                self.folder.record("view", who, patient_id, f"last encounter {entry.id}")
                return encounter
        return None

    def list(
        self,
        day: date | None = None,
        staff: str | None = None,
        status: str | None = None,
    ) -> builtins.list[Encounter]:
        """Encounters of ``day`` (default: today, UTC), newest first, filtered by staff/status.

        ``staff`` here filters by the encounter's staff id; the view is audited for the signed-in
        ``actor`` (patient left empty: it is a list).
        """
        day_text = (day or datetime.now(UTC).date()).isoformat()
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
        actor = self.folder.actor
        if actor:
            self.folder.record("view", actor, None, f"day list {day_text}")
        return found

    def today_visits(self, staff_id: str, day: date | None = None) -> builtins.list[Visit]:
        """Today's list, in an order that does not change under the MA's fingers.

        The day's appointments in schedule order, then every other patient with a visit
        (signed today, or an unfinished intake of ``staff_id``) in the order their visit
        started: a row never moves because a draft was saved or a visit signed, so the
        same keys open the same patient a minute later. Each row carries its visit's state.
        """
        rows: dict[str, tuple[tuple[int, str, str], Visit]] = {}
        for position, patient in enumerate(self.appointments(day)):
            rows.setdefault(
                patient.id, ((0, f"{position:06d}", patient.id), Visit(patient, "waiting"))
            )
        for encounter in reversed(self.list(day=day)):  # oldest first
            if encounter.status == "draft":
                continue
            key = rows[encounter.patient.id][0] if encounter.patient.id in rows else None
            order = key or (1, encounter.started_at.isoformat(), encounter.patient.id)
            rows[encounter.patient.id] = (
                order,
                Visit(encounter.patient, "signed", at=encounter.signed_at),
            )
        for info in self.drafts.draft_infos(staff_id):
            draft = info.draft
            known = rows.get(draft.patient.id)
            order = known[0] if known else (1, draft.started_at.isoformat(), draft.patient.id)
            state: VisitState = "open-elsewhere" if info.in_use else "draft"
            rows[draft.patient.id] = (
                order,
                Visit(draft.patient, state, step=draft.draft_step, at=info.saved_at),
            )
        return [visit for _, visit in sorted(rows.values(), key=lambda row: row[0])]

    def recent_patients(self, day: date | None = None, limit: int = 50) -> builtins.list[Patient]:
        """Patients seen on ``day`` (default today), most recent first, each once."""
        seen: dict[str, Patient] = {}
        for encounter in self.list(day=day):
            seen.setdefault(encounter.patient.id, encounter.patient)
        return builtins.list(seen.values())[:limit]

    # ------------------------------------------------------------------ patient directory

    def patients(self) -> builtins.list[Patient]:
        """Every patient the store has seen, by name (latest demographics)."""
        loaded = (self.loader.patient(p) for p in self.index.directory().values())
        found = [p for p in loaded if p is not None]
        return sorted(found, key=lambda p: (p.family_name.lower(), p.given_name.lower(), p.id))

    def find_patients(self, query: str, limit: int = 20) -> builtins.list[Patient]:
        """Search by date of birth (2000-01-31 or 01/31/2000) or word prefixes of the names
        and MRN, in any order ("riv ana", "mrn0001").

        Not audited: the query may be typed letter by letter; opening a record is audited.
        """
        words = [w for w in re.split(r"[\s,]+", query.strip().lower()) if w]
        if not words:
            return []
        birth = _parse_date(query.strip())
        keys = self.index.search_keys()
        prefixes = [" " + w for w in words]
        if birth is not None:
            hits = [(order, pid) for pid, (_, born, order) in keys.items() if born == birth]
        elif len(prefixes) == 1:  # the usual case while typing: one substring test per patient
            first = prefixes[0]
            hits = [(order, pid) for pid, (text, _, order) in keys.items() if first in text]
        else:
            hits = [
                (order, pid)
                for pid, (text, _, order) in keys.items()
                if all(p in text for p in prefixes)
            ]
        hits.sort()
        exact = [
            pid for pid in dict.fromkeys((query.strip(), query.strip().upper())) if pid in keys
        ]
        if exact:  # an MRN typed in full comes first, whatever the names around it
            hits = [(keys[pid][2], pid) for pid in exact] + [h for h in hits if h[1] not in exact]
        found = (self.index.patient(pid) for _, pid in hits[:limit])
        loaded = (self.loader.patient(p) for p in found if p is not None)
        return [p for p in loaded if p is not None]

    # ------------------------------------------------------------------ today's appointments

    def appointments(self, day: date | None = None) -> builtins.list[Patient]:
        """The patients scheduled for ``day`` (default today), in order, from the directory."""
        day_text = (day or datetime.now(UTC).date()).isoformat()
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


def _parse_date(text: str) -> str | None:
    """ISO text of a date typed as YYYY-MM-DD or MM/DD/YYYY, else None."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _in_range(day: str, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since.isoformat()) and (
        until is None or day <= until.isoformat()
    )
