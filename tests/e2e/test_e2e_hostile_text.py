"""End to end: a patient record full of terminal escapes and markup, shown by the real kiosk.

The record (tests/support/hostile_record.py) holds, in every free-text field, an OSC title
change, a screen clear, an SGR colour, a C1 CSI, DEL, NUL, a bidi override and markup. The
kiosk runs under ``script`` in tmux, so the test has both what a person sees (the pane) and
every byte the kiosk wrote to its terminal. It walks every screen that shows the record: the
patient list, the search, the identity check, the resume question, the review, Back through
every step, the help and the lock. Each shows the escapes as visible text ("\\x1b]0;"), the
markup as typed, the kiosk never crashes, the pane's title never changes, and the bytes hold
no control character beyond Textual's own sequences.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from hostile_record import PIN, STAFF, TITLE, escapes_not_textual, seed_hostile
from tmux_session import KIOSK, Tmux

pytestmark = pytest.mark.slow

SHOWN = r"[b]\x1b]0;PWNED\x07\x1b]2;PWNED\x1b\\x1b[2J"
"""How every hostile field reads on the screen (after its plain tag)."""


def test_escapes_in_every_field_stay_text_on_every_screen(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "data"
    seed_hostile(data)
    raw = tmp_path / "terminal.bytes"
    command = f"script -q -f -e -c {shlex.quote(str(KIOSK))} {shlex.quote(str(raw))}"
    tmux.start(command, {"KIOSK_DATA_DIR": str(data), "TERM": "xterm-256color"})
    title_before = tmux.run("display-message", "-p", "#{pane_title}")

    tmux.wait_for("Staff id")
    tmux.keys(STAFF, "Enter", PIN, "Enter")
    tmux.wait_for("Today's patients")
    tmux.wait_for("EVIL" + SHOWN.replace("[b]", "[B]"))  # in capitals, then made visible
    tmux.keys("evil")
    screen = tmux.wait_for("Matches for “evil”")
    assert "EVIL[B]" in screen  # markup stays the characters stored

    tmux.keys("Enter")
    screen = tmux.wait_for("Confirm identity")
    assert "[@CLICK=APP.QUIT]X[/]" in screen  # the name in capitals, its markup as stored
    assert "Ivo" + SHOWN in screen
    tmux.keys("Space", "Tab", "Space")
    tmux.wait_for("▐X▌ Date of birth confirmed")
    tmux.keys("C-n")
    tmux.wait_for("Resume this patient's unfinished intake")
    tmux.keys("Enter")

    screen = tmux.wait_for("Scores")  # the review: the record, section by section
    assert "Evil" + SHOWN in screen
    for back_to, field in [
        ("Urine dipstick", ""),
        ("Resp. rate", r"entere[b]\x"),
        ("Due for this patient today", ""),
        ("In the patient's own words", "text" + SHOWN),
        ("Carried forward from the visit", r"substa[b]\x1b]0;PWNED\x0"),
        ("read each line back to the patient", "Evil" + SHOWN),
    ]:
        tmux.keys("Escape")  # Back: every step shows what the draft holds
        screen = tmux.wait_for(back_to)
        assert field in screen, screen
        assert r"EVIL[B]\x1b]0;PWNED\x07" in screen  # the banner on every step

    tmux.keys("F1")
    tmux.wait_for("every key also has a button on screen")
    tmux.keys("Escape")
    tmux.wait_for("read each line back to the patient")
    tmux.keys("C-l")
    tmux.wait_for("Locked — sign in to continue")

    assert tmux.run("display-message", "-p", "#{pane_title}") == title_before
    assert TITLE not in title_before
    written = raw.read_bytes()
    assert b"Locked" in written  # the recording holds the whole session
    assert escapes_not_textual(written) == []
