"""Keeping patient data off the terminal, out of logs and safe when the session ends abruptly.

- Crashes: Textual prints a rich traceback *with local variables* when an app dies, and locals
  hold the encounter being typed. ``kiosk.widgets.private_app`` replaces that: the terminal
  gets one short sentence; the traceback goes to ``kiosk-errors.log`` (0600) in the data
  folder, with frames and source lines but no locals and no exception messages (a message such
  as pydantic's ``input_value='Smith'`` can quote a field). Only the exception's type is kept.
- Logging: :func:`configure_logging` sends warnings to the same private file through a filter
  that drops a record's arguments (where values would go) and formats tracebacks the same way.
- Environment: :func:`harden_process` sets umask 077 and removes ``TEXTUAL_LOG`` and Textual's
  ``devtools``/``debug`` features before Textual reads them, so no developer log or console
  receives screen contents.
- Signals: :class:`SignalGuard` makes SIGHUP (SSH dropped), SIGTERM and SIGINT call
  back into the app, which saves the draft and exits; a watchdog ends the process if a dead
  terminal makes the orderly exit hang.

This module never imports Textual at import time, so the CLI can use it cheaply.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import logging.handlers
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

LOG_NAME = "kiosk-errors.log"
CRASH_MESSAGE = (
    "The kiosk stopped because of an internal error. The intake draft was saved; "
    "sign in again to continue. IT can find the details in {log}."
)
SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
_WITHHELD = "[message withheld: it may quote patient data]"


# ---------------------------------------------------------------------- environment


def harden_process(environ: dict[str, str] | None = None) -> None:
    """Private files by default, and no Textual developer log, console or key log.

    Call it before the app is created (Textual reads ``TEXTUAL`` features then); the log file
    and debug flags Textual read at import are switched off here too.
    """
    env = os.environ if environ is None else environ
    os.umask(0o077)
    env.pop("TEXTUAL_LOG", None)
    env.pop("TEXTUAL_DEBUG", None)
    constants = sys.modules.get("textual.constants")
    if constants is not None and environ is None:  # already read at import: switch them off
        setattr(constants, "LOG_FILE", None)  # noqa: B010 (Final in Textual's annotations)
        setattr(constants, "DEBUG", False)  # noqa: B010
    features = [f for f in env.get("TEXTUAL", "").split(",") if f.strip()]
    kept = [f for f in features if f.strip() not in {"devtools", "debug"}]
    if kept:
        env["TEXTUAL"] = ",".join(kept)
    else:
        env.pop("TEXTUAL", None)


# ---------------------------------------------------------------------- tracebacks


def safe_traceback(error: BaseException) -> str:
    """Frames, source lines and exception types of ``error`` and its causes; no values.

    Locals are never captured, and messages are withheld: only the messages of OSError (an
    errno and a file name) and of kiosk errors meant for people are kept.
    """
    from kiosk.errors import KioskError

    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    for index, exc in enumerate(reversed(chain)):
        if index:
            parts.append("\nDuring handling of the above, another exception occurred:\n\n")
        stack = traceback.StackSummary.extract(
            traceback.walk_tb(exc.__traceback__), capture_locals=False
        )
        parts.append("Traceback (most recent call last):\n")
        parts.extend(stack.format())
        name = f"{type(exc).__module__}.{type(exc).__qualname__}"
        if isinstance(exc, OSError):
            message = f"[Errno {exc.errno}] {exc.strerror}"
        elif isinstance(exc, KioskError) and not isinstance(exc.__cause__, Exception):
            message = str(exc)
        else:
            message = _WITHHELD
        parts.append(f"{name}: {message}\n")
    return "".join(parts)


def open_private_log(data_dir: Path) -> Path:
    """The error log path, created 0600 in a 0700 folder if it does not exist yet."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / LOG_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def write_crash_log(data_dir: Path, error: BaseException, *, where: str = "app") -> Path:
    """Append a dated, value-free traceback of ``error`` to the private log; its path."""
    path = open_private_log(data_dir)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {stamp} crash in {where} (pid {os.getpid()})\n")
        handle.write(safe_traceback(error))
        handle.flush()
        os.fsync(handle.fileno())
    return path


HANG_UP_ERRNOS = frozenset({errno.EIO, errno.EPIPE, errno.ENXIO, errno.EBADF, errno.ENOTTY})
"""What writing to or reading from a terminal that has gone away fails with."""


def is_hang_up(error: BaseException) -> bool:
    """The terminal went away (a dropped SSH session): an expected end, not a crash."""
    return isinstance(error, OSError) and error.errno in HANG_UP_ERRNOS


