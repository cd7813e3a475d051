"""The vitals step at 80x24, shown on its own in a harness app (see ui_vitals_harness)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, Label, Select
from ui_vitals_harness import (
    StepHarness,
    adult,
    infant,
    past_visit,
    step_screen,
    wait_for,
)

from kiosk.models import ChiefComplaint, Encounter, Patient
from kiosk.screens.base import StepContext
from kiosk.screens.vitals import VitalsScreen
from kiosk.widgets.measurement import MeasurementField

SIZE = (80, 24)


def harness(draft: Encounter, ctx: StepContext) -> StepHarness:
    return StepHarness(lambda: VitalsScreen(draft, ctx))


def new_draft(patient: Patient | None = None) -> Encounter:
    return Encounter(staff_id="ma1", patient=patient or adult(), identity_confirmed=True)


def field(screen: VitalsScreen, input_id: str) -> MeasurementField:
    return screen.query_one(f"#{input_id}-field", MeasurementField)


def echo(screen: VitalsScreen, input_id: str) -> str:
    return str(field(screen, input_id).query_one(".mf-echo", Label).content)


def flag(screen: VitalsScreen, input_id: str) -> Label:
    return field(screen, input_id).query_one(".mf-flag", Label)


def message(screen: VitalsScreen, input_id: str) -> str:
    f = field(screen, input_id)
    return str(f.query_one(".mf-message", Label).content) if f.has_class("-has-message") else ""


def set_text(screen: VitalsScreen, **values: str) -> None:
    """Set inputs by id without typing (underscores become hyphens)."""
    for key, value in values.items():
        screen.query_one(f"#{key.replace('_', '-')}", Input).value = value


async def test_typed_temperature_echoes_and_flags(context: Callable[..., StepContext]) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        screen.query_one("#vitals-temp", Input).focus()
        await pilot.press(*"101.5")
        await wait_for(pilot, lambda: "38.6 °C" in echo(screen, "vitals-temp"), "the echo")
        assert echo(screen, "vitals-temp") == "101.5 °F = 38.6 °C"
        assert str(flag(screen, "vitals-temp").content) == "high"
        assert flag(screen, "vitals-temp").has_class("warning")


async def test_abnormal_is_warning_and_critical_is_error(
    context: Callable[..., StepContext],
) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_pulse="105", vitals_spo2="85", vitals_rr="16")
        await pilot.pause()
        pulse, spo2, rr = (flag(screen, i) for i in ("vitals-pulse", "vitals-spo2", "vitals-rr"))
        assert str(pulse.content) == "high"
        assert pulse.has_class("warning")
        assert not pulse.has_class("error")
        assert str(spo2.content) == "CRITICAL LOW"
        assert spo2.has_class("error")
        assert not spo2.has_class("warning")
        assert str(rr.content) == "normal"
        assert not rr.has_class("error")
        assert not rr.has_class("warning")


async def test_invalid_input_is_kept_flagged_and_blocks_next(
    context: Callable[..., StepContext],
) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_bp_0="120/80", vitals_pulse="72x")
        await pilot.pause()
        # no scolding while typing: the message waits for blur or Next
        assert message(screen, "vitals-pulse") == ""
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: message(screen, "vitals-pulse"), "the pulse message")
        assert app.outcomes == []
        pulse = screen.query_one("#vitals-pulse", Input)
        assert pulse.value == "72x"
        assert pulse.has_class("-invalid")
        assert screen.focused is pulse
        # fixing it clears the message as typed, and Next goes through
        pulse.value = "72"
        await wait_for(pilot, lambda: not message(screen, "vitals-pulse"), "message cleared")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        vitals = app.outcomes[0].encounter.vitals
        assert [m.value for m in vitals.pulse] == [72]
        assert vitals.blood_pressure[0].systolic.value == 120


async def test_37_2_us_temperature_is_refused_with_the_suggestion(
    context: Callable[..., StepContext],
) -> None:
    app = harness(new_draft(), context(unit_system="us"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        screen.query_one("#vitals-temp", Input).focus()
        await pilot.press(*"37.2", "tab")
        await wait_for(pilot, lambda: message(screen, "vitals-temp"), "the message on blur")
        assert "37.2 °C" in message(screen, "vitals-temp")
        assert screen.query_one("#vitals-temp", Input).value == "37.2"
        assert screen.collect() is None


async def test_repeat_bp_saves_two_readings(context: Callable[..., StepContext]) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_bp_0="150/95")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.query("#vitals-bp-1"), "the second BP field")
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#vitals-bp-1"), "focus")
        await pilot.press(*"138/88")
        screen.query_one("#vitals-bp-1-position", Select).value = "standing"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        readings = app.outcomes[0].encounter.vitals.blood_pressure
        assert [(bp.systolic.value, bp.diastolic.value) for bp in readings] == [
            (150, 95),
            (138, 88),
        ]
        assert [bp.position for bp in readings] == ["sitting", "standing"]


async def test_bmi_is_live_for_an_adult(context: Callable[..., StepContext]) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        bmi = screen.query_one("#vitals-bmi", Label)
        assert str(bmi.content) == ""
        set_text(screen, vitals_height="70", vitals_weight="176")
        await wait_for(pilot, lambda: "BMI" in str(bmi.content), "the BMI")
        assert str(bmi.content) == "BMI 25.3 kg/m²  pre-obese (overweight)"
        screen.query_one("#vitals-weight", Input).value = "150"
        await wait_for(pilot, lambda: "21.5" in str(bmi.content), "the BMI to follow")


async def test_head_circumference_only_under_two_and_child_bmi(
    context: Callable[..., StepContext],
) -> None:
    app = harness(new_draft(adult()), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert not screen.query("#vitals-head")
    app = harness(new_draft(infant()), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_head="17 in", vitals_height="26 in", vitals_weight="17 lb")
        await pilot.pause()
        assert "percentile" in str(screen.query_one("#vitals-bmi", Label).content)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        (head,) = app.outcomes[0].encounter.vitals.head_circumference
        assert head.value == pytest.approx(43.18)


async def test_not_taken_with_a_reason_and_required_fields(
    context: Callable[..., StepContext],
) -> None:
    ctx = context(required_fields=("vitals.pulse", "vitals.blood_pressure"))
    app = harness(new_draft(), ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: message(screen, "vitals-pulse"), "required message")
        assert "Required" in message(screen, "vitals-pulse")
        assert "Required" in message(screen, "vitals-bp-0")
        assert app.outcomes == []
        set_text(screen, vitals_bp_0="118/76")
        screen.query_one("#vitals-pulse", Input).focus()
        await pilot.press("ctrl+t")  # taken -> refused
        await wait_for(pilot, lambda: field(screen, "vitals-pulse").not_taken, "refused")
        assert field(screen, "vitals-pulse").not_taken == "refused"
        assert "not taken: refused" in echo(screen, "vitals-pulse")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        (pulse,) = app.outcomes[0].encounter.vitals.pulse
        assert pulse.not_taken == "refused"
        assert pulse.value is None


async def test_oxygen_needs_a_flow(context: Callable[..., StepContext]) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        flow = screen.query_one("#vitals-spo2-flow", Input)
        assert not flow.display or flow.has_class("-hidden")
        set_text(screen, vitals_spo2="94")
        screen.query_one("#vitals-spo2-o2", Select).value = "oxygen"
        await wait_for(pilot, lambda: not flow.has_class("-hidden"), "the flow field")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "litres" in message(screen, "vitals-spo2"), "flow message")
        assert app.outcomes == []
        flow.value = "2"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        (spo2,) = app.outcomes[0].encounter.vitals.spo2
        assert (spo2.value, spo2.on_oxygen, spo2.o2_flow_l_min) == (94, True, 2.0)


async def test_previous_value_and_trend_beside_the_field(
    context: Callable[..., StepContext],
) -> None:
    patient = adult()
    history = [past_visit(patient, 30 * i, 90 - i, 120 + 5 * i) for i in range(1, 5)]
    app = harness(new_draft(patient), context(previous=history[0], history=history))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        weight = field(screen, "vitals-weight")
        # a US kiosk: the last weight in lb, the unit the MA types, though it was typed in kg
        assert str(weight.query_one(".mf-prev", Label).content).startswith("last 196.2 lb")
        trend = str(weight.query_one(".mf-trend", Label).content)
        assert trend == "▁▃▆█"  # 86, 87, 88, 89 kg, oldest first
        bp_trend = str(field(screen, "vitals-bp-0").query_one(".mf-trend", Label).content)
        assert bp_trend == "█▆▃▁"  # 140 down to 125 mmHg


async def test_back_keeps_invalid_text_and_restores_it(
    context: Callable[..., StepContext],
) -> None:
    ctx = context()
    app = harness(new_draft(), ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_temp="37.2", vitals_pulse="88")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.query("#vitals-bp-1"), "the second BP field")
        set_text(screen, vitals_bp_1="130/8")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.outcomes, "the back outcome")
    back = app.outcomes[0]
    assert back.action == "back"
    assert back.encounter.form_text["vitals-temp"] == "37.2"
    assert back.encounter.form_text["vitals-bp-1"] == "130/8"
    again = harness(back.encounter, ctx)
    async with again.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert screen.query_one("#vitals-temp", Input).value == "37.2"
        assert "37.2 °C" in message(screen, "vitals-temp")
        assert echo(screen, "vitals-pulse") == "= 88/min"
        assert screen.query_one("#vitals-bp-1", Input).value == "130/8"


async def test_a_burst_of_keys_lands_in_the_right_fields(
    context: Callable[..., StepContext],
) -> None:
    """Over SSH several keys can arrive in one packet: each number must reach its own field."""
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        driver = app._driver
        assert driver is not None
        for key in [*"150/95", "enter", *"135", "enter", *"abc", "enter", *"22"]:
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            driver.send_message(event)  # all queued before the app handles the first one
        rr = screen.query_one("#vitals-rr", Input)
        # "abc" cannot be saved: the focus stays on it, and it says why
        await wait_for(pilot, lambda: "Cannot read" in message(screen, "vitals-rr"), "why")
        await pilot.pause()
        assert screen.focused is rr
        assert screen.query_one("#vitals-bp-0", Input).value == "150/95"
        assert screen.query_one("#vitals-pulse", Input).value == "135"
        # "22" was typed before the refusal could be seen, for the next field: it is dropped,
        # neither typed into RR ("abc22") nor into a field the MA is not looking at
        assert rr.value == "abc"
        assert screen.query_one("#vitals-temp", Input).value == ""
        # what is typed once the refusal is on screen goes where the focus is
        await pilot.press("backspace", "backspace", "backspace", *"18", "enter")
        temp = screen.query_one("#vitals-temp", Input)
        await wait_for(pilot, lambda: screen.focused is temp, "the focus on temperature")
        assert rr.value == "18"


def send_burst(app: StepHarness, keys: list[str]) -> None:
    """Queue keys as the terminal driver does for one read (all before the first is handled),
    with the key names the driver gives (``full_stop``, ``percent_sign``, ``backspace``)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        character = key if len(key) == 1 else None
        event = events.Key(_character_to_key(key) if character else key, character)
        event.set_sender(app)
        driver.send_message(event)


