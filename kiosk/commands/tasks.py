"""``kiosk tasks list`` and ``kiosk tasks done ID``: the requests handed over at intake.

A refill, referral, prior authorization or follow-up raised during an intake is a task for
the provider or the front office; the kiosk never approves one. ``list`` prints the open
tasks of the signed encounters (today by default; ``--since``/``--until``, ``--all`` to
include done ones, ``--patient`` for one patient); ``done`` records one as done, in the
audit trail (kiosk.store.tasks). Both are looks at patient data: who runs them is proved (a
staff PIN or the operating-system user, kiosk.commands.acting) and recorded.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.commands.acting import acting_user, add_arguments, patient_mrn


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "tasks", help="list the requests handed over at intake, or mark one done"
    )
    actions = parser.add_subparsers(dest="tasks_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the open tasks (refills, referrals, ...)")
    listing.add_argument("--since", metavar="DATE", help="first day (YYYY-MM-DD; default today)")
    listing.add_argument("--until", metavar="DATE", help="last day (YYYY-MM-DD)")
    listing.add_argument("--all", action="store_true", help="include tasks already done")
    add_arguments(listing)  # --patient MRN|-, --staff ID, --pin-stdin
    done = actions.add_parser("done", help="record a task as done")
    done.add_argument("task_id", metavar="ID", help="the task's id, as 'kiosk tasks list' shows")
    done.add_argument(
        "--since",
        metavar="DATE",
        help="look for it among the encounters from this day (default: 90 days ago)",
    )
    add_arguments(done)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from kiosk.config import settings_from_args
    from kiosk.errors import StoreError
    from kiosk.export import parse_day
    from kiosk.store import EncounterStore

    settings = settings_from_args(args)
    data_dir = Path(settings.active_data_dir)
    if not data_dir.is_dir():
        raise StoreError(f"There is no data folder at {data_dir}.")
    who = acting_user(args, data_dir)
    today = datetime.now(UTC).date()
    with EncounterStore(data_dir, staff_id=who, purpose="tasks") as store:
        if args.tasks_action == "done":
            since = parse_day("--since", args.since) or today - timedelta(days=90)
            encounter = store.mark_task_done(args.task_id, since=since)
            print(f"Task {args.task_id.strip().lower()} (encounter {encounter}) is done.")
            return 0
        since = parse_day("--since", args.since) or today
        until = parse_day("--until", args.until)
        wanted = patient_mrn(args)
        found = store.tasks(since=since, until=until, include_done=args.all, patient_id=wanted)
    for task in found:
        state = f"done by {task.done_by} {task.done_at[:16]}" if task.done else "open"
        print(f"{task.request.id}  {task.day}  {task.patient_name} ({task.patient_id})  {state}")
        print(f"    {task.request.summary()}  [raised by {task.raised_by}]")
    if not found:
        print("No open tasks." if not args.all else "No tasks.")
    return 0
