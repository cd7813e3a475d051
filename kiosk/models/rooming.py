"""Rooming: where each of today's visits is (arrived, roomed, ready, with the provider, done),
the exam rooms and their turnover, and the thresholds the patient list marks.

Pure data and rules: the store (kiosk.store.rooming) keeps these in the data folder and the
patient list shows them. A status moves only along ``NEXT``; anything else is refused with
plain words (``TransitionError``), so two kiosks racing cannot put a visit back or skip a step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from kiosk.models.base import KioskModel, Text, utcnow
from kiosk.models.procedure import ProcedureAssist, ProviderNotice

VisitStatus = Literal["arrived", "roomed", "ready", "with-provider", "done"]
STATUSES: tuple[VisitStatus, ...] = ("arrived", "roomed", "ready", "with-provider", "done")
STATUS_WORDS: dict[VisitStatus, str] = {
    "arrived": "arrived",
    "roomed": "roomed",
    "ready": "ready",
    "with-provider": "w/ prov",
    "done": "done",
}
"""How the patient list says each status (words, so 16 colours and no colour still read)."""

NEXT: dict[VisitStatus | None, tuple[VisitStatus, ...]] = {
    None: ("arrived", "roomed"),
    "arrived": ("roomed",),
    "roomed": ("ready", "with-provider"),
    "ready": ("with-provider",),
    "with-provider": ("done",),
    "done": (),
}
"""The legal moves. A patient may be roomed straight from the door (no arrival recorded) and
the provider may come in before the intake is done; nothing goes back and nothing skips."""

RoomState = Literal["ready", "occupied", "needs-turnover"]
RoomName = Annotated[str, Field(min_length=1, max_length=40)]
StaffId = Annotated[str, Field(min_length=1, max_length=64)]


class TransitionError(ValueError):
    """A status change the rules refuse; the message says why in plain words."""


class StatusChange(KioskModel):
    """One step of a visit's status, who made it and when (the visit's history)."""

    status: VisitStatus
    at: AwareDatetime
    by: StaffId
    room: Text = ""
    reason: Text = ""
    """Why a patient was roomed into a room that was not ready."""


class VisitRecord(KioskModel):
    """One of the day's visits as the rooming board sees it (keyed by patient id)."""

    patient_id: Annotated[str, Field(min_length=1, max_length=64)]
    status: VisitStatus
    room: Text = ""
    history: list[StatusChange] = Field(default_factory=list)
    provider_notice: ProviderNotice | None = None
    procedures: list[ProcedureAssist] = Field(default_factory=list)

    def since(self, status: VisitStatus) -> datetime | None:
        """When the visit first reached ``status`` (None if it never did)."""
        return next((c.at for c in self.history if c.status == status), None)

    @property
    def changed_at(self) -> datetime:
        return self.history[-1].at


def move(
    record: VisitRecord | None,
    patient_id: str,
    status: VisitStatus,
    *,
    by: str,
    at: datetime | None = None,
    room: str = "",
    reason: str = "",
) -> VisitRecord:
    """``record`` moved to ``status`` (a new record for a first status); TransitionError when
    the move is not in ``NEXT``. Rooming needs the room; the room stays with the visit."""
    current = record.status if record is not None else None
    if status not in NEXT[current]:
        said = STATUS_WORDS[current] if current else "not arrived"
        allowed = ", ".join(STATUS_WORDS[s] for s in NEXT[current]) or "nothing (the visit is done)"
        raise TransitionError(
            f"A visit that is {said} cannot become {STATUS_WORDS[status]}; next can be: {allowed}."
        )
    if status == "roomed" and not room:
        raise TransitionError("Choose the room the patient is taken to.")
    change = StatusChange(
        status=status,
        at=at or utcnow(),
        by=by,
        room=room if status == "roomed" else "",
        reason=reason,
    )
    if record is None:
        return VisitRecord(patient_id=patient_id, status=status, room=change.room, history=[change])
    return record.model_copy(
        update={
            "status": status,
            "room": change.room or record.room,
            "history": [*record.history, change],
        }
    )


