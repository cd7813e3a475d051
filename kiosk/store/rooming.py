"""The rooming board in the data folder: today's visit statuses, the rooms, their turnover.

Shared by every kiosk on the host, so it lives in the store, not on a screen::

    rooming/<day>.json    that day's visits (patient id -> status, room, history, provider
                          notice, procedure-assist records) and the turnovers done that day
    rooming/rooms.json    each room's state now (ready, occupied, needs turnover)

Every change is a read-modify-write under the folder's lock (``Folder.lock``, the one every
writer holds) with the atomic write of ``kiosk.store.files``: two kiosks moving visits at
the same instant each see the other's change, so nothing is lost, and a reader without the
lock sees the old file or the new one. The day file is written before the rooms file; a kill
between them leaves a room's state one step behind, which the next change of it corrects.

Every read that shows patients is audited as a view (who, why, which patients); every change
is audited (fsynced) with the patient and what changed, never the free-text reason.
``stamp`` is a stat of the two files, for a patient list polling for other kiosks' changes.
"""

from __future__ import annotations

import builtins
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.models.procedure import ProcedureAssist, ProviderNotice
from kiosk.models.rooming import (
    Room,
    RoomingSettings,
    TransitionError,
    TurnoverRecord,
    VisitRecord,
    VisitStatus,
    move,
)
from kiosk.models.sterilizer import pack_problem
from kiosk.store.files import make_private_dir, os_error_message, write_atomic
from kiosk.store.folder import Folder
from kiosk.store.rooming_files import FORMAT, load_day, load_rooms
from kiosk.store.sterilizer import SterilizerStore


class RoomNotReadyError(TransitionError):
    """Rooming into a room that is not ready, without a reason."""


