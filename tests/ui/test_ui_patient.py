"""Patient list, search, registration and the two-identifier confirmation (80x24)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, DataTable, Input, Static
from ui_helpers import fill, make_app, sign_in, wait_for, wait_screen

from kiosk.screens.identity import IdentityScreen
from kiosk.screens.patient import PatientScreen
from kiosk.screens.register import RegisterScreen
from kiosk.widgets.labelled import LabelledInput


def names_in(screen: PatientScreen) -> list[str]:
    table = screen.query_one("#patient-table", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]  # [0]: the marker


async def search(pilot: Pilot[Any], screen: PatientScreen, query: str, expect: int) -> None:
    fill(screen, patient_search=query)
    table = screen.query_one("#patient-table", DataTable)
    await wait_for(pilot, lambda: screen.shown_query == query, f"the results for {query!r}")
    assert table.row_count == expect


async def test_todays_list_and_search_by_name_dob_and_mrn(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        # both seeded patients were seen (their last visit is in the store) but not today
        await search(pilot, screen, "okafor", 1)
        assert names_in(screen) == ["OKAFOR, Chidi"]
        await search(pilot, screen, "1984-03-07", 1)
        assert names_in(screen) == ["RIVERA, Ana"]
        await search(pilot, screen, "03/07/1984", 1)
        await search(pilot, screen, "MRN-2002", 1)
        assert names_in(screen) == ["OKAFOR, Chidi"]
        await search(pilot, screen, "nobody-like-this", 0)
        empty = str(screen.query_one("#patient-empty", Static).render())
        assert "register a new patient" in empty


async def test_picking_a_patient_requires_both_identifiers(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        await search(pilot, screen, "rivera", 1)
        screen.query_one(DataTable).focus()
        await pilot.press("enter")
        ident = await wait_screen(pilot, IdentityScreen)
        shown = str(ident.query_one("#identity-show-name", Static).render())
        assert "RIVERA, Ana" in shown
        assert "March 7, 1984" in str(ident.query_one("#identity-show-dob", Static).render())
        go = ident.query_one("#identity-continue", Button)
        assert go.disabled
        # Ctrl+N with nothing confirmed: stays, says why
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is ident
        assert "Confirm both" in str(ident.query_one("#identity-message", Static).render())
        # name alone is not enough
        ident.query_one("#identity-name", Checkbox).value = True
        await pilot.pause()
        assert go.disabled
        # a date of birth that does not match the chart does not confirm
        fill(ident, identity_dob_typed="03/08/1984")
        await pilot.pause()
        assert not ident.query_one("#identity-dob", Checkbox).value
        assert "Does not match" in str(ident.query_one("#identity-message", Static).render())
        assert go.disabled
        # the date the patient says, typed: it matches, the box ticks itself
        fill(ident, identity_dob_typed="03/07/1984")
        await pilot.pause()
        assert ident.query_one("#identity-dob", Checkbox).value
        assert not go.disabled
        await pilot.click("#identity-continue")
        demo = await wait_screen(pilot, "DemographicsScreen")
        assert app.draft is not None
        assert app.draft.identity_confirmed
        assert "RIVERA, Ana" in str(demo.query_one("#banner-patient", Static).render())


async def test_back_from_identity_returns_to_the_list(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        await search(pilot, screen, "okafor", 1)
        screen.query_one("#patient-search", Input).focus()
        await pilot.press("enter")  # one match: Enter opens it
        await wait_screen(pilot, IdentityScreen)
        await pilot.press("escape")
        await wait_screen(pilot, PatientScreen)
        assert app.draft is None


async def test_register_flags_a_bad_date_of_birth_and_keeps_it(data_dir: Path) -> None:
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
            register_dob="02/30/1990",
            register_mrn="MRN-3003",
            register_phone="12",
        )
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is reg  # blocked
        dob = reg.query_one("#register-dob-field", LabelledInput)
        assert dob.input.value == "02/30/1990"  # kept as typed
        assert dob.input.has_class("-flagged")
        assert "does not exist" in str(dob.query_one(".labelled-message", Static).render())
        phone = reg.query_one("#register-phone-field", LabelledInput)
        assert phone.input.has_class("-flagged")
        assert app.focused is dob.input  # the first invalid field
        # an MRN already in use is refused too
        fill(reg, register_dob="1990-02-28", register_phone="", register_mrn="MRN-1001")
        await pilot.press("ctrl+n")
        await pilot.pause()
        mrn = reg.query_one("#register-mrn-field", LabelledInput)
        assert "another patient" in str(mrn.query_one(".labelled-message", Static).render())
        assert not dob.input.has_class("-flagged")
        # fixed: Continue goes on to the identity check of the new patient
        fill(reg, register_mrn="MRN-3003")
        await pilot.click("#register-save")
        ident = await wait_screen(pilot, IdentityScreen)
        assert "LINDQVIST, Maja" in str(ident.query_one("#identity-show-name", Static).render())


async def test_register_typing_a_date_shows_what_was_understood(data_dir: Path) -> None:
    """Typed keys (the point of this test): the flag clears as soon as the date is right."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, PatientScreen)
        await pilot.click("#patient-register")
        reg = await wait_screen(pilot, RegisterScreen)
        dob = reg.query_one("#register-dob-field", LabelledInput)
        dob.input.focus()
        await pilot.press(*"13/01/2000")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert dob.input.has_class("-flagged")
        assert "no month 13" in str(dob.query_one(".labelled-message", Static).render())
        dob.input.focus()
        await pilot.press("end", *["backspace"] * 10, *"12/01/2000")
        await wait_for(pilot, lambda: not dob.input.has_class("-flagged"), "flag cleared")
        assert "01 December 2000" in str(dob.query_one(".labelled-message", Static).render())


