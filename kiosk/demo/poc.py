"""Demo kit lots and QC runs, so ``kiosk --demo`` can record every catalog test.

Once: a lot of every catalog kit (six months to expiry), plus a retired strep lot (a recall) and
an expired one, to show the refusals. Each day the demo is opened: a passing run of every
control level of every test the catalog gives QC, and on the first day a failed hemoglobin
control with its corrective action before the rerun that passed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kiosk.models import QcRun, StockLot
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom
from kiosk.validators.poc_catalog import Catalog, PocTestSpec

ACTOR = "demo"


def lot_number(kit: str) -> str:
    return f"{kit.upper().replace('-', '')[:6]}-D1"


def _expected(spec: PocTestSpec, level: str) -> tuple[str, str]:
    if spec.result != "numeric":
        return level, level
    return "1-30", "12"  # a control range and a reading inside it (demo numbers)


def seed_poc(data_dir: Path, catalog: Catalog, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    room = StockRoom(data_dir, actor=ACTOR)
    expiry = (now + timedelta(days=182)).date()
    first_day = not room.path.exists()
    if first_day:
        received = now - timedelta(days=1)
        for kit in catalog.kits():
            room.add(
                StockLot(
                    item=kit,
                    lot=lot_number(kit),
                    expiry=expiry,
                    quantity=25,
                    manufacturer="Demo Diagnostics",
                    location="lab cabinet",
                    received=received,
                )
            )
        room.add(
            StockLot(item="strep-a", lot="STREPA-R9", expiry=expiry, quantity=10, received=received)
        )
        room.retire("strep-a", "STREPA-R9", "manufacturer recall (demo)")
        room.add(
            StockLot(
                item="strep-a",
                lot="STREPA-X0",
                expiry=date(2020, 1, 31),
                quantity=3,
                received=received,
            )
        )
    log = QcLog(data_dir, actor=ACTOR)
    today = now.date()
    if any(r.time.astimezone(UTC).date() == today for r in log.runs(audit=False)):
        return
    at = now - timedelta(minutes=30)
    done: set[str] = set()
    for spec in catalog.tests:
        if not spec.needs_qc or spec.kit in done:
            continue
        done.add(spec.kit)  # one run per kit covers the tests read off it
        test = spec.kit if len(catalog.kits()[spec.kit]) > 1 else spec.id
        for level in spec.controls:
            expected, observed = _expected(spec, level)
            if first_day and spec.id == "hgb" and level == "high":
                log.record(
                    _run(
                        test,
                        spec,
                        level,
                        expected,
                        "31",
                        at - timedelta(minutes=5),
                        expiry,
                        passed=False,
                        action="control vial past open-vial stability; new vial opened",
                    )
                )
            log.record(_run(test, spec, level, expected, observed, at, expiry, passed=True))


def _run(
    test: str,
    spec: PocTestSpec,
    level: str,
    expected: str,
    observed: str,
    at: datetime,
    expiry: date,
    *,
    passed: bool,
    action: str = "",
) -> QcRun:
    return QcRun(
        test=test,
        kit_lot=lot_number(spec.kit),
        control_lot=f"CTL-{spec.kit.upper()[:4]}",
        control_expiry=expiry,
        level=level,
        expected=expected,
        observed=observed,
        passed=passed,
        operator=ACTOR,
        time=at,
        corrective_action=action,
    )
