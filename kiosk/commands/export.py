"""``kiosk export``: signed encounters out to the clinic's EHR (FHIR), as JSON, or as a CSV.

Reads the store day by day and writes as it reads; shows a progress bar on stderr only when
stderr is a terminal; records one ``export`` audit event (format, range and count, never PHI)
by who ran it, proved by a staff PIN or the operating system (kiosk.commands.acting).
Every mistake (bad date, unwritable path, nothing in range) ends with a one-line message and a
non-zero exit, and never leaves a partial file behind.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import IO, Any

from kiosk.commands.acting import acting_user, add_arguments, patient_mrn

FORMATS = ("fhir", "json", "csv")


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write signed encounters as FHIR bundles, JSON or CSV",
        description="Write signed (and amended) encounters for the EHR or a spreadsheet. "
        "fhir: one FHIR R4 transaction Bundle per line (NDJSON); json: the stored documents, "
        "one per line; csv: one row per encounter, vitals in canonical units.",
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="output format")
    parser.add_argument(
        "--since", metavar="DATE", help="first day to include (YYYY-MM-DD; days are UTC, as stored)"
    )
    parser.add_argument(
        "--until", metavar="DATE", help="last day to include (YYYY-MM-DD; days are UTC, as stored)"
    )
    parser.add_argument("--out", required=True, metavar="PATH", help="output file, or - for stdout")
    add_arguments(parser)  # --patient, --staff, --pin-stdin (kiosk.commands.acting)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.config import settings_from_args
    from kiosk.errors import StoreError
    from kiosk.export import ExportError, atomic_output, chain_roots, parse_day, write_documents
    from kiosk.export.rooming import DayBoards
    from kiosk.store import EncounterStore
    from kiosk.store.files import DamagedFileError

    since = parse_day("--since", args.since)
    until = parse_day("--until", args.until)
    if since and until and since > until:
        raise ExportError(f"--since {since} is after --until {until}: the range is empty")
    from kiosk.store.anchors import apply_settings as apply_audit_anchors

    settings = settings_from_args(args)
    apply_audit_anchors(settings)  # the export's audit entry reaches the system log too
    data_dir = Path(settings.active_data_dir)
    if not data_dir.is_dir():
        raise ExportError(f"there is no data folder at {data_dir}: nothing to export")
    staff = acting_user(args, data_dir)  # proved: a PIN, or the OS account
    patient = patient_mrn(args)
    span = _describe(since, until, patient)
    to_stdout = args.out == "-"
    base = f"format={args.format} {_range_detail(since, until)}"
    where_to = " to=stdout" if to_stdout else " to=file"
    store = EncounterStore(data_dir, staff_id=staff, purpose="export")
    handed = 0  # documents handed to the writer: what a failed stdout export may have shown
    skipped: list[str] = []  # ids of documents that are not valid encounters
    audited = False

    read_only = not store.folder.writable()

    def audit(detail: str) -> None:
        nonlocal audited
        audited = True
        if read_only:  # a read-only copy (a backup): its trail cannot grow; say so, log it
            _log_read_only_export(data_dir, staff, detail)
            return
        store.audit.append("export", staff=staff, patient_id=patient, detail=detail)

    def counted(documents: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal handed
        try:
            for document in documents:
                handed += 1
                yield document
        except OSError as error:  # reading: so an OSError below is one of writing the output
            raise StoreError(f"could not read the data folder: {error.strerror or error}") from None

    def board(day: date) -> dict[str, Any]:
        """A day's rooming board (audited: the patients on it); a damaged one is a problem."""
        try:
            return dict(store.rooming.kept_board(day, staff=staff, reason="export"))
        except DamagedFileError as error:
            store.problems.append(f"{error} (the rooming board of {day})")
            return {}

    visits = DayBoards(board) if args.format == "fhir" else None
    noted = len(store.problems)  # notes from opening (loose folder modes) are not damage
    try:
        roots = chain_roots(store.index.amendments())
        documents = store.iter_documents(since=since, until=until, patient_id=patient)
        with _destination(args.out, atomic_output) as out, _progress() as progress:
            count = write_documents(
                counted(documents),
                args.format,
                out,
                roots=roots,
                progress=progress,
                skipped=skipped,
                patient_update=settings.patient_update,
                visits=visits,
            )
            if store.problems[noted:]:  # a damaged segment was skipped: the export is partial
                raise ExportError(
                    f"{store.problems[noted]} Nothing was written: export around that day with "
                    "--since/--until, or restore the file first."
                )
            if count == 0 and skipped:
                raise ExportError(
                    f"No encounter could be exported: {_skipped(skipped)}; nothing written"
                )
            if count == 0:
                raise ExportError(f"No signed encounters match {span}: nothing written")
            # Before the file is renamed into place: no export file without its audit entry.
            extra = f" skipped={len(skipped)}" if skipped else ""
            audit(f"{base} count={count}{extra}{where_to}")
    except BaseException as error:
        if to_stdout and handed and not audited:  # shown on the screen or piped on: log it
            audit(f"{base} count={handed} incomplete{where_to}")
        if to_stdout and isinstance(error, OSError):
            # The reader went away (``| head``) or the output is full (``> /dev/full``): stop
            # writing, including Python's own flush at exit (it would print a traceback).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            if isinstance(error, BrokenPipeError):
                raise ExportError("the output was closed before the export finished") from None
            raise ExportError(
                f"could not write to standard output ({error.strerror or error}): "
                "the export is incomplete"
            ) from None
        raise
    finally:
        store.close()
    where = "standard output" if to_stdout else args.out
    done = f"Exported {count} encounter(s) as {args.format} to {where}"
    if skipped:  # one line, ids only: the rest is exported, the exit says it was not all
        print(f"{done}; {_skipped(skipped)}.", file=sys.stderr)
        return 1
    print(f"{done}.", file=sys.stderr)
    return 0


def _skipped(ids: list[str]) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return (
        f"skipped {len(ids)} that {'is' if len(ids) == 1 else 'are'} not a valid encounter: "
        f"{shown} (run `kiosk check`)"
    )


def _log_read_only_export(data_dir: object, staff: str, detail: str) -> None:
    """An export from a read-only data folder: to the system log and said on stderr (no PHI)."""
    import syslog

    syslog.openlog("kiosk-audit", 0, syslog.LOG_AUTH)
    syslog.syslog(syslog.LOG_NOTICE, f"export from read-only {data_dir} by {staff}: {detail}")
    print(
        f"The data folder {data_dir} is read-only: this export is not in its audit trail; "
        "it was sent to the system log.",
        file=sys.stderr,
    )


@contextmanager
def _destination(out: str, atomic_output: Callable[[Any], Any]) -> Iterator[IO[bytes]]:
    from pathlib import Path

    if out == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_output(Path(out)) as handle:
        yield handle


@contextmanager
def _progress() -> Iterator[Callable[[int], None] | None]:
    """A transient rich progress line on stderr when it is a terminal; otherwise nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("Exporting: {task.completed} encounters"))
    with Progress(
        *columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("export", total=None)
        yield lambda done: bar.update(task, completed=done)


def _describe(since: object, until: object, patient: str | None) -> str:
    parts = []
    if since and until:
        parts.append(f"from {since} to {until}")
    elif since:
        parts.append(f"since {since}")
    elif until:
        parts.append(f"until {until}")
    if patient:
        parts.append("for that patient")
    return " ".join(parts) if parts else "in the store"


def _range_detail(since: object, until: object) -> str:
    return f"since={since or '-'} until={until or '-'}"
