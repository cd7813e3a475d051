"""A keystroke is checked once (80x24): the field keeps its last check, and the message beside
it, Textual's validation (Input.is_valid) and the saved model all come from that one check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, Label, Select
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter
from kiosk.screens.base import StepContext
from kiosk.screens.vitals import VitalsScreen
from kiosk.validators import check_blood_pressure, check_vital
from kiosk.widgets import validation
from kiosk.widgets.measurement import MeasurementField

SIZE = (80, 24)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every core check the field adapters make, as (kind, text), in order."""
    calls: list[tuple[str, str]] = []
    vital, pressure = check_vital, check_blood_pressure

    def counting_vital(kind: str, text: str, **options: Any) -> Any:
        calls.append((kind, text))
        return vital(kind, text, **options)

    def counting_pressure(text: str, **options: Any) -> Any:
        calls.append(("blood_pressure", text))
        return pressure(text, **options)

    monkeypatch.setattr(validation, "check_vital", counting_vital)
    monkeypatch.setattr(validation, "check_blood_pressure", counting_pressure)
    return calls


def shown_message(field: MeasurementField) -> str:
    label = field.query_one(".mf-message", Label)
    return str(label.content) if field.has_class("-has-message") else ""


def typed(kind: str, *texts: str) -> list[tuple[str, str]]:
    return [(kind, text) for text in texts]


async def test_each_keystroke_is_checked_once(
    context: Callable[..., StepContext], checked: list[tuple[str, str]]
) -> None:
    draft = Encounter(staff_id="ma1", patient=adult(), identity_confirmed=True)
    app = StepHarness(lambda: VitalsScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert checked == []  # empty fields are not checked
        pulse = screen.query_one("#vitals-pulse-field", MeasurementField)
        pulse.input.focus()
        await pilot.press(*"720", "tab")  # 720/min is impossible: the message shows on leaving
        assert checked == typed("pulse", "7", "72", "720")
        impossible = check_vital("pulse", "720", age_years=screen.age)
        assert shown_message(pulse) == impossible.message
        assert not pulse.input.is_valid
        assert pulse.reading.message == impossible.message

        pulse.input.focus()
        await pilot.press("backspace")  # flagged: re-checked (once) until it reads again
        await wait_for(pilot, lambda: not shown_message(pulse), "the message to clear")
        assert checked[3:] == typed("pulse", "72")
        assert pulse.input.is_valid

        for input_id, keys in (("vitals-height", "70"), ("vitals-weight", "176")):
            screen.query_one(f"#{input_id}", Input).focus()
            await pilot.press(*keys)  # weight and height also check BMI together, per key
        assert checked[4:] == [*typed("height", "7", "70"), *typed("weight", "1", "17", "176")]

        screen.query_one("#vitals-bp-0", Input).focus()
        await pilot.press(*"150/95", "enter")  # Enter checks the field and moves on
        bp_texts = ("1", "15", "150", "150/", "150/9", "150/95")
        assert checked[9:] == typed("blood_pressure", *bp_texts)
        screen.query_one("#vitals-spo2-o2", Select).value = "oxygen"
        screen.query_one("#vitals-spo2-flow", Input).value = "2"
        count = len(checked)
        await pilot.press("ctrl+n")  # Next: every field checked, the model built
        await wait_for(pilot, lambda: app.outcomes, "Next")
        assert len(checked) == count, checked[count:]

    vitals = app.outcomes[0].encounter.vitals
    (saved_pulse,) = vitals.pulse
    check = check_vital("pulse", "72", age_years=screen.age)
    assert (saved_pulse.entered, saved_pulse.value, saved_pulse.status) == (
        "72",
        check.value,
        check.status,
    )
    assert saved_pulse.message == check.message == pulse.reading.message
    (weight,) = vitals.weight
    assert (weight.entered, weight.entered_unit) == ("176", "[lb_av]")
    (bp,) = vitals.blood_pressure
    assert (bp.systolic.value, bp.diastolic.value) == (150, 95)
    assert vitals.spo2 == []  # no SpO2 typed: the flow alone is not a reading
