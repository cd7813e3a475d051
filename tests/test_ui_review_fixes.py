"""Review fixes (80x24): NEWS2 names exactly the missing readings; the acknowledgement and
the dipstick show their state as a character, not only as colour."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui_review import known_encounter
from textual.widgets import Label
from ui_vitals_harness import StepHarness, make_context, step_screen

from kiosk.models import Vitals
from kiosk.scoring import news2_missing
from kiosk.screens.base import StepContext
from kiosk.screens.review import ReviewScreen
from kiosk.screens.review_text import score_lines

SIZE = (80, 24)


@pytest.fixture
def context(tmp_path: Path) -> Iterator[Callable[..., StepContext]]:
    made: list[StepContext] = []

    def make(**kwargs: Any) -> StepContext:
        kwargs.setdefault("required_fields", ())
        ctx = make_context(tmp_path / f"data{len(made)}", **kwargs)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.store.close()


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
