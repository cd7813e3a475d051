"""Demographics, history and complaint steps; Back, leave, draft resume (80x24)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Checkbox, Input, Select, Static
from ui_helpers import (
    STAFF_ID,
    fill,
    make_app,
    open_patient,
    sign_in,
    wait_for,
    wait_screen,
)

from kiosk.screens.history import HistoryScreen
from kiosk.store import EncounterStore
from kiosk.widgets.labelled import LabelledInput
from kiosk.widgets.rows import Row, RowList


def message(field: LabelledInput) -> str:
    return str(field.query_one(".labelled-message", Static).render())


def saved_draft(data_dir: Path):  # type: ignore[no-untyped-def]
    store = EncounterStore(data_dir)
    try:
        return next(iter(store.drafts_for(STAFF_ID)), None)
    finally:
        store.close()


async def test_demographics_prefilled_and_insurance_or_self_pay_required(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        assert demo.query_one("#demographics-family", Input).value == "Rivera"
        assert demo.query_one("#demographics-dob", Input).value == "1984-03-07"
        # carried forward from the last visit
        assert demo.query_one("#demographics-payer", Input).value == "Acme Health"
        assert demo.query_one("#demographics-member", Input).value == "ACM123456"
        fill(demo, demographics_payer="", demographics_member="")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is demo
        payer = demo.query_one("#demographics-payer-field", LabelledInput)
        assert "Self-pay" in message(payer)
        # Ctrl+P marks self-pay and hides the coverage fields; Next then goes on
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not demo.query_one("#demographics-coverage").display
        demo.query_one("#demographics-ins-changed", Checkbox).value = True
        await pilot.press("ctrl+n")
        await wait_screen(pilot, HistoryScreen)
        assert app.draft is not None
        assert app.draft.insurance.self_pay
        assert app.draft.insurance.primary is None
        assert app.draft.insurance.changed_since_last_visit


async def test_demographics_bad_phone_is_flagged_and_focused(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_phone="555-12", demographics_city="Springfield")
        await pilot.press("ctrl+n")
        await pilot.pause()
        phone = demo.query_one("#demographics-phone-field", LabelledInput)
        assert "10 digits" in message(phone)
        assert app.focused is phone.input
        fill(demo, demographics_phone="(555) 010-2233")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, HistoryScreen)
        assert app.draft is not None
        assert app.draft.patient.address.city == "Springfield"


async def test_history_is_carried_forward_and_must_be_reviewed(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        assert hist.query_one("#history-allergy-0-substance", Input).value == "Penicillin"
        assert hist.query_one("#history-allergy-0-severity", Select).value == "moderate"
        assert hist.query_one("#history-med-0-name", Input).value == "Metformin"
        assert hist.query_one("#history-med-0-taking", Checkbox).value
        assert hist.query_one("#history-problem-0-name", Input).value == "Type 2 diabetes"
        assert "Carried forward" in str(hist.query("#step-body Static").first().render())
        reviewed = hist.query_one("#history-reviewed", Checkbox)
        assert not reviewed.value  # carried forward is not reviewed
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is hist
        assert "Reviewed" in str(hist.query_one("#history-message", Static).render())
        # stopped taking metformin; a new medication; remove the problem row
        hist.query_one("#history-med-0-taking", Checkbox).value = False
        hist.query_one("#history-problem-0-name", Input).focus()
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: not hist.query("#history-problem-0"), "row removed")
        await hist.run_action("add_row('history-med')")
        await pilot.pause()
        fill(hist, history_med_1_name="Lisinopril", history_med_1_dose="10 mg")
        await pilot.press("ctrl+k")
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ComplaintScreen")
        assert app.draft is not None
        h = app.draft.history
        assert h.reviewed
        assert [a.substance for a in h.allergies] == ["Penicillin"]
        assert [(m.name, m.taking) for m in h.medications] == [
            ("Metformin", False),
            ("Lisinopril", True),
        ]
        assert h.problems == []


async def test_allergies_or_nka_explicitly(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        hist.query_one("#history-allergy-0-substance", Input).focus()
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: not hist.query(Row).filter("#history-allergy-0"), "gone")
        hist.query_one("#history-reviewed", Checkbox).value = True
        await pilot.press("ctrl+n")
        await pilot.pause()
        allergies = hist.query_one("#history-allergy-list", RowList)
        text = str(allergies.query_one(".rowlist-message", Static).render())
        assert "No known allergies" in text
        assert app.screen is hist
        # an allergy row with a reaction but no substance is named, not silently dropped
        await hist.run_action("add_row('history-allergy')")
        await pilot.pause()
        fill(hist, history_allergy_1_reaction="rash")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "fill in the substance" in str(allergies.query_one(".rowlist-message").render())
        assert hist.query_one("#history-allergy-1-substance", Input).has_class("-flagged")
        await hist.run_action("remove_row('history-allergy-1')")
        hist.query_one("#history-nka", Checkbox).value = True
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ComplaintScreen")
        assert app.draft is not None
        assert app.draft.history.no_known_allergies
        assert app.draft.history.allergies == []


async def test_back_keeps_everything_typed_including_invalid_text(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        hist.query_one("#history-reviewed", Checkbox).value = True
        await hist.run_action("add_row('history-surgery')")
        await pilot.pause()
        fill(hist, history_surgery_0_procedure="Appendectomy", history_surgery_0_year="19x9")
        await pilot.press("escape")  # back: no validation, the raw text is kept
        demo = await wait_screen(pilot, "DemographicsScreen")
        fill(demo, demographics_phone="not a phone")
        await pilot.press("ctrl+b")
        # Back from the first step asks before leaving the intake
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("escape")  # Stay
        demo = await wait_screen(pilot, "DemographicsScreen")
        assert demo.query_one("#demographics-phone", Input).value == "not a phone"
        fill(demo, demographics_phone="")
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        assert hist.query_one("#history-surgery-0-procedure", Input).value == "Appendectomy"
        assert hist.query_one("#history-surgery-0-year", Input).value == "19x9"
        assert hist.query_one("#history-reviewed", Checkbox).value
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is hist  # the bad year blocks Next
        fill(hist, history_surgery_0_year="1999")
        await pilot.press("ctrl+n")
        comp = await wait_screen(pilot, "ComplaintScreen")
        fill(comp, complaint_text="my stomach hurts", complaint_pain="eleven")
        await pilot.press("ctrl+n")
        await pilot.pause()
        pain = comp.query_one("#complaint-pain-field", LabelledInput)
        assert "0 (none) to 10" in message(pain)
        await pilot.press("escape")
        await wait_screen(pilot, HistoryScreen)
        await pilot.press("ctrl+n")
        comp = await wait_screen(pilot, "ComplaintScreen")
        assert comp.query_one("#complaint-text", Input).value == "my stomach hurts"
        assert comp.query_one("#complaint-pain", Input).value == "eleven"
        assert app.draft is not None
        assert [(s.procedure, s.year) for s in app.draft.history.surgeries] == [
            ("Appendectomy", 1999)
        ]


async def test_leaving_asks_first_and_the_draft_resumes(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        hist.query_one("#history-reviewed", Checkbox).value = True
        await pilot.press("ctrl+n")
        comp = await wait_screen(pilot, "ComplaintScreen")
        fill(comp, complaint_text="cough for a week", complaint_onset="last Monday")
        await pilot.press("ctrl+e")
        modal = await wait_screen(pilot, "ConfirmModal")
        assert "draft is kept" in str(modal.query_one("#confirm-question", Static).render())
        await pilot.press("escape")  # Stay
        await wait_screen(pilot, "ComplaintScreen")
        assert comp.query_one("#complaint-text", Input).value == "cough for a week"
        await pilot.click("#nav-leave")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.click("#confirm-yes")
        await wait_screen(pilot, "PatientScreen")
        draft = saved_draft(data_dir)
        assert draft is not None
        assert draft.draft_step == "complaint"
        assert draft.form_text["complaint-text"] == "cough for a week"
        assert draft.history.reviewed
        # picking the same patient offers to resume where it stopped
        screen = app.screen
        fill(screen, patient_search="rivera")
        await wait_for(pilot, lambda: getattr(screen, "shown_query", None) == "rivera", "rows")
        screen.query_one("#patient-search", Input).focus()
        await pilot.press("enter")
        ident = await wait_screen(pilot, "IdentityScreen")
        ident.query_one("#identity-name", Checkbox).value = True
        ident.query_one("#identity-dob", Checkbox).value = True
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("enter")  # the focused button: Resume
        comp = await wait_screen(pilot, "ComplaintScreen")
        assert comp.query_one("#complaint-text", Input).value == "cough for a week"
        assert comp.query_one("#complaint-onset", Input).value == "last Monday"


async def test_a_dropped_session_is_offered_for_resume_at_sign_in(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_middle="Lucia")
        app.save_open_step()  # what the 1-second autosave does
    # a new kiosk process (the SSH session dropped)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        modal = await wait_screen(pilot, "ConfirmModal")
        question = str(modal.query_one("#confirm-question", Static).render())
        assert "RIVERA, Ana" in question
        assert "demographics" in question
        assert app.focused is modal.query_one("#confirm-yes", Button)  # resuming is the default
        await pilot.press("enter")
        ident = await wait_screen(pilot, "IdentityScreen")  # identity again: who is in the room
        ident.query_one("#identity-name", Checkbox).value = True
        ident.query_one("#identity-dob", Checkbox).value = True
        await pilot.press("ctrl+n")
        demo = await wait_screen(pilot, "DemographicsScreen")
        assert demo.query_one("#demographics-middle", Input).value == "Lucia"