async def test_a_burst_after_a_refused_temperature_fills_every_field_in_order(
    context: Callable[..., StepContext],
) -> None:
    """The burst seen in the real app: the Backspaces act before the characters, in the
    temperature field; each value reaches its own field and the last Enter is Next."""
    app = harness(new_draft(), context(unit_system="us"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        send_burst(app, [*"128/82", "enter", *"88", "enter", *"16", "enter", *"37.2", "enter"])
        temp = screen.query_one("#vitals-temp", Input)
        await wait_for(pilot, lambda: "37.2 °C" in message(screen, "vitals-temp"), "refusal")
        await pilot.pause()
        assert screen.focused is temp  # refused: the focus stays
        # held now: once Next has dismissed the step its widgets are being removed
        inputs = {
            name: screen.query_one(f"#vitals-{name}", Input)
            for name in ("bp-0", "pulse", "rr", "temp", "spo2", "height", "weight", "pain")
        }
        send_burst(
            app,
            ["backspace"] * 4
            + [*"37.2C", "enter", *"97%", "enter", *"5'4\"", "enter", *"150 lbs", "enter"]
            + ["3", "enter"],
        )
        await wait_for(pilot, lambda: app.outcomes, "Next from the last field (pain)")
        values = {name: field.value for name, field in inputs.items()}
        assert values == {
            "bp-0": "128/82",
            "pulse": "88",
            "rr": "16",
            "temp": "37.2C",
            "spo2": "97%",
            "height": "5'4\"",
            "weight": "150 lbs",
            "pain": "3",
        }
        vitals = app.outcomes[0].encounter.vitals
        assert vitals.temperature[0].value == pytest.approx(37.2)
        assert [m.value for m in vitals.pain] == [3]
        assert [m.value for m in vitals.spo2] == [97]


async def test_a_refused_value_never_takes_the_next_fields_digits(
    context: Callable[..., StepContext],
) -> None:
    """Pulse "2" is impossible; "16" typed ahead for RR must not make it a pulse of 216."""
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        pulse = screen.query_one("#vitals-pulse", Input)
        pulse.focus()
        await pilot.pause()
        send_burst(app, ["2", "enter", *"16", "enter", *"98.6"])
        await wait_for(pilot, lambda: message(screen, "vitals-pulse"), "the pulse refused")
        await pilot.pause()
        assert pulse.value == "2"
        assert screen.focused is pulse
        assert screen.query_one("#vitals-rr", Input).value == ""
        assert screen.query_one("#vitals-temp", Input).value == ""


async def test_saved_readings_and_not_taken_choices_come_back(
    context: Callable[..., StepContext],
) -> None:
    """A draft's saved vitals fill the fields; form_text (Back) overrides them."""
    first = harness(new_draft(), context())
    async with first.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_bp_0="118/76", vitals_temp="37.1C", vitals_weight="80 kg")
        field(screen, "vitals-rr").set_not_taken("unable")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: first.outcomes, "the outcome")
    saved = first.outcomes[0].encounter
    assert saved.vitals.respiratory_rate[0].not_taken == "unable"
    draft = saved.model_copy(update={"form_text": {"vitals-pulse-nt": "refused"}})
    again = harness(draft, context())
    async with again.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert screen.query_one("#vitals-bp-0", Input).value == "118/76"
        assert echo(screen, "vitals-temp") == "= 37.1 °C"
        assert field(screen, "vitals-rr").not_taken == "unable"
        assert field(screen, "vitals-pulse").not_taken == "refused"
        assert screen.query_one("#vitals-pulse", Input).disabled
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: again.outcomes, "the outcome")
    vitals = again.outcomes[0].encounter.vitals
    assert vitals.temperature[0].taken_at == saved.vitals.temperature[0].taken_at  # unchanged
    assert vitals.pulse[0].not_taken == "refused"


