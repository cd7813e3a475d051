"""``kiosk check [--repair]``: verify a data folder; rebuild its indexes when asked.

Prints a full report and exits 1 while problems remain, so a cron job or a monitoring
script can alert on it. Names files and encounter ids only, never patient data. Without
``--repair`` it changes nothing (it also checks a read-only copy). On a terminal a progress
bar is drawn on stderr (never into a pipe or a log); ``--since DAY`` checks only the
encounter files of DAY on (and of older days changed since), for a nightly run.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from kiosk.store.progress import Progress


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check",
        help="verify the data folder (files, indexes, permissions, audit chain)",
        description="Read every file of the data folder: encounter files and their checksums, "
        "the indexes, the patient directory, drafts, the staff file, permissions, owners and "
        "the audit chain. Changes nothing. --repair rebuilds the indexes, tightens "
        "permissions, removes leftover temporary files and salvages damaged files (the "
        "originals are kept aside). Memory stays bounded whatever the folder holds (about "
        "100 MB at a million encounters); a progress bar is shown on stderr when it is a "
        "terminal.",
    )
    parser.add_argument("--repair", action="store_true", help="fix what can be fixed")
    parser.add_argument(
        "--since",
        metavar="DAY",
        help="only the encounter files of DAY (YYYY-MM-DD) on, and of older days changed "
        "since (amendments), each compared with the indexes and the audit trail; the rest of "
        "the folder (indexes, audit chain, drafts, staff file) is still read whole. For a "
        "nightly check: `kiosk check --since $(date -u -d yesterday +%%F)`",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.config import settings_from_args
    from kiosk.errors import ConfigError, StoreError
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.store.check import check_store
    from kiosk.validators.ranges import default_path, use_ranges

    settings = settings_from_args(args)
    apply_audit_anchors(settings)
    data_dir = Path(settings.active_data_dir)
    if not data_dir.is_dir():
        raise StoreError(f"There is no data folder at {data_dir}.")
    try:  # the clinic's range table must load, or the kiosk will not start
        use_ranges(settings.ranges_file)
        ranges_problem = None
    except ConfigError as error:
        ranges_problem = str(error)
    from kiosk.validators.poc_catalog import default_catalog_path, load_catalog

    try:  # the test catalog too: a broken one stops the kiosk at start-up
        catalog = load_catalog(settings.poc_catalog_file)
        catalog_problem = None
    except ConfigError as error:
        catalog, catalog_problem = None, str(error)
    since = _day(args.since) if args.since else None
    report = check_store(
        data_dir,
        repair=args.repair,
        staff=f"admin:{getpass.getuser()}",
        since=since,
        progress=bar_if_terminal(),
    )
    print(f"Range table: {settings.ranges_file or f'shipped ({default_path()})'}")
    if ranges_problem is not None:
        print(f"Problem: {ranges_problem}")
    where = settings.poc_catalog_file or f"shipped ({default_catalog_path()})"
    tests = f", {len(catalog.tests)} tests" if catalog is not None else ""
    print(f"Test catalog: {where}{tests}")
    if catalog_problem is not None:
        print(f"Problem: {catalog_problem}")
    print(f"Data folder: {data_dir}")
    if since is not None:
        print(f"Encounter files checked: from {since.isoformat()} on, and older ones changed since")
    print(f"Encounters: {report.encounters} in {report.files} files")
    print(f"Audit trail: {report.audit_entries} entries")
    for line in report.repaired:
        print(f"Repaired: {line}")
    for line in report.notes:
        print(f"Note: {line}")
    for line in report.problems:
        print(f"Problem: {line}")
    if report.ok and ranges_problem is None and catalog_problem is None:
        print("No problems found." if not report.repaired else "All problems repaired.")
        return 0
    if not args.repair and not report.ok:
        print(
            "Nothing was changed. Run `kiosk check --repair` to fix what can be fixed: it "
            "rebuilds the indexes, tightens permissions and salvages damaged files (the "
            "originals are kept aside)."
        )
    return 1


def _day(text: str) -> date:
    from kiosk.errors import KioskError

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KioskError(f"--since wants a day as YYYY-MM-DD, not {text!r}.") from None


def bar_if_terminal(stream: TextIO | None = None) -> Progress | None:
    """A progress bar on ``stream`` (stderr) when it is a terminal; None otherwise."""
    from kiosk.store.progress import Bar

    stream = stream if stream is not None else sys.stderr
    return Bar(stream) if stream.isatty() else None
