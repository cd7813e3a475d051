"""Today's list without validating today's encounters again on every refresh.

Why: the patient list is drawn again after every save and every return to it; validating each
of a busy day's few hundred encounters (pydantic, the whole document) every time took tens of
milliseconds. What the list needs of each valid document (its patient, status and times) is
kept per segment, keyed by the segment file's inode, size and modification time: a save
replaces one segment (a new inode), so a refresh validates at most that segment's documents.
Only the current day is kept. The patient's demographics are kept as stored (a dict) and a
fresh ``Patient`` is made for each list, so nothing a caller changes reaches the cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.store.folder import Folder
from kiosk.store.loading import Loader


@dataclass(frozen=True, slots=True)
class DayRow:
    """What the day's list needs of one valid stored encounter."""

    patient_id: str
    status: str
    started_at: datetime
    version: int
    signed_at: datetime | None
    patient: dict[str, Any]
    """The patient's demographics as stored (validated with the encounter)."""


class DayRows:
    """The current day's rows, per segment (see the module doc)."""

    def __init__(self, folder: Folder, loader: Loader) -> None:
        self.folder = folder
        self.loader = loader
        self._day = ""
        self._segments: dict[str, tuple[tuple[int, int, int], list[DayRow]]] = {}

    def rows(self, day_text: str) -> list[DayRow]:
        """The day's valid encounters, newest first."""
        if day_text != self._day:
            self._day, self._segments = day_text, {}
        found: list[DayRow] = []
        for partition in self.folder.partitions.segments(day_text):
            try:
                info = os.stat(self.folder.layout.segment_text(partition))
            except FileNotFoundError:
                continue
            key = (info.st_ino, info.st_size, info.st_mtime_ns)
            cached = self._segments.get(partition)
            if cached is None or cached[0] != key:
                cached = (key, self._read(partition))
                self._segments[partition] = cached
            found += cached[1]
        found.sort(key=lambda r: (r.started_at, r.version), reverse=True)
        return found

    def _read(self, partition: str) -> list[DayRow]:
        rows = []
        for doc in (self.folder.read_docs(partition, strict=False) or {}).values():
            encounter = self.loader.encounter(doc, partition)
            if encounter is not None:
                rows.append(
                    DayRow(
                        encounter.patient.id,
                        encounter.status,
                        encounter.started_at,
                        encounter.version,
                        encounter.signed_at,
                        doc["patient"],
                    )
                )
        return rows


__all__ = ["DayRow", "DayRows"]