async def test_weight_and_height_swapped_are_caught(context: Callable[..., StepContext]) -> None:
    app = harness(new_draft(), context(unit_system="metric"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_height="80", vitals_weight="178")  # each possible alone
        bmi = screen.query_one("#vitals-bmi", Label)
        await wait_for(pilot, lambda: "swapped" in str(bmi.content), "the live warning")
        assert bmi.has_class("warning")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "swapped" in message(screen, "vitals-weight"), "message")
        assert "swapped" in message(screen, "vitals-height")
        assert app.outcomes == []


async def test_pain_starts_from_the_complaints_score(context: Callable[..., StepContext]) -> None:
    """The score the patient gave with the chief complaint fills the pain field (the MA
    confirms or changes it), and it is saved as a reading."""
    draft = new_draft().model_copy(
        update={"complaint": ChiefComplaint(text="sore throat", severity=4)}
    )
    app = harness(draft, context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert screen.query_one("#vitals-pain", Input).value == "4"
        await wait_for(pilot, lambda: "4/10" in echo(screen, "vitals-pain"), "the echo")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        assert [m.value for m in app.outcomes[0].encounter.vitals.pain] == [4.0]
    untold = harness(new_draft(), context())
    async with untold.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert screen.query_one("#vitals-pain", Input).value == ""


def detail(screen: VitalsScreen, input_id: str) -> str:
    f = field(screen, input_id)
    return str(f.query_one(".mf-detail", Label).content) if f.has_class("-has-detail") else ""


async def test_blood_pressure_shows_both_flags_and_the_review_category_as_typed(
    context: Callable[..., StepContext],
) -> None:
    """300/20 says CRITICAL for both parts; 128/82 (both in range) says stage 1 as the review
    does — for the first reading and for a repeat, while the MA types."""
    from kiosk.screens.review_text import score_lines

    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        await pilot.press(*"300/20")
        await wait_for(pilot, lambda: detail(screen, "vitals-bp-0"), "the BP detail line")
        first = field(screen, "vitals-bp-0").query_one(".mf-detail", Label)
        assert detail(screen, "vitals-bp-0") == (
            "sys CRITICAL HIGH · dia CRITICAL LOW · BP hypertensive crisis"
        )
        assert first.has_class("error")
        assert str(flag(screen, "vitals-bp-0").content) == ""  # no lone, partial flag word
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.focused and screen.focused.id == "vitals-bp-1", "BP 1")
        await pilot.press(*"128/82")
        await wait_for(pilot, lambda: detail(screen, "vitals-bp-1"), "the repeat's detail line")
        assert detail(screen, "vitals-bp-1") == "sys normal · dia normal · BP hypertension stage 1"
        assert field(screen, "vitals-bp-1").query_one(".mf-detail", Label).has_class("warning")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        review = [text for text, _ in score_lines(app.outcomes[0].encounter)]
        assert "BP reading category: hypertension stage 1 (one reading, not a diagnosis)" in review


