"""The patient list with the rooming board at 80x24: status, room and waiting time, late visits
first and said in words, a live refresh when another kiosk process changes a visit, the status
dialog (Ctrl+T) with its room gating, the rooms dialog (Ctrl+U) and the intake's own move."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static
from ui_helpers import fill, make_app, pick_patient, sign_in, wait_for, wait_screen

from kiosk.screens.patient import PatientScreen
from kiosk.screens.rooming import RoomsModal, StatusModal
from kiosk.store import EncounterStore

RIVERA, OKAFOR = "MRN-1001", "MRN-2002"


def rows(screen: Any) -> dict[str, list[str]]:
    """MRN -> the row's cells as shown (in the list's order)."""
    table = screen.query_one("#patient-table", DataTable)
    found = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    return {row[3]: row for row in found}


def order(screen: Any) -> list[str]:
    return list(rows(screen))


@pytest.fixture
def board(data_dir: Path) -> Path:
    """Both patients booked today; Rivera arrived 25 minutes ago (late), Okafor 2 minutes."""
    now = datetime.now(UTC)
    with EncounterStore(data_dir, staff_id="desk") as store:
        store.set_appointments(now.date(), [OKAFOR, RIVERA])
        store.rooming.set_status(RIVERA, "arrived", at=now - timedelta(minutes=25))
        store.rooming.set_status(OKAFOR, "arrived", at=now - timedelta(minutes=2))
    return data_dir


def other_kiosk(data_dir: Path, code: str) -> None:
    """Run ``code`` (with ``store`` open as ma2) in another process, as a second kiosk."""
    script = (
        "from kiosk.store import EncounterStore\n"
        f"with EncounterStore({str(data_dir)!r}, staff_id='ma2') as store:\n    {code}\n"
    )
    support = str(Path(__file__).parents[1] / "support")
    env = {**os.environ, "PYTHONPATH": support}
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, env=env)


async def listed(pilot: Pilot[Any]) -> PatientScreen:
    await sign_in(pilot)
    screen = await wait_screen(pilot, PatientScreen)
    assert isinstance(screen, PatientScreen)
    await wait_for(pilot, lambda: len(rows(screen)) == 2, "today's list")
    return screen


async def test_status_room_and_wait_with_late_visits_first_in_words(board: Path) -> None:
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot)
        assert order(screen) == [RIVERA, OKAFOR]  # late first, though booked second
        late, fresh = rows(screen)[RIVERA], rows(screen)[OKAFOR]
        assert late[4:7] == ["arrived", "", "25m LATE"]
        assert fresh[4:7] == ["arrived", "", "2m"]
        svg = app.export_screenshot()
        text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
        assert "LATE" in text  # on screen at 80 columns, not only in the table's data
        assert "Status" in text
        for button in ("#patient-status", "#patient-rooms", "#patient-open"):
            region = screen.query_one(button, Button).region
            assert region.right <= 80
            assert region.bottom <= 24


async def test_the_list_refreshes_when_another_kiosk_process_changes_a_visit(
    board: Path,
) -> None:
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot)
        table = screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=1)  # the MA is on Okafor
        await pilot.pause()
        other_kiosk(board, f"store.rooming.set_status({RIVERA!r}, 'roomed', room='Room 2')")
        await wait_for(pilot, lambda: rows(screen)[RIVERA][4] == "roomed", "the refresh")
        assert rows(screen)[RIVERA][5] == "Room 2"
        assert not rows(screen)[RIVERA][6].endswith("LATE")  # 0 min in the room
        assert order(screen) == [OKAFOR, RIVERA]  # no longer late: back in booking order
        assert screen._rows[table.cursor_row].id == OKAFOR


async def test_rooming_by_keys_and_a_room_that_is_not_ready_needs_a_reason(
    board: Path,
) -> None:
    other_kiosk(
        board,
        "store.rooming.set_status('X9', 'roomed', room='Room 1');"
        " [store.rooming.set_status('X9', s) for s in ('ready', 'with-provider', 'done')]",
    )
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot)
        screen.query_one(DataTable).focus()  # Rivera (late) is the first row
        await pilot.press("ctrl+t")
        modal = await wait_screen(pilot, StatusModal)
        select = modal.query_one("#status-room", Select)
        await wait_for(pilot, lambda: select.value == "Room 2", "the first ready room")
        select.value = "Room 1"  # needs turnover
        await pilot.pause()
        await pilot.click(modal.query_one("#status-roomed", Button))
        error = modal.query_one("#status-error", Static)
        await wait_for(pilot, lambda: "not ready" in str(error.render()), "the refusal")
        assert "needs turnover" in str(error.render())
        assert app.screen is modal  # stays, nothing lost
        fill(modal, status_reason="only room with the scale")
        roomed = modal.query_one("#status-roomed", Button)
        # Textual ignores a click on a button still showing its last press (0.2 s)
        await wait_for(pilot, lambda: not roomed.has_class("-active"), "the button to settle")
        await pilot.click(roomed)
        await wait_screen(pilot, PatientScreen)
        await wait_for(pilot, lambda: rows(screen)[RIVERA][4] == "roomed", "the list")
        assert rows(screen)[RIVERA][5] == "Room 1"
    with EncounterStore(board, staff_id="check") as store:
        record = store.rooming.visit(RIVERA)
        assert record is not None
        assert record.history[-1].reason == "only room with the scale"
        assert record.history[-1].by == "ma1"


async def test_illegal_moves_are_not_offered_and_done_sends_the_room_to_turnover(
    board: Path,
) -> None:
    other_kiosk(board, f"store.rooming.set_status({OKAFOR!r}, 'roomed', room='Room 3')")
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot)
        table = screen.query_one(DataTable)
        table.focus()
        await wait_for(pilot, lambda: order(screen)[1] == OKAFOR, "the list")
        table.move_cursor(row=1)
        await pilot.press("ctrl+t")
        modal = await wait_screen(pilot, StatusModal)
        offered = {b.id for b in modal.query(Button)}
        assert offered == {
            "status-ready",
            "status-with-provider",
            "status-procedure",
            "status-close",
        }
        for step in ("with-provider", "done"):
            await pilot.click(modal.query_one(f"#status-{step}", Button))
            await wait_screen(pilot, PatientScreen)
            if step == "with-provider":
                await pilot.press("ctrl+t")
                modal = await wait_screen(pilot, StatusModal)
        await wait_for(pilot, lambda: rows(screen)[OKAFOR][4] == "done", "done")
        assert order(screen)[-1] == OKAFOR  # done visits go last
        await pilot.press("ctrl+u")
        rooms = await wait_screen(pilot, RoomsModal)
        table = rooms.query_one("#rooms-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 4, "the rooms")
        assert [str(c) for c in table.get_row_at(table.cursor_row)][:2] == [
            "Room 3",
            "needs turnover",
        ]
        boxes = list(rooms.query(Checkbox))
        for box in boxes[:-1]:
            box.value = True
        await pilot.click(rooms.query_one("#rooms-done", Button))
        error = rooms.query_one("#rooms-error", Static)
        await wait_for(pilot, lambda: "Not done yet" in str(error.render()), "the refusal")
        assert "Instruments for the next visit present" in str(error.render())
        boxes[-1].focus()
        await pilot.press("space")  # ticks by key
        done = rooms.query_one("#rooms-done", Button)
        await wait_for(pilot, lambda: not done.has_class("-active"), "the button to settle")
        await pilot.click(done)
        await wait_screen(pilot, PatientScreen)
    with EncounterStore(board, staff_id="check") as store:
        room = {r.name: r for r in store.rooming.rooms()}["Room 3"]
        assert room.state == "ready"
        assert room.last_turnover is not None
        assert (room.last_turnover.by, room.last_turnover.after_patient) == ("ma1", OKAFOR)


async def test_opening_the_intake_rooms_the_patient_in_this_kiosks_room(
    board: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_ROOMING", '{"rooms": ["room-7", "Room 2"]}')
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        await listed(pilot)
        await pick_patient(pilot, "okafor")
        await wait_screen(pilot, "DemographicsScreen")
    with EncounterStore(board, staff_id="check") as store:
        record = store.rooming.visit(OKAFOR)
        assert record is not None
        assert (record.status, record.room, record.history[-1].by) == ("roomed", "room-7", "ma1")


async def test_a_procedure_assist_by_keys_refuses_an_unknown_pack_and_keeps_the_form(
    board: Path,
) -> None:
    from kiosk.screens.procedure import ProcedureModal

    other_kiosk(
        board,
        f"store.rooming.set_status({OKAFOR!r}, 'roomed', room='Room 3');"
        " import sterilizer_samples;"
        " store.sterilizer.add_load(sterilizer_samples.sample_load(packs=('PK-1',)))",
    )
    app = make_app(board)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await listed(pilot)
        table = screen.query_one(DataTable)
        table.focus()
        await wait_for(pilot, lambda: order(screen)[1] == OKAFOR, "the list")
        table.move_cursor(row=1)
        await pilot.press("ctrl+t")
        status = await wait_screen(pilot, StatusModal)
        status.query_one("#status-procedure", Button).focus()
        await pilot.press("enter")
        modal = await wait_screen(pilot, ProcedureModal)
        fill(
            modal,
            procedure_procedure="Shave biopsy",
            procedure_provider="Dr. Osei",
            procedure_packs="PK-404",
            procedure_specimen="skin",
            procedure_site="left forearm",
        )
        for key in ("patient", "site-ok", "what", "consent", "label"):
            modal.query_one(f"#procedure-{key}", Checkbox).focus()
            await pilot.press("space")
        assert "— yes" in str(modal.query_one("#procedure-consent", Checkbox).label)
        modal.query_one("#procedure-record", Button).focus()
        await pilot.press("enter")
        error = modal.query_one("#procedure-error", Static)
        await wait_for(pilot, lambda: "not in the sterilizer log" in str(error.render()), "no")
        assert app.screen is modal
        modal.query_one("#procedure-packs", Input).focus()  # the MA goes back to the field
        fill(modal, procedure_packs="PK-1")
        await pilot.pause()
        button = modal.query_one("#procedure-record", Button)
        button.focus()
        # Textual ignores Enter on a button still showing its last press (0.2 s): a loaded
        # host may not have cleared it yet, and a person would not press again that fast.
        await wait_for(pilot, lambda: not button.has_class("-active"), "the button to settle")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not modal, str(error.render()))
        assert isinstance(app.screen, StatusModal)
    with EncounterStore(board, staff_id="check") as store:
        record = store.rooming.visit(OKAFOR)
        assert record is not None
        (assist,) = record.procedures
        assert (assist.procedure, assist.provider, assist.by) == ("Shave biopsy", "Dr. Osei", "ma1")
        assert assist.packs == ["PK-1"]
        assert assist.specimens[0].site == "left forearm"
        assert assist.time_out.done
