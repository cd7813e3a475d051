"""NEWS2 SpO2 scale 2: a tick beside SpO2 (80x24, by keys), stored and scored (issue 10)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Checkbox, Input
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.vitals import VitalsScreen
from kiosk.widgets.measurement import MeasurementField

SIZE = (80, 24)


async def test_scale_2_is_ticked_by_keys_and_saved(context: Callable[..., StepContext]) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        screen.query_one("#vitals-spo2", Input).value = "90"
        tick = screen.query_one("#vitals-spo2-scale2", Checkbox)
        assert "88–92 %" in str(tick.tooltip)
        screen.query_one("#vitals-spo2", Input).focus()
        await pilot.pause()
        for _ in range(6):  # Tab from SpO2 past its own controls reaches the tick
            if screen.focused is tick:
                break
            await pilot.press("tab")
        assert screen.focused is tick
        tick.scroll_visible()
        await pilot.press("space")
        assert tick.value
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "Next")
    assert app.outcomes[0].encounter.vitals.spo2_scale == 2


async def test_the_tick_shows_a_saved_scale_2(context: Callable[..., StepContext]) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    draft = draft.model_copy(update={"vitals": draft.vitals.model_copy(update={"spo2_scale": 2})})
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert screen.query_one("#vitals-spo2-scale2", Checkbox).value
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "Next")
    assert app.outcomes[0].encounter.vitals.spo2_scale == 2


def shows(field: MeasurementField, status: str) -> Callable[[], bool]:
    return lambda: field.reading.status == status


async def test_spo2_is_flagged_against_the_scale_2_target(
    context: Callable[..., StepContext],
) -> None:
    """90 % is critical on scale 1 (<= 91); ticking scale 2 (target 88-92 %) makes it normal
    on screen and in the saved reading; 86 is low, 83 critical, unticking flags 90 again."""
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        spo2 = screen.query_one("#vitals-spo2", Input)
        field = screen.field("spo2")
        assert field is not None
        spo2.focus()
        await pilot.press(*"90")
        await wait_for(pilot, lambda: field.reading.status == "critical-low", "scale 1 flag")
        tick = screen.query_one("#vitals-spo2-scale2", Checkbox)
        tick.value = True
        await wait_for(pilot, lambda: field.reading.status == "normal", "the scale 2 flag")
        for text, status in (("86", "low"), ("83", "critical-low"), ("91", "normal")):
            spo2.value = text
            await wait_for(pilot, shows(field, status), f"{text}: {status}")
        tick.value = False
        await wait_for(pilot, lambda: field.reading.status == "critical-low", "back to scale 1")
        tick.value = True
        await wait_for(pilot, lambda: field.reading.status == "normal", "scale 2 again")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "Next")
    vitals = app.outcomes[0].encounter.vitals
    assert vitals.spo2_scale == 2
    assert [(r.value, r.status) for r in vitals.spo2] == [(91.0, "normal")]


async def test_a_resumed_scale_2_draft_flags_against_its_target(
    context: Callable[..., StepContext],
) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    vitals = draft.vitals.model_copy(update={"spo2_scale": 2})
    draft = draft.model_copy(update={"vitals": vitals, "form_text": {"vitals-spo2": "89"}})
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        field = screen.field("spo2")
        assert field is not None
        await wait_for(pilot, lambda: field.reading.status == "normal", "89 on scale 2")
