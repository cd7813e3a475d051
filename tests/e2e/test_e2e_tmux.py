"""End to end: the real ``kiosk --demo`` command in tmux at 80x24, driven by keystrokes only.

A medical assistant's whole intake of a new patient: sign in with the demo account shown on
screen, register, confirm both identifiers, self-pay, no known allergies, chief complaint,
vitals, no point-of-care tests, review and sign; then the saved encounter is read back from
the store. Keys go in bursts as over SSH; every wait polls the screen until a deadline.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux

from kiosk.store import EncounterStore

pytestmark = pytest.mark.slow  # an end-to-end test: the real command in a real terminal


def test_a_whole_intake_by_keystrokes_is_signed_and_stored(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    tmux.start(
        f"{KIOSK} --demo",
        {"KIOSK_DATA_DIR": str(data), "KIOSK_ROOM": "exam-3", "TERM": "xterm-256color"},
    )
    # the demo account is shown on the sign-in screen once the demo data is seeded
    tmux.wait_for("PIN: 1234", timeout=90)
    tmux.keys("demo", "Enter", "1234", "Enter")
    tmux.wait_for("Today's patients")

    tmux.keys("C-r")
    tmux.wait_for("Family name")
    # Enter stops on the Sex drop-down as Tab does; its first letter chooses
    tmux.keys("Okonkwo", "Enter", "Ada", "Enter", "07/04/1981", "Enter", "f", "Enter")
    tmux.keys("E2E-0042", "Enter")
    tmux.keys("5550104242", "Enter")
    screen = tmux.wait_for("Born July 4, 1981")
    assert "OKONKWO, Ada" in screen, screen
    assert "Confirm identity" in screen
    # Continue is refused until both identifiers are confirmed
    tmux.keys("C-n")
    tmux.wait_for("Confirm both the name and the date of birth")
    tmux.keys("Space", "Tab", "Tab", "07/04/1981", "Enter")
    screen = tmux.wait_for("Family name")
    assert "OKONKWO, Ada  ·  DOB 1981-07-04" in screen  # the banner on every step

    tmux.keys("C-n")  # no insurance yet: refused, says what to do
    tmux.wait_for("tick Self-pay")
    tmux.keys("C-p", "C-n")
    tmux.wait_for("No earlier visit on file")
    tmux.keys("C-n")  # allergies are never left blank by default
    tmux.wait_for("No known allergies”")
    tmux.keys("Space", "C-k", "C-n")
    tmux.wait_for("In the patient's own words")
    tmux.keys("sore throat and fever", "Enter", "2 days ago", "C-n")
    tmux.wait_for("4/7  Screenings")
    tmux.keys("C-n")  # none asked at this visit
    tmux.wait_for("Resp. rate")
    tmux.keys("138/86", "Enter", "96", "Enter", "18", "Enter", "101.2", "Enter", "97", "Enter")
    tmux.wait_for("101.2 °F = 38.4 °C")
    tmux.keys("C-n")
    tmux.wait_for("Fingerstick glucose")
    tmux.keys("C-n")
    screen = tmux.wait_for("sore throat and fever")
    assert "Review and sign" in screen
    tmux.keys("C-g")
    tmux.wait_for("Signed and saved")
    screen = tmux.wait_for("Today's patients")  # the list is drawn just after the toast
    assert "Blood pressure" not in screen  # the intake is off the screen

    # sign out, then quit from the sign-in screen: the kiosk exits cleanly
    tmux.keys("C-o")
    tmux.wait_for("Staff id")
    tmux.keys("C-q")
    deadline = time.monotonic() + 20
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not tmux.alive()

    store = EncounterStore(data / "demo", staff_id="e2e-check")
    try:
        assert next(iter(store.drafts_for("demo")), None) is None
        (encounter,) = store.for_patient("E2E-0042")
    finally:
        store.close()
    assert encounter.status == "signed"
    assert encounter.staff_id == "demo"
    assert encounter.room == "exam-3"
    assert encounter.identity_confirmed
    assert (encounter.patient.family_name, encounter.patient.given_name) == ("Okonkwo", "Ada")
    assert encounter.patient.sex == "female"
    assert encounter.patient.phone == "(555) 010-4242"
    assert encounter.insurance.self_pay
    assert encounter.history.no_known_allergies
    assert encounter.history.reviewed
    assert encounter.complaint is not None
    assert encounter.complaint.text == "sore throat and fever"
    assert encounter.complaint.onset == "2 days ago"
    bp = encounter.vitals.blood_pressure[0]
    assert (bp.systolic.value, bp.diastolic.value) == (138, 86)
    assert encounter.vitals.pulse[0].value == 96
    assert encounter.vitals.respiratory_rate[0].value == 18
    temperature = encounter.vitals.temperature[0]
    assert (temperature.entered, temperature.unit) == ("101.2", "Cel")
    assert temperature.value == pytest.approx(38.44, abs=0.01)
    assert encounter.vitals.spo2[0].value == 97
    assert encounter.form_text == {}
