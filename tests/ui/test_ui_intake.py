"""A whole intake, sign-in to a signed encounter in the store, through every step (80x24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input
from ui_helpers import (
    ROOM,
    STAFF_ID,
    fill,
    make_app,
    open_patient,
    past_screenings,
    wait_for,
    wait_screen,
)

from kiosk.store import EncounterStore


async def test_full_intake_is_signed_saved_and_the_screen_cleared(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        demo = await open_patient(pilot)
        fill(demo, demographics_phone="(555) 010-2233")
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, "HistoryScreen")
        hist.query_one("#history-reviewed", Checkbox).value = True
        await pilot.press("ctrl+n")
        comp = await wait_screen(pilot, "ComplaintScreen")
        fill(comp, complaint_text="sore throat", complaint_onset="2 days ago", complaint_pain="4")
        await pilot.press("ctrl+n")
        await past_screenings(pilot)
        vitals = await wait_screen(pilot, "VitalsScreen")
        for widget_id, text in {
            "vitals-bp-0": "128/82",
            "vitals-pulse": "72",
            "vitals-temp": "98.6",
            "vitals-spo2": "98",
            "vitals-rr": "16",
            "vitals-weight": "154 lb",
            "vitals-height": "5'6\"",
        }.items():
            vitals.query_one(f"#{widget_id}", Input).value = text
        await pilot.pause()
        await pilot.press("ctrl+n")
        await wait_screen(pilot, "PocScreen")
        await pilot.press("ctrl+n")
        review = await wait_screen(pilot, "ReviewScreen")
        assert app.draft is not None
        assert app.draft.draft_step == "review"
        await pilot.press("ctrl+g")
        patients = await wait_screen(pilot, "PatientScreen")
        assert app.draft is None
        assert review not in app.screen_stack
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["PatientScreen"]
        await wait_for(pilot, lambda: getattr(patients, "shown_query", None) == "", "the list")

    store = EncounterStore(data_dir, staff_id="test")
    try:
        assert next(iter(store.drafts_for(STAFF_ID)), None) is None  # the draft was discarded
        signed = [e for e in store.for_patient("MRN-1001") if e.staff_id == STAFF_ID]
        assert len(signed) == 1
        encounter = signed[0]
    finally:
        store.close()
    assert encounter.status == "signed"
    assert encounter.signed_at is not None
    assert encounter.identity_confirmed
    assert encounter.form_text == {}
    assert encounter.draft_step == ""
    assert encounter.room == ROOM
    assert encounter.patient.phone == "(555) 010-2233"
    assert encounter.history.reviewed
    assert [a.substance for a in encounter.history.allergies] == ["Penicillin"]
    assert encounter.complaint is not None
    assert (encounter.complaint.text, encounter.complaint.severity) == ("sore throat", 4)
    vitals_ = encounter.vitals
    bp = vitals_.blood_pressure[0]
    assert (bp.systolic.value, bp.diastolic.value, bp.systolic.unit) == (128, 82, "mm[Hg]")
    assert vitals_.pulse[0].value == 72
    temperature = vitals_.temperature[0]
    assert temperature.unit == "Cel"
    assert temperature.value == pytest.approx(37.0, abs=0.05)
    assert temperature.entered == "98.6"
    assert vitals_.weight[0].value == pytest.approx(69.85, abs=0.01)
    assert vitals_.height[0].value == pytest.approx(167.64, abs=0.01)
    assert vitals_.spo2[0].value == 98
