"""End to end in tmux at 80x24, keys only: the vitals step measures against the right reference.

A US clinic, a patient whose last visit recorded 81.6 kg (typed in kg) and 170 cm: the last
values read in lb and in; BP 300/20 shows both parts critical and the reading category; a 15 lb
drop and 8.6 cm more height are said under the fields and Next waits for both ticks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux
from ui_helpers import PIN, ROOM, STAFF_ID, patient, previous_encounter

from kiosk.models import Measurement, Vitals

pytestmark = pytest.mark.slow


def seed_with_vitals(data: Path) -> str:
    """Staff ma1 and Rivera with a last visit of 81.6 kg and 170 cm; that visit's day."""
    import argon2

    from kiosk.store import EncounterStore
    from kiosk.store.staff import StaffDirectory

    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    StaffDirectory(data, hasher=hasher).add(STAFF_ID, "Test Assistant", PIN, "ma", by="test")
    last = previous_encounter(patient())
    last.vitals = Vitals(
        weight=[
            Measurement(
                kind="weight",
                entered="81.6 kg",
                value=81.6,
                unit="kg",
                entered_value=81.6,
                entered_unit="kg",
                status="normal",
            )
        ],
        height=[
            Measurement(
                kind="height",
                entered="170 cm",
                value=170.0,
                unit="cm",
                entered_value=170.0,
                entered_unit="cm",
                status="normal",
            )
        ],
    )
    store = EncounterStore(data, staff_id="test")
    store.save(last)
    store.close()
    return last.day.isoformat()


def test_vitals_show_both_bp_flags_clinic_units_and_ask_about_changes(
    tmux: Tmux,
    tmp_path: Path,
) -> None:
    data = tmp_path / "kiosk-data"
    day = seed_with_vitals(data)
    env = {
        "KIOSK_DATA_DIR": str(data),
        "KIOSK_ROOM": ROOM,
        "KIOSK_UNIT_SYSTEM": "us",
        "TERM": "xterm-256color",
    }
    tmux.start(str(KIOSK), env)
    tmux.wait_for("Staff id", timeout=90)
    tmux.keys(STAFF_ID, "Enter", PIN, "Enter")
    tmux.wait_for("Today's patients")
    tmux.keys("rivera", "Enter")
    tmux.wait_for("Confirm identity")
    tmux.keys("Space", "Tab", "Tab", "03/07/1984", "Enter")
    tmux.wait_for("Family name")
    tmux.keys("C-n")
    tmux.wait_for("Carried forward from the visit")
    tmux.keys("C-k", "C-n")
    tmux.wait_for("In the patient's own words")
    tmux.keys("follow-up", "C-n")
    tmux.wait_for("4/7  Screenings")
    tmux.keys("C-n")
    tmux.wait_for("Resp. rate")

    tmux.keys("300/20")
    screen = tmux.wait_for("sys CRITICAL HIGH · dia CRITICAL LOW · BP hypertensive crisis")
    tmux.keys("Enter", "80", "Enter", "16", "Enter", "98.6", "Enter", "97", "Enter")
    tmux.keys("70.3", "Enter", "164.9", "Enter")  # 178.6 cm; 15 lb less than 81.6 kg
    screen = tmux.wait_for("Height 3.4 in taller than last visit (66.9 in")
    assert "last 179.9 lb" in screen, screen  # 81.6 kg, shown in lb on a US kiosk
    assert "last 66.9 in" in screen, screen
    tmux.keys("C-n")  # held: the changes need the MA's tick; the focus on the first
    screen = tmux.wait_for("Confirm or correct: Height 3.4 in taller")
    assert "Fingerstick glucose" not in screen
    tmux.keys("Space")  # the height tick
    tmux.wait_for("▐X▌ Change from last visit confirmed")  # ticked; the prompt clears
    tmux.wait_gone("Confirm or correct: Height")  # on the frame after the tick's
    tmux.keys("C-n")  # held again, now for the weight
    screen = tmux.wait_for("Confirm or correct: Weight 15 lb less than last visit")
    assert "Fingerstick glucose" not in screen
    tmux.keys("Space")  # the weight tick; then Next (not in the same burst: a tick's Space
    # binding runs when the key bubbles back to the app, after Ctrl+N has read the form)
    tmux.wait_for(f"               Weight 15 lb less than last visit (179.9 lb, {day})")
    tmux.keys("C-n")
    tmux.wait_for("Fingerstick glucose")
