"""Read side of the encounter store for the UI: day lists, a patient's last visit, the directory.

Kept apart from the write path so ``kiosk.store`` stays readable. Everything here reads the
small indexes or one day's segments, never the whole history, so it stays fast at 100,000
encounters.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

import orjson

from kiosk.models import Encounter, Patient
from kiosk.store.files import make_private_dir, write_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from kiosk.store.audit import AuditTrail
    from kiosk.store.drafts import DraftInfo
    from kiosk.store.index import Entry, Index
    from kiosk.store.partitions import Docs, Partitions

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


class QueriesMixin:
    data_dir: Path
    actor: str | None
    index: Index
    partitions: Partitions
    audit: AuditTrail

    if TYPE_CHECKING:

        def _read_docs(self, partition: str, *, strict: bool = True) -> Docs | None: ...
        def draft_infos(self, staff_id: str) -> builtins.list[DraftInfo]: ...
        def _find_json(
            self, encounter_id: str, partition: str | None = None, *, strict: bool = True
        ) -> bytes | None: ...
        def _live_amendments(self) -> dict[str, str]: ...
        def _who(self, staff: str | None, *, required: bool = True) -> str: ...
        def _audit(self, action: str, staff: str, patient_id: str | None, detail: str) -> None: ...

    def _patient_docs(
        self, patient_id: str, *, latest_only: bool
    ) -> builtins.list[tuple[Entry, bytes]]:
        """A patient's stored versions (index entry, document JSON), newest first.

        Reads one line of each segment (``Partitions.read_one``), not whole segments.
        """
        entries = self.index.for_patient(patient_id)
        superseded = set(self._live_amendments()) if latest_only else set()
        entries.sort(key=lambda e: (e.started_at, e.version), reverse=True)
        found: builtins.list[tuple[Entry, bytes]] = []
        for entry in entries:
            if entry.id in superseded:
                continue
            raw = self._find_json(entry.id, entry.partition, strict=False)
            if raw is not None:
                found.append((entry, raw))
        return found

    def last_encounter(self, patient_id: str, *, staff: str | None = None) -> Encounter | None:
        """The patient's newest signed (or amended) version, to carry history forward."""
        who = self._who(staff)
        for entry, raw in self._patient_docs(patient_id, latest_only=True):
            if entry.status in ("signed", "amended"):
                self._audit("view", who, patient_id, f"last encounter {entry.id}")
                return Encounter.model_validate_json(raw)
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
        docs: builtins.list[dict[str, Any]] = []
        for partition in self.partitions.segments(day_text):
            for doc in (self._read_docs(partition, strict=False) or {}).values():
                if staff is not None and doc.get("staff_id") != staff:
                    continue
                if status is not None and doc.get("status") != status:
                    continue
                docs.append(doc)
        docs.sort(key=lambda d: (d["started_at"], d["version"]), reverse=True)
        if self.actor:
            self._audit("view", self.actor, None, f"day list {day_text}")
        return [Encounter.model_validate(d) for d in docs]

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
        for info in self.draft_infos(staff_id):
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
        found = [Patient.model_validate(p) for p in self.index.directory().values()]
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
        return [Patient.model_validate(p) for p in found if p is not None]

    # ------------------------------------------------------------------ today's appointments

    def appointments(self, day: date | None = None) -> builtins.list[Patient]:
        """The patients scheduled for ``day`` (default today), in order, from the directory."""
        day_text = (day or datetime.now(UTC).date()).isoformat()
        try:
            ids = orjson.loads((self.data_dir / "schedule" / f"{day_text}.json").read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return []
        directory = self.index.directory()
        return [Patient.model_validate(directory[i]) for i in ids if i in directory]

    def set_appointments(self, day: date, patient_ids: builtins.list[str]) -> None:
        folder = self.data_dir / "schedule"
        make_private_dir(folder)
        write_atomic(folder / f"{day.isoformat()}.json", orjson.dumps(patient_ids))


def _parse_date(text: str) -> str | None:
    """ISO text of a date typed as YYYY-MM-DD or MM/DD/YYYY, else None."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None
