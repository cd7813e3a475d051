"""End to end: a follow-up request raised from the review of a real ``kiosk --demo`` in tmux at
80x24, by keystrokes only (Ctrl+R, a letter choosing the kind, Enter through the fields), then
signed; the stored encounter carries it and ``kiosk tasks list`` shows it."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux

from kiosk.store import EncounterStore

pytestmark = pytest.mark.slow  # an end-to-end test: the real command in a real terminal


def test_a_request_raised_by_keys_at_the_review_is_signed_and_listed(
    tmux: Tmux, tmp_path: Path
) -> None:
    data = tmp_path / "kiosk-data"
    tmux.start(f"{KIOSK} --demo", {"KIOSK_DATA_DIR": str(data), "TERM": "xterm-256color"})
    tmux.wait_for("PIN: 1234", timeout=90)
    tmux.keys("demo", "Enter", "1234", "Enter")
    tmux.wait_for("Today's patients")
    tmux.keys("C-r")
    tmux.wait_for("Family name")
    tmux.keys("Okonkwo", "Enter", "Ada", "Enter", "07/04/1981", "Enter", "f", "Enter")
    tmux.keys("E2E-0043", "Enter", "5550104243", "Enter")
    tmux.wait_for("Confirm identity")
    tmux.keys("Space", "Tab", "Tab", "07/04/1981", "Enter")
    tmux.wait_for("Family name")
    tmux.keys("C-p", "C-n")
    tmux.wait_for("No earlier visit on file")
    tmux.keys("C-n")
    tmux.wait_for("No known allergies”")
    tmux.keys("Space", "C-k", "C-n")
    tmux.wait_for("In the patient's own words")
    tmux.keys("headache", "C-n")
    tmux.wait_for("Screenings")
    tmux.keys("C-n")  # none asked at this visit
    tmux.wait_for("Resp. rate")
    tmux.keys("128/82", "Enter", "76", "Enter", "16", "Enter", "98.4", "Enter", "98", "Enter")
    tmux.wait_for("98.4 °F = 36.9 °C")
    tmux.keys("C-n")
    tmux.wait_for("Fingerstick glucose")
    tmux.keys("C-n")
    tmux.wait_for("Review and sign")

    tmux.keys("C-r")
    screen = tmux.wait_for("Hand over a request")
    assert "Add request  Ctrl+S" in screen  # the whole dialog fits 80x24
    tmux.keys("f")  # letters choose the kind: Follow-up appointment requested
    tmux.wait_for("Follow-up appointment requested")
    tmux.keys("Enter", "soon", "Enter", "Enter")
    tmux.wait_for("Enter when")  # refused next to the field, the text kept
    tmux.keys("C-u", "2 weeks", "Enter", "recheck blood pressure", "Enter")
    tmux.wait_for("Request added")
    tmux.keys("End")  # the record's last section: the requests handed over
    screen = tmux.wait_for("Follow-up by")
    assert "recheck blood pressure" in screen
    tmux.keys("C-g")
    tmux.wait_for("Signed and saved")
    tmux.wait_for("Today's patients")

    store = EncounterStore(data / "demo", staff_id="e2e-check")
    try:
        (encounter,) = store.for_patient("E2E-0043")
    finally:
        store.close()
    (request,) = encounter.requests
    assert (request.kind, request.when_text, request.reason) == (
        "follow-up",
        "2 weeks",
        "recheck blood pressure",
    )
    assert request.when == encounter.day + timedelta(days=14)
    listed = subprocess.run(
        [KIOSK, "--data-dir", str(data / "demo"), "tasks", "list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert request.id in listed
    assert "Follow-up by" in listed
