"""A busy MA's day (issue 17): several open intakes, none ever lost to opening another patient.

Driven through the real screens with pilot at 80x24: leave one patient's intake, open a second,
come back to the first; start over only after an explicit second answer; a draft held by
another terminal signed in as the same MA is neither resumed nor overwritten here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Static
from ui_helpers import (
    STAFF_ID,
    fill,
    make_app,
    open_patient,
    pick_patient,
    sign_in,
    wait_for,
    wait_screen,
)

from kiosk.models import Encounter
from kiosk.store import EncounterStore


def drafts(data_dir: Path) -> dict[str, Encounter]:
    with EncounterStore(data_dir) as store:
        return {d.patient.id: d for d in store.drafts_for(STAFF_ID)}


async def leave(pilot: Pilot[Any]) -> Screen[Any]:
    """Ctrl+E, "Leave the intake": back on the patient list."""
    await pilot.press("ctrl+e")
    modal = await wait_screen(pilot, "ConfirmModal")
    await pilot.click(modal.query_one("#confirm-yes", Button))
    return await wait_screen(pilot, "PatientScreen")


def visit_column(screen: Screen[Any]) -> dict[str, str]:
    """MRN -> the Visit column, as the list shows it."""
    table: DataTable[str] = screen.query_one(DataTable)
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return {str(row[3]): str(row[7]) for row in rows}


def question(screen: Screen[Any]) -> str:
    return str(screen.query_one("#confirm-question", Static).render())


async def test_opening_a_second_patient_keeps_the_first_draft(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot, "rivera")
        fill(demo, demographics_middle="Lucia")
        await leave(pilot)
        demo = await pick_patient(pilot, "okafor")
        assert type(demo).__name__ == "DemographicsScreen"  # no draft: a new intake
        fill(demo, demographics_middle="Obi")
        listing = await leave(pilot)
        kept = drafts(data_dir)
        assert {d.form_text.get("demographics-middle") for d in kept.values()} == {"Lucia", "Obi"}
        await wait_for(
            pilot,
            lambda: len(visit_column(listing)) == 2 and getattr(listing, "shown_query", None) == "",
            "the list",
        )
        states = visit_column(listing)
        assert all(text.startswith("demogr. ") for text in states.values()), states
        # back to the first patient: resuming is offered, and is the default answer
        fill(listing, patient_search="")
        offer = await pick_patient(pilot, "rivera")
        assert type(offer).__name__ == "ConfirmModal"
        assert "Resume" in question(offer)
        assert app.focused is offer.query_one("#confirm-yes", Button)
        await pilot.press("enter")
        demo = await wait_screen(pilot, "DemographicsScreen")
        assert demo.query_one("#demographics-middle", Input).value == "Lucia"
    assert set(drafts(data_dir)) == {"MRN-1001", "MRN-2002"}


async def test_starting_over_asks_twice_and_is_audited(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot, "rivera")
        fill(demo, demographics_middle="Lucia")
        await leave(pilot)
        old = drafts(data_dir)["MRN-1001"].id
        offer = await pick_patient(pilot, "rivera")
        await pilot.click(offer.query_one("#confirm-no", Button))  # "Start over…"
        sure = await wait_screen(pilot, "ConfirmModal")
        assert sure is not offer
        assert "cannot be undone" in question(sure)
        assert app.focused is sure.query_one("#confirm-no", Button)  # keeping it is the default
        await pilot.press("enter")  # "Keep it": back to the list, the draft untouched
        await wait_screen(pilot, "PatientScreen")
        assert drafts(data_dir)["MRN-1001"].form_text.get("demographics-middle") == "Lucia"
        offer = await pick_patient(pilot, "rivera")
        await pilot.click(offer.query_one("#confirm-no", Button))
        sure = await wait_screen(pilot, "ConfirmModal")
        await pilot.click(sure.query_one("#confirm-yes", Button))  # "Discard it and start over"
        demo = await wait_screen(pilot, "DemographicsScreen")
        assert demo.query_one("#demographics-middle", Input).value == ""
        assert app.draft is not None
        assert app.draft.id != old
    fresh = drafts(data_dir).get("MRN-1001")  # the new intake's own autosave, if any
    assert fresh is None or fresh.id != old
    with EncounterStore(data_dir) as store:
        actions = [e.action for e in store.audit.entries(patient_id="MRN-1001")]
    assert "draft-discard" in actions


async def test_a_draft_open_on_another_terminal_is_not_taken(data_dir: Path) -> None:
    # the first terminal (same MA, same room) has Rivera's intake open and holds its draft
    first = make_app(data_dir)
    async with first.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot, "rivera")
        fill(demo, demographics_middle="Lucia")
        first.save_open_step()
    held = drafts(data_dir)["MRN-1001"]  # as the first terminal left it (a tick may save later)
    other = EncounterStore(data_dir, staff_id=STAFF_ID)
    assert other.claim_draft(STAFF_ID, "MRN-1001")  # stands for the first terminal, still open
    try:
        app = make_app(data_dir)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)
            listing = await wait_screen(pilot, "PatientScreen")  # not offered: held elsewhere
            await wait_for(pilot, lambda: "MRN-1001" in visit_column(listing), "the list")
            assert visit_column(listing)["MRN-1001"] == "elsewhere"
            await pick_patient(pilot, "rivera")
            await wait_screen(pilot, "PatientScreen")  # refused, with the reason on screen
            said = [str(n.message) for n in app._notifications]
            assert any("open on another terminal" in text for text in said), said
            assert app.draft is None
        assert drafts(data_dir)["MRN-1001"] == held
        other.release_draft(STAFF_ID, "MRN-1001")  # the first terminal leaves the intake
        app = make_app(data_dir)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)
            offer = await wait_screen(pilot, "ConfirmModal")  # now it can be resumed here
            assert "RIVERA, Ana" in question(offer)
    finally:
        other.close()


async def test_a_late_autosave_never_overwrites_a_newer_save(data_dir: Path) -> None:
    """An autosave thread that runs after a newer save (the one before a lock) is skipped."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_middle="Old")
        await pilot.pause()
        old = app.drafts.snapshot()
        assert old is not None
        old_ticket = app.drafts.drafts.ticket(old)  # taken by the tick, its thread not yet run
        fill(demo, demographics_middle="Newer")
        await pilot.pause()
        app.save_open_step()  # before a lock: written on the spot
        app.drafts.drafts.write(old, old_ticket)  # the tick's thread, late
        saved = drafts(data_dir)[old.patient.id].model_dump_json()
        assert "Newer" in saved
        assert "Old" not in saved
