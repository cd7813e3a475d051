"""``kiosk demo-data --count N``: fill a data folder with synthetic encounters over the past year
(the work is :mod:`kiosk.demo.seeding`; this module is the command's argparse glue)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.demo.seeding import fill_demo_data


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "demo-data", help="fill a data folder with synthetic encounters (past year)"
    )
    parser.add_argument("--count", type=int, default=1000, help="encounters (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same patients (default 0)")
    parser.add_argument(
        "--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="the folder to fill"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import time

    from kiosk.config import settings_from_args
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.validators.ranges import use_ranges

    settings = settings_from_args(args)
    apply_audit_anchors(settings)
    use_ranges(settings.ranges_file)  # the synthetic readings are flagged by the clinic's table
    data_dir = Path(settings.active_data_dir)
    if args.count < 0:
        raise SystemExit("kiosk demo-data: --count must be 0 or more")
    started = time.perf_counter()
    added = fill_demo_data(data_dir, args.count, seed=args.seed)
    took = time.perf_counter() - started
    print(f"Added {added} synthetic encounters to {data_dir} in {took:.1f} s.")
    return 0
