"""End to end, a busy MA's day (issue 17): two real kiosks in tmux on one data folder, signed
in as the same MA in the same room (every SSH kiosk on one host), keys only, at 80x24.

The first terminal holds its open intake: the second sees it as "open elsewhere" and cannot
resume it. The first kiosk is killed (SIGKILL: a crash or a power cut); the second then gets
the resume offer with Resume as the default, and two patients' intakes are left open side by
side, both listed with their state.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux

from kiosk.store import EncounterStore

pytestmark = pytest.mark.slow


@pytest.fixture
def terminals() -> Iterator[tuple[Tmux, Tmux]]:
    first, second = Tmux(), Tmux()
    try:
        yield first, second
    finally:
        first.kill()
        second.kill()


def wait_until(condition: object, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def sign_in(tmux: Tmux) -> None:
    tmux.wait_for("PIN: 1234", timeout=90)
    tmux.keys("demo", "Enter", "1234", "Enter")


def confirm_identity(tmux: Tmux) -> None:
    tmux.wait_for("Confirm identity")
    tmux.keys("Space", "Tab", "Space", "C-n")


def test_two_terminals_one_ma_a_crash_and_two_open_intakes(
    terminals: tuple[Tmux, Tmux], tmp_path: Path
) -> None:
    first, second = terminals
    data = tmp_path / "kiosk-data"
    env = {"KIOSK_DATA_DIR": str(data), "KIOSK_ROOM": "exam-3", "TERM": "xterm-256color"}
    first.start(f"exec {KIOSK} --demo", env)
    sign_in(first)
    first.wait_for("waiting")  # the list is loaded
    first.keys("Down", "Enter")  # one burst: the Enter opens the marked first row
    confirm_identity(first)
    first.wait_for("Family name")
    drafts = data / "demo" / "drafts"
    wait_until(lambda: any(drafts.glob("*.json")), "the first autosave")

    second.start(f"exec {KIOSK} --demo", env)
    sign_in(second)  # no resume offer: the only draft is open on the first terminal
    screen = second.wait_for("elsewhere")
    assert "Resume" not in screen
    second.keys("Down", "Enter")
    confirm_identity(second)
    second.wait_for("This intake is open on")
    assert "Family name" not in second.screen()  # not resumed, not overwritten

    pid = int(first.run("list-panes", "-F", "#{pane_pid}").strip())
    os.kill(pid, signal.SIGKILL)  # the first kiosk crashes: no orderly save, no sign-out
    wait_until(lambda: not first.alive(), "the first kiosk to die")

    second.keys("C-o")  # sign out and in again on the second terminal
    second.wait_for("Staff id")
    sign_in(second)
    screen = second.wait_for("Resume the unfinished intake of")
    assert "demographics step" in screen
    second.keys("Enter")  # Resume is the default answer
    confirm_identity(second)
    second.wait_for("Family name")
    second.keys("C-e")
    second.wait_for("Leave this intake")
    second.keys("Tab", "Enter")  # from "Stay" to "Leave the intake"
    second.wait_for("demogr.")  # the list is loaded (keys before it would be lost)
    second.keys("Down", "Down", "Enter")  # a second patient, while the first stays open
    confirm_identity(second)
    second.wait_for("Family name")
    second.keys("C-e")
    second.wait_for("Leave this intake")
    second.keys("Tab", "Enter")
    screen = second.wait_for("Today's patients")
    try:
        wait_until(lambda: second.screen().count("demogr.") == 2, "both drafts listed")
    except AssertionError:
        raise AssertionError(second.screen()) from None

    store = EncounterStore(data / "demo", staff_id="e2e-check")
    try:
        assert len(store.drafts_for("demo")) == 2
    finally:
        store.close()
