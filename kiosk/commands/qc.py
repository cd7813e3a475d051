"""``kiosk qc record|list|export``: the point-of-care quality-control log.

``record`` logs one control run (test, kit lot, control lot, expiry and level, expected and
observed result; pass or fail is worked out, and a fail needs ``--action``, the corrective
action taken); a control past its expiry is refused. ``list`` shows the runs. ``export`` writes
the waived-testing log an inspector reads, as CSV with exactly the columns patient id, test
date, kit lot, result, QC lot, QC result, operator: one row per patient result and QC run it
relied on. It reads patient data, so it is audited as an export by whoever ran it, proved.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from kiosk.commands.stock import parse_date, staff_arguments
from kiosk.errors import KioskError


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("qc", help="record and list control runs; export the QC log")
    actions = parser.add_subparsers(dest="qc_action", metavar="ACTION", required=True)
    record = actions.add_parser("record", help="log one control run")
    record.add_argument("--test", required=True, help="catalog test id (or its kit), e.g. strep-a")
    record.add_argument("--kit-lot", required=True, help="the kit lot the control ran on")
    record.add_argument("--control-lot", required=True, help="the control material's lot")
    record.add_argument("--control-expiry", required=True, metavar="YYYY-MM-DD")
    record.add_argument("--level", required=True, help="positive, negative, level 1 ...")
    record.add_argument("--expected", required=True, help="the answer, or a range like 10-12")
    record.add_argument("--observed", required=True, help="what the kit or analyser showed")
    record.add_argument("--action", default="", help="corrective action (required on a fail)")
    staff_arguments(record)
    listing = actions.add_parser("list", help="show the control runs")
    listing.add_argument("--test", help="only this test")
    staff_arguments(listing)
    export = actions.add_parser("export", help="the waived-testing log as CSV")
    export.add_argument("--out", required=True, metavar="PATH", help="CSV file, or - for stdout")
    export.add_argument("--since", metavar="YYYY-MM-DD")
    export.add_argument("--until", metavar="YYYY-MM-DD")
    staff_arguments(export)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.acting import acting_user
    from kiosk.config import settings_from_args
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.store.qc import QcLog
    from kiosk.validators.poc_catalog import load_catalog

    settings = settings_from_args(args)
    apply_audit_anchors(settings)
    data_dir = Path(settings.active_data_dir)
    staff = acting_user(args, data_dir)
    log = QcLog(data_dir, actor=staff)
    if args.qc_action == "record":
        return _record(args, log, load_catalog(settings.poc_catalog_file), staff)
    if args.qc_action == "list":
        runs = log.runs(test=args.test, why="qc-list")
        if not runs:
            print("No control runs recorded yet: `kiosk qc record --test ...` logs one.")
        for r in runs:
            outcome = "pass" if r.passed else "FAIL"
            when = r.time.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            action = f"  action: {r.corrective_action}" if r.corrective_action else ""
            print(
                f"{when}  {r.id}  {r.test:<10} kit {r.kit_lot:<10} control {r.control_lot} "
                f"({r.level}, exp {r.control_expiry})  expected {r.expected} observed "
                f"{r.observed}  {outcome}  {r.operator}{action}"
            )
        return 0
    return _export(args, data_dir, log, staff)


def _record(args: argparse.Namespace, log: Any, catalog: Any, staff: str) -> int:
    from pydantic import ValidationError

    from kiosk.models import QcRun
    from kiosk.validators.qc_gate import control_outcome

    spec = catalog.get(args.test) or next((t for t in catalog.tests if t.kit == args.test), None)
    if spec is None:
        known = ", ".join(sorted({t.id for t in catalog.tests}))
        raise KioskError(f"--test {args.test!r} is not in the test catalog (known: {known}).")
    expiry = parse_date("--control-expiry", args.control_expiry)
    now = datetime.now(UTC)
    if expiry < now.date():
        raise KioskError(
            f"Control lot {args.control_lot} expired on {expiry}: run the control with an "
            "unexpired lot; nothing was recorded."
        )
    outcome = control_outcome(spec, args.level.strip(), args.expected, args.observed)
    if isinstance(outcome, str):
        raise KioskError(f"{outcome} Nothing was recorded.")
    if not outcome and not args.action.strip():
        raise KioskError(
            "The control failed: give the corrective action taken with --action (e.g. 'new "
            "control vial opened, rerun'); nothing was recorded. Patients cannot be tested on "
            "this kit lot until a run passes."
        )
    try:
        run = QcRun(
            test=args.test.strip(),
            kit_lot=args.kit_lot.strip(),
            control_lot=args.control_lot.strip(),
            control_expiry=expiry,
            level=args.level.strip(),
            expected=args.expected.strip().lower(),
            observed=args.observed.strip().lower(),
            passed=outcome,
            operator=staff,
            time=now,
            corrective_action=args.action.strip(),
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise KioskError(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from None
    log.record(run)
    verdict = "passed" if outcome else "FAILED (corrective action recorded)"
    print(
        f"Recorded run {run.id}: {spec.name} kit lot {run.kit_lot}, {run.level} control {verdict}."
    )
    return 0


def _export(args: argparse.Namespace, data_dir: Path, log: Any, staff: str) -> int:
    import csv
    import io

    from kiosk.export import atomic_output, parse_day
    from kiosk.export.writers import safe_cell
    from kiosk.store import EncounterStore
    from kiosk.store.qc import INSPECTOR_COLUMNS, inspector_rows

    since = parse_day("--since", args.since)
    until = parse_day("--until", args.until)
    runs = log.runs(audit=False)
    store = EncounterStore(data_dir, staff_id=staff, purpose="qc-export")
    patients: list[str] = []

    def write(out: IO[bytes]) -> int:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        writer = csv.writer(text)
        writer.writerow(INSPECTOR_COLUMNS)
        count = 0
        for row in inspector_rows(store.iter_documents(since=since, until=until), runs):
            writer.writerow([safe_cell(cell) for cell in row])
            if row[0] not in patients:
                patients.append(row[0])
            count += 1
        text.flush()
        text.detach()  # leave ``out`` open: the caller owns it
        span = f"since={since or '-'} until={until or '-'}"
        # Before the file is renamed into place: no log file without its audit entry.
        store.audit.append(
            "export",
            staff=staff,
            detail=f"format=qc-log {span} rows={count}",
            patients=patients,
        )
        return count

    try:
        if args.out == "-":
            rows = write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with atomic_output(Path(args.out)) as handle:
                rows = write(handle)
    finally:
        store.close()
    where = "standard output" if args.out == "-" else args.out
    print(f"Wrote the QC log: {rows} patient result row(s) to {where}.", file=sys.stderr)
    return 0
