"""A patient registered at the kiosk can be found by search at once (80x24).

Before, the directory learnt of a patient only when an encounter was signed, so backing out
of the identity check (or a sign-out) left the new patient unfindable.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from ui_helpers import fill, make_app, sign_in, wait_for, wait_screen

from kiosk.screens.identity import IdentityScreen
from kiosk.screens.patient import PatientScreen
from kiosk.screens.register import RegisterScreen
from kiosk.store import EncounterStore


async def test_a_new_patient_is_found_by_search_before_any_signing(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, PatientScreen)
        await pilot.press("ctrl+r")
        reg = await wait_screen(pilot, RegisterScreen)
        fill(
            reg,
            register_family="Lindqvist",
            register_given="Maja",
            register_dob="1990-02-28",
            register_mrn="MRN-3003",
        )
        await pilot.press("ctrl+n")
        await wait_screen(pilot, IdentityScreen)
        await pilot.press("escape")  # not confirmed after all: back to the list
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        fill(screen, patient_search="lindq")
        await wait_for(pilot, lambda: screen.shown_query == "lindq", "the search results")
        table = screen.query_one("#patient-table", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["LINDQVIST, Maja"]
        # registering the same MRN again is refused: it is in use now
        await pilot.press("ctrl+r")
        reg = await wait_screen(pilot, RegisterScreen)
        fill(reg, register_family="Other", register_given="Person")
        fill(reg, register_dob="1991-01-01", register_mrn="MRN-3003")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is reg
    store = EncounterStore(data_dir, staff_id="check")
    assert [p.id for p in store.find_patients("maja")] == ["MRN-3003"]
    seen = [e for e in store.audit.entries(patient_id="MRN-3003") if e.staff != "check"]
    assert seen[0].action == "create"
    # every list and search that showed the new patient is in their trail, with why
    assert seen[1:]
    assert {(e.action, e.reason) for e in seen[1:]} == {("view", "intake")}
    store.close()
