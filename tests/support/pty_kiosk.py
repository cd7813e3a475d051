"""The installed ``kiosk`` on a pseudo-terminal of our own, reading every byte it writes.

tmux is no good for checking what reaches a terminal: inside it TERM is tmux's own
(``tmux-256color``; ``new-session -e TERM=...`` is overridden for the pane) and capture-pane
re-encodes the screen. Here the kiosk's output is the raw stream an SSH link would carry, and
TERM / COLORTERM are exactly what the test sets.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping

ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
"""CSI sequences (SGR, cursor moves, modes) and the short escapes Textual writes."""


def plain(raw: bytes) -> str:
    """The text written, escapes removed (text of one styled run stays contiguous)."""
    return ESCAPES.sub(b"", raw).decode("utf-8", "replace")


class PtyKiosk:
    """One process on a pty of ``size`` (columns, rows); its output is kept in ``output``."""

    def __init__(
        self, argv: list[str], env: Mapping[str, str], size: tuple[int, int] = (80, 24)
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def size(self) -> int:
        with self._lock:
            return len(self.output)

    def since(self, start: int) -> bytes:
        with self._lock:
            return bytes(self.output[start:])

    def send(self, data: str | bytes) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def wait_for(self, text: str, *, start: int = 0, timeout: float = 30.0) -> bytes:
        """Poll until ``text`` is written after byte ``start``; the bytes since ``start``."""
        deadline = time.monotonic() + timeout
        while True:
            raw = self.since(start)
            if text in plain(raw):
                return raw
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{text!r} never written; the last text:\n{plain(raw)[-2000:]}"
                )
            time.sleep(0.02)

    def quiet(self, seconds: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until nothing has been written for ``seconds`` (the frame is complete)."""
        deadline = time.monotonic() + timeout
        last, since = self.size(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now = self.size()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)
        self._reader.join(timeout=5)
