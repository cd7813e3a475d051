"""Demographics: every field checked at once on Next, state codes and ZIP codes (80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static
from ui_helpers import fill, make_app, open_patient, wait_for, wait_screen

from kiosk.screens.history import HistoryScreen
from kiosk.widgets.labelled import LabelledInput

SIZE = (80, 24)


def message(screen: object, suffix: str) -> str:
    field = screen.query_one(f"#demographics-{suffix}-field", LabelledInput)  # type: ignore[attr-defined]
    shown = field.query_one(".labelled-message", Static)
    return str(shown.render()) if shown.display and field.input.has_class("-flagged") else ""


async def test_every_problem_at_once_next_to_its_field_and_focus_on_the_first(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        demo = await open_patient(pilot)
        typed = {
            "demographics_given": "",
            "demographics_phone": "555-12",
            "demographics_state": "Washington",
            "demographics_postal": "98AB1",
            "demographics_payer": "",
            "demographics_member": "",
        }
        fill(demo, **typed)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: message(demo, "given"), "the messages")
        assert app.screen is demo
        assert message(demo, "given") == "Enter the given name."
        assert "10 digits" in message(demo, "phone")
        assert message(demo, "state").startswith("Use WA for Washington")
        assert message(demo, "postal") == "A ZIP code is 5 digits (12345) or ZIP+4 (12345-6789)."
        assert "Self-pay" in message(demo, "payer")
        assert message(demo, "member") == "Enter the member ID."  # at the same time, not next
        assert message(demo, "family") == message(demo, "city") == ""
        for key, value in typed.items():  # what was typed is kept
            assert demo.query_one(f"#{key.replace('_', '-')}", Input).value == value
        assert app.focused is demo.query_one("#demographics-given", Input)  # the first bad one
        fill(
            demo,
            demographics_given="Ana",
            demographics_phone="(555) 010-2233",
            demographics_state="wa",
            demographics_postal="981011234",
            demographics_payer="Acme Health",
        )
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: message(demo, "member"), "the member id still missing")
        assert message(demo, "state") == message(demo, "postal") == message(demo, "given") == ""
        assert app.focused is demo.query_one("#demographics-member", Input)
        fill(demo, demographics_member="ACM123456")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, HistoryScreen)
        assert app.draft is not None
        address = app.draft.patient.address
        assert (address.state, address.postal_code, address.country) == ("WA", "98101-1234", "US")


async def test_required_patient_fields_are_asked_for_here(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_REQUIRED_FIELDS", "patient.phone,patient.address")
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_phone="", demographics_address1="")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: message(demo, "phone"), "the phone message")
        assert message(demo, "phone") == "Required: enter the phone number."
        assert message(demo, "address1") == "Required: enter the address."
        assert message(demo, "ec-name") == ""  # not required by this clinic
        assert app.focused is demo.query_one("#demographics-phone", Input)


async def test_a_canadian_clinic_checks_canadian_postal_codes(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_COUNTRY", "CA")
    app = make_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_state="Ontario", demographics_postal="98101")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: message(demo, "postal"), "the postal code message")
        assert "A1A 1A1" in message(demo, "postal")
        assert message(demo, "state") == ""  # a province, as free text
        fill(demo, demographics_postal="k1a0b1")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, HistoryScreen)
        assert app.draft is not None
        address = app.draft.patient.address
        assert (address.state, address.postal_code, address.country) == ("Ontario", "K1A 0B1", "CA")
