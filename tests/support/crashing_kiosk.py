"""The kiosk with a planted bug, for tests/e2e/test_privacy_crash.py (not shipped).

``python tests/support/crashing_kiosk.py [kiosk options]`` runs the real kiosk; F12 raises
inside an app handler whose frame holds the open patient, while the patient is on screen.
Textual would print a traceback with those locals; the kiosk must print one sentence.
"""

from __future__ import annotations

import sys

from textual import events

from kiosk.app import KioskApp, main
from kiosk.cli import build_parser

CRASH_KEY = "f12"


class CrashingKiosk(KioskApp):
    def on_key(self, event: events.Key) -> None:
        if event.key == CRASH_KEY:
            patient = self.draft.patient if self.draft is not None else None
            raise RuntimeError(f"test crash while {patient!r} is open")


if __name__ == "__main__":
    sys.exit(main(build_parser().parse_args(sys.argv[1:]), app_class=CrashingKiosk))
