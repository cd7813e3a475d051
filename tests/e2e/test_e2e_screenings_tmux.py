"""Patient mode in Spanish in a real terminal at 80x24 (tmux), by keys alone.

The MA hands the screen over from the screenings step (Ctrl+P); the patient chooses Español
and answers by number keys; Esc, Ctrl+O, Ctrl+L, F1 and Ctrl+E leave nothing; after the last
answer the screen asks for the screen back and the MA's PIN returns to the same step, the
answers there for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tmux_session import KIOSK, Tmux
from ui_helpers import PIN, STAFF_ID, seed

pytestmark = pytest.mark.slow


def test_spanish_patient_mode_by_keys_at_80x24(tmux: Tmux, tmp_path: Path) -> None:
    data = tmp_path / "data"
    seed(data)  # Ana Rivera, 42, female: PHQ, GAD-7 and AUDIT-C due
    tmux.start(f"exec {KIOSK}", {"KIOSK_DATA_DIR": str(data), "TERM": "xterm-256color"})
    tmux.wait_for("Staff id", timeout=90)
    tmux.keys("-l", STAFF_ID)
    tmux.keys("Enter")
    tmux.keys("-l", PIN)
    tmux.keys("Enter")
    tmux.wait_for("Today's patients")
    tmux.keys("-l", "rivera")
    tmux.keys("Enter")
    tmux.wait_for("Confirm identity")
    tmux.keys("C-y")
    tmux.wait_for("1/7  Demographics")
    tmux.keys("C-n")
    tmux.wait_for("2/7  History")
    tmux.keys("C-k", "C-n")
    tmux.wait_for("3/7  Chief complaint")
    tmux.keys("-l", "low mood")
    tmux.keys("C-n")
    screen = tmux.wait_for("4/7  Screenings")
    assert "Depression (PHQ-2 / PHQ-9) — due (never done)" in screen

    tmux.keys("C-p")
    screen = tmux.wait_for("Elija su idioma")
    assert "RIVERA" not in screen  # no patient banner in patient mode
    tmux.keys("2")  # Español
    screen = tmux.wait_for("Pregunta 1 de 2")
    assert "Poco interés o placer en hacer cosas" in screen
    assert "1  Ningún día" in screen
    assert "4  Casi todos los días" in screen
    for key in ("Escape", "C-o", "C-l", "F1", "C-e", "C-n", "C-b", "Tab"):
        tmux.keys(key)
    screen = tmux.wait_for("Pregunta 1 de 2")
    assert "Sign out" not in screen
    assert "Locked" not in screen
    tmux.keys("1", "1")  # PHQ-2 of 0: negative, on to GAD-7
    screen = tmux.wait_for("Pregunta 3 de 13")
    assert "nervioso(a)" in screen
    for _ in range(8 + 3):  # GAD-7 with its difficulty question, AUDIT-C
        tmux.keys("1")
    screen = tmux.wait_for("devuelva la pantalla al personal")
    assert "Gracias" in screen
    for line in screen.splitlines():
        assert len(line) <= 80
    tmux.keys("-l", PIN)
    tmux.keys("Enter")
    screen = tmux.wait_for("4/7  Screenings")
    assert "PHQ-2 0 · negative" in screen
    tmux.wait_for("reviewed with them")
    tmux.keys("C-k", "C-n")
    tmux.wait_for("5/7  Vital signs")
