"""A tiny app that shows one intake step on its own, for the vitals/POC/review pilot tests.

The step gets a real StepContext (settings, a store in a temporary folder, previous visits) and
its outcome is recorded, so the tests do not depend on the full app's sign-in and patient flow.
Await conditions, never fixed sleeps (``wait_for``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

import kiosk
from kiosk.app import KioskApp
from kiosk.config import load_settings
from kiosk.models import (
    BloodPressure,
    Encounter,
    Measurement,
    Patient,
    SpO2,
    Temperature,
    Vitals,
)
from kiosk.screens.base import StepContext, StepOutcome, StepScreen
from kiosk.store import EncounterStore

CSS = Path(kiosk.__file__).with_name("kiosk.tcss")


def adult(born: date = date(1970, 5, 17)) -> Patient:
    return Patient(id="MRN-4242", family_name="Nakamura", given_name="Ken", birth_date=born)


def infant() -> Patient:
    born = datetime.now(UTC).date() - timedelta(days=200)
    return Patient(id="MRN-0101", family_name="Diaz", given_name="Lu", birth_date=born)


def reading(kind: str, value: float, unit: str, status: str = "normal", **extra: Any) -> Any:
    """A taken reading built directly (entered as its canonical value)."""
    cls = {"temperature": Temperature, "spo2": SpO2}.get(kind, Measurement)
    return cls(
        kind=kind,
        entered=f"{value:g}",
        value=value,
        unit=unit,
        entered_value=value,
        entered_unit=unit,
        status=status,
        **extra,
    )


def bp(systolic: float, diastolic: float, status: str = "normal") -> BloodPressure:
    return BloodPressure(
        systolic=reading("systolic", systolic, "mm[Hg]", status),
        diastolic=reading("diastolic", diastolic, "mm[Hg]", "normal"),
    )


def past_visit(patient: Patient, days_ago: int, weight_kg: float, systolic: float) -> Encounter:
    started = datetime.now(UTC) - timedelta(days=days_ago)
    return Encounter(
        staff_id="ma0",
        patient=patient,
        started_at=started,
        signed_at=started,
        status="signed",
        identity_confirmed=True,
        vitals=Vitals(
            blood_pressure=[bp(systolic, 80)],
            weight=[reading("weight", weight_kg, "kg")],
            temperature=[reading("temperature", 36.8, "Cel")],
        ),
    )


def make_context(
    data_dir: Path,
    *,
    previous: Encounter | None = None,
    history: list[Encounter] | None = None,
    **settings: Any,
) -> StepContext:
    return StepContext(
        settings=load_settings(None, data_dir=data_dir, **settings),
        store=EncounterStore(data_dir, staff_id="ma1"),
        staff_id="ma1",
        previous=previous,
        history=history or [],
    )


class StepHarness(App[None]):
    """Pushes one step screen and records how it was dismissed."""

    CSS_PATH = CSS
    HORIZONTAL_BREAKPOINTS = KioskApp.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = KioskApp.VERTICAL_BREAKPOINTS

    def __init__(self, make_screen: Callable[[], StepScreen]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.outcomes: list[StepOutcome] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), callback=self._record)

    def _record(self, outcome: StepOutcome | None) -> None:
        if outcome is not None:
            self.outcomes.append(outcome)

    def action_help(self) -> None:
        """The NavBar's Help button calls app.help; nothing to show in the harness."""


async def wait_for(
    pilot: Pilot[Any], condition: Callable[[], object], what: str, limit: float = 10.0
) -> None:
    """Pause until ``condition()`` is truthy; fail after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


async def step_screen(pilot: Pilot[Any], cls: type[StepScreen]) -> Any:
    """Wait until the harness shows ``cls`` and return it."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, cls), cls.__name__)
    await pilot.pause()
    return pilot.app.screen