async def test_blood_pressure_detail_clears_when_the_text_is_cleared_or_not_taken(
    context: Callable[..., StepContext],
) -> None:
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        await pilot.press(*"128/82")
        await wait_for(pilot, lambda: detail(screen, "vitals-bp-0"), "the BP detail line")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: not detail(screen, "vitals-bp-0"), "no detail: not taken")
        field(screen, "vitals-bp-0").set_not_taken(None)
        await wait_for(pilot, lambda: detail(screen, "vitals-bp-0"), "the detail line again")
        screen.query_one("#vitals-bp-0", Input).value = ""
        await wait_for(pilot, lambda: not detail(screen, "vitals-bp-0"), "no detail: empty")


# ---------------------------------------------------------------- change from the last visit


def visit_with(patient: Patient, weight_kg: float, height_cm: float) -> Encounter:
    from ui_vitals_harness import reading

    visit = past_visit(patient, 30, weight_kg, 120)
    visit.vitals.height.append(reading("height", height_cm, "cm"))
    return visit


def change_row(screen: VitalsScreen, name: str) -> str:
    row = screen.query_one(f"#vitals-{name}-change")
    return "" if row.has_class("-hidden") else str(row.query_one(Label).content)


async def test_a_15_lb_drop_and_an_adult_8_6_cm_taller_ask_for_confirmation(
    context: Callable[..., StepContext],
) -> None:
    """US kiosk: the last values in lb and in, the changes flagged, Next held until ticked."""
    from textual.widgets import Checkbox

    patient = adult()
    last = visit_with(patient, 180 * 0.45359237, 170.0)
    app = harness(new_draft(patient), context(previous=last, history=[last]))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        weight = field(screen, "vitals-weight")
        assert str(weight.query_one(".mf-prev", Label).content).startswith("last 180 lb")
        height = field(screen, "vitals-height")
        assert str(height.query_one(".mf-prev", Label).content).startswith("last 66.9 in")
        assert change_row(screen, "weight") == change_row(screen, "height") == ""
        screen.query_one("#vitals-weight", Input).focus()
        await pilot.press(*"165")
        await wait_for(pilot, lambda: change_row(screen, "weight"), "the weight change")
        assert change_row(screen, "weight").startswith("Weight 15 lb less than last visit (180 lb")
        set_text(screen, vitals_height="70.3")  # 178.6 cm
        await wait_for(pilot, lambda: change_row(screen, "height"), "the height change")
        assert change_row(screen, "height").startswith("Height 3.4 in taller than last visit")
        await pilot.press("ctrl+n")
        tick = screen.query_one("#vitals-height-change-ok", Checkbox)
        await wait_for(pilot, lambda: screen.focused is tick, "focus on the first tick")
        assert tick.has_class("-flagged")
        assert screen.query_one("#vitals-weight-change-ok").has_class("-flagged")
        assert change_row(screen, "height").startswith("Confirm or correct: Height 3.4 in")
        assert change_row(screen, "weight").startswith("Confirm or correct: Weight 15 lb")
        assert app.outcomes == []
        assert screen.query_one("#vitals-weight", Input).value == "165"  # the value is kept
        await pilot.press("space")
        await wait_for(pilot, lambda: tick.value, "height confirmed")
        assert change_row(screen, "height").startswith("Height 3.4 in")  # said, not asked
        await pilot.press("ctrl+n")
        weight_tick = screen.query_one("#vitals-weight-change-ok", Checkbox)
        await wait_for(pilot, lambda: screen.focused is weight_tick, "focus on the weight tick")
        assert app.outcomes == []
        await pilot.press("space")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
        vitals = app.outcomes[0].encounter.vitals
        assert vitals.weight[0].entered == "165"
        assert vitals.height[0].value == pytest.approx(178.56)


