"""A real terminal for end-to-end tests: a private tmux server with one 80x24 pane.

The crash and SSH tests need what a person would see, including the scrollback after the kiosk
exits, so they drive a real terminal rather than Textual's pilot. ``remain-on-exit`` keeps the
pane (and its history) after the program ends. Every wait polls with a deadline.
"""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from pathlib import Path

from tmux_session import wait_for_text

TMUX_CONF = """\
set -g default-terminal "xterm-256color"
set -g history-limit 5000
set -g remain-on-exit on
set -g status off
"""


class Pane:
    """One tmux session on its own server socket, removed by :meth:`close`."""

    def __init__(
        self, tmp: Path, command: str, *, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> None:
        self.socket = f"kiosk-test-{uuid.uuid4().hex[:10]}"
        conf = tmp / "tmux.conf"
        conf.write_text(TMUX_CONF)
        args = ["new-session", "-d", "-s", "main", "-x", "80", "-y", "24"]
        if cwd is not None:
            args += ["-c", str(cwd)]
        for key, value in (env or {}).items():
            args += ["-e", f"{key}={value}"]
        self._tmux("-f", str(conf), *args, command)

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def screen(self) -> str:
        """The visible 80x24 screen as text."""
        return self._tmux("capture-pane", "-p", "-t", "main")

    def everything(self) -> str:
        """The visible screen plus all scrollback history."""
        return self._tmux("capture-pane", "-p", "-S", "-", "-E", "-", "-t", "main")

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Poll the screen until ``text`` shows; AssertionError with the screen if it never does."""
        return wait_for_text(self.screen, text, timeout)

    def send(self, *keys: str) -> None:
        """tmux key names (``Enter``, ``Tab``, ``C-l``, ``F12``)."""
        self._tmux("send-keys", "-t", "main", *keys)

    def type(self, text: str) -> None:
        """Literal text, as typed."""
        self._tmux("send-keys", "-t", "main", "-l", text)

    def cursor(self) -> tuple[int, int]:
        x, y = self._tmux("display-message", "-p", "-t", "main", "#{cursor_x} #{cursor_y}").split()
        return int(x), int(y)

    def move_focus(self, key: str, timeout: float = 15.0) -> None:
        """Press a key that moves focus and wait until the cursor has moved.

        Textual moves focus on its next loop turn, so keys sent at once would still reach
        the old field; a person never types that fast between fields, a test does.
        """
        before = self.cursor()
        self.send(key)
        deadline = time.monotonic() + timeout
        while self.cursor() == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{key} did not move the focus:\n{self.screen()}")
            time.sleep(0.05)

    def tick(self, label: str, tries: int = 3) -> None:
        """Space on a focused checkbox until the screen shows it ticked (``▐X▌ label``).

        A key sent while a screen is drawn but before its first field has the focus goes
        nowhere; then the next Space is the one that counts.
        """
        for _ in range(tries):
            self.send("Space")
            try:
                self.wait_for(f"▐X▌ {label}", timeout=5)
                return
            except AssertionError:
                continue
        raise AssertionError(f"{label!r} never got ticked:\n{self.screen()}")

    def pane_pid(self) -> int:
        return int(self._tmux("display-message", "-p", "-t", "main", "#{pane_pid}").strip())

    def dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", "main", "#{pane_dead}").strip() == "1"

    def wait_dead(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.dead():
            if time.monotonic() > deadline:
                raise AssertionError(f"the program never ended; the screen shows:\n{self.screen()}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


def shell_command(argv: list[str]) -> str:
    """``exec argv`` for tmux's shell, so the pane's process is the program itself."""
    return "exec " + " ".join(shlex.quote(a) for a in argv)


def open_patient_and_type(
    pane: Pane, *, staff: str, pin: str, search: str, shows: str, typed: str
) -> None:
    """Like an MA: sign in, search (until ``shows`` is listed), tick the name and the date of
    birth as confirmed, then type ``typed`` as the middle name."""
    pane.wait_for("Staff id")
    pane.type(staff)
    pane.wait_for(staff)
    pane.move_focus("Enter")
    pane.type(pin)
    pane.send("Enter")
    pane.wait_for("Search by name")
    pane.type(search)
    pane.wait_for(f"Matches for “{search}”")  # the last lookup, not one for a prefix
    pane.wait_for(shows)
    pane.send("Enter")
    pane.wait_for("Confirm identity")
    pane.tick("Name confirmed")  # the box has the focus when the screen opens
    pane.send("Tab")
    pane.tick("Date of birth confirmed")
    pane.send("C-n")
    pane.wait_for("Family name")
    pane.move_focus("Tab")  # family -> given
    pane.move_focus("Tab")  # given -> middle name
    pane.type(typed)
    pane.wait_for(typed)