class Rooming:
    """Visit status, rooms and turnover of one data folder (see the module doc)."""

    def __init__(self, folder: Folder, sterilizer: SterilizerStore) -> None:
        self.folder = folder
        self.sterilizer = sterilizer
        self.settings = RoomingSettings()
        """The clinic's rooms, checklist and thresholds (the app sets them from kiosk.toml)."""
        self.root = folder.layout.rooming

    def _day_path(self, day: date | None) -> Path:
        return self.folder.layout.rooming_day((day or _today()).isoformat())

    # ------------------------------------------------------------------ reads

    def stamp(self, day: date | None = None) -> tuple[int, ...]:
        """Inode, mtime and size of the day's file and of the rooms file (zeros for a missing
        one): changes when any kiosk changes the board (each write is a new file, so a change
        within the clock's tick shows too). Two stats, no read, no audit (it shows nobody)."""
        return (*_stat(self._day_path(day)), *_stat(self.folder.layout.rooms))

    def board(
        self, day: date | None = None, *, staff: str | None = None, reason: str | None = None
    ) -> dict[str, VisitRecord]:
        """The day's visits by patient id (default today). Audited with the patients shown."""
        who = self.folder.who(staff)
        visits, _ = load_day(self._day_path(day))
        detail = f"rooming board {(day or _today()).isoformat()}"
        self.folder.record("view", who, None, detail, reason=reason, patients=list(visits))
        return visits

    def kept_board(
        self, day: date, *, staff: str | None = None, reason: str | None = None
    ) -> dict[str, VisitRecord]:
        """``board`` of a past or present day for an export: a day nobody was put on the
        board has no file, and reading it is no view (no audit entry naming nobody)."""
        if not self._day_path(day).exists():
            return {}
        return self.board(day, staff=staff, reason=reason)

    def visit(
        self,
        patient_id: str,
        day: date | None = None,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> VisitRecord | None:
        """One patient's visit of the day (None before arrival). Audited."""
        who = self.folder.who(staff)
        visits, _ = load_day(self._day_path(day))
        self.folder.record("view", who, patient_id, "rooming visit", reason=reason)
        return visits.get(patient_id)

    def rooms(self, *, staff: str | None = None, reason: str | None = None) -> builtins.list[Room]:
        """Every configured room (a room never used is ready), in the configured order.
        Audited: an occupied room names its patient."""
        who = self.folder.who(staff)
        known = load_rooms(self.folder.layout.rooms)
        found = [known.get(name) or Room(name=name) for name in self.settings.rooms]
        shown = [r.patient_id for r in found if r.patient_id]
        self.folder.record("view", who, None, "rooms", reason=reason, patients=shown)
        return found

    # ------------------------------------------------------------------ changes

    def set_status(
        self,
        patient_id: str,
        status: VisitStatus,
        *,
        staff: str | None = None,
        room: str = "",
        reason: str = "",
        at: datetime | None = None,
    ) -> VisitRecord:
        """Move a visit of today; TransitionError (plain words) for a move the rules refuse,
        an unknown room, or a room that is not ready without ``reason``. Durable and audited
        when it returns."""
        who = self.folder.who(staff)
        when = at or datetime.now(UTC)
        reason = reason.strip()
        if status == "roomed" and room and room not in self.settings.rooms:
            raise TransitionError(f"{room} is not one of the clinic's rooms.")
        with self._locked("the visit status"):
            path = self._day_path(when.date())
            visits, turnovers = load_day(path)
            rooms = load_rooms(self.folder.layout.rooms)
            record = move(
                visits.get(patient_id),
                patient_id,
                status,
                by=who,
                at=when,
                room=room,
                reason=reason,
            )
            note = ""
            if status == "roomed":
                current = rooms.get(room) or Room(name=room)
                if current.state != "ready" and not reason:
                    raise RoomNotReadyError(
                        f"{room} is not ready ({_state_words(current)}): say why the patient is "
                        "roomed there, or choose a ready room."
                    )
                note = (
                    f" (room {current.state}: reason recorded)" if current.state != "ready" else ""
                )
                rooms[room] = Room(
                    name=room,
                    state="occupied",
                    patient_id=patient_id,
                    since=when,
                    last_turnover=current.last_turnover,
                )
            elif status == "done" and record.room:
                current = rooms.get(record.room) or Room(name=record.room)
                if current.patient_id in ("", patient_id):
                    rooms[record.room] = current.model_copy(
                        update={"state": "needs-turnover", "patient_id": patient_id, "since": when}
                    )
            visits[patient_id] = record
            self._write_day(path, visits, turnovers)
            if status in ("roomed", "done"):
                self._write_rooms(rooms)
            detail = f"visit status {status}" + (f" in {record.room}" if record.room else "") + note
            self.folder.audit.append(
                "visit-status", staff=who, patient_id=patient_id, detail=detail
            )
        return record

    def complete_turnover(
        self,
        room: str,
        checked: builtins.list[str],
        *,
        staff: str | None = None,
        at: datetime | None = None,
    ) -> TurnoverRecord:
        """Record the room's checklist done (every item, as configured) and make it ready."""
        who = self.folder.who(staff)
        when = at or datetime.now(UTC)
        if room not in self.settings.rooms:
            raise TransitionError(f"{room} is not one of the clinic's rooms.")
        missing = [item for item in self.settings.turnover_checklist if item not in checked]
        if missing:
            raise TransitionError(f"Not done yet: {'; '.join(missing)}.")
        with self._locked("the room turnover"):
            rooms = load_rooms(self.folder.layout.rooms)
            current = rooms.get(room) or Room(name=room)
            if current.state == "occupied":
                raise TransitionError(
                    f"{room} is occupied: mark that visit done before turning the room over."
                )
            done = TurnoverRecord(
                room=room,
                by=who,
                at=when,
                checked=list(self.settings.turnover_checklist),
                after_patient=current.patient_id,
            )
            path = self._day_path(when.date())
            visits, turnovers = load_day(path)
            self._write_day(path, visits, [*turnovers, done])
            rooms[room] = Room(name=room, state="ready", last_turnover=done)
            self._write_rooms(rooms)
            self.folder.audit.append(
                "room-turnover",
                staff=who,
                patient_id=current.patient_id or None,
                detail=f"turnover of {room} ({len(done.checked)} items)",
            )
        return done

    def notify_provider(
        self,
        patient_id: str,
        provider: str,
        *,
        staff: str | None = None,
        at: datetime | None = None,
    ) -> VisitRecord:
        """Record which provider was told, and when, on today's visit."""
        who = self.folder.who(staff)
        notice = ProviderNotice(provider=provider, at=at or datetime.now(UTC), by=who)
        return self._update(patient_id, who, "provider-notified", {"provider_notice": notice})

    def record_procedure(
        self, patient_id: str, assist: ProcedureAssist, *, staff: str | None = None
    ) -> VisitRecord:
        """Add a procedure-assist record to today's visit (roomed or later, not done); every
        pack must be usable by the sterilizer log (known, indicators passed, not recalled)."""
        who = self.folder.who(staff)
        log = self.sterilizer.read()
        problems = [p for p in (pack_problem(log, pack) for pack in assist.packs) if p]
        if problems:
            raise TransitionError(" ".join(problems))

        def add(record: VisitRecord) -> dict[str, Any]:
            if record.status in ("arrived", "done"):
                raise TransitionError("A procedure is recorded while the patient is in the room.")
            return {"procedures": [*record.procedures, assist]}

        return self._update(patient_id, who, "procedure-assist", add)

    def _update(self, patient_id: str, who: str, action: str, change: Any) -> VisitRecord:
        with self._locked("the visit"):
            path = self._day_path(None)
            visits, turnovers = load_day(path)
            record = visits.get(patient_id)
            if record is None:
                raise TransitionError("This patient has no visit today: room them first.")
            update = change(record) if callable(change) else change
            record = record.model_copy(update=update)
            visits[patient_id] = VisitRecord.model_validate(record.model_dump())
            self._write_day(path, visits, turnovers)
            self.folder.audit.append(action, staff=who, patient_id=patient_id, detail=action)
        return visits[patient_id]

    # ------------------------------------------------------------------ files

    def _locked(self, what: str) -> Any:
        if not self.folder.writable():
            raise StoreError(f"The data folder is read-only: {what} was not saved.")
        make_private_dir(self.root)
        return _Guard(self.folder, what)

    def _write_day(
        self, path: Path, visits: dict[str, VisitRecord], turnovers: builtins.list[TurnoverRecord]
    ) -> None:
        data = {
            "format": FORMAT,
            "visits": {k: v.model_dump(mode="json") for k, v in visits.items()},
            "turnovers": [t.model_dump(mode="json") for t in turnovers],
        }
        write_atomic(path, orjson.dumps(data))

    def _write_rooms(self, rooms: dict[str, Room]) -> None:
        data = {"format": FORMAT, "rooms": {k: v.model_dump(mode="json") for k, v in rooms.items()}}
        write_atomic(self.folder.layout.rooms, orjson.dumps(data))


class _Guard:
    """The folder lock around a change, an OSError turned into plain words."""

    def __init__(self, folder: Folder, what: str) -> None:
        self.folder = folder
        self.what = what

    def __enter__(self) -> None:
        self.folder.lock.acquire()

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        self.folder.lock.release()
        if isinstance(error, OSError):
            raise StoreError(os_error_message(error, self.what)) from error


def _state_words(room: Room) -> str:
    return {"occupied": "occupied", "needs-turnover": "needs turnover"}.get(room.state, room.state)


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _today() -> date:
    return datetime.now(UTC).date()


__all__ = ["RoomNotReadyError", "Rooming"]
