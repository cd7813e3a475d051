"""In a real terminal: a crash or a signal never puts patient data on the terminal, and the
draft survives.

The kiosk runs in tmux (80x24) on a seeded store. For the crash, tests/support/crashing_kiosk.py
runs it with a planted bug: F12 raises inside an app handler whose frame holds the patient,
while the patient's name is on screen. Textual would print a traceback with locals; the kiosk
must print one sentence and keep the traceback, without values, in its private log.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

import pytest
from privacy_tmux import Pane, open_patient_and_type, shell_command
from ui_helpers import PIN, ROOM, STAFF_ID, seed

from kiosk.privacy import LOG_NAME
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail

REPO = Path(__file__).resolve().parents[2]
TYPED = "Zebulon"
SECRETS = ("Rivera", "RIVERA", TYPED, "1984-03-07", "03/07/1984")

pytestmark = pytest.mark.slow


CRASHING = Path(__file__).parents[1] / "support" / "crashing_kiosk.py"


def start_kiosk(tmp_path: Path, *, crashing: bool = False) -> tuple[Pane, Path]:
    data = tmp_path / "data"
    seed(data)
    env = {"KIOSK_DATA_DIR": str(data), "KIOSK_ROOM": ROOM, "TERM": "xterm-256color"}
    command = [sys.executable, str(CRASHING)] if crashing else [sys.executable, "-m", "kiosk"]
    pane = Pane(tmp_path, shell_command(command), env=env, cwd=REPO)
    open_patient_and_type(
        pane,
        staff=STAFF_ID,
        pin=PIN,
        search="rivera",
        shows="RIVERA, Ana",
        typed=TYPED,
    )
    return pane, data


def saved_draft_text(data: Path) -> dict[str, str]:
    store = EncounterStore(data)
    try:
        draft = next(iter(store.drafts_for(STAFF_ID)), None)
    finally:
        store.close()
    assert draft is not None, "no draft was saved"
    return dict(draft.form_text)


def test_a_crash_prints_one_sentence_and_logs_no_values(tmp_path: Path) -> None:
    pane, data = start_kiosk(tmp_path, crashing=True)
    try:
        assert "RIVERA" in pane.screen()
        pane.send("F12")
        pane.wait_dead()
        terminal = pane.everything()
    finally:
        pane.close()
    assert "The kiosk stopped because of an internal error" in terminal
    for secret in SECRETS:
        assert secret not in terminal
    assert "Traceback" not in terminal
    log = data / LOG_NAME
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: [message withheld" in text
    for secret in SECRETS:
        assert secret not in text
    assert "locals" not in text.lower()
    assert TYPED in saved_draft_text(data).values()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM])
def test_hangup_or_terminate_saves_the_draft_and_exits(tmp_path: Path, sig: signal.Signals) -> None:
    pane, data = start_kiosk(tmp_path)
    try:
        os.kill(pane.pane_pid(), sig)
        pane.wait_dead()
        terminal = pane.everything()
    finally:
        pane.close()
    assert TYPED in saved_draft_text(data).values()
    for secret in SECRETS:
        assert secret not in terminal
    assert "Traceback" not in terminal
    reason = "connection lost" if sig == signal.SIGHUP else "SIGTERM"
    ended = [(e.staff, e.detail) for e in AuditTrail(data).entries() if e.action == "sign-out"]
    assert ended == [(STAFF_ID, f"session ended: {reason}")]
