"""Quality control: whether a control run passed, and whether a kit lot may test patients.

The catalog says how often each test needs QC (``qc``) and which control levels a run covers
(``controls``). A patient result may be recorded only when, for every level, the latest run
that counts (same kit lot; the same UTC day for ``daily``; since the lot was last received
for ``per-shipment``) passed and used a control within its expiry. Otherwise the message says
which control to run, for which test and lot, and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from kiosk.models.poc import QcRun
from kiosk.models.stock import StockLot
from kiosk.validators.poc_catalog import QUALITATIVE_ANSWERS, PocTestSpec

_RANGE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*-\s*([0-9]+(?:\.[0-9]+)?)\s*$")
_RULE = {
    "daily": "QC is required each day the test is used",
    "per-lot": "QC is required for each new kit lot",
    "per-shipment": "QC is required for each new shipment",
}


@dataclass(frozen=True, slots=True)
class QcGate:
    runs: tuple[str, ...]
    """The ids of the runs the result relies on (one per level)."""
    problem: str | None = None


def control_outcome(spec: PocTestSpec, level: str, expected: str, observed: str) -> bool | str:
    """Whether a control run passed, or a message about what was typed.

    Qualitative and ordinal tests: the observed answer must equal the expected one. Numeric
    tests: ``expected`` is the control's acceptable range (``10.5-12.5``) and ``observed`` a
    number inside it.
    """
    if level not in spec.controls:
        return f"{spec.name} controls are {', '.join(spec.controls)}, not {level!r}."
    if spec.result == "numeric":
        bounds = _RANGE.match(expected)
        if bounds is None:
            return "For a numeric test the expected result is the control's range, e.g. 10.5-12.5."
        try:
            value = float(observed.strip())
        except ValueError:
            return f"The observed result of a {spec.name} control is a number, not {observed!r}."
        return float(bounds.group(1)) <= value <= float(bounds.group(2))
    answers = spec.choices if spec.result == "ordinal" else QUALITATIVE_ANSWERS
    exp, obs = expected.strip().lower(), observed.strip().lower()
    if exp not in answers or exp == "invalid":
        return f"The expected result is one of {', '.join(a for a in answers if a != 'invalid')}."
    if obs not in answers:
        return f"The observed result is one of {', '.join(answers)}."
    return exp == obs


def _counts(spec: PocTestSpec, run: QcRun, lot: StockLot, day: date) -> bool:
    if run.test not in (spec.id, spec.kit) or run.kit_lot.upper() != lot.lot.upper():
        return False
    when = run.time.astimezone(UTC)
    if spec.qc == "daily":
        return when.date() == day
    if spec.qc == "per-shipment":
        return when >= lot.received
    return True


def qc_gate(
    spec: PocTestSpec, lot: StockLot, runs: Iterable[QcRun], now: datetime | None = None
) -> QcGate:
    """May ``lot`` of ``spec`` test patients now? (``runs``: the QC log, any order.)"""
    if not spec.needs_qc:
        return QcGate(())
    now = now or datetime.now(UTC)
    day = now.astimezone(UTC).date()
    counted = [r for r in runs if _counts(spec, r, lot, day) and r.time <= now]
    used: list[str] = []
    rule = _RULE[spec.qc]
    if spec.qc == "per-shipment":
        rule += f" (lot {lot.lot} received {lot.received.astimezone(UTC).date()})"
    for level in spec.controls:
        mine = [r for r in counted if r.level == level]
        what = f"the {level} control for {spec.name} (kit lot {lot.lot})"
        if not mine:
            return QcGate((), f"No QC yet: run {what} first. {rule}.")
        latest = max(mine, key=lambda r: r.time)
        when = latest.time.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if not latest.passed:
            return QcGate(
                (),
                f"QC failed: {what} failed on {when}. Run it again after the corrective "
                "action; patients cannot be tested until it passes.",
            )
        if latest.control_expiry < latest.time.astimezone(UTC).date():
            return QcGate(
                (),
                f"QC not valid: {what} was run on {when} with control lot "
                f"{latest.control_lot}, expired {latest.control_expiry}. Run it again with an "
                "unexpired control.",
            )
        used.append(latest.id)
    return QcGate(tuple(used))
