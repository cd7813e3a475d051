"""``kiosk staff add|list|disable|reset-pin``: manage the staff accounts of a data directory.

The PIN is never an argument (it would sit in the shell history and in ``ps``): it is read with
getpass, twice, or with ``--pin-stdin`` as one line from standard input for scripts and tests.
The audit trail records the administrator as ``admin:<operating-system user>`` (the account
the kernel runs the command as, never ``$USER``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.commands.acting import os_user
from kiosk.errors import KioskError


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("staff", help="add, list, disable staff or reset a PIN")
    actions = parser.add_subparsers(dest="staff_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="create a staff account (asks for the PIN)")
    add.add_argument("staff_id", metavar="ID", help="what the person types to sign in")
    add.add_argument("--name", required=True, help="full name, shown after sign-in")
    add.add_argument(
        "--role", default="ma", choices=("ma", "nurse", "provider", "admin"), help="default: ma"
    )
    _pin_stdin(add)

    actions.add_parser("list", help="show every account and whether it can sign in")

    disable = actions.add_parser("disable", help="stop an account from signing in")
    disable.add_argument("staff_id", metavar="ID")

    reset = actions.add_parser("reset-pin", help="set a new PIN")
    reset.add_argument("staff_id", metavar="ID")
    _pin_stdin(reset)

    parser.set_defaults(func=run)


def _pin_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN as one line from standard input instead of asking",
    )


def _read_pin(args: argparse.Namespace) -> str:
    """The new PIN: one stdin line, or typed twice without echo."""
    if args.pin_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("New PIN (4-12 digits) or password (8+ characters): ")
    if getpass.getpass("Type it again: ") != first:
        raise KioskError("The two entries differ; nothing was changed.")
    return first


def _operator() -> str:
    """``admin:<name>`` of the account running this, as the kernel knows it (not ``$USER``,
    which anyone can set)."""
    return "admin:" + os_user().removeprefix("os:")


def run(args: argparse.Namespace) -> int:
    from kiosk.config import settings_from_args
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.store.staff import StaffDirectory

    settings = settings_from_args(args)
    apply_audit_anchors(settings)  # account changes are audited: their heads reach syslog too
    directory = StaffDirectory(settings.active_data_dir)
    by = _operator()
    if args.staff_action == "add":
        member = directory.add(args.staff_id, args.name, _read_pin(args), args.role, by=by)
        print(f"Added {member.staff_id} ({member.name}, {member.role}).")
    elif args.staff_action == "disable":
        directory.disable(args.staff_id, by=by)
        print(f"Disabled {args.staff_id.strip().lower()}: it can no longer sign in.")
    elif args.staff_action == "reset-pin":
        directory.reset_pin(args.staff_id, _read_pin(args), by=by)
        print(f"New PIN set for {args.staff_id.strip().lower()}.")
    else:
        members = directory.list()
        if not members:
            print("No staff accounts yet: add one with `kiosk staff add ID --name NAME`.")
        for m in members:
            state = "disabled" if m.disabled else "active"
            print(f"{m.staff_id:<16} {m.role:<9} {state:<28} {m.name}")
        for terminal, tries, wait in directory.waiting():
            when = f"waits {round(wait)} s more" if wait else "may try now"
            print(f"Terminal {terminal}: {tries} wrong PIN(s) in the last hour; {when}.")
    return 0
