"""The ``kiosk`` command.

``kiosk`` (or ``kiosk --demo``) starts the intake app; the sub-commands are tools for the clinic's
administrator. Each sub-command lives in its own module under ``kiosk.commands`` and imports what
it needs only when it runs, so starting the kiosk stays fast.

Every failure a person can cause (bad config, unreadable data directory, bad arguments) ends
with a one-line message on stderr and a non-zero exit code, never a traceback; so does a bug
(its traceback, without values, goes to the private log). What a sub-command prints on
standard output, and the error line, show control characters as visible escapes: stored text
(a name, an audit entry, a file name) may hold terminal escapes.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from kiosk.errors import KioskError
from kiosk.validators.text import visible

COMMANDS = (
    "run",
    "demo_data",
    "check",
    "export",
    "staff",
    "audit",
    "import_data",
    "sync",
    "tasks",
    "stock",
    "qc",
    "sterilizer",
)
"""Modules under ``kiosk.commands``; each defines ``register(subparsers)``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Exam-room intake kiosk for medical assistants."
    )
    parser.add_argument(
        "--config", metavar="PATH", help="clinic settings file (default: config/kiosk.toml)"
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", help="where encounters are stored (overrides the config)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"kiosk.commands.{name}")
        module.register(subparsers, parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:  # no sub-command: run the kiosk
        from kiosk.commands.run import run

        func = run
    app = getattr(func, "__module__", "") == "kiosk.commands.run"  # its own guards
    stdout = sys.stdout
    if not app:
        sys.stdout = InertText(stdout)
    try:
        return int(func(args) or 0)
    except KioskError as error:
        print(f"kiosk: {visible(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
        return 1
    except Exception as error:
        if app:
            raise
        print(f"kiosk: {_internal_error(args, error)}", file=sys.stderr)
        return 1
    finally:
        sys.stdout = stdout


class InertText(io.TextIOBase):
    """Standard output as the sub-commands see it: every control character they print is
    written as a visible escape (line breaks kept). ``buffer`` is the real one (an export's
    data, which the writers make safe themselves)."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(visible(text, keep="\n"))
        return len(text)

    def flush(self) -> None:
        self._inner.flush()

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()

    @property
    def buffer(self) -> Any:
        return self._inner.buffer

    @property
    def encoding(self) -> str:  # type: ignore[override]  # a property on io.TextIOBase too
        return self._inner.encoding


def _internal_error(args: argparse.Namespace, error: Exception) -> str:
    """A bug: its traceback without values in the private log; the line saying where."""
    from kiosk.privacy import fallback_data_dir, write_crash_log

    folder = Path(args.data_dir) if getattr(args, "data_dir", None) else fallback_data_dir()
    name = type(error).__name__
    try:
        log = write_crash_log(folder, error, where=f"kiosk {args.command or 'run'}")
    except OSError:
        return f"internal error ({name}); no log (the data folder cannot be written)"
    return f"internal error ({name}); the details, without patient data, are in {log}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
