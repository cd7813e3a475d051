"""A demo day on the rooming board: a visit in every status, a turnover, a procedure with
instrument packs, and a sterilizer whose biological indicator failed (so ``kiosk sterilizer
recall --sterilizer S1`` finds the pack and the visit that used it)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.models.procedure import ProcedureAssist, Specimen, TimeOut
from kiosk.models.sterilizer import BiologicalIndicator, Load

if TYPE_CHECKING:
    from kiosk.models import Patient
    from kiosk.store.encounters import EncounterStore

MA = "demo"


def seed_rooming(store: EncounterStore, patients: list[Patient]) -> None:
    """Put the first eight of ``patients`` (today's appointments) on today's board."""
    if len(patients) < 8:
        return
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date(), time(0, 0, 1), UTC)

    def ago(minutes: int) -> datetime:
        return max(now - timedelta(minutes=minutes), midnight)

    _sterilizer_before(store, now)
    board = store.rooming
    ids = [p.id for p in patients]
    board.set_status(ids[6], "roomed", room="Room 1", at=ago(120), staff=MA)
    for status, minutes in (("ready", 105), ("with-provider", 100), ("done", 90)):
        board.set_status(ids[6], status, at=ago(minutes), staff=MA)  # type: ignore[arg-type]
    board.complete_turnover("Room 1", list(board.settings.turnover_checklist), staff=MA, at=ago(85))
    board.set_status(ids[0], "arrived", at=ago(14), staff=MA)  # waiting too long
    board.set_status(ids[1], "arrived", at=ago(3), staff=MA)
    board.set_status(ids[2], "arrived", at=ago(30), staff=MA)
    board.set_status(ids[2], "roomed", room="Room 1", at=ago(25), staff=MA)
    board.set_status(ids[3], "roomed", room="Room 2", at=ago(50), staff=MA)
    board.set_status(ids[3], "ready", at=ago(20), staff=MA)  # late for the provider
    board.set_status(ids[4], "roomed", room="Room 3", at=ago(35), staff=MA)
    board.set_status(ids[4], "with-provider", at=ago(15), staff=MA)
    board.record_procedure(ids[4], _assist(ago(10)), staff=MA)
    board.set_status(ids[5], "roomed", room="Room 4", at=ago(60), staff=MA)
    for status, minutes in (("ready", 40), ("with-provider", 30), ("done", 5)):
        board.set_status(ids[5], status, at=ago(minutes), staff=MA)  # type: ignore[arg-type]
    store.sterilizer.set_result("S1", 102, "fail", staff=MA, at=now)  # ids[7]: not arrived
    for index in (3, 4, 5, 6):  # past the intake: its signed encounter (exported with the visit)
        visit = board.visit(ids[index], staff=MA, reason="demo set-up")
        roomed = visit.since("roomed") if visit is not None else None
        if visit is not None and roomed is not None:
            _sign_intake(store, patients[index], roomed, visit.room, seed=index)


def _sign_intake(
    store: EncounterStore, patient: Patient, roomed: datetime, room: str, *, seed: int
) -> None:
    """A demo intake of ``patient`` started two minutes after rooming, signed as it was."""
    from kiosk.demo.patients import sample_encounter_for
    from kiosk.models import Encounter

    sample = sample_encounter_for(patient, 9000 + seed, roomed.date(), MA)
    delta = roomed + timedelta(minutes=2) - sample.started_at
    moved = _shifted(sample.model_dump(mode="json"), delta)
    moved["room"] = room
    store.save(Encounter.model_validate(moved), staff=MA)


def _shifted(value: Any, delta: timedelta) -> Any:
    """``value`` (a JSON dump) with every aware timestamp in it moved by ``delta``."""
    if isinstance(value, dict):
        return {key: _shifted(item, delta) for key, item in value.items()}
    if isinstance(value, list):
        return [_shifted(item, delta) for item in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
        if when.tzinfo is not None:
            return (when + delta).isoformat()
    return value


def _sterilizer_before(store: EncounterStore, now: datetime) -> None:
    day = now.date()
    loads = (
        ("S1", 101, day - timedelta(days=2), ("PK-101-1", "PK-101-2")),
        ("S1", 102, day - timedelta(days=1), ("PK-102-1", "PK-102-2", "PK-102-3")),
        ("S2", 55, day - timedelta(days=1), ("PK-55-1",)),
    )
    for sterilizer, cycle, when, packs in loads:
        store.sterilizer.add_load(
            Load(
                sterilizer=sterilizer,
                cycle=cycle,
                day=when,
                operator=MA,
                packs=list(packs),
                cycle_type="prevacuum",
                minutes=4,
                temperature_c=132,
                pressure_kpa=206,
                chemical_indicator="pass",
                biological=BiologicalIndicator(lot=f"BI-{cycle}"),
                recorded_by=MA,
                recorded_at=now,
            ),
            staff=MA,
        )
    store.sterilizer.set_result("S1", 101, "pass", staff=MA, at=now)
    store.sterilizer.set_result("S2", 55, "pass", staff=MA, at=now)


def _assist(at: datetime) -> ProcedureAssist:
    return ProcedureAssist(
        procedure="Shave biopsy, skin of left forearm",
        provider="Dr. Demo Provider",
        at=at,
        by=MA,
        role="assist",
        time_out=TimeOut(
            patient_confirmed=True, site_confirmed=True, procedure_confirmed=True, at=at
        ),
        consent_documented=True,
        packs=["PK-102-1"],
        specimens=[Specimen(type="skin biopsy", site="left forearm", label_confirmed=True)],
    )
