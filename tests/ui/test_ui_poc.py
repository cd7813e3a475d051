"""The point-of-care step at 80x24 in the harness app: dipstick rows, fingerstick glucose."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input, Label, Select
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.poc import PocScreen
from kiosk.widgets.dipstick import ChoiceRow
from kiosk.widgets.measurement import MeasurementField

SIZE = (80, 24)


def harness(ctx: StepContext, draft: Encounter | None = None) -> StepHarness:
    draft = draft or Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    return StepHarness(lambda: PocScreen(draft, ctx))


def row(screen: PocScreen, analyte: str) -> ChoiceRow:
    return screen.query_one(f"#poc-urine-{analyte}", ChoiceRow)


async def test_nothing_is_required_by_default(context: Callable[..., StepContext]) -> None:
    app = harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        assert all(r.value is None for r in screen.query(ChoiceRow))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    poc = app.outcomes[0].encounter.poc
    assert poc.urine is None
    assert poc.glucose is None


async def test_dipstick_choices_by_keyboard_are_recorded(
    context: Callable[..., StepContext],
) -> None:
    app = harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        assert screen.focused is row(screen, "glucose")
        # Left/Right choose, Down moves to the next pad
        await pilot.press("right", "right", "down", "right", "right", "right", "right")
        await wait_for(pilot, lambda: row(screen, "bilirubin").value == "2+", "bilirubin 2+")
        assert row(screen, "glucose").value == "trace"
        assert screen.focused is row(screen, "bilirubin")
        row(screen, "nitrite").value = "positive"
        screen.query_one("#poc-urine-ph", Select).value = "6.5"
        screen.query_one("#poc-urine-sg", Select).value = "1.020"
        screen.query_one("#poc-urine-lot", Input).value = "LOT-77"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    urine = app.outcomes[0].encounter.poc.urine
    assert urine is not None
    assert (urine.glucose, urine.bilirubin, urine.ketones) == ("trace", "2+", None)
    assert (urine.nitrite, urine.ph, urine.specific_gravity) == ("positive", 6.5, 1.02)
    assert urine.strip_lot == "LOT-77"


async def test_fingerstick_glucose_in_mmol(context: Callable[..., StepContext]) -> None:
    app = harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        screen.query_one("#poc-glucose", Input).value = "5.5 mmol/L"
        screen.query_one("#poc-glucose-fasting", Select).value = "yes"
        screen.query_one("#poc-glucose-lot", Input).value = "M-1"
        field = screen.query_one(MeasurementField)
        await wait_for(
            pilot, lambda: "mg/dL" in str(field.query_one(".mf-echo", Label).content), "the echo"
        )
        assert str(field.query_one(".mf-echo", Label).content) == "5.5 mmol/L = 99.1 mg/dL"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    glucose = app.outcomes[0].encounter.poc.glucose
    assert glucose is not None
    assert glucose.value == pytest.approx(99.1, abs=0.1)
    assert glucose.entered_unit == "mmol/L"
    assert (glucose.fasting, glucose.meter_lot) == (True, "M-1")


async def test_required_urine_and_bad_expiry_block_next(
    context: Callable[..., StepContext],
) -> None:
    app = harness(context(required_fields=("poc.urine",)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        message = screen.query_one("#poc-urine-message", Label)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "Required" in str(message.content), "required message")
        assert app.outcomes == []
        row(screen, "protein").value = "1+"
        screen.query_one("#poc-urine-expiry", Input).value = "31/03/2027"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "YYYY-MM-DD" in str(message.content), "expiry message")
        assert app.outcomes == []
        screen.query_one("#poc-urine-expiry", Input).value = "2027-03-31"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    urine = app.outcomes[0].encounter.poc.urine
    assert urine is not None
    assert urine.protein == "1+"
    assert urine.strip_expiry is not None
    assert urine.strip_expiry.isoformat() == "2027-03-31"


async def test_back_keeps_choices_and_typed_text(context: Callable[..., StepContext]) -> None:
    ctx = context()
    app = harness(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        row(screen, "leukocytes").value = "3+"
        screen.query_one("#poc-glucose", Input).value = "abc"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.outcomes, "the back outcome")
    back = app.outcomes[0].encounter
    assert back.form_text["poc-urine-leukocytes"] == "3+"
    assert back.form_text["poc-glucose"] == "abc"
    again = harness(ctx, back)
    async with again.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        assert row(screen, "leukocytes").value == "3+"
        assert screen.query_one("#poc-glucose", Input).value == "abc"
        assert screen.query_one(MeasurementField).has_class("-has-message")
