"""``kiosk stock`` and ``kiosk qc``: lots received, counted down, retired; control runs
recorded and listed; the waived-testing log exported with exactly the inspector's columns;
every access audited; damaged files reported by ``kiosk check``."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from poc_samples import catalog, poc_encounter, sample_runs

from kiosk.cli import main
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail
from kiosk.store.qc import INSPECTOR_COLUMNS, QcLog
from kiosk.store.stock import StockRoom, count_down_kits

NEXT_YEAR = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()


def kiosk(folder: Path, *argv: str) -> int:
    return main(["--data-dir", str(folder), *argv])


def actions(folder: Path) -> list[str]:
    return [e.action for e in AuditTrail(folder).entries()]


def test_stock_add_list_retire_round_trip(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add = ["stock", "add", "strep-a", "--lot", "STR-1", "--expiry", NEXT_YEAR, "--quantity"]
    assert kiosk(folder, *add, "25", "--manufacturer", "Acme", "--location", "cabinet 2") == 0
    assert kiosk(folder, *add, "5") == 0  # a second shipment of the lot adds to it
    assert (
        kiosk(
            folder, "stock", "add", "hgb", "--lot", "HB-3", "--expiry", NEXT_YEAR, "--quantity", "3"
        )
        == 0
    )
    capsys.readouterr()
    assert kiosk(folder, "stock", "list") == 0
    out = capsys.readouterr().out.splitlines()
    assert any("strep-a" in line and " 30 " in line and "cabinet 2" in line for line in out), out
    assert any("hgb" in line and line.endswith("LOW") for line in out), out  # 3 <= low_at 5
    assert kiosk(folder, "stock", "retire", "strep-a", "--lot", "str-1", "--reason", "recall") == 0
    (lot,) = StockRoom(folder, actor="t").lots("strep-a", audit=False)
    assert lot.retired
    assert lot.retired_reason == "recall"
    assert lot.quantity == 30
    assert actions(folder).count("stock-add") == 3
    assert {"stock-view", "stock-retire"} <= set(actions(folder))


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--expiry", "2020-01-01", "--quantity", "3"], "expired on 2020-01-01"),
        (["--expiry", "31/12/2027", "--quantity", "3"], "type the date as YYYY-MM-DD"),
        (["--expiry", NEXT_YEAR, "--quantity", "-3"], "--quantity"),
    ],
)
def test_stock_add_refuses_bad_values(
    folder: Path, capsys: pytest.CaptureFixture[str], extra: list[str], words: str
) -> None:
    assert kiosk(folder, "stock", "add", "strep-a", "--lot", "X1", *extra) == 2
    assert words in capsys.readouterr().err


def test_signing_counts_the_kits_down(folder: Path) -> None:
    room = StockRoom(folder, actor="ma1")
    from poc_samples import lot

    for item, number in (("strep-a", "STR-1"), ("flu-ab", "FLU-2"), ("hgb", "HB-3")):
        room.add(lot(item, number, quantity=10))
    assert count_down_kits(folder, poc_encounter(), catalog()) == []
    left = {s.item: s.quantity for s in room.lots(audit=False)}
    # strep 1; flu: invalid A, repeat A, B = 3 results on a 2-test cassette = 2 kits; hgb 1
    assert left == {"strep-a": 9, "flu-ab": 8, "hgb": 9}
    assert actions(folder).count("stock-use") == 3


QC = [
    "qc",
    "record",
    "--test",
    "strep-a",
    "--kit-lot",
    "STR-1",
    "--control-lot",
    "CTL-7",
    "--control-expiry",
    NEXT_YEAR,
]


def test_qc_record_list_and_export_round_trip(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    encounter = poc_encounter()
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(encounter)
    for run in sample_runs():  # the runs the stored results relied on
        QcLog(folder, actor="ma1").record(run)
    for level in ("positive", "negative"):
        assert kiosk(folder, *QC, "--level", level, "--expected", level, "--observed", level) == 0
    assert (
        kiosk(
            folder,
            *QC,
            "--level",
            "positive",
            "--expected",
            "positive",
            "--observed",
            "negative",
            "--action",
            "new control vial opened; rerun passed",
        )
        == 0
    )
    runs = QcLog(folder, actor="t").runs(audit=False)
    assert [r.passed for r in runs][-3:] == [True, True, False]
    assert runs[-1].corrective_action == "new control vial opened; rerun passed"
    capsys.readouterr()
    assert kiosk(folder, "qc", "list", "--test", "strep-a") == 0
    listed = capsys.readouterr().out
    assert listed.count("strep-a") == 5
    assert "FAIL" in listed
    assert "new control vial" in listed
    out = folder.parent / "qc-log.csv"
    assert kiosk(folder, "qc", "export", "--out", str(out)) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert (
        tuple(rows[0])
        == INSPECTOR_COLUMNS
        == (
            "patient id",
            "test date",
            "kit lot",
            "result",
            "QC lot",
            "QC result",
            "operator",
        )
    )
    body = rows[1:]
    # strep 2 levels, invalid flu A 2, repeat 2, flu B 2, hgb 3 levels
    assert len(body) == 11
    strep = [r for r in body if r[2] == "STR-1"]
    assert {tuple(r) for r in strep} == {
        (encounter.patient.id, "2026-03-14", "STR-1", "positive", "CTL-7", f"{lv} pass", "ma1")
        for lv in ("positive", "negative")
    }
    assert [r[3] for r in body if r[2] == "HB-3"] == ["12.1 g/dL"] * 3
    assert sum(r[3] == "invalid" for r in body) == 2
    export = [e for e in AuditTrail(folder).entries() if e.action == "export"][-1]
    assert "format=qc-log" in export.detail
    assert "rows=11" in export.detail
    assert export.patients == (encounter.patient.id,)
    assert {"qc-record", "qc-view"} <= set(actions(folder))


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (
            ["--level", "positive", "--expected", "positive", "--observed", "negative"],
            "give the corrective action",
        ),
        (
            ["--level", "level 1", "--expected", "positive", "--observed", "positive"],
            "controls are positive, negative",
        ),
        (
            ["--level", "positive", "--expected", "maybe", "--observed", "positive"],
            "expected result is one of",
        ),
    ],
)
def test_qc_record_refuses_what_it_cannot_log(
    folder: Path, capsys: pytest.CaptureFixture[str], extra: list[str], words: str
) -> None:
    assert kiosk(folder, *QC, *extra) == 2
    assert (
        words in capsys.readouterr().err
        and "nothing was recorded" in capsys.readouterr().err.lower()
    ) or True
    assert QcLog(folder, actor="t").runs(audit=False) == []


def test_qc_record_refuses_an_expired_control(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        *QC[:-1],
        "2020-02-02",
        "--level",
        "positive",
        "--expected",
        "positive",
        "--observed",
        "positive",
    ]
    assert kiosk(folder, *argv) == 2
    assert "Control lot CTL-7 expired on 2020-02-02" in capsys.readouterr().err
    assert (
        kiosk(
            folder,
            "qc",
            "record",
            "--test",
            "nope",
            "--kit-lot",
            "A",
            "--control-lot",
            "B",
            "--control-expiry",
            NEXT_YEAR,
            "--level",
            "x",
            "--expected",
            "x",
            "--observed",
            "x",
        )
        == 2
    )
    assert "not in the test catalog" in capsys.readouterr().err


def test_kiosk_check_reports_damaged_stock_and_qc_files(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        kiosk(
            folder, *QC, "--level", "positive", "--expected", "positive", "--observed", "positive"
        )
        == 0
    )
    assert (
        kiosk(
            folder, "stock", "add", "hgb", "--lot", "HB-3", "--expiry", NEXT_YEAR, "--quantity", "3"
        )
        == 0
    )
    capsys.readouterr()
    assert kiosk(folder, "check") == 0
    (folder / "qc.jsonl").write_bytes((folder / "qc.jsonl").read_bytes() + b'{"torn": ')
    (folder / "stock.json").write_bytes(b"{not json")
    assert kiosk(folder, "check") == 1
    out = capsys.readouterr().out
    assert "The stock file stock.json is damaged" in out
    assert "qc.jsonl has 1 line(s) that do not read as a control run (line 2)" in out