def note_hang_up(data_dir: Path, error: BaseException, *, where: str) -> Path:
    """One dated line in the private log for a terminal that hung up (no traceback)."""
    path = open_private_log(data_dir)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    code = errno.errorcode.get(getattr(error, "errno", 0) or 0, "?")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {stamp} terminal hung up ({code} in {where}, pid {os.getpid()})\n")
    return path


def fallback_data_dir() -> Path:
    """Where to write the log when the settings could not be read."""
    try:
        from kiosk.config import load_settings

        return load_settings().active_data_dir
    except Exception:
        import tempfile

        return Path(tempfile.gettempdir()) / f"kiosk-{os.getuid()}"


def install_excepthook(data_dir: Callable[[], Path | None]) -> None:
    """Outside the app (start-up, threads): log privately; the main thread prints a sentence."""

    def log(error: BaseException, where: str) -> str:
        try:
            return str(write_crash_log(data_dir() or fallback_data_dir(), error, where=where))
        except OSError:
            return "no log (the data folder cannot be written)"

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        print(CRASH_MESSAGE.format(log=log(error, "the kiosk")), file=sys.stderr)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        # Textual's writer thread fails with EIO when the terminal hangs up (SSH dropped):
        # expected, so one line, not a crash; any other thread error is logged in full
        if args.exc_value is None:
            return
        where = f"thread {args.thread.name if args.thread else '?'}"
        if is_hang_up(args.exc_value):
            with suppress(OSError):
                note_hang_up(data_dir() or fallback_data_dir(), args.exc_value, where=where)
            return
        log(args.exc_value, where)

    sys.excepthook = hook
    threading.excepthook = thread_hook


# ---------------------------------------------------------------------- logging


class RedactingFilter(logging.Filter):
    """Drop a record's arguments (the values) and keep the developer's format string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = f"{record.msg} [values withheld]"
            record.args = None
        return True


class SafeFormatter(logging.Formatter):
    """Tracebacks in log records go through :func:`safe_traceback` (no locals, no messages)."""

    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        return safe_traceback(ei[1]).rstrip("\n") if ei[1] is not None else ""


def configure_logging(data_dir: Path, level: int = logging.WARNING) -> logging.Handler:
    """Root logging to the private error log (rotated at 1 MB), values withheld."""
    path = open_private_log(data_dir)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.addFilter(RedactingFilter())
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, logging.StreamHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    return handler


# ---------------------------------------------------------------------- signals


class SignalGuard:
    """SIGHUP/SIGTERM/SIGINT call ``on_signal(name)`` on the event loop, once.

    ``on_signal`` should save the draft synchronously, then ask the app to exit. If the process
    is still alive ``grace_seconds`` later (a hung-up terminal can block the driver), a
    watchdog ends it: the draft is already on disk. ``remove()`` stops catching the signals;
    only ``disarm()`` cancels the watchdog.
    """

    def __init__(
        self,
        on_signal: Callable[[str], None],
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        grace_seconds: float = 5.0,
    ) -> None:
        self.on_signal = on_signal
        self.loop = loop or asyncio.get_running_loop()
        self.grace_seconds = grace_seconds
        self.received: str | None = None
        self._watchdog: threading.Timer | None = None
        for sig in SIGNALS:
            self.loop.add_signal_handler(sig, self._handle, int(sig))

    def _handle(self, signum: int) -> None:
        if self.received is not None:
            return
        self.received = signal.Signals(signum).name
        self.arm(128 + signum)
        self.on_signal(self.received)

    def arm(self, exit_code: int = 128 + signal.SIGHUP) -> None:
        """The process is ending (a signal, or the terminal is gone): end it ``grace_seconds``
        from now if it has not ended by then. Only ``disarm()`` undoes it: the app's own
        shutdown calls ``remove()`` and then closes the terminal driver, which is where a
        vanished terminal hangs (Textual's output thread has died of EIO and the close waits for
        ever to queue its stop on the full queue)."""
        if self._watchdog is not None:
            return
        self._watchdog = threading.Timer(self.grace_seconds, os._exit, args=(exit_code,))
        self._watchdog.daemon = True
        self._watchdog.start()

    def remove(self) -> None:
        """Stop catching the signals. A watchdog already armed stays armed: the process is on
        its way out and its exit may still hang."""
        for sig in SIGNALS:
            self.loop.remove_signal_handler(sig)

    def disarm(self) -> None:
        """Cancel an armed watchdog, for a process that lives on after its app (tests)."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
