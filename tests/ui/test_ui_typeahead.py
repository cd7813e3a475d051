"""Keys typed in the gap between one step closing and the next opening are not lost (80x24).

Over SSH a fast typist sends Ctrl+N and the first letters of the next field in one burst; the
app reads them while no step is on screen. They are kept and typed into the next step's first
field once it is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Checkbox, Input
from ui_helpers import make_app, open_patient, wait_for, wait_screen

from kiosk.screens.history import HistoryScreen


def burst(app: App[Any], *keys: str) -> None:
    """Queue keys as the terminal driver does for one read, without waiting in between
    (``pilot.press`` waits for the app to go idle after each key, hiding the gap)."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


async def test_letters_typed_right_after_next_reach_the_next_step(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        hist.query_one("#history-reviewed", Checkbox).value = True
        burst(app, "ctrl+n", *"cough")  # one read: Next, then the complaint
        comp = await wait_screen(pilot, "ComplaintScreen")
        text = comp.query_one("#complaint-text", Input)
        await wait_for(pilot, lambda: text.value == "cough", f"'cough' typed, not {text.value!r}")
        assert app.focused is text


async def test_enter_typed_ahead_still_moves_to_the_next_field(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        await pilot.press("ctrl+n")
        hist = await wait_screen(pilot, HistoryScreen)
        hist.query_one("#history-reviewed", Checkbox).value = True
        burst(app, "ctrl+n", *"sore throat", "enter", *"2 days")
        comp = await wait_screen(pilot, "ComplaintScreen")
        inputs = [w for w in comp.query("#step-body Input").results(Input) if w.focusable]
        second = inputs[1]
        await wait_for(
            pilot, lambda: second.value == "2 days", f"the second field: {second.value!r}"
        )
        assert comp.query_one("#complaint-text", Input).value == "sore throat"
        assert app.focused is second


async def test_letters_typed_ahead_do_not_answer_the_leave_question(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_patient(pilot)
        burst(app, "ctrl+b", *"yy", "enter")  # Back from the first step asks first
        modal = await wait_screen(pilot, "ConfirmModal")
        await pilot.pause()
        assert app.screen is modal  # nothing typed ahead answered it
        await pilot.press("escape")
        await wait_screen(pilot, "DemographicsScreen")
        assert app.draft is not None  # still in the intake
