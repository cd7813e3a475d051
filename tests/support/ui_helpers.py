"""Helpers for the UI pilot tests: seeded stores, a signed-in app, awaited conditions.

Await conditions, never fixed sleeps: ``wait_for`` polls with ``pilot.pause()`` until the
condition holds or a deadline passes (then the test fails with the condition's description).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.models import (
    Allergy,
    ChiefComplaint,
    Coverage,
    Encounter,
    History,
    Insurance,
    Medication,
    Patient,
    Problem,
)

STAFF_ID, PIN = "ma1", "4321"
ROOM = "room-7"


def patient(
    mrn: str = "MRN-1001", family: str = "Rivera", given: str = "Ana", born: date = date(1984, 3, 7)
) -> Patient:
    return Patient(
        id=mrn,
        family_name=family,
        given_name=given,
        birth_date=born,
        sex="female",
        phone="555-010-2233",
    )


def previous_encounter(p: Patient, days_ago: int = 30) -> Encounter:
    """A signed earlier visit with history and insurance to carry forward."""
    started = datetime.now(UTC) - timedelta(days=days_ago)
    return Encounter(
        staff_id="ma0",
        room=ROOM,
        patient=p,
        started_at=started,
        signed_at=started,
        status="signed",
        identity_confirmed=True,
        insurance=Insurance(primary=Coverage(payer="Acme Health", member_id="ACM123456")),
        history=History(
            allergies=[Allergy(substance="Penicillin", reaction="hives", severity="moderate")],
            medications=[Medication(name="Metformin", dose="500 mg", frequency="twice daily")],
            problems=[Problem(name="Type 2 diabetes", onset="2019")],
            reviewed=True,
        ),
        complaint=ChiefComplaint(text="follow-up"),
    )


def cheap_hasher() -> Any:
    """Argon2 with minimal cost: tests check the flow, not the hash strength."""
    import argon2

    return argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def use_cheap_hashing(monkeypatch: Any) -> None:
    """Keep the app from re-hashing the PIN with production cost at every sign-in (~1 s)."""
    import kiosk.store.staff

    monkeypatch.setattr(kiosk.store.staff, "kiosk_hasher", cheap_hasher)


def seed(data_dir: Path, *, with_previous: bool = True) -> list[Patient]:
    """A store with staff ma1/4321 (cheap hashing) and two patients, one with a prior visit."""
    import argon2

    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory

    staff = StaffDirectory(
        data_dir, hasher=argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    staff.add(STAFF_ID, "Test Assistant", PIN, "ma", by="test")
    people = [patient(), patient("MRN-2002", "Okafor", "Chidi", date(1950, 11, 30))]
    store = EncounterStore(data_dir, staff_id="test")
    if with_previous:
        for p in people:
            store.save(previous_encounter(p))
    store.close()
    return people


def make_app(data_dir: Path, *, demo: bool = False) -> KioskApp:
    return KioskApp(argparse.Namespace(config=None, data_dir=str(data_dir), demo=demo))


async def wait_for(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    what: str,
    timeout: float = 10.0,  # noqa: ASYNC109 (a deadline for polling, not a cancel scope)
) -> None:
    """Pause until ``condition()`` is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def wait_screen(
    pilot: Pilot[Any],
    cls: type[Screen[Any]] | str,
    timeout: float = 10.0,  # noqa: ASYNC109
) -> Screen[Any]:
    name = cls if isinstance(cls, str) else cls.__name__
    await wait_for(
        pilot, lambda: type(pilot.app.screen).__name__ == name, f"screen {name}", timeout
    )
    await pilot.pause()
    return pilot.app.screen


def fill(screen: Screen[Any], **values: str) -> None:
    """Set Inputs by id (underscores in keys become hyphens) without typing."""
    for key, value in values.items():
        screen.query_one(f"#{key.replace('_', '-')}", Input).value = value


async def sign_in(pilot: Pilot[Any], staff_id: str = STAFF_ID, pin: str = PIN) -> None:
    app = pilot.app
    assert isinstance(app, KioskApp)
    screen = await wait_screen(pilot, "SignInScreen")
    await wait_for(pilot, lambda: app.core is not None or app.core_error, "the core to load")
    fill(screen, signin_staff=staff_id, signin_pin=pin)
    screen.query_one("#signin-pin", Input).focus()
    await pilot.press("enter")


async def pick_patient(pilot: Pilot[Any], query: str) -> Screen[Any]:
    """From the patient list: search, open the one match, confirm both identifiers; the
    screen that follows (the first step, or a question about a draft)."""
    from textual.widgets import Checkbox

    screen = await wait_screen(pilot, "PatientScreen")
    fill(screen, patient_search=query)
    await wait_for(pilot, lambda: getattr(screen, "shown_query", None) == query, "the results")
    screen.query_one("#patient-search", Input).focus()
    await pilot.press("enter")
    ident = await wait_screen(pilot, "IdentityScreen")
    ident.query_one("#identity-name", Checkbox).value = True
    ident.query_one("#identity-dob", Checkbox).value = True
    await pilot.pause()
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: pilot.app.screen is not ident, "identity to close")
    await pilot.pause()
    return pilot.app.screen


async def open_patient(pilot: Pilot[Any], query: str = "rivera") -> Screen[Any]:
    """Sign in, search, open the single match, confirm both identifiers: the first step."""
    await sign_in(pilot)
    await pick_patient(pilot, query)
    return await wait_screen(pilot, "DemographicsScreen")


async def past_screenings(pilot: Pilot[Any]) -> None:
    """From the chief complaint's Next: through the screenings step (nothing asked) to the
    vitals."""
    await wait_screen(pilot, "ScreeningsScreen")
    await pilot.press("ctrl+n")
