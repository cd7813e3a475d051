"""Reading a catalog test's result, and what must hold before it may be recorded.

A result is recorded only with a usable kit lot (in stock, not expired, not retired, some left),
the analyser's id where the test has one, and, when the catalog asks for QC, a passing control
run of every level that covers this kit lot (kiosk.validators.qc_gate says which). A numeric
result is read with pint into the catalog's unit and range-checked like a vital sign; a value
outside the absolute bounds is refused, never stored. "invalid" (no control line) is recorded
and asks for a repeat.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from kiosk.models.poc import PocResult, QcRun
from kiosk.models.stock import StockLot
from kiosk.validators.poc_catalog import HEMOGLOBIN_G_PER_MMOL, NUMERIC_UNITS, PocTestSpec
from kiosk.validators.qc_gate import qc_gate

Field = Literal["test", "lot", "device", "result", "qc"]

_NUMBER = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)\s*(.*)$")
_UNIT_WORDS: dict[str, str] = {
    "g/dl": "g/dL",
    "gm/dl": "g/dL",
    "g/100ml": "g/dL",
    "g/l": "g/L",
    "mmol/l": "mmol/L",
    "mmol": "mmol/L",
    "mg/dl": "mg/dL",
    "%": "%",
    "percent": "%",
    "pct": "%",
    "inr": "{INR}",
    "{inr}": "{INR}",
}
_FOREIGN = {"mmol/mol": "the IFCC unit mmol/mol"}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a result cannot be recorded, and next to which field to say it."""

    field: Field
    message: str


@dataclass(frozen=True, slots=True)
class NumberRead:
    value: float
    unit: str
    entered_value: float
    entered_unit: str


def _convert(spec: PocTestSpec, value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to the test's unit with pint (haemoglobin's mmol/L via
    its molar mass)."""
    from kiosk.units import registry

    ureg = registry()
    quantity: Any = ureg.Quantity(value, NUMERIC_UNITS[unit])
    target = NUMERIC_UNITS[spec.unit]
    if (unit == "mmol/L") != (spec.unit == "mmol/L") and spec.id == "hgb":
        molar = ureg.Quantity(HEMOGLOBIN_G_PER_MMOL, "gram / millimole")
        quantity = quantity * molar if unit == "mmol/L" else quantity / molar
    return float(quantity.to(target).magnitude)


def read_number(spec: PocTestSpec, text: str) -> NumberRead | Problem:
    """A numeric result as typed (``12.1``, ``121 g/L``, ``7.5 mmol/L``, ``6.8%``)."""
    typed = text.strip()
    example = f"e.g. {'12.1' if spec.unit == 'g/dL' else '6.8'} {_show(spec.unit)}".strip()
    if not typed:
        return Problem("result", f"Type the {spec.name} result, {example}.")
    match = _NUMBER.match(typed)
    if match is None:
        return Problem("result", f"{typed!r} is not a number: type the result, {example}.")
    value = float(match.group(1).replace(",", "."))
    word = match.group(2).strip().lower()
    unit = spec.unit if not word else _UNIT_WORDS.get(word.replace(" ", ""))
    allowed = ", ".join(_show(u) for u in spec.units)
    if unit is None or unit not in spec.units:
        shown = _FOREIGN.get(word, repr(match.group(2).strip()))
        return Problem("result", f"{spec.name} is read in {allowed}, not {shown}.")
    converted = round(_convert(spec, value, unit), 3)
    if not math.isfinite(converted):
        return Problem("result", f"{typed!r} is not a number the kiosk can keep.")
    return NumberRead(converted, spec.unit, value, unit)


def _show(unit: str) -> str:
    return "" if unit == "{INR}" else unit


def read_answer(spec: PocTestSpec, text: str) -> str | Problem:
    """A qualitative or ordinal answer: the choice, or its first letters (``pos``, ``n``)."""
    typed = text.strip().lower()
    choices = spec.choices
    if typed in choices:
        return typed
    matches = [c for c in choices if typed and c.startswith(typed)]
    if len(matches) == 1:
        return matches[0]
    return Problem("result", f"Choose the {spec.name} result: {', '.join(choices)}.")


def status_of(spec: PocTestSpec, answer: str | None, value: float | None) -> str:
    if answer == "invalid":
        return "invalid"
    if value is not None:
        return spec.bounds.classify(value)
    if answer in spec.critical:
        return "critical-high"
    return "abnormal" if answer in spec.abnormal else "normal"


def build_result(
    spec: PocTestSpec,
    text: str,
    *,
    lot: StockLot | None,
    lot_text: str,
    runs: Iterable[QcRun],
    operator: str,
    device: str = "",
    now: datetime | None = None,
    repeat_of: str | None = None,
) -> PocResult | Problem:
    """The result to record, or the first reason it cannot be, next to its field.

    Checked in the order the MA works: the kit lot, the device, the QC the lot relies on,
    then the result itself.
    """
    now = now or datetime.now(UTC)
    if not lot_text.strip():
        return Problem("lot", f"Choose the {spec.name} kit lot (kiosk stock add receives one).")
    if lot is None:
        return Problem(
            "lot",
            f"Lot {lot_text.strip()} of {spec.kit} is not in stock: receive it with "
            "`kiosk stock add` first.",
        )
    refusal = lot.refusal(now.astimezone(UTC).date())
    if refusal is not None:
        return Problem("lot", refusal)
    if spec.device and not device.strip():
        return Problem("device", f"Type the id of the analyser that read the {spec.name}.")
    gate = qc_gate(spec, lot, runs, now)
    if gate.problem is not None:
        return Problem("qc", gate.problem)
    answer: str | None = None
    number: NumberRead | None = None
    if spec.result == "numeric" and text.strip().lower() not in ("invalid", "inv", "err", "error"):
        read = read_number(spec, text)
        if isinstance(read, Problem):
            return read
        number = read
    elif spec.result == "numeric":
        answer = "invalid"
    else:
        chosen = read_answer(spec, text)
        if isinstance(chosen, Problem):
            return chosen
        answer = chosen
    status = status_of(spec, answer, number.value if number else None)
    if status == "impossible":
        lo, hi = spec.bounds.low_absolute, spec.bounds.hi_absolute
        return Problem(
            "result",
            f"{text.strip()} is outside what a {spec.name} can be ({lo:g}-{hi:g} "
            f"{_show(spec.unit)}): check the reading.".replace("  ", " "),
        )
    message = {
        "invalid": "Invalid (no control line): repeat the test with a new device.",
        "critical-high": "CRITICAL: tell the provider now.",
        "critical-low": "CRITICAL: tell the provider now.",
    }.get(status, "")
    return PocResult(
        test=spec.id,
        name=spec.name,
        kit=spec.kit,
        loinc=spec.loinc,
        loinc_display=spec.loinc_display,
        cpt=spec.cpt,
        result_type=spec.result,
        entered=text.strip(),
        answer=answer,
        value=number.value if number else None,
        unit=spec.unit,
        entered_value=number.entered_value if number else None,
        entered_unit=number.entered_unit if number else None,
        status=status,
        message=message,
        specimen=spec.specimen,
        kit_lot=lot.lot,
        kit_expiry=lot.expiry,
        device=device.strip(),
        operator=operator,
        taken_at=now,
        qc_runs=list(gate.runs),
        repeat_of=repeat_of,
    )
