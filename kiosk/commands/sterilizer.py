"""``kiosk sterilizer load|result|list|recall``: the sterilizer log (an admin command).

- ``load``: one cycle with its sterilizer, cycle number, date, operator, pack ids, cycle type
  and parameters (time, temperature, pressure), the chemical indicator's result and, when a
  spore test rides in the load, the biological indicator's lot.
- ``result``: the biological indicator read after incubation; ``fail`` takes the sterilizer
  out of service (no load with packs until a later cycle's indicator passes).
- ``list``: every load, each sterilizer's state, and a warning when a sterilizer's last
  passing biological indicator is more than 7 days old (CDC: at least weekly).
- ``recall``: the packs of every load since the sterilizer's last passing indicator and every
  visit where one was used (the procedure-assist records), for the clinic's recall.

Every change and the recall (it names patients) are audited with who ran it, proved as for
``kiosk export`` (``--staff ID`` with a PIN, else the operating-system account). Mistakes a
person can make exit 2 with one plain line.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError

CYCLE_TYPES = ("gravity", "prevacuum", "immediate-use", "dry-heat", "chemical-vapor")
_TEMP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*°?\s*([CF])\s*$", re.IGNORECASE)
_PRESSURE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(kpa|psi)\s*$", re.IGNORECASE)
WEEK = timedelta(days=7)


def register(subparsers: Any, root: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("sterilizer", help="the sterilizer log: loads, results, recall")
    actions = parser.add_subparsers(dest="sterilizer_action", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="record a load (cycle)")
    _who(load)
    load.add_argument("--sterilizer", required=True, help="the sterilizer's id, e.g. S1")
    load.add_argument("--cycle", required=True, type=int, help="the cycle (load) number")
    load.add_argument("--date", help="YYYY-MM-DD (default: today)")
    load.add_argument("--operator", required=True, help="staff id of who ran the cycle")
    load.add_argument("--packs", default="", help="pack ids, comma-separated (none: a test)")
    load.add_argument("--type", required=True, choices=CYCLE_TYPES, dest="cycle_type")
    load.add_argument("--minutes", required=True, type=float, help="exposure time")
    load.add_argument("--temp", required=True, help="exposure temperature: 121C or 250F")
    load.add_argument("--pressure", help="chamber pressure: 103kPa or 15psi")
    load.add_argument("--ci", required=True, choices=("pass", "fail"), help="chemical indicator")
    load.add_argument("--bi-lot", help="the biological indicator's lot, if one is in the load")
    result = actions.add_parser("result", help="record a biological indicator's result")
    _who(result)
    result.add_argument("--sterilizer", required=True)
    result.add_argument("--cycle", required=True, type=int)
    result.add_argument("--bi", required=True, choices=("pass", "fail"))
    result.add_argument("--lot", help="the indicator's lot (if not given with the load)")
    listing = actions.add_parser("list", help="every load and each sterilizer's state")
    _who(listing)
    listing.add_argument("--sterilizer", help="only this sterilizer")
    recall = actions.add_parser("recall", help="packs and visits since the last passing BI")
    _who(recall)
    recall.add_argument("--sterilizer", required=True)
    parser.set_defaults(func=run)


def _who(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--staff", metavar="ID", help="act as this staff member (asks the PIN)")
    parser.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.acting import acting_user
    from kiosk.config import settings_from_args
    from kiosk.store import EncounterStore

    settings = settings_from_args(args)
    data_dir = Path(settings.active_data_dir)
    who = acting_user(args, data_dir)
    with EncounterStore(data_dir, staff_id=who, purpose="sterilizer log") as store:
        action = args.sterilizer_action
        if action == "load":
            return _load(args, store, who)
        if action == "result":
            return _result(args, store)
        if action == "list":
            return _list(args, store)
        return _recall(args, store)


def _plain(error: Exception) -> KioskError:
    """A refusal or a bad value in plain words (pydantic's names the field, never the value)."""
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        first = error.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "the load"
        said = first["msg"].removeprefix("Value error, ")
        if first["type"] == "string_pattern_mismatch":
            said = "use letters, digits, dots, hyphens or underscores (no spaces)"
        return KioskError(f"{field}: {said}.")
    return KioskError(str(error))


def _load(args: argparse.Namespace, store: Any, who: str) -> int:
    from kiosk.models.sterilizer import Load

    packs = [p.strip() for p in args.packs.split(",") if p.strip()]
    try:
        load = Load.model_validate(
            {
                "sterilizer": args.sterilizer,
                "cycle": args.cycle,
                "day": _day(args.date),
                "operator": args.operator,
                "packs": packs,
                "cycle_type": args.cycle_type,
                "minutes": args.minutes,
                "temperature_c": _celsius(args.temp),
                "pressure_kpa": _kpa(args.pressure) if args.pressure else None,
                "chemical_indicator": args.ci,
                "biological": {"lot": args.bi_lot} if args.bi_lot else None,
                "recorded_by": who,
                "recorded_at": datetime.now(UTC),
            }
        )
        store.sterilizer.add_load(load)
    except ValueError as error:
        raise _plain(error) from None
    print(f"Logged sterilizer {load.sterilizer} cycle {load.cycle}: {len(packs)} pack(s).")
    if load.chemical_indicator == "fail":
        print("The chemical indicator failed: do not use these packs; reprocess them.")
    return 0


def _result(args: argparse.Namespace, store: Any) -> int:
    try:
        log = store.sterilizer.set_result(args.sterilizer, args.cycle, args.bi, lot=args.lot)
    except ValueError as error:
        raise _plain(error) from None
    print(f"Biological indicator of {args.sterilizer} cycle {args.cycle}: {args.bi}.")
    if args.sterilizer in log.out_of_service:
        print(
            f"Sterilizer {args.sterilizer} is OUT OF SERVICE. Run "
            f"`kiosk sterilizer recall --sterilizer {args.sterilizer}` for the packs and visits."
        )
    return 0


def _list(args: argparse.Namespace, store: Any) -> int:
    log = store.sterilizer.read()
    loads = [x for x in log.loads if args.sterilizer in (None, x.sterilizer)]
    if not loads:
        print("No loads are logged.")
        return 0
    for x in sorted(loads, key=lambda x: (x.sterilizer, x.key)):
        bi = x.biological
        spore = f"BI {bi.lot}: {bi.result or 'incubating'}" if bi else "no BI"
        pressure = f" {x.pressure_kpa:g} kPa" if x.pressure_kpa is not None else ""
        print(
            f"{x.day}  {x.sterilizer} #{x.cycle}  {x.cycle_type} {x.minutes:g} min "
            f"{x.temperature_c:g} °C{pressure}  CI {x.chemical_indicator}  {spore}  "
            f"by {x.operator}  packs: {', '.join(x.packs) or '(test cycle)'}"
        )
    for name in sorted({x.sterilizer for x in loads}):
        if name in log.out_of_service:
            out = log.out_of_service[name]
            print(f"Sterilizer {name}: OUT OF SERVICE since cycle {out.cycle} failed its BI.")
            continue
        passed = [
            x.biological.read_at
            for x in loads
            if x.sterilizer == name and x.biological and x.biological.result == "pass"
        ]
        last = max((p for p in passed if p is not None), default=None)
        if last is None or datetime.now(UTC) - last > WEEK:
            print(f"Sterilizer {name}: no passing biological indicator in 7 days (CDC: weekly).")
        else:
            print(f"Sterilizer {name}: in service.")
    return 0


def _recall(args: argparse.Namespace, store: Any) -> int:
    found = store.sterilizer.recall(args.sterilizer, reason="sterilizer recall")
    if not found.loads:
        print(f"Nothing to recall: no load of {args.sterilizer} since its last passing BI.")
        return 0
    print(f"Recall for sterilizer {args.sterilizer}: {len(found.loads)} load(s) since the last")
    print("passing biological indicator.")
    for x in found.loads:
        print(f"  cycle {x.cycle} ({x.day}): {', '.join(x.packs) or '(test cycle, no packs)'}")
    if not found.uses:
        print("No visit used any of these packs.")
    for use in found.uses:
        print(f"  used {use.day}  patient {use.patient_id}  pack {use.pack}  {use.procedure}")
        print(f"       provider {use.provider}")
    return 0


def _day(text: str | None) -> date:
    if not text:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KioskError(f"--date: {text!r} is not a date as YYYY-MM-DD.") from None


def _celsius(text: str) -> float:
    match = _TEMP.match(text)
    if match is None:
        raise KioskError(f"--temp: {text!r} is not a temperature such as 121C or 250F.")
    value, unit = float(match.group(1)), match.group(2).upper()
    return round((value - 32) * 5 / 9, 1) if unit == "F" else value


def _kpa(text: str) -> float:
    match = _PRESSURE.match(text)
    if match is None:
        raise KioskError(f"--pressure: {text!r} is not a pressure such as 103kPa or 15psi.")
    value, unit = float(match.group(1)), match.group(2).lower()
    return round(value * 6.894757, 1) if unit == "psi" else value
