"""Stored and configured text is shown inert: escapes as visible text, markup as typed.

The whole walk through a hostile record is in tests/e2e/test_e2e_hostile_text.py (a real
terminal); here, with pilot, the pieces that walk cannot reach cheaply: the start-up message,
the clinic's name in the header and on the lock, toasts, the confirmation question, and the
net under every widget. The bytes Textual would write for a screen are taken from its
compositor, the way the app writes them to the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile_record import escapes_not_textual, hostile, seed_hostile
from rich.text import Text
from textual.content import Content
from textual.widgets import DataTable, Label, Static
from textual.widgets._header import HeaderTitle
from ui_helpers import make_app, sign_in, use_cheap_hashing, wait_for, wait_screen

from kiosk.validators.text import visible
from kiosk.widgets.confirm import ConfirmModal
from kiosk.widgets.inert import inert, inert_cell


def frame_bytes(app: Any) -> bytes:
    """The escape sequences and text the app would write for its whole screen now."""
    update = app.screen._compositor.render_full_update()
    return str(update.render_segments(app.console)).encode()


def text_of(widget: Static) -> str:
    return str(widget.render())


def test_inert_text_shows_every_character_and_no_markup() -> None:
    stored = hostile("Evil")
    shown = inert(stored)
    assert shown.plain == visible(stored)
    assert "[@click=app.quit]x[/]" in shown.plain
    assert not shown.spans
    assert inert("two\nlines").plain == r"two\nlines"  # a stored name draws no second line
    assert inert("two\nlines", lines=True).plain == "two\nlines"
    cell = inert_cell(stored)
    assert isinstance(cell, Text)
    assert cell.plain == visible(stored)
    assert not cell.spans


def test_no_text_reaches_the_terminal_with_a_control_character(tmp_path: Path) -> None:
    make_app(tmp_path / "data")  # the app installs the net under every widget's text
    raw = "a\x1b]0;T\x07b\x1b[2Jc\x9bd\x7fe\u202ef\x00g\th\ni"
    assert Content(raw).plain == "a]0;Tb[2Jcdefg\th\ni"
    assert Text(raw).plain == "a]0;Tb[2Jcdefg\th\ni"
    assert Text.from_markup("[b]x\x1b[2J[/b]").plain == "x[2J"


def clinic_config(tmp_path: Path, text: str, folder: str = "clinic") -> Path:
    where = tmp_path / folder
    where.mkdir()
    path = where / "kiosk.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n' + text, encoding="utf-8")
    return path


async def test_the_start_up_message_reads_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file name with "[" in it was parsed as markup: "[/..." crashed the app."""
    path = clinic_config(tmp_path, "idle_lock_seconds = true\n", folder="clinic[")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_screen(pilot, "SignInScreen")
        status = screen.query_one("#signin-status", Static)
        await wait_for(pilot, lambda: "Cannot start" in text_of(status), "the start-up error")
        assert text_of(status) == (
            f"Cannot start: {path}, key 'idle_lock_seconds': "
            "should be a number, not true or false (got True)"
        )
        assert app.is_running
        assert escapes_not_textual(frame_bytes(app)) == []


async def test_a_hostile_clinic_name_in_the_header_and_on_the_lock(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "Clinic[/]\x1b]0;PWNED\x07\u202e"
    path = clinic_config(tmp_path, 'clinic_name = "Clinic[/]\\u001b]0;PWNED\\u0007\\u202e"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data_dir))
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_screen(pilot, "SignInScreen")
        await wait_for(pilot, lambda: app.core is not None, "the core")
        assert app.title == name
        await sign_in(pilot)
        screen = await wait_screen(pilot, "PatientScreen")
        screen.title, screen.sub_title = name, hostile("Evil")  # as a step's banner line
        header = screen.query_one(HeaderTitle)
        expected = f"{visible(name)} — {visible(hostile('Evil'))}"
        await wait_for(pilot, lambda: str(header.render()) == expected, "the header")
        assert escapes_not_textual(frame_bytes(app)) == []
        await pilot.press("ctrl+l")
        lock = await wait_screen(pilot, "LockScreen")
        assert str(lock.query_one("#lock-clinic", Label).render()) == visible(name)
        assert escapes_not_textual(frame_bytes(app)) == []


async def test_toasts_and_questions_quote_stored_text_as_it_is(tmp_path: Path) -> None:
    stored = hostile("Evil")
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_screen(pilot, "SignInScreen")
        app.notify(f"Not saved: {stored}", title=stored)
        await pilot.pause()
        (toast,) = app._notifications
        assert toast.message == f"Not saved: {visible(stored)}"
        assert toast.title == visible(stored)
        assert not toast.markup
        await wait_for(pilot, lambda: b"Not saved" in frame_bytes(app), "the toast")
        assert escapes_not_textual(frame_bytes(app)) == []
        app.push_screen(ConfirmModal(f"Resume the intake of {stored}?"))
        modal = await wait_screen(pilot, "ConfirmModal")
        question = str(modal.query_one("#confirm-question", Label).render())
        assert question == f"Resume the intake of {visible(stored)}?"
        assert escapes_not_textual(frame_bytes(app)) == []


async def test_the_patient_list_shows_a_hostile_record_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every column of the row, the MRN too (at 80 columns the terminal shows only the name)."""
    use_cheap_hashing(monkeypatch)
    draft = seed_hostile(tmp_path / "data")
    app = make_app(tmp_path / "data")
    async with app.run_test(size=(200, 24)) as pilot:
        await sign_in(pilot)
        screen = await wait_screen(pilot, "PatientScreen")
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, "today's list")
        p = draft.patient
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[1] == visible(f"{p.family_name.upper()}, {p.given_name}")
        assert row[3] == visible(p.id)
        await pilot.pause()
        assert escapes_not_textual(frame_bytes(app)) == []
