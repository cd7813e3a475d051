"""The demo folder's kit lots and QC: every catalog test can be recorded in ``kiosk --demo``,
and the log shows a failed control with its corrective action, a retired and an expired lot.
The demo encounters carry catalog results, each with a stock lot and the QC it relied on, an
invalid one repeated, and they export to valid FHIR."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from kiosk.cli import main
from kiosk.demo.patients import sample_encounter
from kiosk.demo.poc import seed_poc
from kiosk.demo.seeding import fill_demo_data
from kiosk.export.fhir import bundle_for
from kiosk.models import Encounter, PocResult
from kiosk.store.encounters import EncounterStore
from kiosk.store.qc import INSPECTOR_COLUMNS, QcLog, inspector_rows
from kiosk.store.stock import StockRoom
from kiosk.validators.poc_catalog import load_catalog
from kiosk.validators.poc_results import build_result
from kiosk.validators.qc_gate import qc_gate

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


# --------------------------------------------------------------------------- demo encounters

TODAY = date(2026, 5, 6)
TESTS = {"strep-a", "flu-a", "flu-b", "covid-ag", "hcg", "hgb", "hba1c", "inr"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("demo")
    fill_demo_data(folder, 300, seed=0, today=TODAY, patients=150)
    with EncounterStore(folder, staff_id="t", purpose="test") as store:
        documents = list(store.iter_documents())
    return folder, [d for d in documents if d["poc"].get("results")]


def test_demo_encounters_carry_catalog_results_with_lot_and_qc(
    demo: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, documents = demo
    catalog = load_catalog()
    assert len(documents) >= 30  # several encounters, not one showcase
    room = StockRoom(folder, actor="t")
    runs = QcLog(folder, actor="t").runs(audit=False)
    by_id = {run.id: run for run in runs}
    seen: set[str] = set()
    for doc in documents:
        encounter = Encounter.model_validate(doc)
        for result in encounter.poc.results:
            seen.add(result.test)
            spec = catalog.spec(result.test)
            lot = room.find(spec.kit, result.kit_lot)
            assert lot is not None, result.kit_lot  # a lot of the demo stock
            assert lot.expiry == result.kit_expiry
            assert lot.refusal(result.taken_at.date()) is None
            assert lot.received <= result.taken_at
            relied = [by_id[run_id] for run_id in result.qc_runs]  # each run is in the log
            assert sorted(r.level for r in relied) == sorted(spec.controls)
            assert all(r.passed and r.kit_lot == result.kit_lot for r in relied)
            assert all(r.time.date() == result.taken_at.date() <= r.control_expiry for r in relied)
            # the gate the kiosk applies would have let this result be recorded
            assert qc_gate(spec, lot, runs, result.taken_at).problem is None
            if result.test == "hcg":  # only for patients who can be pregnant
                age = encounter.patient.age_on(result.taken_at.date())
                assert encounter.patient.sex == "female"
                assert 12 <= age < 50
            if spec.device:
                assert result.device
    assert seen >= TESTS


def test_an_invalid_result_is_followed_by_its_repeat(
    demo: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, documents = demo
    repeats = 0
    for doc in documents:
        results = Encounter.model_validate(doc).poc.results
        for n, result in enumerate(results):
            if result.status != "invalid":
                continue
            assert "repeat" in result.message
            after = results[n + 1]
            assert (after.test, after.repeat_of) == (result.test, result.id)
            assert after.status != "invalid"
            assert after.taken_at > result.taken_at
            repeats += 1
        assert all(r.repeat_of in {x.id for x in results} for r in results if r.repeat_of)
    assert repeats >= 1


def test_results_have_their_own_random_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    with_results = [sample_encounter(seed) for seed in range(60)]
    assert sum(bool(e.poc.results) for e in with_results) >= 10
    monkeypatch.setattr("kiosk.demo.patients.demo_results", lambda *args: [])
    without = [sample_encounter(seed) for seed in range(60)]
    for one, other in zip(with_results, without, strict=True):
        stripped = one.model_copy(update={"poc": one.poc.model_copy(update={"results": []})})
        assert stripped == other  # adding the results changed no other demo value
    monkeypatch.undo()
    again = [sample_encounter(seed).poc.results for seed in range(60)]
    assert again == [e.poc.results for e in with_results]  # same seed, same results


def test_qc_list_on_demo_data_shows_the_failed_control_and_its_action(
    demo: tuple[Path, list[dict[str, Any]]], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = demo
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "qc", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    failed = [line for line in lines if " FAIL " in line]
    assert len(failed) == 1
    assert "hgb" in failed[0]
    assert "action: control vial past open-vial stability" in failed[0]
    earlier = [line for line in lines if line[:10] < TODAY.isoformat() and " pass " in line]
    assert len(earlier) > 100  # the mornings' runs the past year's results relied on


def test_the_inspector_log_joins_demo_results_to_their_qc(
    demo: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, documents = demo
    rows = list(inspector_rows(documents, QcLog(folder, actor="t").runs(audit=False)))
    qc_lot = INSPECTOR_COLUMNS.index("QC lot")
    assert rows
    assert all(row[qc_lot] for row in rows)


def test_the_fhir_export_of_the_demo_shows_the_results_and_validates(
    demo: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, documents = demo
    catalog = load_catalog()
    chosen = documents[:12] + [
        d for d in documents if any(r["repeat_of"] for r in d["poc"]["results"])
    ]
    for doc in chosen:
        bundle = bundle_for(Encounter.model_validate(doc))
        Bundle.model_validate(bundle)  # valid R4B
        entries = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
        observations = [r for r in entries.values() if r["resourceType"] == "Observation"]
        for result in doc["poc"]["results"]:
            loinc = catalog.spec(result["test"]).loinc
            (obs,) = [
                o
                for o in observations
                if any(c["code"] == loinc for c in o["code"]["coding"])
                and o["effectiveDateTime"].startswith(result["taken_at"][:16])
            ]
            assert obs["category"][0]["coding"][0]["code"] == "laboratory"
            kit = entries[obs["device"]["reference"]]
            assert kit["lotNumber"] == result["kit_lot"]
            notes = " ".join(n["text"] for n in obs.get("note", []))
            assert "QC runs relied on: " + ", ".join(result["qc_runs"]) in notes
            if result["repeat_of"]:
                assert f"repeat of an invalid result ({result['repeat_of']})" in notes
