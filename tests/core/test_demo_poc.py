"""The demo folder's kit lots and QC: every catalog test can be recorded in ``kiosk --demo``,
and the log shows a failed control with its corrective action, a retired and an expired lot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.demo.poc import seed_poc
from kiosk.models import PocResult
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom
from kiosk.validators.poc_catalog import load_catalog
from kiosk.validators.poc_results import build_result

NOW = datetime(2026, 5, 6, 9, 0, tzinfo=UTC)
ANSWER = {"numeric": "7.1", "qualitative": "negative", "ordinal": "negative"}


def test_every_catalog_test_can_be_recorded_on_the_demo_lots(folder: Path) -> None:
    catalog = load_catalog()
    seed_poc(folder, catalog, NOW)
    seed_poc(folder, catalog, NOW + timedelta(minutes=5))  # the same day: nothing added
    room, log = StockRoom(folder, actor="t"), QcLog(folder, actor="t")
    runs = log.runs(audit=False)
    failed = [r for r in runs if not r.passed]
    assert len(failed) == 1
    assert failed[0].test == "hgb"
    assert "new vial" in failed[0].corrective_action
    for spec in catalog.tests:
        lot = room.usable(spec.kit, NOW.date())[0]
        made = build_result(
            spec,
            ANSWER[spec.result],
            lot=lot,
            lot_text=lot.lot,
            runs=runs,
            operator="demo",
            device="DEMO-1",
            now=NOW,
        )
        assert isinstance(made, PocResult), (spec.id, made)
    strep = {s.lot: s for s in room.lots("strep-a", audit=False)}
    assert strep["STREPA-R9"].retired
    assert strep["STREPA-X0"].refusal(NOW.date()) is not None
    # the next day the daily tests need their QC again, and the demo runs it
    seed_poc(folder, catalog, NOW + timedelta(days=1))
    assert len(log.runs(audit=False)) == 2 * len(runs) - 1