class TurnoverRecord(KioskModel):
    """A room made ready again: the checklist as ticked, who and when."""

    room: RoomName
    by: StaffId
    at: AwareDatetime
    checked: list[Text]
    """Every item of the clinic's checklist, as it read when ticked."""
    after_patient: Text = ""
    """The patient id of the visit the room was turned over after (blank: none recorded)."""


class Room(KioskModel):
    """One exam room's state now."""

    name: RoomName
    state: RoomState = "ready"
    patient_id: Text = ""
    """Occupied or waiting for turnover: whose visit it was."""
    since: AwareDatetime | None = None
    last_turnover: TurnoverRecord | None = None


class Thresholds(BaseModel):
    """``[rooming]`` minutes after which the patient list marks a visit as waiting too long."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    arrived_minutes: Annotated[int, Field(gt=0, le=600)] = 10
    """Arrived and not yet roomed for longer than this (from arrival)."""
    ready_minutes: Annotated[int, Field(gt=0, le=600)] = 15
    """Intake done, waiting for the provider longer than this (from ready)."""
    in_room_minutes: Annotated[int, Field(gt=0, le=600)] = 40
    """In the room (roomed, ready or with the provider) longer than this (from rooming)."""


DEFAULT_CHECKLIST = (
    "Surfaces disinfected (product and its wet contact time)",
    "Table paper changed",
    "Sharps container below the fill line",
    "Supplies restocked",
    "Instruments for the next visit present",
)


class RoomingSettings(BaseModel):
    """``[rooming]`` in kiosk.toml: the rooms, the turnover checklist, the list's thresholds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rooms: tuple[RoomName, ...] = ("Room 1", "Room 2", "Room 3", "Room 4")
    """The exam rooms a patient can be roomed into."""
    turnover_checklist: tuple[Annotated[str, Field(min_length=1, max_length=120)], ...] = (
        DEFAULT_CHECKLIST
    )
    """What an MA ticks before a room that was used is ready again."""
    thresholds: Thresholds = Field(default_factory=Thresholds)

    @field_validator("rooms", "turnover_checklist")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("should list at least one")
        if len(set(value)) != len(value):
            raise ValueError("lists an entry twice")
        return value


Flag = Literal["", "late"]


def waiting(record: VisitRecord, now: datetime, limits: Thresholds) -> tuple[int, Flag]:
    """(minutes in the current wait, "late" when past its threshold) for the patient list.

    Arrived: since arrival, against ``arrived_minutes``. Ready: since ready, against
    ``ready_minutes``, or since rooming against ``in_room_minutes`` (whichever is over).
    Roomed and with the provider: since rooming, against ``in_room_minutes``. Done: 0.
    """
    if record.status == "done":
        return 0, ""
    if record.status == "arrived":
        start = record.since("arrived") or record.changed_at
        minutes = _minutes(now, start)
        return minutes, "late" if minutes > limits.arrived_minutes else ""
    roomed = record.since("roomed") or record.changed_at
    in_room = _minutes(now, roomed)
    late = in_room > limits.in_room_minutes
    if record.status == "ready":
        ready = _minutes(now, record.since("ready") or record.changed_at)
        return ready, "late" if late or ready > limits.ready_minutes else ""
    return in_room, "late" if late else ""


def _minutes(now: datetime, start: datetime) -> int:
    return max(0, int((now - start).total_seconds() // 60))


__all__ = [
    "DEFAULT_CHECKLIST",
    "NEXT",
    "STATUSES",
    "STATUS_WORDS",
    "Flag",
    "Room",
    "RoomState",
    "RoomingSettings",
    "StatusChange",
    "Thresholds",
    "TransitionError",
    "TurnoverRecord",
    "VisitRecord",
    "VisitStatus",
    "move",
    "waiting",
]
