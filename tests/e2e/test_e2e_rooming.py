"""End to end, the rooming board in tmux at 80x24, keys only: the demo day's list shows status,
room and wait with late visits marked in words; Ctrl+T moves the first (late) visit on; a change
made by another kiosk process appears by itself; Ctrl+U turns a room over by ticking its
checklist. What was done is read back from the store."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux

from kiosk.store import EncounterStore

pytestmark = pytest.mark.slow

MRN = re.compile(r"D0-\d{6}")


def row_of(screen: str, mrn: str) -> str:
    return next(line for line in screen.splitlines() if mrn in line)


def test_the_board_by_keys_at_80x24(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    env = {"KIOSK_DATA_DIR": str(data), "KIOSK_ROOM": "exam-3", "TERM": "xterm-256color"}
    tmux.start(f"exec {KIOSK} --demo", env)
    tmux.wait_for("PIN: 1234", timeout=90)
    tmux.keys("demo", "Enter", "1234", "Enter")
    screen = tmux.wait_for("LATE")
    header = next(line for line in screen.splitlines() if "Status" in line)
    for column in ("Name", "Born", "MRN", "Status", "Room", "Wait", "Intake"):
        assert column in header
    assert all(len(line) <= 80 for line in screen.splitlines())
    lines = [line for line in screen.splitlines() if MRN.search(line)]
    assert "LATE" in lines[0]  # late visits first
    assert "LATE" in lines[1]
    assert "done" in lines[-1]  # done visits last
    first = MRN.findall(lines[0])[0]
    not_arrived = MRN.findall(next(line for line in lines if "waiting" in line))[0]

    tmux.keys("Down", "C-t")  # the list, first row; the status dialog
    tmux.wait_for("Provider in")
    tmux.keys("Enter")  # the first button: the next status
    tmux.wait_gone("Provider in")
    tmux.wait_for("w/ prov")
    demo = data / "demo"
    with EncounterStore(demo, staff_id="check") as store:
        record = store.rooming.visit(first)
        assert record is not None
        assert (record.status, record.history[-1].by) == ("with-provider", "demo")

    tmux.keys("C-t")  # the same patient (the cursor followed them): a procedure assist
    tmux.wait_for("Procedure…")
    tmux.keys("Tab", "Enter")
    tmux.wait_for("Procedure assist:")
    tmux.keys("-l", "Shave biopsy")
    tmux.keys("Tab")
    tmux.keys("-l", "Dr. Osei")
    tmux.keys("Tab", "Tab")  # past the MA's role (assisted the provider)
    for _ in range(4):
        tmux.keys("Space", "Tab")  # the time-out's three parts and the consent
    tmux.keys("-l", "PK-55-1")
    tmux.keys("Tab", "Tab", "Tab", "Tab", "Enter")  # no specimen; Record
    tmux.wait_for("Procedure recorded.")
    tmux.keys("Escape")
    tmux.wait_gone("Procedure recorded.")
    with EncounterStore(demo, staff_id="check") as store:
        record = store.rooming.visit(first)
        assert record is not None
        (assist,) = record.procedures
        assert (assist.procedure, assist.provider, assist.packs) == (
            "Shave biopsy",
            "Dr. Osei",
            ["PK-55-1"],
        )

    script = (
        "from kiosk.store import EncounterStore\n"
        f"with EncounterStore({str(demo)!r}, staff_id='desk') as s:\n"
        f"    s.rooming.set_status({not_arrived!r}, 'arrived')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)  # another kiosk
    screen = tmux.wait_gone("waiting")
    assert "arrived" in row_of(screen, not_arrived)

    tmux.keys("C-u")  # rooms; the cursor on the room that needs turnover
    tmux.wait_for("needs turnover")
    for _ in range(5):
        tmux.keys("Tab", "Space")  # tick each checklist item
    screen = tmux.wait_for("Instruments for the next visit present  — done")
    assert screen.count("— done") == 5  # ticked, in words
    tmux.keys("Tab", "Enter")  # "Turnover done" (in a dialog Space on a button is typing)
    tmux.wait_gone("Turnover done")
    with EncounterStore(demo, staff_id="check") as store:
        room4 = {r.name: r for r in store.rooming.rooms()}["Room 4"]
        assert room4.state == "ready"
        assert room4.last_turnover is not None
        assert room4.last_turnover.by == "demo"
        assert len(room4.last_turnover.checked) == 5
