"""No typed text stops the kiosk, and none reaches the screen raw (issue 10, Robustness).

At 80x24 in the step harness, on a metric and a US clinic: huge numbers, control characters,
ESC sequences, zero-width and bidi characters and Textual markup are typed or pasted into the
vitals fields; the app keeps running, the field shows a message, and neither the message nor
the field hands a hidden character to the terminal or reads "[bold]" as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Label
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.poc import PocScreen
from kiosk.screens.vitals import VitalsScreen
from kiosk.validators.text import is_hidden
from kiosk.widgets.measurement import MeasurementField

SIZE = (80, 24)
PASTED = ["1e308", "72\x00", "\x1b[31m72", "7\u200b2", "\u202e27", "\x1b]0;owned\x07", "[bold]72"]


def _draft() -> Encounter:
    return Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)


def _field(screen: VitalsScreen, input_id: str) -> MeasurementField:
    return screen.query_one(f"#{input_id}-field", MeasurementField)


def _message(field: MeasurementField) -> str:
    if not field.has_class("-has-message"):
        return ""
    return str(field.query_one(".mf-message", Label).content)


def _painted(widget: Any) -> str:
    """The characters the widget hands to the terminal, line by line."""
    height = max(widget.size.height, 1)
    return "\n".join("".join(seg.text for seg in widget.render_line(y)) for y in range(height))


def _no_hidden(text: str) -> None:
    assert not any(is_hidden(char) for char in text if char != "\n"), repr(text)


async def _enter(pilot: Any, screen: Any, input_id: str, text: str, *, paste: bool) -> None:
    field_input = screen.query_one(f"#{input_id}", Input)
    field_input.focus()
    field_input.value = ""
    await pilot.pause()
    if paste:
        field_input.post_message(events.Paste(text))
    else:
        await pilot.press(*text)
    await pilot.pause()
    await pilot.press("tab")  # leaving the field shows its message


@pytest.mark.parametrize("system", ["metric", "us"])
@pytest.mark.parametrize("input_id", ["vitals-height", "vitals-temp", "vitals-pulse"])
async def test_typed_and_pasted_text_never_stops_the_app(
    context: Callable[..., StepContext], system: str, input_id: str
) -> None:
    app = StepHarness(lambda: VitalsScreen(_draft(), context(unit_system=system)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        field = _field(screen, input_id)
        await _enter(pilot, screen, input_id, "1e308", paste=False)  # typed, key by key
        await wait_for(pilot, lambda: _message(field), "the message for 1e308")
        assert "exponent" in _message(field)
        for text in PASTED:
            await _enter(pilot, screen, input_id, text, paste=True)
            await wait_for(pilot, lambda: _message(field), f"the message for {text!r}")
            assert app.is_running
            assert isinstance(app.screen, VitalsScreen)
            shown = _message(field)
            _no_hidden(shown)
            field_input = screen.query_one(f"#{input_id}", Input)
            _no_hidden(field_input.value)
            _no_hidden(_painted(field_input))
            _no_hidden(_painted(field.query_one(".mf-message", Label)))
            if text.startswith("[bold]"):
                assert "[bold]" in shown  # shown as typed, not read as markup
                assert "[bold]" in _painted(field.query_one(".mf-message", Label))
        await pilot.press("ctrl+n")  # Next is refused, the step stays
        await pilot.pause()
        assert app.outcomes == []
        assert app.is_running


async def test_keys_that_insert_nothing_change_nothing(
    context: Callable[..., StepContext],
) -> None:
    app = StepHarness(lambda: VitalsScreen(_draft(), context(unit_system="metric")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        height = screen.query_one("#vitals-height", Input)
        height.focus()
        await pilot.press("1", "8", "0", "ctrl+@", "ctrl+a", "ctrl+e")
        await pilot.pause()
        assert height.value == "180"
        assert app.is_running


async def test_a_metric_clinic_reads_a_bare_glucose_in_mmol(
    context: Callable[..., StepContext],
) -> None:
    app = StepHarness(lambda: PocScreen(_draft(), context(unit_system="metric")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        glucose = screen.query_one("#poc-glucose", Input)
        assert glucose.placeholder == "mmol/L"
        glucose.value = "12"
        field = screen.query_one(MeasurementField)
        echo = field.query_one(".mf-echo", Label)
        await wait_for(pilot, lambda: "mg/dL" in str(echo.content), "the echo")
        assert str(echo.content) == "12 mmol/L = 216.2 mg/dL"
        glucose.value = "120"  # usual only in mg/dL: asked, not guessed
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: _message(field), "the question")
        assert "did you mean 120 mg/dL?" in _message(field)
        assert app.outcomes == []
