"""Keystroke in a vitals field to the next frame, including validation (target: p95 < 10 ms).

``python benchmarks/bench_vitals_keystroke.py [ROUNDS]`` opens the vitals step headless at
80x24 and types readings into the temperature, blood-pressure and weight fields (weight also
recomputes the live BMI), one key at a time. For each key it measures from the moment the key
event is handed to the app until the first frame the compositor renders *after* the field has
checked the new text and updated its echo and flag. Prints p50 / p95 / max per field and overall.

The first frame is timed at the point the compositor hands it to the driver (``App._display``);
the headless driver does not write it to a terminal, so terminal output time is not included.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App

import kiosk
from kiosk.app import KioskApp
from kiosk.config import load_settings
from kiosk.models import Encounter, Patient
from kiosk.screens.base import StepContext, StepScreen
from kiosk.screens.vitals import VitalsScreen
from kiosk.store import EncounterStore
from kiosk.widgets.measurement import MeasurementField

TYPED = {
    "vitals-temp": ["9", "8", ".", "6", "backspace", "backspace", "backspace", "backspace"],
    "vitals-bp-0": ["1", "2", "0", "/", "8", "0", *["backspace"] * 6],
    "vitals-weight": ["1", "7", "6", "backspace", "backspace", "backspace"],
}


class Bench(App[None]):
    CSS_PATH = Path(kiosk.__file__).with_name("kiosk.tcss")
    HORIZONTAL_BREAKPOINTS = KioskApp.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = KioskApp.VERTICAL_BREAKPOINTS

    def __init__(self, make_screen: Callable[[], StepScreen]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.frames: list[float] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())  # steps are built inside the running app

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            self.frames.append(time.perf_counter())


async def settle(pilot: Any, app: Bench) -> None:
    """Wait until the app has rendered nothing new for a few idle rounds."""
    quiet = 0
    while quiet < 5:
        count = len(app.frames)
        await pilot.pause(0.005)
        quiet = quiet + 1 if len(app.frames) == count else 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def measure(rounds: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        patient = Patient(id="B-1", family_name="Bench", given_name="Mark", birth_date="1970-01-01")
        draft = Encounter(staff_id="bench", patient=patient, identity_confirmed=True)
        store = EncounterStore(data, staff_id="bench")
        ctx = StepContext(load_settings(None, data_dir=data), store, "bench")
        app = Bench(lambda: VitalsScreen(draft, ctx))
        results: dict[str, list[float]] = {name: [] for name in TYPED}
        async with app.run_test(size=(80, 24)) as pilot:
            while not isinstance(app.screen, VitalsScreen):
                await pilot.pause()
            await pilot.pause()
            screen = app.screen
            driver = app._driver
            assert driver is not None
            checked: list[float] = []
            for field in screen.query(MeasurementField):
                show = field._show

                def timed_show(reading: Any, _show: Any = show) -> None:
                    _show(reading)
                    checked.append(time.perf_counter())

                field._show = timed_show  # type: ignore[method-assign]
            for round_ in range(rounds + 1):
                for input_id, keys in TYPED.items():
                    screen.query_one(f"#{input_id}").focus()
                    await settle(pilot, app)  # focus re-renders the footer: not a keystroke
                    for key in keys:
                        checked.clear()
                        start = time.perf_counter()
                        event = events.Key(key, key if len(key) == 1 else None)
                        event.set_sender(app)
                        driver.send_message(event)
                        deadline = start + 2.0
                        while not checked:
                            if time.perf_counter() > deadline:
                                raise RuntimeError(f"key {key!r} in {input_id} was not checked")
                            await asyncio.sleep(0.0002)
                        # No pilot here: pilot.pause() queues a callback on every widget, which
                        # would compete with the frame being timed. Poll for the frame instead;
                        # if the check changed nothing on screen, no frame follows it, and the
                        # frame already out is final once the check is done.
                        quiet_until = checked[0] + 0.1
                        while not (app.frames and app.frames[-1] > checked[0]):
                            if time.perf_counter() > quiet_until:
                                break
                            await asyncio.sleep(0.0002)
                        frames = [f for f in app.frames if f > start]
                        after = [f for f in frames if f > checked[0]]
                        done = after[0] if after else max(checked[0], *frames[:1])
                        if round_:  # round 0 warms caches up
                            results[input_id].append((done - start) * 1000)
                        await settle(pilot, app)
        store.close()
        return results


def main(rounds: int = 10) -> None:
    results = asyncio.run(measure(rounds))
    everything = [v for values in results.values() for v in values]
    for name, values in [*results.items(), ("all fields", everything)]:
        print(
            f"{name:<14} p50 {statistics.median(values):6.2f} ms   "
            f"p95 {percentile(values, 0.95):6.2f} ms   max {max(values):6.2f} ms   "
            f"({len(values)} keys)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
