"""NEWS2 SpO2 scale 2: a tick beside SpO2 (80x24, by keys), stored and scored (issue 10)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Checkbox, Input
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.vitals import VitalsScreen

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
