"""A keystroke repaints what changed, never re-lays the screen out (issue 11, bytes per key
over SSH: ``benchmarks/bench_bytes.py``). A field that changes height on a key makes Textual
lay out and write the whole screen again: 23-31 KB for one key, where a repaint is ~0.5 KB."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.vitals import VitalsScreen
from kiosk.widgets.measurement import MeasurementField


async def test_the_bp_detail_line_comes_and_goes_without_a_height_change(
    context: Callable[..., StepContext],
) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        bp_input = screen.query_one("#vitals-bp-0", Input)
        field = next(a for a in bp_input.ancestors if isinstance(a, MeasurementField))
        bp_input.focus()
        await pilot.pause()
        before = field.size.height
        await pilot.press(*"128/7")
        await pilot.press("8")  # the reading is whole: "sys normal · dia normal · BP ..."
        await wait_for(pilot, lambda: field.has_class("-has-detail"), "the detail line")
        await pilot.pause()
        assert field.size.height == before
        await pilot.press("backspace")  # the detail goes
        await wait_for(pilot, lambda: not field.has_class("-has-detail"), "no detail line")
        await pilot.pause()
        assert field.size.height == before
