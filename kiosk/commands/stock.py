"""``kiosk stock add|list|retire``: lots on hand (test kits now; vaccines and medications too).

``add`` receives a lot (a new shipment of a lot on hand adds to it and moves its receipt time,
which a test with per-shipment QC needs a new control run after); ``list`` shows what is on
hand, what is low, expired or retired; ``retire`` takes a lot out of use. Who runs it is proved
(``--staff ID`` and its PIN, else the operating-system account) and audited.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from typing import Any

from kiosk.errors import KioskError


def staff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--staff",
        metavar="ID",
        help="act as this staff member (asks the PIN; default: the OS user)",
    )
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN of --staff from standard input"
    )


def parse_date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise KioskError(
            f"{option} {text!r}: type the date as YYYY-MM-DD, e.g. 2027-03-31."
        ) from None


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("stock", help="receive, list or retire lots on hand")
    actions = parser.add_subparsers(dest="stock_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="receive a lot (a kit, a vaccine, a medication)")
    add.add_argument("item", metavar="ITEM", help="what it is, e.g. strep-a (a catalog kit)")
    add.add_argument("--lot", required=True, help="the lot number on the box")
    add.add_argument("--expiry", required=True, metavar="YYYY-MM-DD", help="expiry on the box")
    add.add_argument("--quantity", required=True, type=int, help="how many tests or doses")
    add.add_argument("--manufacturer", default="", help="who made it")
    add.add_argument("--location", default="", help="where it is kept")
    add.add_argument("--low-at", type=int, default=5, help="flag the lot low at this many")
    staff_arguments(add)
    listing = actions.add_parser("list", help="what is on hand (low, expired, retired flagged)")
    listing.add_argument("item", nargs="?", metavar="ITEM", help="only this item")
    staff_arguments(listing)
    retire = actions.add_parser("retire", help="take a lot out of use (a recall, failed QC)")
    retire.add_argument("item", metavar="ITEM")
    retire.add_argument("--lot", required=True)
    retire.add_argument("--reason", default="", help="why (shown when someone picks it)")
    staff_arguments(retire)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pydantic import ValidationError

    from kiosk.commands.acting import acting_user
    from kiosk.config import settings_from_args
    from kiosk.models import StockLot
    from kiosk.store.anchors import apply_settings as apply_audit_anchors
    from kiosk.store.stock import StockRoom

    settings = settings_from_args(args)
    apply_audit_anchors(settings)
    data_dir = Path(settings.active_data_dir)
    room = StockRoom(data_dir, actor=acting_user(args, data_dir))
    if args.stock_action == "add":
        expiry = parse_date("--expiry", args.expiry)
        if expiry < datetime.now(UTC).date():
            raise KioskError(f"Lot {args.lot} expired on {expiry}: an expired lot is not received.")
        try:
            lot = StockLot(
                item=args.item.strip(),
                lot=args.lot.strip(),
                manufacturer=args.manufacturer,
                expiry=expiry,
                quantity=args.quantity,
                location=args.location,
                low_at=args.low_at,
            )
        except ValidationError as error:
            first = error.errors()[0]
            raise KioskError(f"--{first['loc'][0]}: {first['msg']}".replace("_", "-")) from None
        done = room.add(lot)
        print(
            f"Received {done.item} lot {done.lot}: {done.quantity} on hand, expires {done.expiry}."
        )
    elif args.stock_action == "retire":
        done = room.retire(args.item, args.lot, args.reason)
        print(f"Retired {done.item} lot {done.lot}: it can no longer be used.")
    else:
        lots = room.lots(args.item)
        if not lots:
            print("Nothing in stock yet: receive a lot with `kiosk stock add ITEM --lot ...`.")
        today = datetime.now(UTC).date()
        for s in lots:
            flags = [
                f
                for f, on in (
                    ("RETIRED", s.retired),
                    ("EXPIRED", s.expired_on(today)),
                    ("LOW", s.is_low and not s.retired),
                )
                if on
            ]
            print(
                f"{s.item:<16} lot {s.lot:<14} exp {s.expiry}  on hand {s.quantity:>5}  "
                f"{s.location or '-':<12} {s.manufacturer or '-':<14} {' '.join(flags)}".rstrip()
            )
    return 0