async def test_a_new_value_needs_a_new_confirmation_and_back_keeps_it(
    context: Callable[..., StepContext],
) -> None:
    from textual.widgets import Checkbox

    patient = adult()
    last = visit_with(patient, 80.0, 170.0)
    ctx = context(previous=last, history=[last], unit_system="metric")
    app = harness(new_draft(patient), ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        weight = field(screen, "vitals-weight")
        assert str(weight.query_one(".mf-prev", Label).content).startswith("last 80 kg")
        set_text(screen, vitals_weight="70")
        await wait_for(pilot, lambda: change_row(screen, "weight"), "the weight change")
        assert change_row(screen, "weight").startswith("Weight 10 kg less than last visit (80 kg")
        tick = screen.query_one("#vitals-weight-change-ok", Checkbox)
        tick.value = True
        await pilot.pause()
        set_text(screen, vitals_weight="71")
        await wait_for(pilot, lambda: not tick.value, "the tick cleared for a new value")
        set_text(screen, vitals_weight="79")  # within 5 %: no question
        await wait_for(pilot, lambda: not change_row(screen, "weight"), "no change row")
        set_text(screen, vitals_weight="70")
        await wait_for(pilot, lambda: change_row(screen, "weight"), "the change again")
        tick.value = True
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.outcomes, "back")
        kept = app.outcomes[0].encounter
    app = harness(kept, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert screen.query_one("#vitals-weight", Input).value == "70"
        assert screen.query_one("#vitals-weight-change-ok", Checkbox).value
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "next without asking again")
        done = app.outcomes[0].encounter
    app = harness(done, ctx)  # back to vitals after Next: the saved reading was confirmed
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        assert change_row(screen, "weight")
        assert screen.query_one("#vitals-weight-change-ok", Checkbox).value


