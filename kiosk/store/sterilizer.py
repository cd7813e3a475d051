"""The sterilizer log in the data folder (``sterilizer.json``) and the recall through visits.

One file holds every load (a clinic runs a few a day, so it stays small for years; the kiosk
never deletes a load: see kiosk.models.sterilizer for the CDC's retention advice). Each change
is a read-modify-write under the folder lock with the atomic write, and audited. A recall
names patients (the visits where a recalled pack was used), so it is audited as a view.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.models.sterilizer import (
    Load,
    Result,
    SterilizerLog,
    add_load,
    recall,
    set_result,
)
from kiosk.store.files import os_error_message, write_atomic
from kiosk.store.folder import Folder
from kiosk.store.rooming_files import FORMAT, load_day, load_log


@dataclass(frozen=True, slots=True)
class PackUse:
    """One visit where a recalled pack was used."""

    day: str
    patient_id: str
    procedure: str
    pack: str
    provider: str


@dataclass(frozen=True, slots=True)
class Recall:
    """What a failed biological indicator reaches: the loads, their packs, the visits."""

    sterilizer: str
    loads: builtins.list[Load]
    uses: builtins.list[PackUse]

    @property
    def packs(self) -> builtins.list[str]:
        return [pack for load in self.loads for pack in load.packs]


class SterilizerStore:
    """``sterilizer.json`` of one data folder."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.path = folder.layout.sterilizer

    def read(self) -> SterilizerLog:
        """The whole log (no patient data in it)."""
        return load_log(self.path)

    def add_load(self, load: Load, *, staff: str | None = None) -> Load:
        who = self.folder.who(staff)
        self._change(lambda log: add_load(log, load), "the load")
        self.folder.audit.append(
            "sterilizer",
            staff=who,
            detail=f"load {load.sterilizer} cycle {load.cycle}: {len(load.packs)} packs",
        )
        return load

    def set_result(
        self,
        sterilizer: str,
        cycle: int,
        result: Result,
        *,
        lot: str | None = None,
        staff: str | None = None,
        at: datetime | None = None,
    ) -> SterilizerLog:
        """A biological indicator read after incubation; a fail takes the sterilizer out."""
        who = self.folder.who(staff)
        when = at or datetime.now(UTC)
        log = self._change(
            lambda log: set_result(log, sterilizer, cycle, result, by=who, at=when, lot=lot),
            "the biological indicator",
        )
        out = " (out of service)" if sterilizer in log.out_of_service else ""
        detail = f"biological indicator {sterilizer} cycle {cycle}: {result}{out}"
        self.folder.audit.append("sterilizer", staff=who, detail=detail)
        return log

    def recall(
        self, sterilizer: str, *, staff: str | None = None, reason: str | None = None
    ) -> Recall:
        """The loads since the sterilizer's last passing indicator and every visit where one
        of their packs was used (procedure-assist records of those days). Audited as a view
        with the patients found."""
        who = self.folder.who(staff)
        loads = recall(self.read(), sterilizer)
        packs = {pack for load in loads for pack in load.packs}
        uses: builtins.list[PackUse] = []
        if packs:
            first = min(load.day for load in loads).isoformat()
            folder = self.folder.layout.rooming
            days = (
                sorted(p for p in folder.glob("*.json") if p.stem >= first)
                if folder.is_dir()
                else []
            )
            for path in days:
                if not path.stem[:1].isdigit():
                    continue
                visits, _ = load_day(path)
                for record in visits.values():
                    for assist in record.procedures:
                        uses += [
                            PackUse(
                                path.stem, record.patient_id, assist.procedure, p, assist.provider
                            )
                            for p in assist.packs
                            if p in packs
                        ]
        shown = list(dict.fromkeys(u.patient_id for u in uses))
        detail = f"sterilizer recall {sterilizer} ({len(packs)} packs, {len(uses)} uses)"
        self.folder.record("view", who, None, detail, reason=reason, patients=shown)
        return Recall(sterilizer, loads, uses)

    def _change(self, change: Any, what: str) -> SterilizerLog:
        if not self.folder.writable():
            raise StoreError(f"The data folder is read-only: {what} was not saved.")
        try:
            with self.folder.lock:
                log = change(load_log(self.path))
                data = {"format": FORMAT, "log": log.model_dump(mode="json")}
                write_atomic(self.path, orjson.dumps(data))
        except OSError as error:
            raise StoreError(os_error_message(error, what)) from error
        return log  # type: ignore[no-any-return]


__all__ = ["PackUse", "Recall", "SterilizerStore"]
