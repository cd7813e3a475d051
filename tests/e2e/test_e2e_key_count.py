"""End to end, keystroke economy (issue 11): a returning patient's whole intake in tmux at
80x24, by keys alone, counting the navigation keys — every key that is not part of a typed
value (Enter, Tab, arrows, Ctrl+letters). Letters, digits and the pad results typed on a
dipstick row are values and are not counted.

The patient is a demo patient with an earlier visit (history and insurance carried forward),
found by MRN; name and date of birth are confirmed with the one "both match" key; the urine
strip is read as "trace" on the first pad and the rest negative with one key; pH and specific
gravity are chosen by typing them. The per-step counts are printed, and the total must stay
within the target. The saved encounter is read back, so a key that skipped a value would fail.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux

from kiosk.store import EncounterStore

pytestmark = pytest.mark.slow  # the real command in a real terminal

TARGET = 25
"""Navigation keys for the whole intake of a returning patient (issue 11; 77 before)."""
MRN = "D0-000063"  # a demo patient (deterministic: seed 0) with an earlier visit
STEPS = (
    "patient",
    "identity",
    "demographics",
    "history",
    "complaint",
    "screenings",
    "vitals",
    "poc",
    "review",
)


class CountedKeys:
    """Sends keys to the pane: values as literal text (not counted), navigation keys counted
    under the step they are pressed on."""

    def __init__(self, tmux: Tmux) -> None:
        self.tmux = tmux
        self.step = ""
        self.counts: Counter[str] = Counter()

    def value(self, text: str) -> None:
        self.tmux.keys("-l", text)

    def nav(self, *keys: str) -> None:
        self.counts[self.step] += len(keys)
        self.tmux.keys(*keys)

    def report(self) -> str:
        per_step = ", ".join(f"{step} {self.counts[step]}" for step in STEPS)
        return f"navigation keys: {sum(self.counts.values())} ({per_step}); target <= {TARGET}"


def start(tmux: Tmux, data: Path) -> None:
    """The demo kiosk, signed in, on the patient list."""
    tmux.start(
        f"exec {KIOSK} --demo",
        {"KIOSK_DATA_DIR": str(data), "KIOSK_ROOM": "exam-3", "TERM": "xterm-256color"},
    )
    tmux.wait_for("PIN: 1234", timeout=90)
    tmux.keys("demo", "Enter", "1234", "Enter")  # sign-in: before the patient's intake
    tmux.wait_for("waiting")


def test_a_returning_patients_intake_takes_few_navigation_keys(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "kiosk-data"
    start(tmux, data)
    keys = CountedKeys(tmux)

    keys.step = "patient"
    keys.value(MRN)
    keys.nav("Enter")  # one match opens
    screen = tmux.wait_for("Confirm identity")
    assert "BRENNAN, Ngozi" in screen

    keys.step = "identity"
    keys.nav("C-y")  # the patient said this name and this date of birth
    tmux.wait_for("1/7  Demographics")

    keys.step = "demographics"  # carried forward, read back to the patient
    keys.nav("C-n")
    tmux.wait_for("2/7  History")

    keys.step = "history"
    keys.nav("C-k", "C-n")  # reviewed with the patient
    tmux.wait_for("3/7  Chief complaint")

    keys.step = "complaint"
    keys.value("cough and fever")
    keys.nav("Enter")
    keys.value("3 days ago")
    keys.nav("C-p")  # the other details skipped together: to the pain score
    keys.value("3")
    keys.nav("Enter")  # Enter on the last field: the next step
    tmux.wait_for("4/7  Screenings")

    keys.step = "screenings"
    keys.nav("C-n")  # none due or asked at this visit: on
    tmux.wait_for("5/7  Vital signs")

    keys.step = "vitals"
    for value in ("128/78", "80", "16", "98.6", "97", "62"):
        keys.value(value)
        keys.nav("Enter")
    keys.value("228")
    keys.nav("C-n")  # no pain score here: it was taken with the complaint
    tmux.wait_for("6/7  Point-of-care")

    keys.step = "poc"
    keys.value("t")  # glucose pad: trace; the focus moves to the next pad
    keys.nav("C-a")  # every pad not yet read: negative; on to pH
    keys.value("6")
    keys.nav("Enter")
    keys.value("1.015")
    keys.nav("C-n")
    tmux.wait_for("7/7  Review and sign")

    keys.step = "review"
    keys.nav("C-g")
    tmux.wait_for("Signed and saved")

    print(keys.report())
    assert sum(keys.counts.values()) <= TARGET, keys.report()

    tmux.keys("C-o")
    tmux.wait_for("Staff id")
    store = EncounterStore(data / "demo", staff_id="e2e-check")
    try:
        encounter = next(e for e in store.for_patient(MRN) if e.status == "signed")
    finally:
        store.close()
    assert encounter.identity_confirmed
    assert encounter.history.reviewed
    assert encounter.complaint is not None
    assert (encounter.complaint.text, encounter.complaint.onset) == (
        "cough and fever",
        "3 days ago",
    )
    assert encounter.complaint.location == ""
    assert encounter.complaint.severity == 3
    bp = encounter.vitals.blood_pressure[0]
    assert (bp.systolic.value, bp.diastolic.value) == (128, 78)
    assert encounter.vitals.weight[0].entered == "228"
    urine = encounter.poc.urine
    assert urine is not None
    assert urine.glucose == "trace"
    pads = ("bilirubin", "ketones", "blood", "protein", "urobilinogen", "leukocytes", "nitrite")
    assert {pad: getattr(urine, pad) for pad in pads} == dict.fromkeys(pads, "negative")
    assert (urine.ph, urine.specific_gravity) == (6.0, 1.015)


def test_dipstick_pads_read_by_arrows_in_one_burst_are_all_kept(tmux: Tmux, tmp_path: Path) -> None:
    """The arrows act as the app reads them: "Right Right Down Right Down …" sent in one burst
    (as over SSH) reads each pad; before, the Down was handled after the next Right had gone
    to the pad being left, and the strip came out "not done"."""
    start(tmux, tmp_path / "kiosk-data")
    tmux.keys("-l", MRN)
    tmux.keys("Enter")
    tmux.wait_for("Confirm identity")
    tmux.keys("C-y")
    tmux.wait_for("1/7  Demographics")
    tmux.keys("C-n")
    tmux.wait_for("2/7  History")
    tmux.keys("C-k", "C-n")
    tmux.wait_for("3/7  Chief complaint")
    tmux.keys("-l", "cough")
    tmux.keys("C-n")
    tmux.wait_for("4/7  Screenings")
    tmux.keys("C-n")
    tmux.wait_for("5/7  Vital signs")
    for value in ("128/78", "80", "16", "98.6", "97", "62"):
        tmux.keys("-l", value)
        tmux.keys("Enter")
    tmux.keys("-l", "228")
    tmux.keys("C-n")
    tmux.wait_for("6/7  Point-of-care")
    burst = ["Right", "Right", "Down"] + ["Right", "Down"] * 6 + ["Right", "Right", "Down"]
    tmux.keys(*burst, "C-n")  # glucose trace, six pads negative, nitrite positive
    tmux.wait_for("7/7  Review and sign")
    tmux.keys("End")  # the record's end: the point-of-care lines
    screen = tmux.wait_for("Fingerstick glucose")
    flat = " ".join(screen.split())
    assert "Urine dipstick: glucose trace, bilirubin negative, ketones negative" in flat, screen
    assert "leukocytes negative, nitrite positive" in flat, screen