async def test_a_growing_child_is_not_asked_but_a_shrinking_one_is(
    context: Callable[..., StepContext],
) -> None:
    born = date(date.today().year - 7, 1, 1)
    child = adult(born=born)
    last = visit_with(child, 22.0, 120.0)
    ctx = context(previous=last, history=[last], unit_system="metric")
    app = harness(new_draft(child), ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        set_text(screen, vitals_height="128.6", vitals_weight="22.5")
        await pilot.pause()
        assert change_row(screen, "height") == change_row(screen, "weight") == ""
        set_text(screen, vitals_height="119")
        await wait_for(pilot, lambda: change_row(screen, "height"), "a shrinking child")
        assert change_row(screen, "height") == "Height 1 cm shorter than last visit (120 cm, " + (
            last.day.isoformat() + ")"
        )
        field(screen, "vitals-height").set_not_taken("refused")
        await wait_for(pilot, lambda: not change_row(screen, "height"), "not taken: no question")


async def test_a_field_shows_what_it_holds_after_a_long_text_is_deleted(
    context: Callable[..., StepContext],
) -> None:
    """A long refused text, deleted (Ctrl+U), then "130": the field draws "130", not the
    tail of a text that scrolled away ("30" while it held 130)."""
    app = harness(new_draft(), context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, VitalsScreen)
        pulse = screen.query_one("#vitals-pulse", Input)
        pulse.focus()
        await pilot.press(*"1e308", "enter", *"30", "enter", *"101.5", "enter")
        await pilot.press("end", "ctrl+u", *"130")
        await wait_for(pilot, lambda: pulse.value == "130", "the new text")
        await pilot.pause()
        assert pulse.render_line(0).text.strip() == "130"
