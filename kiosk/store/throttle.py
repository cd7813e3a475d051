"""How fast a terminal may try PINs: per terminal, with exponential backoff, never an account lock.

Why not lock the account after five wrong PINs: anyone who knows (or guesses) a staff id could
then keep that person out of every kiosk, and the different answer for a real id ("locked")
told which ids exist. Instead the wrong tries of one *terminal* (whatever id was typed, known or
not) are counted over the last hour. The first four cost nothing (typos); from the fifth on the
terminal waits before its next try: 30 s, then 1, 2, 4, 8 and at most 15 minutes, counted from
its last wrong try. Other terminals are never slowed, so the real owner of an account signs in
elsewhere at once. A success does not clear the count (else someone with a PIN of their own could
sign in between guesses at a colleague's and never wait); the count fades as tries pass the hour.

What "a terminal" is (:func:`terminal_id`): an SSH session's client address (sshd sets
``SSH_CONNECTION``; reconnecting does not start a fresh count), else the controlling terminal
(``/dev/pts/3``, a console), else the process. The state is kept with the staff accounts
(``staff.json``, under its lock), so restarting the kiosk does not reset it either.

Pure functions over that state; kiosk.store.staff does the locking, writing and auditing.
"""

from __future__ import annotations

import math
import os
from typing import Any

FREE_TRIES = 4
"""Wrong tries in the window that cost no wait."""
FIRST_WAIT = 30.0
"""The wait after the fifth wrong try, in seconds; it doubles with each further one."""
LONGEST_WAIT = 15 * 60.0
WINDOW = 60 * 60.0
"""Wrong tries older than this are forgotten."""
_KEEP = 64
"""Timestamps kept per terminal: enough to reach the longest wait many times over."""

Terminals = dict[str, dict[str, Any]]


def terminal_id() -> str:
    """This process's terminal: ``ssh <client address>``, ``tty <device>`` or ``process <pid>``.

    Only sshd sets ``SSH_CONNECTION`` for a session (the deployment's sshd clears the client's
    environment); a local user who could change it could read the data folder anyway.
    """
    connection = os.environ.get("SSH_CONNECTION", "").split()
    if connection:
        return f"ssh {connection[0][:64]}"
    for fd in (0, 1, 2):
        try:
            return f"tty {os.ttyname(fd)}"
        except OSError:
            continue
    return f"process {os.getpid()}"


def recent_failures(terminals: Terminals, terminal: str, now: float) -> list[float]:
    """The terminal's wrong tries within the window, oldest first."""
    record = terminals.get(terminal) or {}
    times = record.get("failures") if isinstance(record, dict) else None
    if not isinstance(times, list):
        return []
    return sorted(float(t) for t in times if isinstance(t, int | float) and now - WINDOW < t <= now)


def wait_after(count: int) -> float:
    """Seconds to wait after ``count`` wrong tries in the window (0 while they are free)."""
    if count <= FREE_TRIES:
        return 0.0
    return min(LONGEST_WAIT, FIRST_WAIT * 2.0 ** (count - FREE_TRIES - 1))


def seconds_to_wait(terminals: Terminals, terminal: str, now: float) -> float:
    """How long this terminal must still wait before its next try (0: it may try now)."""
    failures = recent_failures(terminals, terminal, now)
    if not failures:
        return 0.0
    return max(0.0, failures[-1] + wait_after(len(failures)) - now)


def add_failure(terminals: Terminals, terminal: str, now: float) -> None:
    """Count a try as wrong (done before the PIN is checked: an unrecorded try is no try)."""
    failures = [*recent_failures(terminals, terminal, now), now][-_KEEP:]
    terminals[terminal] = {"failures": failures}
    prune(terminals, now)


def remove_failure(terminals: Terminals, terminal: str, at: float) -> None:
    """Take back the one try counted at ``at`` (it was the right PIN)."""
    record = terminals.get(terminal)
    if not isinstance(record, dict) or not isinstance(record.get("failures"), list):
        return
    times: list[Any] = record["failures"]
    if at in times:
        times.remove(at)
    if not times:
        del terminals[terminal]


def prune(terminals: Terminals, now: float) -> None:
    """Forget terminals with no wrong try in the window."""
    for name in [n for n in terminals if not recent_failures(terminals, n, now)]:
        del terminals[name]


def summary(terminals: Terminals, now: float) -> list[tuple[str, int, float]]:
    """(terminal, wrong tries in the window, seconds it still waits) of each terminal with
    recent wrong tries, longest wait first."""
    found = [
        (name, len(recent_failures(terminals, name, now)), seconds_to_wait(terminals, name, now))
        for name in terminals
    ]
    return sorted((f for f in found if f[1]), key=lambda f: (-f[2], f[0]))


def wait_message(seconds: float) -> str:
    """What the sign-in screen says while this terminal waits (the same whatever id was typed)."""
    if seconds < 60:
        whole = max(1, math.ceil(seconds))
        amount = f"{whole} second" + ("s" if whole != 1 else "")
    else:
        minutes = math.ceil(seconds / 60)
        amount = f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"Too many wrong tries at this terminal: try again in {amount}."
