"""``kiosk audit verify`` and ``kiosk audit show --patient ID``: read the audit trail.

``verify`` walks the hash chain (every period's file as one chain) and compares it with the
anchors of its head (kiosk.store.audit_verify): it prints one line per finding (an entry
changed, removed or moved, entries missing at the end, a trail missing while encounters exist)
and exits 1 on any. ``show`` lists who touched a patient's record (time, staff, action, why;
lists and searches that showed the patient included), for a privacy officer's access report.
The trail names patients, so ``show`` is itself a look at records: who runs it is proved (a
staff PIN or the operating-system user, kiosk.commands.acting) and recorded before anything is
printed, and the MRN can come from standard input instead of the arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.commands.acting import acting_user, add_arguments, patient_mrn


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("audit", help="verify the audit trail or list its entries")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    actions.add_parser("verify", help="check that no entry was changed, removed or reordered")
    show = actions.add_parser("show", help="list entries (who touched a patient's record)")
    add_arguments(show)  # --patient MRN|-, --staff ID, --pin-stdin
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
    who = acting_user(args, data_dir)
    wanted = patient_mrn(args)
    what = "audit entries" if wanted else "all audit entries"
    trail.append("view", staff=who, patient_id=wanted, detail=what, reason="access report")
    shown = 0
    for entry in trail.entries(patient_id=wanted):
        patient = f"  patient {entry.patient_id}" if wanted is None and entry.patient_id else ""
        listed = "  (in a list or search)" if wanted and entry.patient_id != wanted else ""
        detail = f"  ({entry.detail})" if entry.detail else ""
        why = f"  why: {entry.reason}" if entry.reason else ""
        print(f"{entry.time}  {entry.staff:<16} {entry.action:<14}{patient}{detail}{listed}{why}")
        shown += 1
    if shown == 0:
        print("No entries." if wanted is None else f"No entries for patient {wanted}.")
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
