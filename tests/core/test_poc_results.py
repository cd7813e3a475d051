"""Recording a catalog test: the kit lot must be usable, the QC it needs must have passed,
and the result is read (numbers with pint, into the catalog's unit and range)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from poc_samples import EXPIRY, NOW, catalog, lot, passing_runs

from kiosk.models import PocResult, QcRun
from kiosk.validators.poc_results import Problem, build_result
from kiosk.validators.qc_gate import control_outcome, qc_gate

STREP = catalog().spec("strep-a")
HGB = catalog().spec("hgb")
RUNS = passing_runs("strep-a", "STR-1", ("positive", "negative"), NOW - timedelta(hours=1))


def record(text: str = "positive", **extra: object) -> PocResult | Problem:
    fields: dict[str, object] = {
        "lot": lot("strep-a", "STR-1"),
        "lot_text": "STR-1",
        "runs": RUNS,
        "operator": "ma1",
        "now": NOW,
    }
    fields.update(extra)
    return build_result(STREP, text, **fields)  # type: ignore[arg-type]


def problem(made: PocResult | Problem) -> Problem:
    assert isinstance(made, Problem), made
    return made


def test_a_result_records_its_lot_operator_time_and_qc_runs() -> None:
    made = record("pos")
    assert isinstance(made, PocResult)
    assert (made.answer, made.status, made.kit_lot, made.kit_expiry) == (
        "positive",
        "abnormal",
        "STR-1",
        EXPIRY,
    )
    assert made.operator == "ma1"
    assert made.taken_at == NOW
    assert made.qc_runs == [r.id for r in RUNS]
    assert (made.loinc, made.cpt) == ("78012-2", "87880")


@pytest.mark.parametrize(
    ("kit", "words"),
    [
        (lot("strep-a", "STR-1", expiry=date(2026, 3, 13)), "expired on 2026-03-13"),
        (lot("strep-a", "STR-1", retired=True, retired_reason="recall"), "retired (recall)"),
        (lot("strep-a", "STR-1", quantity=0), "none left on hand"),
        (None, "is not in stock"),
    ],
)
def test_an_unusable_kit_lot_is_refused(kit: object, words: str) -> None:
    found = problem(record(lot=kit))
    assert found.field == "lot"
    assert words in found.message


def test_a_lot_is_usable_through_its_expiry_day() -> None:
    assert isinstance(record(lot=lot("strep-a", "STR-1", expiry=NOW.date())), PocResult)


def test_the_model_never_holds_a_result_read_on_an_expired_kit() -> None:
    made = record()
    assert isinstance(made, PocResult)
    with pytest.raises(ValueError, match="had expired"):
        PocResult.model_validate({**made.model_dump(), "kit_expiry": date(2026, 1, 1)})


def test_missing_qc_says_which_control_to_run() -> None:
    found = problem(record(runs=RUNS[:1]))  # only the positive control ran
    assert found.field == "qc"
    assert "run the negative control for Rapid strep A (kit lot STR-1)" in found.message
    assert "each new shipment" in found.message


def test_qc_on_another_kit_lot_does_not_count() -> None:
    other = passing_runs("strep-a", "STR-9", ("positive", "negative"), NOW - timedelta(hours=1))
    assert "No QC yet: run the positive control" in problem(record(runs=other)).message


def test_a_failed_latest_run_blocks_even_after_an_earlier_pass() -> None:
    failed = RUNS[0].model_copy(
        update={
            "id": "fail1",
            "observed": "negative",
            "passed": False,
            "corrective_action": "new vial",
            "time": NOW - timedelta(minutes=5),
        }
    )
    found = problem(record(runs=[*RUNS, failed]))
    assert (
        "QC failed: the positive control for Rapid strep A (kit lot STR-1) failed" in found.message
    )
    # and a new passing run after it clears the gate
    rerun = RUNS[0].model_copy(update={"id": "rerun", "time": NOW - timedelta(minutes=1)})
    made = record(runs=[*RUNS, failed, rerun])
    assert isinstance(made, PocResult)
    assert "rerun" in made.qc_runs


def test_a_run_with_an_expired_control_does_not_count() -> None:
    stale = [r.model_copy(update={"control_expiry": date(2026, 3, 1)}) for r in RUNS]
    assert "expired 2026-03-01" in problem(record(runs=stale)).message


def test_per_shipment_qc_must_follow_the_last_receipt() -> None:
    shipped = lot("strep-a", "STR-1", received=NOW - timedelta(minutes=30))
    assert "received 2026-03-14" in problem(record(lot=shipped)).message


def test_daily_qc_from_yesterday_does_not_count() -> None:
    kit = lot("hgb", "HB-3")
    yesterday = passing_runs("hgb", "HB-3", HGB.controls, NOW - timedelta(days=1))
    gate = qc_gate(HGB, kit, yesterday, NOW)
    assert gate.problem is not None
    assert "each day" in gate.problem
    today = passing_runs("hgb", "HB-3", HGB.controls, NOW - timedelta(hours=1))
    assert qc_gate(HGB, kit, today, NOW).runs == tuple(r.id for r in today)


def test_a_test_without_required_qc_records_no_runs() -> None:
    loose = catalog().spec("strep-a")
    from dataclasses import replace

    made = build_result(
        replace(loose, qc="none", controls=()),
        "negative",
        lot=lot("strep-a", "STR-1"),
        lot_text="STR-1",
        runs=[],
        operator="ma1",
        now=NOW,
    )
    assert isinstance(made, PocResult)
    assert made.qc_runs == []
    assert made.status == "normal"


def hgb(text: str, device: str = "HemoCue-12") -> PocResult | Problem:
    runs = passing_runs("hgb", "HB-3", HGB.controls, NOW - timedelta(hours=1))
    return build_result(
        HGB,
        text,
        lot=lot("hgb", "HB-3"),
        lot_text="HB-3",
        runs=runs,
        operator="ma1",
        device=device,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("text", "value", "status"),
    [
        ("12.1", 12.1, "normal"),
        ("121 g/L", 12.1, "normal"),
        ("7.5 mmol/L", 12.086, "normal"),  # the haemoglobin monomer, 16.114 g/mmol
        ("13,4 g/dl", 13.4, "normal"),
        ("10.9", 10.9, "low"),
        ("6.5", 6.5, "critical-low"),
        ("21", 21.0, "critical-high"),
    ],
)
def test_a_numeric_result_is_read_with_pint_and_range_checked(
    text: str, value: float, status: str
) -> None:
    made = hgb(text)
    assert isinstance(made, PocResult), made
    assert (made.value, made.unit, made.status) == (value, "g/dL", status)
    assert made.device == "HemoCue-12"
    assert made.entered == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("30", "outside what a Hemoglobin can be (2-25.6 g/dL)"),
        ("6.8 %", "read in g/dL, g/L, mmol/L, not '%'"),
        ("twelve", "'twelve' is not a number"),
        ("", "Type the Hemoglobin result"),
    ],
)
def test_a_bad_number_is_refused_next_to_the_result(text: str, words: str) -> None:
    found = problem(hgb(text))
    assert found.field == "result"
    assert words in found.message


def test_an_analyser_test_needs_the_device_id() -> None:
    found = problem(hgb("12.1", device=" "))
    assert found.field == "device"
    assert "analyser" in found.message


def test_invalid_is_recorded_and_asks_for_a_repeat() -> None:
    made = record("invalid")
    assert isinstance(made, PocResult)
    assert made.is_invalid
    assert "repeat" in made.message
    assert "repeat" in made.shown()
    numeric = hgb("error")
    assert isinstance(numeric, PocResult)
    assert numeric.status == "invalid"
    assert numeric.value is None


def test_an_answer_not_in_the_choices_is_refused() -> None:
    found = problem(record("maybe"))
    assert found.message == "Choose the Rapid strep A result: positive, negative, invalid."


@pytest.mark.parametrize(
    ("spec", "level", "expected", "observed", "outcome"),
    [
        ("strep-a", "positive", "positive", "positive", True),
        ("strep-a", "positive", "positive", "negative", False),
        ("strep-a", "negative", "negative", "invalid", False),
        ("hgb", "low", "7.5-8.5", "8.1", True),
        ("hgb", "high", "17-19", "16.2", False),
        ("hgb", "low", "about 8", "8", "expected result is the control's range"),
        ("strep-a", "level 1", "positive", "positive", "controls are positive, negative"),
    ],
)
def test_control_outcome(
    spec: str, level: str, expected: str, observed: str, outcome: object
) -> None:
    found = control_outcome(catalog().spec(spec), level, expected, observed)
    if isinstance(outcome, bool):
        assert found is outcome
    else:
        assert isinstance(found, str)
        assert str(outcome) in found


def test_a_failed_run_needs_its_corrective_action() -> None:
    with pytest.raises(ValueError, match="corrective action"):
        QcRun(
            test="strep-a",
            kit_lot="STR-1",
            control_lot="C",
            control_expiry=EXPIRY,
            level="positive",
            expected="positive",
            observed="negative",
            passed=False,
            operator="ma1",
        )
