"""The rooming board: visit status moves, refused moves, rooms and turnover, thresholds,
two kiosk processes on one data folder, audit entries, and ``kiosk check`` of its files."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.errors import ConfigError
from kiosk.models.rooming import (
    NEXT,
    STATUSES,
    RoomingSettings,
    Thresholds,
    TransitionError,
    VisitRecord,
    move,
    waiting,
)
from kiosk.store import EncounterStore
from kiosk.store.check import check_store
from kiosk.store.rooming import RoomNotReadyError
from kiosk.store.rooming_files import load_day

CHILD = str(Path(__file__).parents[1] / "support" / "rooming_child.py")
T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> EncounterStore:
    opened = EncounterStore(tmp_path / "data", staff_id="ma1")
    opened.rooming.settings = RoomingSettings(rooms=("Room 1", "Room 2"))
    return opened


def walk(store: EncounterStore, patient: str, room: str = "Room 1") -> None:
    store.rooming.set_status(patient, "arrived")
    store.rooming.set_status(patient, "roomed", room=room)
    for status in ("ready", "with-provider", "done"):
        store.rooming.set_status(patient, status)


# ---------------------------------------------------------------------- the rules


def test_every_status_in_order_with_its_history(store: EncounterStore) -> None:
    walk(store, "P1")
    record = store.rooming.visit("P1")
    assert record is not None
    assert record.status == "done"
    assert record.room == "Room 1"
    assert [c.status for c in record.history] == list(STATUSES)
    assert {c.by for c in record.history} == {"ma1"}
    assert record.history[1].room == "Room 1"


@pytest.mark.parametrize(
    ("start", "to"),
    [(s, t) for s in (None, *STATUSES) for t in STATUSES if t not in NEXT[s]],
)
def test_every_move_outside_the_rules_is_refused(start: str | None, to: str) -> None:
    record: VisitRecord | None = None
    path = {"arrived": 1, "roomed": 2, "ready": 3, "with-provider": 4, "done": 5}
    for status in STATUSES[: path.get(start or "", 0)]:
        record = move(record, "P", status, by="ma1", room="Room 1")
    with pytest.raises(TransitionError, match="cannot become"):
        move(record, "P", to, by="ma1", room="Room 1")  # type: ignore[arg-type]


def test_a_refused_move_changes_nothing_on_disk(store: EncounterStore) -> None:
    store.rooming.set_status("P1", "arrived")
    stamp = store.rooming.stamp()
    with pytest.raises(TransitionError, match="arrived cannot become done"):
        store.rooming.set_status("P1", "done")
    with pytest.raises(TransitionError, match="Choose the room"):
        store.rooming.set_status("P1", "roomed")
    with pytest.raises(TransitionError, match="not one of the clinic's rooms"):
        store.rooming.set_status("P1", "roomed", room="Broom cupboard")
    assert store.rooming.stamp() == stamp
    assert store.rooming.board()["P1"].status == "arrived"


# ---------------------------------------------------------------------- rooms and turnover


def test_done_needs_turnover_and_rooming_there_needs_a_reason(store: EncounterStore) -> None:
    walk(store, "P1")
    rooms = {r.name: r for r in store.rooming.rooms()}
    assert rooms["Room 1"].state == "needs-turnover"
    assert rooms["Room 2"].state == "ready"
    store.rooming.set_status("P2", "arrived")
    with pytest.raises(RoomNotReadyError, match="Room 1 is not ready \\(needs turnover\\)"):
        store.rooming.set_status("P2", "roomed", room="Room 1")
    assert store.rooming.board()["P2"].status == "arrived"
    store.rooming.set_status("P2", "roomed", room="Room 1", reason="only room with the scale")
    record = store.rooming.board()["P2"]
    assert record.history[-1].reason == "only room with the scale"
    entry = [e for e in store.audit.entries() if e.action == "visit-status"][-1]
    assert entry.patient_id == "P2"
    assert "reason recorded" in entry.detail
    assert "scale" not in entry.detail  # the free text stays out of the trail


def test_turnover_needs_every_checklist_item_and_records_who_and_when(
    store: EncounterStore,
) -> None:
    walk(store, "P1")
    checklist = list(store.rooming.settings.turnover_checklist)
    with pytest.raises(TransitionError, match="Not done yet: Table paper changed"):
        store.rooming.complete_turnover("Room 1", [checklist[0]])
    at = datetime.now(UTC)
    done = store.rooming.complete_turnover("Room 1", checklist, staff="ma2", at=at)
    assert (done.by, done.at, done.after_patient) == ("ma2", at, "P1")
    room = {r.name: r for r in store.rooming.rooms()}["Room 1"]
    assert room.state == "ready"
    assert room.last_turnover == done
    _, kept = load_day(store.folder.layout.rooming_day(at.date().isoformat()))
    assert kept == [done]  # the day file keeps the turnover with the visits
    assert any(e.action == "room-turnover" and e.staff == "ma2" for e in store.audit.entries())
    store.rooming.set_status("P2", "roomed", room="Room 1")  # ready again: no reason asked


def test_an_occupied_room_cannot_be_turned_over(store: EncounterStore) -> None:
    store.rooming.set_status("P1", "roomed", room="Room 2")
    checklist = list(store.rooming.settings.turnover_checklist)
    with pytest.raises(TransitionError, match="occupied"):
        store.rooming.complete_turnover("Room 2", checklist)


# ---------------------------------------------------------------------- thresholds


def _record(*steps: tuple[str, int]) -> VisitRecord:
    record: VisitRecord | None = None
    for status, minute in steps:
        at = T0 + timedelta(minutes=minute)
        record = move(record, "P", status, by="ma1", at=at, room="Room 1")  # type: ignore[arg-type]
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("steps", "now", "expected"),
    [
        ((("arrived", 0),), 10, (10, "")),
        ((("arrived", 0),), 11, (11, "late")),
        ((("arrived", 0), ("roomed", 5)), 45, (40, "")),
        ((("arrived", 0), ("roomed", 5)), 46, (41, "late")),
        ((("roomed", 0), ("ready", 20)), 35, (15, "")),
        ((("roomed", 0), ("ready", 20)), 36, (16, "late")),
        ((("roomed", 0), ("ready", 38)), 41, (3, "late")),  # in the room 41 > 40
        ((("roomed", 0), ("with-provider", 5)), 41, (41, "late")),
        ((("roomed", 0), ("with-provider", 5), ("done", 20)), 300, (0, "")),
    ],
)
def test_waiting_time_and_late_mark(
    steps: tuple[tuple[str, int], ...], now: int, expected: tuple[int, str]
) -> None:
    limits = Thresholds(arrived_minutes=10, ready_minutes=15, in_room_minutes=40)
    assert waiting(_record(*steps), T0 + timedelta(minutes=now), limits) == expected


def test_thresholds_and_rooms_come_from_kiosk_toml(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[rooming]\nrooms = ["Exam A", "Exam B"]\nturnover_checklist = ["Wiped"]\n'
        "[rooming.thresholds]\narrived_minutes = 5\n"
    )
    settings = load_settings(config)
    assert settings.rooming.rooms == ("Exam A", "Exam B")
    assert settings.rooming.thresholds.arrived_minutes == 5
    assert settings.rooming.thresholds.in_room_minutes == 40
    config.write_text("[rooming.thresholds]\narived_minutes = 5\n")
    with pytest.raises(ConfigError, match="did you mean 'arrived_minutes'"):
        load_settings(config)
    config.write_text('[rooming]\nrooms = ["A", "A"]\n')
    with pytest.raises(ConfigError, match="twice"):
        load_settings(config)


# ---------------------------------------------------------------------- two kiosk processes


def test_two_processes_moving_visits_at_once_lose_nothing(tmp_path: Path) -> None:
    folder, count = tmp_path / "data", 15
    with EncounterStore(folder, staff_id="desk") as desk:
        desk.rooming.set_status("RACE", "arrived")
    children = [
        subprocess.Popen(
            [sys.executable, CHILD, str(folder), str(w), str(count), "RACE"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(2)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "go"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
    outcomes = [child.communicate(timeout=120)[0].split() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert sorted(outcomes) == [["lost"], ["won"]]  # one kiosk roomed the shared patient
    with EncounterStore(folder, staff_id="checker") as store:
        board = store.rooming.board()
        for w in range(2):
            for n in range(count):
                record = board[f"w{w}p{n}"]
                assert record.status == "done"
                assert [c.status for c in record.history] == list(STATUSES)
                assert record.room == f"W{w}-{n}"
        race = board["RACE"]
        assert [c.status for c in race.history] == ["arrived", "roomed"]
        changes = [e for e in store.audit.entries() if e.action == "visit-status"]
        assert len(changes) == 1 + 2 * count * len(STATUSES) + 1
        assert store.audit.verify().ok
    assert check_store(folder).ok


# ---------------------------------------------------------------------- audit and check


def test_every_look_at_the_board_is_audited_with_the_patients(store: EncounterStore) -> None:
    store.rooming.set_status("P1", "roomed", room="Room 1")
    store.rooming.board(staff="ma9", reason="checking")
    view = [e for e in store.audit.entries() if e.action == "view"][-1]
    assert (view.staff, view.reason) == ("ma9", "checking")
    assert view.concerns("P1")
    store.actor = None
    from kiosk.errors import StoreError

    with pytest.raises(StoreError, match="signed in"):
        store.rooming.board()
    with pytest.raises(StoreError, match="signed in"):
        store.rooming.rooms()


def test_check_reports_a_damaged_board_file_and_repair_moves_it_aside(
    store: EncounterStore,
) -> None:
    walk(store, "P1")
    store.close()
    folder = store.data_dir
    assert check_store(folder).ok
    day = next((folder / "rooming").glob("2*.json"))
    day.write_bytes(b'{"format": 1, "visits": {"P1": {"status": "teleported"}}}')
    report = check_store(folder)
    assert not report.ok
    assert any("Damaged rooming file rooming/" in p for p in report.problems)
    check_store(folder, repair=True)
    assert check_store(folder).ok
    assert list((folder / "rooming").glob(f"{day.name}.corrupt-*"))


def test_the_demo_day_has_every_status_a_turnover_a_procedure_and_a_recall(
    tmp_path: Path,
) -> None:
    from store_child import make_patient

    from kiosk.demo.rooming import seed_rooming

    patients = [make_patient(n) for n in range(8)]
    with EncounterStore(tmp_path / "demo", staff_id="demo") as store:
        seed_rooming(store, patients)
        board = store.rooming.board()
        assert {r.status for r in board.values()} == set(STATUSES)
        assert patients[7].id not in board  # one booked patient has not arrived
        _, turnovers = load_day(
            store.folder.layout.rooming_day(datetime.now(UTC).date().isoformat())
        )
        assert len(turnovers) == 1
        with_packs = [r for r in board.values() if any(p.packs for p in r.procedures)]
        assert len(with_packs) == 1
        assert "S1" in store.sterilizer.read().out_of_service
        recall = store.sterilizer.recall("S1")
        assert [u.patient_id for u in recall.uses] == [with_packs[0].patient_id]
        assert store.audit.verify().ok
