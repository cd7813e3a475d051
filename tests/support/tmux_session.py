"""One private tmux server running the installed ``kiosk`` command, for the end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

KIOSK = Path(sys.executable).with_name("kiosk")


def wait_for_text(read: Callable[[], str], text: str, timeout: float) -> str:
    """Poll ``read()`` (a pane's screen) until ``text`` shows; AssertionError with the screen
    if it never does (the kiosk redraws within milliseconds; a loaded host may take seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        screen = read()
        if text in screen:
            return screen
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared; the screen shows:\n{screen}")
        time.sleep(0.05)


class Tmux:
    """One private tmux server (its own socket) running one command at 80x24."""

    def __init__(self) -> None:
        self.socket = f"kiosk-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        exports = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]
        self.run("new-session", "-d", "-x", "80", "-y", "24", *exports, command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p")

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the pane until ``text`` shows."""
        return wait_for_text(self.screen, text, timeout)

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        """Poll the pane until ``text`` no longer shows (a redraw that follows another one,
        such as a message cleared by the tick drawn the frame before)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text not in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never went away; the screen shows:\n{screen}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "-L", self.socket, "has-session"], capture_output=True
            ).returncode
            == 0
        )

    def kill(self) -> None:
        """Kill the server (its panes' programs get SIGHUP, as from a dropped connection), then
        give them a few seconds to exit and kill whatever is left, so no kiosk outlives its test
        (one wrapped in ``script`` otherwise lived on with the pty ``script`` held open)."""
        panes = subprocess.run(
            ["tmux", "-L", self.socket, "list-panes", "-a", "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.split()
        left = descendants({int(pid) for pid in panes})
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        deadline = time.monotonic() + 10
        while (left := {pid for pid in left if running(pid)}) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def descendants(roots: set[int]) -> set[int]:
    """The processes and every process below them, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found
