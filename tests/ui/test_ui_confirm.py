"""The confirm dialog is safe against ordinary typing (80x24).

An MA typing a name while the resume offer pops up must not answer it: no single-letter keys,
Enter presses the focused button (Resume, the safe default), Esc keeps the draft too.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Checkbox, Input
from ui_helpers import (
    STAFF_ID,
    fill,
    make_app,
    open_patient,
    sign_in,
    wait_for,
    wait_screen,
)

from kiosk.models import Encounter
from kiosk.store import EncounterStore


def stored_draft(data_dir: Path) -> Encounter | None:
    store = EncounterStore(data_dir)
    try:
        return next(iter(store.drafts_for(STAFF_ID)), None)
    finally:
        store.close()


async def leave_a_draft(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_middle="Lucia")
        app.save_open_step()


async def test_typing_while_the_resume_offer_shows_answers_nothing(data_dir: Path) -> None:
    await leave_a_draft(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        modal = await wait_screen(pilot, "ConfirmModal")
        assert app.focused is modal.query_one("#confirm-yes", Button)  # resume: the safe default
        await pilot.press(*"begay", "space", *"yes", "n", "Y", "N")
        await pilot.pause()
        assert app.screen is modal  # no letter answered it
        assert app.draft is None
        await pilot.press("escape")  # the safe choice: not now, the draft is kept
        await wait_screen(pilot, "PatientScreen")
        assert app.draft is None
    kept = stored_draft(data_dir)
    assert kept is not None
    assert kept.form_text.get("demographics-middle") == "Lucia"


async def test_leave_dialog_ignores_letters_and_esc_stays(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        await pilot.press("ctrl+e")
        modal = await wait_screen(pilot, "ConfirmModal")
        assert "Leave the intake" in str(modal.query_one("#confirm-yes", Button).label)
        await pilot.press(*"yy", "Y")
        await pilot.pause()
        assert app.screen is modal
        await pilot.press("escape")
        assert await wait_screen(pilot, "DemographicsScreen") is demo
        # Enter on the focused button answers; Right moves to the other button
        await pilot.press("ctrl+e")
        modal = await wait_screen(pilot, "ConfirmModal")
        await pilot.press("right", "enter")
        await wait_screen(pilot, "PatientScreen")
    assert stored_draft(data_dir) is not None


async def test_esc_on_the_resume_for_a_picked_patient_keeps_the_draft(data_dir: Path) -> None:
    await leave_a_draft(data_dir)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("escape")  # not now
        screen = await wait_screen(pilot, "PatientScreen")
        fill(screen, patient_search="rivera")
        await wait_for(pilot, lambda: getattr(screen, "shown_query", None) == "rivera", "rows")
        screen.query_one("#patient-search", Input).focus()
        await pilot.press("enter")
        ident = await wait_screen(pilot, "IdentityScreen")
        ident.query_one("#identity-name", Checkbox).value = True
        ident.query_one("#identity-dob", Checkbox).value = True
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("escape")  # back to the list; "Start over" would discard it
        await wait_screen(pilot, "PatientScreen")
    assert stored_draft(data_dir) is not None
