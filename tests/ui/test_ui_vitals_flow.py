"""The oxygen flow beside SpO2 (80x24), read by the core's check_flow."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Select
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.vitals import VitalsScreen
from kiosk.widgets.measurement import MeasurementField

SIZE = (80, 24)


async def test_an_unreadable_flow_beside_spo2_not_taken_is_not_saved(
    context: Callable[..., StepContext],
) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        screen.query_one("#vitals-spo2-o2", Select).value = "oxygen"
        screen.query_one("#vitals-spo2-flow", Input).value = "lots"
        screen.query_one("#vitals-spo2-field", MeasurementField).set_not_taken("unable")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "Next")
    (spo2,) = app.outcomes[0].encounter.vitals.spo2
    assert spo2.not_taken == "unable"
    assert spo2.on_oxygen
    assert spo2.o2_flow_l_min is None


async def test_a_flow_in_litres_per_minute_is_saved_with_spo2(
    context: Callable[..., StepContext],
) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        screen.query_one("#vitals-spo2", Input).value = "95"
        screen.query_one("#vitals-spo2-o2", Select).value = "oxygen"
        screen.query_one("#vitals-spo2-flow", Input).value = "2 L/min"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "Next")
    (spo2,) = app.outcomes[0].encounter.vitals.spo2
    assert (spo2.value, spo2.on_oxygen, spo2.o2_flow_l_min) == (95, True, 2.0)
