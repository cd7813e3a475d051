"""The ``kiosk`` command.

``kiosk`` (or ``kiosk --demo``) starts the intake app; the sub-commands are tools for the clinic's
administrator. Each sub-command lives in its own module under ``kiosk.commands`` and imports what
it needs only when it runs, so starting the kiosk stays fast.

Every failure a person can cause (bad config, unreadable data directory, bad arguments) ends
with a one-line message on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiosk.errors import KioskError

COMMANDS = ("run", "demo_data", "check", "export", "staff", "audit")
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
    try:
        return int(func(args) or 0)
    except KioskError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