async def test_down_from_the_search_marks_and_opens_the_first_row(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down in the search box goes to the list on its FIRST row (the key is not also sent to
    the table, which would move on to the second); the row is marked "▶" without colour."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        await search(pilot, screen, "mrn", 2)  # both MRNs start with it
        first = names_in(screen)[0]
        table = screen.query_one("#patient-table", DataTable)
        assert app.focused is screen.query_one("#patient-search", Input)
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == [" ", " "]  # not in the list
        await pilot.press("down")
        assert pilot.app.focused is table  # (a fresh expression: mypy narrowed app.focused above)
        assert table.cursor_row == 0
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == ["▶", " "]
        await pilot.press("down")  # in the list, Down moves the marker
        assert [str(table.get_row_at(i)[0]) for i in range(2)] == [" ", "▶"]
        await pilot.press("up", "enter")
        ident = await wait_screen(pilot, IdentityScreen)
        assert first in str(ident.query_one("#identity-show-name", Static).render())


async def test_enter_in_the_search_with_several_matches_goes_to_the_first_row(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        await search(pilot, screen, "mrn", 2)
        table = screen.query_one("#patient-table", DataTable)
        table.move_cursor(row=1)  # left on the second row earlier
        screen.query_one("#patient-search", Input).focus()
        await pilot.press("enter")  # several matches: nothing opens yet
        await wait_for(pilot, lambda: app.focused is table, "the list focused")
        assert app.screen is screen
        assert table.cursor_row == 0
        assert str(table.get_row_at(0)[0]) == "▶"


async def test_the_columns_are_sized_when_the_rows_are_shown(data_dir: Path) -> None:
    """The columns fit the rows the moment they are added, not on the table's next idle: a
    frame painted in between (a loaded host) would stay at the header widths ("RIVE")."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, "PatientScreen")
        assert isinstance(screen, PatientScreen)
        table = screen.query_one(DataTable)
        rows, visits = screen._rows_for("rivera")
        screen._show("rivera", rows, visits)  # no await: nothing has run on the table since
        widths = {str(c.key.value): c.content_width for c in table.ordered_columns}
        assert widths["name"] >= len("RIVERA, Ana")
        assert widths["born"] >= len("1984-03-07")
        assert widths["mrn"] >= len("MRN-1001")


async def test_a_record_that_cannot_be_read_is_said_and_hides_no_one_else(data_dir: Path) -> None:
    """One stored visit with a status that is not a status: the rest of today's list stays,
    and the list says a record is missing rather than quietly showing fewer patients."""
    import orjson
    from ui_helpers import patient, previous_encounter

    from kiosk.store import EncounterStore

    people = [patient(), patient("MRN-2002", "Okafor", "Chidi")]
    visits = [previous_encounter(p, days_ago=0) for p in people]
    with EncounterStore(data_dir, staff_id="test") as store:
        for visit in visits:
            store.save(visit)
    needle = b'{"id":' + orjson.dumps(visits[1].id) + b","
    for segment in (data_dir / "encounters").rglob("*.json"):
        raw = segment.read_bytes()
        if needle in raw:
            start = raw.index(needle)
            end = raw.index(b"\n", start)
            line = raw[start:end].replace(b'"status":"signed"', b'"status":"shredded"')
            segment.write_bytes(raw[:start] + line + raw[end:])
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, PatientScreen)
        assert isinstance(screen, PatientScreen)
        await wait_for(pilot, lambda: screen.shown_query == "", "today's list")
        assert names_in(screen) == ["RIVERA, Ana"]
        hint = str(screen.query_one("#patient-empty", Static).render())
        assert "1 stored record could not be read" in hint
        assert "okafor" not in hint.lower()
