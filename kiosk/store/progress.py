"""How far ``kiosk check`` is: a silent default, and a bar for a terminal.

Why in the core: the check's passes say where they are (``start``, ``advance``); who shows it
is the caller's choice. ``kiosk check`` draws ``Bar`` on stderr only when stderr is a
terminal, so a cron job's mail or a pipe never fills with redraws.
"""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """How far a check is, for a person watching (``kiosk check`` draws a bar on a
    terminal); this one shows nothing."""

    def start(self, phase: str, total: int) -> None:
        """A phase begins: ``total`` steps (days, shards, ...)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more of the phase are done."""

    def finish(self) -> None:
        """The check is over (a bar clears its line)."""


class Bar(Progress):
    """One line on a terminal, redrawn at most ten times a second: phase, bar, percentage."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.phase = ""
        self.total = 0
        self.done = 0
        self.drawn = 0.0

    def start(self, phase: str, total: int) -> None:
        self.phase, self.total, self.done = phase, total, 0
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self._draw(force=self.done >= self.total)

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn < 0.1:
            return
        self.drawn = now
        share = min(1.0, self.done / self.total) if self.total else 1.0
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rChecking {self.phase:<16} [{bar}] {share:4.0%}\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


__all__ = ["Bar", "Progress"]
