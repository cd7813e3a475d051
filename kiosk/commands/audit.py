"""``kiosk audit verify`` and ``kiosk audit show --patient ID``: read the audit trail.

``verify`` walks the hash chain and exits 1 naming the first broken entry; ``show`` lists who
touched a patient's record (time, staff, action), for a privacy officer's access report.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("audit", help="verify the audit trail or list its entries")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    actions.add_parser("verify", help="check that no entry was changed, removed or reordered")
    show = actions.add_parser("show", help="list entries (who touched a patient's record)")
    show.add_argument("--patient", metavar="ID", help="only this patient's entries (MRN)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.config import settings_from_args
    from kiosk.errors import StoreError
    from kiosk.store.audit import AuditTrail

    data_dir = Path(settings_from_args(args).active_data_dir)
    trail = AuditTrail(data_dir)
    if not trail.path.exists():
        raise StoreError(f"There is no audit trail in {data_dir}.")
    if args.audit_action == "verify":
        result = trail.verify()
        if result.ok:
            print(f"The audit trail is intact: {result.entries} entries.")
            print(f"Last entry hash: {result.head}")
            return 0
        print(
            f"The audit trail is broken at entry {result.broken_seq} (line {result.broken_line}):"
        )
        print(f"  {result.reason}")
        print(f"The {result.entries} entries before it are intact.")
        return 1
    shown = 0
    for entry in trail.entries(patient_id=args.patient):
        patient = (
            f"  patient {entry.patient_id}" if args.patient is None and entry.patient_id else ""
        )
        detail = f"  ({entry.detail})" if entry.detail else ""
        print(f"{entry.time}  {entry.staff:<16} {entry.action:<14}{patient}{detail}")
        shown += 1
    if shown == 0:
        print("No entries." if args.patient is None else f"No entries for patient {args.patient}.")
    return 0
