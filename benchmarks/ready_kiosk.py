"""The real kiosk that exits when it is ready, for timing its start-up (bench_ui.py).

``python benchmarks/ready_kiosk.py frame|core [kiosk options]``: ``frame`` exits right after
the sign-in screen's first frame, ``core`` once the core is loaded (store open, demo account
shown). Everything else is the shipped ``kiosk`` command.
"""

from __future__ import annotations

import sys

from kiosk.app import KioskApp, main
from kiosk.cli import build_parser


def ready_kiosk(until: str) -> type[KioskApp]:
    class ReadyKiosk(KioskApp):
        def first_frame_drawn(self) -> None:
            if until == "frame":
                self.exit()
            else:
                super().first_frame_drawn()

        def core_ready(self) -> None:
            super().core_ready()
            self.exit()

    return ReadyKiosk


if __name__ == "__main__":
    until, *rest = sys.argv[1:]
    sys.exit(main(build_parser().parse_args(rest), app_class=ready_kiosk(until)))
