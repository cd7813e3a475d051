"""Demo kit lots and QC runs, so ``kiosk --demo`` can record every catalog test.

Once: a lot of every catalog kit (six months to expiry), plus a retired strep lot (a recall) and
an expired one, to show the refusals. Each day the demo is opened: a passing run of every
control level of every test the catalog gives QC, and on the first day a failed hemoglobin
control with its corrective action before the rerun that passed.

The demo encounters' catalog results (``demo_results``, their own random stream
``poc-results:<seed>:<patient>``, so no other demo value changed): strep for a sore throat
(or a sick child), influenza A/B and COVID-19 for a fever or cough, urine hCG for women
12-49 with a urinary, abdominal or dizzy complaint, hemoglobin, HbA1c for diabetes and INR
for atrial fibrillation; now and then a strep, flu or COVID cassette reads invalid and is
repeated (``repeat_of``). Each names a demo stock lot and relies on that morning's control
runs, whose ids carry the day (``qc20260506-strep-a-positive``) so a clone moved to another
day names that day's runs; the seeding records them (``demo_runs``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from kiosk.models import PocResult, QcRun, Sex, StockLot
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom
from kiosk.validators.poc_catalog import Catalog, PocTestSpec

ACTOR = "demo"
SHELF_DAYS = 182
"""A demo lot expires this many days after the demo folder is made."""
HISTORY_DAYS = 367
"""The demo lots were received this many days before, so they cover the past year's visits."""
QC_AT = time(8, 30)
"""The demo clinic runs its controls each morning a test is used (UTC)."""


def lot_number(kit: str) -> str:
    return f"{kit.upper().replace('-', '')[:6]}-D1"


def _expected(spec: PocTestSpec, level: str) -> tuple[str, str]:
    if spec.result != "numeric":
        return level, level
    return "1-30", "12"  # a control range and a reading inside it (demo numbers)


def seed_poc(data_dir: Path, catalog: Catalog, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    room = StockRoom(data_dir, actor=ACTOR)
    expiry = (now + timedelta(days=SHELF_DAYS)).date()
    first_day = not room.path.exists()
    if first_day:
        received = now - timedelta(days=HISTORY_DAYS)
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


# --------------------------------------------------------------------------- results


def qc_run_id(kit: str, level: str, day: date) -> str:
    """The id of the demo control run of ``kit`` at ``level`` on the morning of ``day``."""
    slug = re.sub(r"[^a-z0-9]+", "-", level.lower()).strip("-")
    return f"qc{day:%Y%m%d}-{kit}-{slug}"[:40]


def _morning_run(spec: PocTestSpec, level: str, day: date, expiry: date) -> QcRun:
    expected, observed = _expected(spec, level)
    test = spec.kit if spec.kit != spec.id else spec.id
    run = _run(
        test,
        spec,
        level,
        expected,
        observed,
        datetime.combine(day, QC_AT, UTC),
        expiry,
        passed=True,
    )
    return run.model_copy(update={"id": qc_run_id(spec.kit, level, day)})


_ID_DAY = re.compile(r"^qc(\d{8})-")


def demo_runs(documents: Iterable[dict[str, object]], catalog: Catalog) -> list[QcRun]:
    """The morning control runs the catalog results of ``documents`` (encounter JSON) rely
    on, one per kit, level and day, in time order."""
    needed: dict[str, QcRun] = {}
    for doc in documents:
        poc = doc.get("poc")
        results = poc.get("results", []) if isinstance(poc, dict) else []
        for result in results:
            spec = catalog.get(result["test"])
            if spec is None:
                continue
            expiry = date.fromisoformat(result["kit_expiry"])
            for run_id in result["qc_runs"]:
                if run_id in needed or (found := _ID_DAY.match(run_id)) is None:
                    continue
                day = datetime.strptime(found.group(1), "%Y%m%d").date()
                level = next(lv for lv in spec.controls if qc_run_id(spec.kit, lv, day) == run_id)
                needed[run_id] = _morning_run(spec, level, day, expiry)
    return sorted(needed.values(), key=lambda r: (r.time, r.id))


def demo_results(
    seed: int,
    patient_id: str,
    age: float,
    sex: Sex,
    complaint: str,
    problems: set[str],
    taken: datetime,
    catalog: Catalog,
) -> list[PocResult]:
    """The catalog tests of one demo encounter, in the order read (often none)."""
    from kiosk.validators.poc_results import build_result

    rng = random.Random(f"poc-results:{seed}:{patient_id}")
    plan: list[tuple[str, str]] = []  # (test, what was read)
    text = complaint.lower()
    sick = any(word in text for word in ("fever", "cough", "throat", "runny"))
    if ("throat" in text or (sick and age < 15)) and rng.random() < 0.8:
        plan.append(("strep-a", "positive" if rng.random() < 0.3 else "negative"))
    if sick and rng.random() < 0.6:
        flu = rng.random()
        plan.append(("flu-a", "positive" if flu < 0.15 else "negative"))
        plan.append(("flu-b", "positive" if 0.15 <= flu < 0.22 else "negative"))
    if sick and age >= 2 and rng.random() < 0.5:
        plan.append(("covid-ag", "positive" if rng.random() < 0.1 else "negative"))
    if (
        sex == "female"
        and 12 <= age < 50
        and (
            any(word in text for word in ("pee", "stomach", "vomit", "dizzy"))
            or rng.random() < 0.03
        )
    ):
        plan.append(("hcg", "positive" if rng.random() < 0.1 else "negative"))
    if age >= 1 and rng.random() < 0.04:
        low = 11.0 if sex == "female" else 12.0
        plan.append(("hgb", f"{rng.uniform(low - 2.5, low + 4.5):.1f}"))
    if "Type 2 diabetes" in problems and rng.random() < 0.5:
        plan.append(("hba1c", f"{rng.uniform(5.8, 10.5):.1f}"))
    if "Atrial fibrillation" in problems and rng.random() < 0.4:
        plan.append(("inr", f"{rng.uniform(1.6, 3.6):.1f}"))
    results: list[PocResult] = []
    at = taken
    day = taken.astimezone(UTC).date()
    expiry = day + timedelta(days=SHELF_DAYS + 1)  # the lot the seeding puts in stock
    for test, read in plan:
        spec = catalog.get(test)
        if spec is None:  # a clinic catalog without it
            continue
        lot = StockLot(
            item=spec.kit,
            lot=lot_number(spec.kit),
            expiry=expiry,
            quantity=25,
            received=taken - timedelta(days=HISTORY_DAYS),
        )
        runs = [_morning_run(spec, level, day, expiry) for level in spec.controls]
        device = f"DEMO-{spec.kit.upper()[:4]}-1" if spec.device else ""
        tries = [read]
        if spec.result == "qualitative" and rng.random() < 0.12:
            tries = ["invalid", read]  # no control line: repeated with a new cassette
        repeat_of: str | None = None
        for text in tries:
            at += timedelta(minutes=rng.randrange(2, 6))
            made = build_result(
                spec,
                text,
                lot=lot,
                lot_text=lot.lot,
                runs=runs,
                operator=ACTOR,
                device=device,
                now=at,
                repeat_of=repeat_of,
            )
            if not isinstance(made, PocResult):  # the demo's own plan is wrong: say which
                raise ValueError(f"demo {test} result {text!r}: {made.message}")
            made = made.model_copy(update={"id": f"{rng.getrandbits(64):016x}"})
            results.append(made)
            repeat_of = made.id
    return results
