"""Who runs a command that reads patient data, proved, and which patient, kept out of ``ps``.

``kiosk export`` and ``kiosk audit show`` record who read the records. That id is never taken on
trust from a flag or ``$USER`` (anyone can set those):

- ``--staff ID`` signs a staff member in: the PIN is asked without echo, or read as the first
  line of standard input with ``--pin-stdin``; a wrong PIN ends the command (and counts
  against this terminal like a wrong PIN at the kiosk, kiosk.store.throttle).
- without ``--staff``, the operating-system account running the command, as the kernel knows it
  (``os.getuid()`` looked up in the user database), recorded as ``os:<name>``.

``--patient -`` (or ``--patient`` alone) reads the MRN from standard input (the next line after
the PIN) or asks for it, so it shows neither in ``ps`` nor in the shell history.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk.errors import KioskError

ASK = "-"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--staff``, ``--pin-stdin`` and ``--patient`` (MRN, or ``-`` to read or ask it)."""
    parser.add_argument(
        "--patient",
        metavar="MRN",
        nargs="?",
        const=ASK,
        help="only this patient; '-' or no value reads the MRN from stdin or asks for it "
        "(an MRN in the arguments is visible to other users in ps)",
    )
    parser.add_argument(
        "--staff",
        metavar="ID",
        help="act as this staff member (asks the PIN; default: the operating-system user)",
    )
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN of --staff as the first line of standard input instead of asking",
    )


def os_user() -> str:
    """The account running this process, as the kernel knows it: ``os:<name>``."""
    import pwd

    uid = os.getuid()
    try:
        return f"os:{pwd.getpwuid(uid).pw_name}"
    except KeyError:  # a uid with no entry in the user database
        return f"os:uid-{uid}"


def acting_user(args: argparse.Namespace, data_dir: Path | str) -> str:
    """The staff id signed in with ``--staff`` and its PIN, else :func:`os_user`."""
    if not args.staff:
        if args.pin_stdin:
            raise KioskError("--pin-stdin needs --staff ID (whose PIN it is).")
        return os_user()
    from kiosk.store.staff import StaffDirectory

    if args.pin_stdin:
        pin = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        pin = getpass.getpass(f"PIN for {args.staff.strip().lower()}: ")
    return StaffDirectory(data_dir).authenticate(args.staff, pin).staff_id


def patient_mrn(args: argparse.Namespace) -> str | None:
    """``--patient``'s MRN: as given, or read from stdin / asked for when it is ``-``."""
    if args.patient != ASK:
        return str(args.patient) if args.patient else None
    if sys.stdin.isatty():
        print("Patient MRN: ", end="", file=sys.stderr, flush=True)
    mrn = sys.stdin.readline().strip()
    if not mrn:
        raise KioskError("No patient MRN was given (--patient - reads it from standard input).")
    return mrn
