"""``kiosk import patients|schedule FILE``: a clinic's patient directory and appointments in.

Formats and columns are in kiosk.imports (README, "Importing patients and the schedule").
Prints one line per bad record or conflict and a summary on stderr; a progress line on
stderr only when it is a terminal; one "import" audit entry by who ran it (a staff PIN with
``--staff``, else the operating-system account: kiosk.commands.acting). Exit 0 when every
record was imported or already there, 1 when any was bad or in conflict (the rest is
imported), 2 when the file or the folder cannot be used at all.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

EPILOG = """\
formats: FHIR NDJSON (one resource per line), a FHIR Bundle (JSON), or CSV with a header row.

patients CSV columns (* required): mrn*, family_name*, given_name*, birth_date* (YYYY-MM-DD or
  MM/DD/YYYY), sex (female|male|other|unknown), middle_name, preferred_name, phone,
  address_line1, address_line2, city, state, postal_code, country
schedule CSV columns: mrn*, date* (YYYY-MM-DD), time (HH:MM), status (booked by default;
  cancelled|noshow|entered-in-error take the patient off that day); may also carry the
  patient columns, to register a patient the directory does not know yet
FHIR: Patient (MRN = the identifier typed MR), Appointment (start, status, the participant
  Patient/<id>: a Patient in the same file, else <id> read as the MRN)

Matched on the MRN; importing the same file twice changes nothing. A bad line is reported with
its line number (or Bundle entry) and the rest is imported; a patient registered with other
demographics is a conflict, reported and kept as registered. Exit 1 if any line was bad or in
conflict, 2 if the file cannot be read.
"""


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import the clinic's patients or schedule (FHIR or CSV)",
        description="Import the clinic's patient directory or appointments from FHIR "
        "(NDJSON or a Bundle) or CSV, matched on the MRN.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("what", choices=("patients", "schedule"), help="what the file holds")
    parser.add_argument("file", metavar="FILE", help="the file to import")
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.commands.acting import acting_user
    from kiosk.config import settings_from_args
    from kiosk.imports import import_patients, import_schedule, read_records
    from kiosk.store import EncounterStore
    from kiosk.store.anchors import apply_settings as apply_audit_anchors

    settings = settings_from_args(args)
    apply_audit_anchors(settings)
    data_dir = Path(settings.active_data_dir)
    records = read_records(Path(args.file))
    staff = acting_user(args, data_dir)
    importer = import_patients if args.what == "patients" else import_schedule
    with EncounterStore(data_dir, staff_id=staff, purpose="import") as store, _progress() as bar:
        report = importer(store, records, settings=settings, staff=staff, progress=bar)
    for line in report.lines:
        print(line, file=sys.stderr)
    print(f"Imported {args.what}: {report.summary()}.", file=sys.stderr)
    return 0 if report.ok else 1


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A transient progress bar on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
