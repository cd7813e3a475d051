"""Kiosk hardening in the app: no command palette, screenshots, clipboard or quitting mid-shift."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from textual.widgets.input import Selection
from ui_helpers import make_app, seed, sign_in, wait_screen


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    seed(data)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    return data


async def test_no_command_palette_and_no_screenshots(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shots = tmp_path / "cwd"
    shots.mkdir()
    monkeypatch.chdir(shots)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "SignInScreen")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "SignInScreen"
        await app.run_action("screenshot")
        assert app.deliver_screenshot() is None
        assert not app.ALLOW_SELECT
    assert list(shots.iterdir()) == []


async def test_cut_and_copy_never_reach_the_clipboard(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen")
        staff = screen.query_one("#signin-staff", Input)
        staff.focus()
        await pilot.press(*"Rivera")
        staff.selection = Selection(0, len(staff.value))
        await pilot.press("ctrl+c")  # bound app-wide to nothing: no copy, no quit
        staff.selection = Selection(0, len(staff.value))
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app.clipboard == ""
        assert app.is_running


async def test_quitting_needs_a_sign_out_first(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_screen(pilot, "PatientScreen")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert app.staff_id is not None
