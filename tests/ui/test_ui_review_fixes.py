"""Review fixes (80x24): NEWS2 names exactly the missing readings; the acknowledgement and
the dipstick show their state as a character, not only as colour."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from review_samples import known_encounter
from textual.widgets import Checkbox, Label
from ui_vitals_harness import StepHarness, adult, step_screen, wait_for

from kiosk.models import Encounter, PocTests, UrineDipstick, Vitals
from kiosk.scoring import news2_missing
from kiosk.screens.base import StepContext
from kiosk.screens.poc import PocScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.review_text import score_lines
from kiosk.widgets.dipstick import ChoiceRow
from kiosk.widgets.tick import Tick

SIZE = (80, 24)


def without(**empty: list[Any]) -> Any:
    encounter = known_encounter()
    vitals: Vitals = encounter.vitals.model_copy(update=empty)
    return encounter.model_copy(update={"vitals": vitals})


def test_news2_names_only_the_missing_readings() -> None:
    assert news2_missing(known_encounter()) == []
    assert news2_missing(without(spo2=[])) == ["SpO2"]
    assert news2_missing(without(pulse=[], temperature=[])) == ["pulse", "temperature"]
    lines = [text for text, _ in score_lines(without(spo2=[]))]
    assert "NEWS2: needs SpO2" in lines


async def test_review_screen_says_which_reading_news2_needs(
    context: Callable[..., StepContext],
) -> None:
    app = StepHarness(lambda: ReviewScreen(without(spo2=[]), context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        lines = [str(label.content) for label in screen.query(".review-score").results(Label)]
        assert "NEWS2: needs SpO2" in lines
        assert not any("respiratory rate" in line for line in lines)


def drawn(app: Any) -> list[str]:
    """The screen's characters as drawn, no colour: what a monochrome terminal shows."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_provider_notified_shows_its_state_as_a_character(
    context: Callable[..., StepContext],
) -> None:
    app = StepHarness(lambda: ReviewScreen(known_encounter(), context()))  # pulse 135: critical
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, ReviewScreen)
        box = screen.query_one("#review-notified", Checkbox)
        assert isinstance(box, Tick)
        box.scroll_visible(animate=False)
        await pilot.pause()
        line = next(text for text in drawn(app) if "Provider notified" in text)
        assert "▐ ▌" in line
        assert "X" not in line.split("Provider")[0]
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: box.value, "the tick")
        await pilot.pause()
        line = next(text for text in drawn(app) if "Provider notified" in text)
        assert "▐X▌" in line


async def test_dipstick_choice_shows_its_state_as_a_character(
    context: Callable[..., StepContext],
) -> None:
    draft = Encounter(
        staff_id="ma1",
        patient=adult(),
        identity_confirmed=True,
        poc=PocTests(urine=UrineDipstick(protein="2+")),
    )
    app = StepHarness(lambda: PocScreen(draft, context()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await step_screen(pilot, PocScreen)
        protein = screen.query_one("#poc-urine-protein", ChoiceRow)
        protein.scroll_visible(animate=False)
        await pilot.pause()
        line = next(text for text in drawn(app) if "Protein" in text)
        assert line.count("●") == 1  # one dot, on the chosen result only
        assert "▐●▌ 2+" in line
        assert "▐ ▌ 1+" in line
