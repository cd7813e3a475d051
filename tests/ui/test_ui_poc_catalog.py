"""The POC step's catalog tests, vision and hearing at 80x24, by keys and by touch: the kit
lot, QC and result checked as each test is recorded; an invalid result asks for a repeat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from textual.widgets import Button, Input, Label, Select
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter, Patient, QcRun, StockLot
from kiosk.screens.base import StepContext
from kiosk.screens.poc import PocScreen
from kiosk.screens.poc_tests import CatalogTests
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom
from kiosk.widgets.scroll import ScrollBody

SIZE = (80, 24)
NEXT_YEAR = datetime.now(UTC).date() + timedelta(days=365)


def stocked(ctx: StepContext, *, qc: bool = True, expiry: date = NEXT_YEAR) -> None:
    folder = ctx.store.folder.data_dir
    StockRoom(folder, actor="ma1").add(
        StockLot(
            item="strep-a",
            lot="STR-1",
            expiry=expiry,
            quantity=10,
            received=datetime.now(UTC) - timedelta(days=1),
        )
    )
    if qc:
        for level in ("positive", "negative"):
            QcLog(folder, actor="ma1").record(
                QcRun(
                    test="strep-a",
                    kit_lot="STR-1",
                    control_lot="C-7",
                    control_expiry=NEXT_YEAR,
                    level=level,
                    expected=level,
                    observed=level,
                    passed=True,
                    operator="ma1",
                    time=datetime.now(UTC) - timedelta(hours=1),
                )
            )


def harness(ctx: StepContext, patient: Patient | None = None) -> StepHarness:
    draft = Encounter(staff_id="ma1", patient=patient or adult(), identity_confirmed=True)
    return StepHarness(lambda: PocScreen(draft, ctx))


def message(screen: PocScreen) -> str:
    return str(screen.query_one("#poc-test-message", Label).content)


async def choose_strep(pilot: object, screen: PocScreen) -> None:
    screen.query_one("#poc-test-name", Select).value = "strep-a"
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: screen.query_one("#poc-test-lot", Input).value == "STR-1",
        "the lot on hand filled in",
    )


async def test_a_strep_result_is_recorded_by_keys_with_its_lot_and_qc(
    context: Callable[..., StepContext],
) -> None:
    ctx = context()
    stocked(ctx)
    app = harness(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        await choose_strep(pilot, screen)
        hint = str(screen.query_one("#poc-test-hint", Label).content)
        assert "STR-1 (exp" in hint
        assert "10 left" in hint
        result = screen.query_one("#poc-test-result", Input)
        result.focus()
        await pilot.press("p", "o", "s", "ctrl+d")
        tests = screen.query_one(CatalogTests)
        await wait_for(pilot, lambda: tests.results, "the result recorded")
        assert result.value == ""  # ready for the next test
        done = str(screen.query_one("#poc-test-done", Label).content)
        assert "Rapid strep A: positive  abnormal  lot STR-1" in done
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    (saved,) = app.outcomes[0].encounter.poc.results
    assert (saved.answer, saved.kit_lot, saved.operator, len(saved.qc_runs)) == (
        "positive",
        "STR-1",
        "ma1",
        2,
    )


async def test_missing_qc_blocks_the_result_and_names_the_control(
    context: Callable[..., StepContext],
) -> None:
    ctx = context()
    stocked(ctx, qc=False)
    app = harness(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        await choose_strep(pilot, screen)
        screen.query_one("#poc-test-result", Input).value = "negative"
        screen.query_one("#poc-test-record").scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#poc-test-record")  # touch: the button does what Ctrl+D does
        await wait_for(pilot, lambda: message(screen), "the QC message")
        assert "run the positive control for Rapid strep A (kit lot STR-1)" in message(screen)
        assert screen.query_one("#poc-test-lot", Input).has_class("-invalid")
        assert screen.query_one("#poc-test-result", Input).value == "negative"  # kept
        assert screen.query_one(CatalogTests).results == []


async def test_an_expired_lot_typed_is_refused(context: Callable[..., StepContext]) -> None:
    ctx = context()
    stocked(ctx, expiry=datetime.now(UTC).date() - timedelta(days=1))
    app = harness(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        screen.query_one("#poc-test-name", Select).value = "strep-a"
        await wait_for(
            pilot,
            lambda: "No usable lot" in str(screen.query_one("#poc-test-hint", Label).content),
            "no usable lot said",
        )
        screen.query_one("#poc-test-lot", Input).value = "str-1"  # typed or scanned anyway
        screen.query_one("#poc-test-result", Input).value = "neg"
        screen.action_record_test()
        await pilot.pause()
        assert "expired on" in message(screen)
        assert screen.query_one(CatalogTests).results == []


async def test_an_invalid_result_prompts_a_repeat_recorded_as_such(
    context: Callable[..., StepContext],
) -> None:
    ctx = context()
    stocked(ctx)
    app = harness(ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        await choose_strep(pilot, screen)
        screen.query_one("#poc-test-result", Input).value = "inv"
        screen.action_record_test()
        await pilot.pause()
        assert "invalid (no control line). Repeat it" in message(screen)
        screen.query_one("#poc-test-result", Input).value = "negative"
        screen.action_record_test()
        await pilot.pause()
        first, repeat = screen.query_one(CatalogTests).results
        assert first.is_invalid
        assert repeat.repeat_of == first.id
        # Back keeps what was recorded (the snapshot carries the results)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.outcomes, "the back outcome")
    assert len(app.outcomes[0].encounter.poc.results) == 2


async def test_vision_and_hearing_for_a_child_flag_the_referral(
    context: Callable[..., StepContext],
) -> None:
    born = datetime.now(UTC).date() - timedelta(days=int(4.5 * 365.25))
    child = Patient(id="MRN-77", family_name="Ito", given_name="Mei", birth_date=born)
    app = harness(context(), child)
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        titles = [str(t.content) for t in screen.query(".poc-title").results(Label)]
        assert any("due at 4 y (AAP Bright Futures): vision, hearing" in t for t in titles)
        screen.query_one("#poc-va-right", Input).value = "20/40-2"
        screen.query_one("#poc-va-left", Input).value = "20/60"
        screen.query_one("#poc-va-both", Input).value = "20/40+"
        await pilot.press("ctrl+n")
        await pilot.pause()
        shown = str(screen.query_one("#poc-va-message", Label).content)
        assert "Both: '20/40+' is not a Snellen line" in shown
        assert screen.query_one("#poc-va-both", Input).value == "20/40+"  # kept
        assert not app.outcomes
        screen.query_one("#poc-va-both", Input).value = ""
        for hz in (1000, 2000, 4000):
            screen.query_one(f"#poc-hear-right-{hz}", Select).value = "pass"
            screen.query_one(f"#poc-hear-left-{hz}", Select).value = (
                "refer" if hz == 4000 else "pass"
            )
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: app.outcomes, "the outcome")
    poc = app.outcomes[0].encounter.poc
    assert poc.vision is not None
    assert poc.vision.refer
    assert "left eye 20/60 worse than 20/40" in poc.vision.reason
    assert [r.entered for r in poc.vision.readings] == ["20/40-2", "20/60"]
    assert poc.hearing is not None
    assert poc.hearing.refer
    assert len(poc.hearing.tones) == 6


async def test_an_expired_urine_strip_is_refused(context: Callable[..., StepContext]) -> None:
    app = harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        screen.query_one("#poc-urine-glucose").value = "negative"
        screen.query_one("#poc-urine-expiry", Input).value = "2020-01-31"
        await pilot.press("ctrl+n")
        await pilot.pause()
        shown = str(screen.query_one("#poc-urine-message", Label).content)
        assert "The strip lot expired on 2020-01-31" in shown
        assert not app.outcomes


async def test_the_record_button_and_key_are_there_at_80x24(
    context: Callable[..., StepContext],
) -> None:
    app = harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        button = screen.query_one("#poc-test-record", Button)
        assert "^D" in str(button.label)
        assert any(b.key == "ctrl+d" for b in screen.BINDINGS if hasattr(b, "key"))


async def test_the_test_row_reached_by_tab_is_not_under_the_more_below_line(
    context: Callable[..., StepContext],
) -> None:
    app = harness(context())
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        await pilot.press("ctrl+a", *["tab"] * 8)  # pH, the strip, the glucose row, the test
        pick = screen.query_one("#poc-test-name", Select)
        await wait_for(pilot, lambda: screen.focused is pick, "the test drop-down focused")
        hint = screen.query_one("#step-body", ScrollBody).hint
        await wait_for(pilot, lambda: pick.region.bottom <= hint.region.y, "the row in view")
