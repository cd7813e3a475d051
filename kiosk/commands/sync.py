"""``kiosk sync``: push this data folder's outbox and audit trail to ``central_database``.

For cron and for catching up after the link was down (the app also syncs in the background).
Creates and migrates the database's schema on first use. ``--status`` only says what is
waiting. Exit 0 when everything owed was pushed, 1 when the database cannot be reached or
the push stopped (what was committed stays; run it again), 2 without ``central_database``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="push saved encounters and the audit trail to the central PostgreSQL",
        description="Push this data folder's outbox (saved encounters) and its audit trail "
        "to the PostgreSQL named by central_database (KIOSK_CENTRAL_DATABASE). Idempotent: "
        "a push interrupted at any point is completed by the next one, without duplicates.",
    )
    parser.add_argument(
        "--status", action="store_true", help="say what is waiting to be pushed; push nothing"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.config import settings_from_args
    from kiosk.errors import KioskError
    from kiosk.store.layout import Layout
    from kiosk.store.outbox import Outbox
    from kiosk.sync import CentralError, connect, sync_once

    settings = settings_from_args(args)
    url = settings.central_database
    if not url:
        raise KioskError(
            "No central database is configured: set central_database (KIOSK_CENTRAL_DATABASE)."
        )
    data_dir = Path(settings.active_data_dir)
    if not data_dir.is_dir():
        raise KioskError(f"there is no data folder at {data_dir}: nothing to sync")
    outbox = Outbox(Layout(data_dir))
    outbox.enable()
    if args.status:
        print(f"Outbox: {outbox.backlog_bytes()} byte(s) of encounters waiting to be pushed.")
        return 0
    try:
        with connect(url) as conn:
            result = sync_once(data_dir, conn)
    except CentralError as error:
        print(f"kiosk: {error} Nothing is lost: the outbox keeps it.", file=sys.stderr)
        return 1
    print(f"Synced: {result.summary()}.", file=sys.stderr)
    return 1 if result.busy else 0
