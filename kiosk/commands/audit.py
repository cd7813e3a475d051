"""``kiosk audit verify`` and ``kiosk audit show --patient ID``: read the audit trail.

``verify`` walks the hash chain (every period's file as one chain) and compares it with the
anchors of its head (kiosk.store.audit_verify): it prints one line per finding (an entry
changed, removed or moved, entries missing at the end, a trail missing while encounters exist)
and exits 1 on any. ``show`` lists who touched a patient's record (time, staff, action), for a
privacy officer's access report.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("audit", help="verify the audit trail or list its entries")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    actions.add_parser("verify", help="check that no entry was changed, removed or reordered")
    show = actions.add_parser("show", help="list entries (who touched a patient's record)")
    show.add_argument("--patient", metavar="ID", help="only this patient's entries (MRN)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import settings_from_args
    from kiosk.errors import StoreError
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.store.audit import AuditTrail

    settings = settings_from_args(args)
    apply_audit_anchors(settings)
    data_dir = Path(settings.active_data_dir)
    trail = AuditTrail(data_dir)
    if args.audit_action == "verify":
        return _verify(data_dir)
    if not trail.files():
        raise StoreError(f"There is no audit trail in {data_dir}.")
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


def _verify(data_dir: Path) -> int:
    from kiosk.errors import StoreError
    from kiosk.store.audit_verify import verify_audit

    report = verify_audit(data_dir)
    chain = report.chain
    if report.ok and chain.files == 0:
        raise StoreError(f"There is no audit trail in {data_dir}.")
    for finding in report.findings:
        print(f"Problem: {finding}")
    files = f"{chain.files} file" + ("s" if chain.files != 1 else "")
    if report.ok:
        print(f"The audit trail is intact: {chain.entries} entries in {files}.")
        print(f"Last entry hash: {chain.head}")
    else:
        print(f"The audit trail has {len(report.findings)} problem(s).")
        if not chain.ok:
            print(f"The {chain.entries} entries before entry {chain.broken_seq} are intact.")
    for anchored in report.anchors:
        print(f"Checked against {anchored.source}: entry {anchored.head.count}.")
    return 0 if report.ok else 1
