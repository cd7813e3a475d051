"""``kiosk`` / ``kiosk run`` / ``kiosk --demo``: start the intake app."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    root.add_argument(
        "--demo",
        action="store_true",
        help="run on a demo data directory with synthetic patients and a demo staff account",
    )
    parser = subparsers.add_parser("run", help="start the kiosk (the default)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.app import main as app_main

    return app_main(args)
