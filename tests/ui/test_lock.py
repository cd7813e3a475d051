"""Idle lock, unlock, switching staff at the lock, sign-out, and the audit trail of a session.

Pilot tests at 80x24 on a seeded store. What is "on screen" is checked in the rendered frame
(``export_screenshot``), and what is "in memory" by walking every screen's widgets.
"""

from __future__ import annotations

import dataclasses
import html
import re
import time
from functools import partial
from pathlib import Path
from typing import Any

import argon2
import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Static
from ui_helpers import PIN, ROOM, STAFF_ID, fill, make_app, seed, sign_in, wait_for, wait_screen

from kiosk.app import KioskApp
from kiosk.cli import main as cli_main
from kiosk.screens import lock as lock_module
from kiosk.screens.lock import LockScreen
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail
from kiosk.store.staff import StaffDirectory

OTHER_ID, OTHER_PIN = "ma2", "8642"
TYPED = "Zebulon"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    seed(data)
    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    StaffDirectory(data, hasher=cheap).add(OTHER_ID, "Second Assistant", OTHER_PIN, by="test")
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    monkeypatch.setenv("KIOSK_ROOM", ROOM)
    return data


async def open_rivera(pilot: Pilot[Any]) -> Input:
    """Sign in, open Ana Rivera, confirm identity, type the middle name; the focused Input."""
    await sign_in(pilot)
    screen = await wait_screen(pilot, "PatientScreen")
    fill(screen, patient_search="rivera")
    table = screen.query_one("#patient-table", DataTable)
    await wait_for(pilot, lambda: table.row_count > 0, "the search result")
    screen.query_one("#patient-search", Input).focus()
    await pilot.press("enter")
    screen = await wait_screen(pilot, "IdentityScreen")
    screen.query_one("#identity-name", Checkbox).value = True
    screen.query_one("#identity-dob", Checkbox).value = True
    await pilot.pause()
    await pilot.press("ctrl+n")
    screen = await wait_screen(pilot, "DemographicsScreen")
    middle = screen.query_one("#demographics-middle", Input)
    middle.focus()
    await pilot.press(*TYPED)
    await pilot.press("left", "left")  # the cursor is not at the end: it must come back as is
    return middle


async def locked(pilot: Pilot[Any], timeout: float = 10.0) -> Any:  # noqa: ASYNC109
    """The lock screen, once keys typed at it are read (those typed as it appeared are not)."""
    lock = await wait_screen(pilot, LockScreen, timeout=timeout)
    app = pilot.app
    assert isinstance(app, KioskApp)
    await wait_for(pilot, lambda: time.monotonic() >= app.idle.settles_at, "the lock to settle")
    return lock


def frame_text(pilot: Pilot[Any]) -> str:
    """Everything drawn on the terminal right now: the SVG's characters without its tags.

    A word may be split over several <text> elements where the widgets beneath it change (a
    toast over the button bar), so the raw SVG would hide it from a "not in the frame" check.
    """
    svg = pilot.app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def texts_in_memory(pilot: Pilot[Any]) -> str:
    """Every Input value and every Static's content on every screen of the stack."""
    parts: list[str] = []
    for screen in pilot.app.screen_stack:
        for widget in screen.walk_children(Widget, with_self=True):
            if isinstance(widget, Input):
                parts.append(widget.value)
            elif isinstance(widget, Static):
                parts.append(str(widget.render()))
            parts.append(str(getattr(widget, "sub_title", "")))
    return "\n".join(parts)


def shows(widget: Static, text: str) -> bool:
    return text in str(widget.render())


def actions(data_dir: Path) -> list[tuple[str, str]]:
    return [(e.action, e.staff) for e in AuditTrail(data_dir).entries()]


def short_idle(app: KioskApp, seconds: int) -> None:
    """Shorten the idle lock once the intake is open (navigating must not trip it)."""
    assert app.core is not None
    settings = app.core.settings.model_copy(update={"idle_lock_seconds": seconds})
    app.core = dataclasses.replace(app.core, settings=settings)


