"""End to end at 80x24 in tmux: a rapid strep A recorded at the POC step of the real
``kiosk --demo`` by keys alone. A second lot is received and its controls logged with the CLI
while the kiosk runs; the step lists both lots and offers the demo's (sooner to expire); signed,
the result is stored with its lot and QC runs and that lot alone is counted down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux

from kiosk.cli import main
from kiosk.store import EncounterStore
from kiosk.store.stock import StockRoom

pytestmark = pytest.mark.slow  # an end-to-end test: the real command in a real terminal

NEXT_YEAR = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()


def cli(folder: Path, *argv: str) -> None:
    assert main(["--data-dir", str(folder), *argv]) == 0


def to_the_strep_row(tmux: Tmux, tmp_path: Path) -> Path:
    """The real ``kiosk --demo`` at the POC step, Rapid strep A chosen, a second lot STR-1
    received and its controls logged; the demo folder."""
    data = tmp_path / "kiosk-data"
    tmux.start(
        f"{KIOSK} --demo",
        {"KIOSK_DATA_DIR": str(data), "KIOSK_ROOM": "exam-1", "TERM": "xterm-256color"},
    )
    tmux.wait_for("PIN: 1234", timeout=90)
    demo = data / "demo"
    cli(
        demo, "stock", "add", "strep-a", "--lot", "STR-1", "--expiry", NEXT_YEAR, "--quantity", "10"
    )
    for level in ("positive", "negative"):
        cli(
            demo,
            "qc",
            "record",
            "--test",
            "strep-a",
            "--kit-lot",
            "STR-1",
            "--control-lot",
            "C-7",
            "--control-expiry",
            NEXT_YEAR,
            "--level",
            level,
            "--expected",
            level,
            "--observed",
            level,
        )
    tmux.keys("demo", "Enter", "1234", "Enter")
    tmux.wait_for("Today's patients")
    tmux.keys("C-r")
    tmux.wait_for("Family name")
    tmux.keys("Okafor", "Enter", "Bea", "Enter", "03/02/1990", "Enter", "f", "Enter")
    tmux.keys("E2E-0077", "Enter")
    tmux.keys("5550107777", "Enter")
    tmux.wait_for("Born March 2, 1990")
    tmux.keys("Space", "Tab", "Tab", "03/02/1990", "Enter")
    tmux.wait_for("Family name")
    tmux.keys("C-p", "C-n")
    tmux.wait_for("No earlier visit on file")
    tmux.keys("C-n")
    tmux.wait_for("No known allergies”")
    tmux.keys("Space", "C-k", "C-n")
    tmux.wait_for("In the patient's own words")
    tmux.keys("sore throat", "C-n")
    tmux.wait_for("4/7  Screenings")
    tmux.keys("C-n")  # none asked at this visit
    tmux.wait_for("Resp. rate")
    tmux.keys("118/76", "Enter", "88", "Enter", "16", "Enter", "100.4", "Enter", "98", "Enter")
    tmux.wait_for("100.4 °F = 38.0 °C")
    tmux.keys("C-n")
    tmux.wait_for("Fingerstick glucose")
    # Ctrl+A reads every pad negative and moves to pH; Tab on past the strip, the glucose
    # row (value, fasting, meter lot, taken) to the catalog's test drop-down
    tmux.keys("C-a")
    tmux.keys(*["Tab"] * 8)
    # the focused drop-down in view, above the "more below" line (it was under it)
    tmux.wait_for("test                  ▼   kit lot       result")
    tmux.keys("Rapid")  # the drop-down's option by its first letters
    # the demo's lot first (sooner expiry), then the one received above
    screen = tmux.wait_for("Lots on hand: STREPA-D1")
    assert "STR-1 (exp" in screen, screen
    return demo


def test_a_strep_test_is_recorded_by_keys_at_80x24(tmux: Tmux, tmp_path: Path) -> None:
    demo = to_the_strep_row(tmux, tmp_path)
    # the lot offered (the soonest to expire) is the one in hand: on to the result
    tmux.keys("Tab", "Tab", "neg")
    tmux.wait_for("STREPA-D1     neg")
    tmux.keys("C-d")
    screen = tmux.wait_for("Rapid strep A: negative  lot STREPA-D1")
    assert "No QC yet" not in screen
    tmux.keys("C-n")
    tmux.wait_for("Review and sign")
    tmux.keys("End")  # the point-of-care lines are at the end of the review
    tmux.wait_for("Rapid strep A: negative, lot STREPA-D1")
    tmux.keys("C-g")
    tmux.wait_for("Signed and saved")
    tmux.wait_for("Today's patients")

    store = EncounterStore(demo, staff_id="e2e-check")
    try:
        (encounter,) = store.for_patient("E2E-0077")
    finally:
        store.close()
    (result,) = encounter.poc.results
    assert (result.test, result.answer, result.kit_lot, result.operator) == (
        "strep-a",
        "negative",
        "STREPA-D1",
        "demo",
    )
    assert len(result.qc_runs) == 2
    assert encounter.poc.urine is not None
    assert encounter.poc.urine.glucose == "negative"
    room = StockRoom(demo, actor="e2e-check")
    used, received = room.find("strep-a", "STREPA-D1"), room.find("strep-a", "STR-1")
    assert used is not None
    assert received is not None
    assert (used.quantity, received.quantity) == (24, 10)


def test_a_burst_of_keys_records_the_lot_and_result_typed(tmux: Tmux, tmp_path: Path) -> None:
    """Over SSH keys arrive in bursts: Tab, Ctrl+U (clear the offered lot), another lot, Tab,
    the result and Ctrl+D in one read. Ctrl+U acts in the lot field as typed, not later in
    whichever field has the focus by then, and Ctrl+D reads the row once the fields have
    taken the keys typed before it."""
    demo = to_the_strep_row(tmux, tmp_path)
    tmux.keys("Tab", "C-u", "STR-1", "Tab", "neg", "C-d")  # one send-keys: one burst
    screen = tmux.wait_for("Rapid strep A: negative  lot STR-1")
    assert "Choose the Rapid strep A result" not in screen
    tmux.keys("C-n")
    tmux.wait_for("Review and sign")
    tmux.keys("C-g")
    tmux.wait_for("Signed and saved")
    store = EncounterStore(demo, staff_id="e2e-check")
    try:
        (encounter,) = store.for_patient("E2E-0077")
    finally:
        store.close()
    (result,) = encounter.poc.results
    assert (result.answer, result.entered, result.kit_lot) == ("negative", "neg", "STR-1")
