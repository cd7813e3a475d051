"""A patient's visits for the intake: from the central database when it answers, so a
patient seen on host A shows their history on host B, else from this host's store, saying so.

What the database returns is joined with the local store's own (a visit signed here a moment
ago may not be pushed yet): each version once, superseded versions left out, newest first.
Every read is audited in this folder's trail as a view, the central one marked as such. After
a failure the database is not asked again for ``RETRY_S``, so a link that is down costs the MA
one connection timeout, not one per patient.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from kiosk.models import Encounter

if TYPE_CHECKING:
    from kiosk.store.encounters import EncounterStore

RETRY_S = 30.0
LOCAL_ONLY = "The central database cannot be reached: history from this host only."
FINISHED = ("signed", "amended")


class PatientHistory:
    """``last_encounter`` and ``for_patient`` as the store has them, across every host."""

    def __init__(self, store: EncounterStore, url: str | None, *, timeout: float = 2.0) -> None:
        self.store = store
        self.url = url
        self.timeout = timeout
        self.note = ""
        """Said after the last read when it came from this host only ("" otherwise)."""
        self._down_until = 0.0
        self._lock = threading.Lock()

    def for_patient(
        self, patient_id: str, *, staff: str | None = None, limit: int | None = None
    ) -> list[Encounter]:
        local = self.store.for_patient(patient_id, staff=staff, limit=limit)
        central = self._central(patient_id, staff, limit)
        if central is None:
            return local
        merged = {e.id: e for e in central}
        merged.update((e.id, e) for e in local)
        superseded = {e.amends for e in merged.values() if e.amends}
        found = [e for e in merged.values() if e.id not in superseded]
        found.sort(key=lambda e: (e.started_at, e.version), reverse=True)
        return found[:limit]

    def last_encounter(self, patient_id: str, *, staff: str | None = None) -> Encounter | None:
        for encounter in self.for_patient(patient_id, staff=staff, limit=5):
            if encounter.status in FINISHED:
                return encounter
        return None

    def _central(
        self, patient_id: str, staff: str | None, limit: int | None
    ) -> list[Encounter] | None:
        self.note = ""
        if not self.url:
            return None
        with self._lock:
            if time.monotonic() < self._down_until:
                self.note = LOCAL_ONLY
                return None
            try:
                documents = self._read(patient_id, limit)
            except Exception:  # unreachable, refused, a driver error: local only, said
                self._down_until = time.monotonic() + RETRY_S
                self.note = LOCAL_ONLY
                return None
        folder = self.store.folder
        who = folder.who(staff)
        folder.record("view", who, patient_id, "history (central database)")
        loaded = []
        for doc in documents:
            try:
                loaded.append(Encounter.model_validate(doc))
            except ValueError:
                continue  # a document this kiosk version cannot read: the others still show
        return loaded

    def _read(self, patient_id: str, limit: int | None) -> list[dict[str, object]]:
        from kiosk.sync.central import connect, patient_documents

        assert self.url is not None
        with connect(self.url, timeout=self.timeout) as conn:
            return patient_documents(conn, patient_id, limit)
