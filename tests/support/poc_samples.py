"""Point-of-care fixtures: lots in stock, QC runs in the log, an encounter with catalog results
(a positive strep, an invalid influenza A repeated, a haemoglobin in g/L), vision and hearing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from store_child import make_encounter

from kiosk.models import Encounter, PocResult, QcRun, StockLot
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom
from kiosk.validators.poc_catalog import Catalog, load_catalog
from kiosk.validators.poc_results import Problem, build_result
from kiosk.validators.vision import hearing_referral, parse_snellen

NOW = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
EXPIRY = date(2027, 6, 30)


def catalog() -> Catalog:
    return load_catalog()


def lot(item: str, number: str, **extra: object) -> StockLot:
    fields: dict[str, object] = {
        "item": item,
        "lot": number,
        "expiry": EXPIRY,
        "quantity": 20,
        "manufacturer": "Acme Diagnostics",
        "received": NOW - timedelta(days=2),
    }
    fields.update(extra)
    return StockLot.model_validate(fields)


def passing_runs(test: str, kit_lot: str, levels: tuple[str, ...], when: datetime) -> list[QcRun]:
    numeric = test in ("hgb", "hba1c", "inr", "glucose")
    return [
        QcRun(
            test=test,
            kit_lot=kit_lot,
            control_lot="CTL-7",
            control_expiry=EXPIRY,
            level=level,
            expected="1-30" if numeric else level,
            observed="12" if numeric else level,
            passed=True,
            operator="ma1",
            time=when,
        )
        for level in levels
    ]


def result(spec_id: str, text: str, kit: StockLot, runs: list[QcRun], **extra: object) -> PocResult:
    spec = catalog().spec(spec_id)
    made = build_result(
        spec,
        text,
        lot=kit,
        lot_text=kit.lot,
        runs=runs,
        operator="ma1",
        now=NOW,
        **extra,  # type: ignore[arg-type]
    )
    assert not isinstance(made, Problem), made
    return made


def sample_runs() -> list[QcRun]:
    """The runs :func:`poc_encounter`'s results rely on (fixed ids, to put in a QC log)."""
    runs = (
        passing_runs("strep-a", "STR-1", ("positive", "negative"), NOW - timedelta(hours=1))
        + passing_runs("flu-ab", "FLU-2", ("positive", "negative"), NOW - timedelta(hours=1))
        + passing_runs("hgb", "HB-3", ("low", "normal", "high"), NOW - timedelta(hours=1))
    )
    return [run.model_copy(update={"id": f"run{n}"}) for n, run in enumerate(runs)]


def poc_encounter(seed: int = 1) -> Encounter:
    """A signed encounter holding catalog results, vision and hearing."""
    strep, flu, hgb = lot("strep-a", "STR-1"), lot("flu-ab", "FLU-2"), lot("hgb", "HB-3")
    runs = sample_runs()
    invalid = result("flu-a", "invalid", flu, runs)
    results = [
        result("strep-a", "positive", strep, runs),
        invalid,
        result("flu-a", "negative", flu, runs, repeat_of=invalid.id),
        result("flu-b", "neg", flu, runs),
        result("hgb", "121 g/L", hgb, runs, device="HemoCue-12"),
    ]
    base = make_encounter(seed, day=NOW.date())
    readings = [
        parse_snellen("20/40-2", eye="right", corrected=False),
        parse_snellen("6/12", eye="left", corrected=False),
        parse_snellen("20/30", eye="both", corrected=True),
    ]
    from kiosk.models import HearingScreen, HearingTone, VisionScreen

    tones = [
        HearingTone(
            ear=ear, frequency_hz=hz, result="refer" if (ear, hz) == ("left", 4000) else "pass"
        )
        for ear in ("right", "left")
        for hz in (1000, 2000, 4000)
    ]
    poc = base.poc.model_copy(
        update={
            "results": results,
            "vision": VisionScreen(readings=readings, taken_at=NOW),
            "hearing": HearingScreen(
                tones=tones, refer=True, reason=hearing_referral(tones), taken_at=NOW
            ),
        }
    )
    return base.model_copy(update={"poc": poc})


def stock_and_log(folder: Path) -> tuple[StockRoom, QcLog]:
    return StockRoom(folder, actor="ma1"), QcLog(folder, actor="ma1")
