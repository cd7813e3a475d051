"""Sign-in, help and kiosk hardening, at 80x24 on a seeded tmp data directory."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Static
from ui_helpers import (
    PIN,
    STAFF_ID,
    fill,
    make_app,
    sign_in,
    wait_for,
    wait_screen,
)

from kiosk.screens.help import KEYS, HelpScreen, key_table


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_good_pin_opens_the_patient_list(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, "PatientScreen")
        assert app.staff_id == STAFF_ID
        assert "signed in: ma1" in (screen.sub_title or "")


async def test_bad_pin_stays_on_sign_in_with_a_message_and_clears_the_pin(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, pin="0000")
        screen = await wait_screen(pilot, "SignInScreen")
        message = screen.query_one("#signin-message", Static)
        await wait_for(pilot, lambda: "Wrong staff ID or PIN" in text_of(message), "message")
        assert screen.query_one("#signin-pin", Input).value == ""
        assert screen.query_one("#signin-staff", Input).value == STAFF_ID
        assert app.staff_id is None


async def test_empty_fields_ask_for_both(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen")
        await pilot.click("#signin-go")
        message = screen.query_one("#signin-message", Static)
        await wait_for(pilot, lambda: "staff id and PIN" in text_of(message), "message")
        assert app.focused is screen.query_one("#signin-staff", Input)


async def test_sign_in_screen_is_drawn_before_the_core_is_loaded(data_dir: Path) -> None:
    """The first frame must not wait for the store, pint or pydantic-settings."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen", timeout=5)
        status = screen.query_one("#signin-status", Static)
        # a status line exists from the first frame and is replaced once the core is ready
        await wait_for(pilot, lambda: app.core is not None, "the core")
        await wait_for(pilot, lambda: "Starting" not in text_of(status), "status cleared")


async def test_a_broken_data_directory_is_a_message_not_a_crash(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    app = make_app(not_a_dir / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen")
        status = screen.query_one("#signin-status", Static)
        await wait_for(pilot, lambda: "Cannot start" in text_of(status), "the error message")
        assert app.is_running
        fill(screen, signin_staff=STAFF_ID, signin_pin=PIN)
        screen.query_one("#signin-pin", Input).focus()
        await pilot.press("enter")
        message = screen.query_one("#signin-message", Static)
        await wait_for(pilot, lambda: "data folder" in text_of(message), "sign-in refusal")
        assert isinstance(app.screen, type(screen))


async def test_f1_and_question_mark_open_help_listing_every_key(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, "PatientScreen")
        await pilot.press("f1")
        help_screen = await wait_screen(pilot, HelpScreen)
        assert help_screen.query_one("#help-keys").display
        await pilot.press("escape")
        await wait_screen(pilot, "PatientScreen")
        # "?" while typing in a field is a character, not help
        search = screen.query_one("#patient-search", Input)
        search.focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert search.value == "?"
        assert not isinstance(app.screen, HelpScreen)
        # "?" with the focus off any field opens help
        screen.query_one("#patient-table").focus()
        await pilot.press("question_mark")
        await wait_screen(pilot, HelpScreen)
        await pilot.click("#help-close")
        await wait_screen(pilot, "PatientScreen")


def test_help_lists_every_key_whole_at_80_columns() -> None:
    console = Console(width=76, record=True, color_system=None)
    console.print(key_table())
    text = console.export_text()
    assert "…" not in text  # wrapped, never cut off
    assert all(len(line) <= 76 for line in text.splitlines())
    words = set(text.split())
    for _, key, what in KEYS:
        assert set(key.split()) <= words
        assert set(what.split()) <= words


async def test_no_quit_and_no_palette_while_signed_in(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "PatientScreen")
        await pilot.press("ctrl+q", "ctrl+c", "ctrl+p")
        await pilot.pause()
        assert app.is_running
        assert type(app.screen).__name__ == "PatientScreen"
        # sign out, then Ctrl+Q quits from the sign-in screen
        await pilot.press("ctrl+o")
        await wait_screen(pilot, "SignInScreen")
        assert app.staff_id is None
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")


async def test_the_kiosk_survives_a_resize(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "PatientScreen")
        for size in ((200, 50), (40, 12), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.size == size
        assert type(app.screen).__name__ == "PatientScreen"


async def test_a_full_disk_refuses_even_the_right_pin_with_one_plain_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sign-in fails closed: a try that cannot be counted lets nobody in (core: the real
    full tmpfs in tests/core/test_signin_throttle.py); the screen says why in one line."""
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: app.core is not None, "the core")

        def full(path: Path, data: bytes) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("kiosk.store.staff.write_atomic", full)
        await sign_in(pilot)
        message = screen.query_one("#signin-message", Static)
        await wait_for(pilot, lambda: "Sign-in is refused" in text_of(message), "the refusal")
        assert "No space left on device" in text_of(message)
        assert "\n" not in text_of(message).strip()
        assert app.staff_id is None
        assert isinstance(app.screen, type(screen))