async def test_idle_lock_hides_the_patient_and_unlock_returns_to_the_field(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        middle = await open_rivera(pilot)
        assert "Rivera" in frame_text(pilot)
        cursor = middle.cursor_position
        app.notify("Toast about Okafor")  # a message still showing must not outlive the lock
        await wait_for(pilot, lambda: "Okafor" in frame_text(pilot), "the toast")
        short_idle(app, 1)
        lock = await locked(pilot, timeout=10)
        frame = frame_text(pilot)
        assert "Locked — sign in to continue" in frame.replace("&#160;", " ")
        for secret in ("Rivera", "RIVERA", TYPED, "1984", "Okafor"):
            assert secret not in frame
        assert lock.styles.background.a == 1
        assert app._background_screens == [] or all(
            s.styles.background.a == 1 for s in app._background_screens[-1:]
        )
        # nothing typed is lost by locking: the draft with the typed text is on disk
        store = EncounterStore(data_dir)
        draft = next(iter(store.drafts_for(STAFF_ID)), None)
        store.close()
        assert draft is not None
        assert TYPED in draft.form_text.values()

        fill(lock, lock_pin=PIN)
        lock.query_one("#lock-pin", Input).focus()
        await pilot.press("enter")
        await wait_screen(pilot, "DemographicsScreen")
        assert app.focused is middle
        assert middle.value == TYPED
        assert middle.cursor_position == cursor
    assert ("lock", STAFF_ID) in actions(data_dir)
    assert ("unlock", STAFF_ID) in actions(data_dir)


async def test_wrong_pin_keeps_the_lock_and_makes_this_terminal_wait(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rivera(pilot)
        await pilot.press("ctrl+l")
        lock = await locked(pilot)
        message = lock.query_one("#lock-message", Static)
        for attempt in range(5):
            fill(lock, lock_pin="0000")
            lock.query_one("#lock-pin", Input).focus()
            await pilot.press("enter")
            expected = "Wrong staff ID or PIN." if attempt < 4 else "try again in 30 seconds"
            await wait_for(pilot, partial(shows, message, expected), expected)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+o", "escape")  # neither sign-out nor Esc gets past the lock
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert app.staff_id == STAFF_ID
    failed = [a for a in actions(data_dir) if a[0] == "failed-sign-in"]
    assert failed == [("failed-sign-in", STAFF_ID)] * 5


async def test_another_staff_member_at_the_lock_starts_fresh_and_keeps_the_draft(
    data_dir: Path,
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rivera(pilot)
        await pilot.press("ctrl+l")
        lock = await locked(pilot)
        fill(lock, lock_staff=OTHER_ID, lock_pin=OTHER_PIN)
        lock.query_one("#lock-pin", Input).focus()
        await pilot.press("enter")
        await wait_screen(pilot, "PatientScreen")
        assert app.staff_id == OTHER_ID
        assert app.draft is None
        memory = texts_in_memory(pilot)
        assert "Rivera" not in memory
        assert TYPED not in memory
    store = EncounterStore(data_dir)
    kept = next(iter(store.drafts_for(STAFF_ID)), None)
    store.close()
    assert kept is not None
    assert TYPED in kept.form_text.values()
    trail = actions(data_dir)
    # the newcomer's sign-in is checked first; only then is the first session ended
    assert trail.index(("lock", STAFF_ID)) < trail.index(("sign-in", OTHER_ID))
    assert trail.index(("sign-in", OTHER_ID)) < trail.index(("sign-out", STAFF_ID))


async def test_sign_out_leaves_nothing_of_the_patient(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rivera(pilot)
        await pilot.press("ctrl+o")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("tab", "enter")  # from "Stay" to "Leave the intake"
        await wait_screen(pilot, "SignInScreen")
        assert app.staff_id is None
        assert app.draft is None
        assert getattr(app, "_saved_draft", None) is None
        memory = texts_in_memory(pilot)
        frame = frame_text(pilot)
        for secret in ("Rivera", "RIVERA", TYPED):
            assert secret not in memory
            assert secret not in frame
    assert actions(data_dir)[-1] == ("sign-out", STAFF_ID)


async def test_the_audit_trail_of_a_session_verifies_and_shows_an_edit(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, pin="9999")
        screen = await wait_screen(pilot, "SignInScreen")
        message = screen.query_one("#signin-message", Static)
        await wait_for(pilot, lambda: "Wrong" in str(message.render()), "the wrong-PIN message")
        await open_rivera(pilot)
        await pilot.press("ctrl+l")
        lock = await locked(pilot)
        fill(lock, lock_pin=PIN)
        lock.query_one("#lock-pin", Input).focus()
        await pilot.press("enter")
        await wait_screen(pilot, "DemographicsScreen")
        await pilot.press("ctrl+o")
        await wait_screen(pilot, "ConfirmModal")
        await pilot.press("tab", "enter")  # from "Stay" to "Leave the intake"
        await wait_screen(pilot, "SignInScreen")
    trail = AuditTrail(data_dir)
    session = [
        a
        for a in actions(data_dir)
        if a[0] in {"failed-sign-in", "sign-in", "lock", "unlock", "sign-out"}
    ]
    assert session == [
        ("failed-sign-in", STAFF_ID),
        ("sign-in", STAFF_ID),
        ("lock", STAFF_ID),
        ("unlock", STAFF_ID),
        ("sign-out", STAFF_ID),
    ]
    assert "9999" not in trail.path.read_text()
    result = trail.verify()
    assert result.ok, result.reason
    assert cli_main(["--data-dir", str(data_dir), "audit", "verify"]) == 0

    lines = trail.path.read_text().splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if '"action":"lock"' in line)
    lines[target] = lines[target].replace(f'"staff":"{STAFF_ID}"', '"staff":"someone"')
    trail.path.write_text("".join(lines))
    broken = trail.verify()
    assert not broken.ok
    assert broken.broken_line == target + 1
    assert cli_main(["--data-dir", str(data_dir), "audit", "verify"]) == 1


async def test_a_failed_take_over_does_not_end_the_first_session(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        middle = await open_rivera(pilot)
        await pilot.press("ctrl+l")
        lock = await locked(pilot)
        message = lock.query_one("#lock-message", Static)
        fill(lock, lock_staff=OTHER_ID, lock_pin="0000")
        lock.query_one("#lock-pin", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, partial(shows, message, "Wrong staff ID or PIN."), "the refusal")
        assert app.staff_id == STAFF_ID
        fill(lock, lock_staff=STAFF_ID, lock_pin=PIN)
        lock.query_one("#lock-pin", Input).focus()
        await pilot.press("enter")
        await wait_screen(pilot, "DemographicsScreen")
        assert app.focused is middle
        assert middle.value == TYPED
    assert ("sign-out", STAFF_ID) not in actions(data_dir)
    assert ("unlock", STAFF_ID) in actions(data_dir)


async def test_the_configured_idle_time_locks_any_screen(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_IDLE_LOCK_SECONDS", "1")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "PatientScreen")
        assert app.core is not None
        assert app.core.settings.idle_lock_seconds == 1
        await locked(pilot, timeout=10)  # nobody touched the patient list
        assert "RIVERA" not in frame_text(pilot)


async def test_keys_in_flight_when_the_lock_appears_are_dropped(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MA types on as the idle lock appears: nothing lands in the PIN field and the Enter
    counts no failed sign-in; keys typed once the lock is seen work as usual."""
    # A loaded CI host may take longer than the real settle time to deliver the burst: the
    # window is made long here and then ended by hand, as the passing of time would.
    monkeypatch.setattr(lock_module, "LOCK_SETTLE_SECONDS", 60.0)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rivera(pilot)
        app.idle.lock()  # the idle lock, at the moment the MA types a burst
        await pilot.press(*"0000", "enter", *"12")
        lock = await wait_screen(pilot, LockScreen)
        pin = lock.query_one("#lock-pin", Input)
        assert pin.value == ""
        assert not [a for a in actions(data_dir) if a[0] == "failed-sign-in"]
        app.idle.settles_at = time.monotonic()  # the settle time is over
        lock = await locked(pilot)
        pin.focus()
        await pilot.press(*PIN)
        assert pin.value == PIN  # typing at the lock once it is seen is read
