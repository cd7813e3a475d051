"""The point-of-care QC log: ``qc.jsonl`` in the data folder, one control run a line.

Append-only (a run is never edited: a failed run stays, with its corrective action, and a new
run follows it), fsynced before ``record`` returns, under ``qc.lock`` so kiosks append whole
lines. A torn last line (a crash mid-append) is skipped by readers and closed by the next
append (kiosk.store.files.append_durable); ``kiosk check`` reports it. Recording and reading the
log are audited; the log holds no patient data.

The waived-testing log an inspector reads (patient id, test date, kit lot, result, QC lot, QC
result, operator) joins each signed patient result with the runs it relies on:
:func:`inspector_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.models.poc import QcRun
from kiosk.store.audit import AuditTrail
from kiosk.store.files import ProcessLock, append_durable, make_private_dir, os_error_message
from kiosk.store.layout import Layout

INSPECTOR_COLUMNS = (
    "patient id",
    "test date",
    "kit lot",
    "result",
    "QC lot",
    "QC result",
    "operator",
)
"""The waived-testing log's columns, exactly (``kiosk qc export``)."""


def parse_runs(raw: bytes) -> tuple[list[QcRun], list[int]]:
    """The runs in a ``qc.jsonl``'s bytes and the numbers (1-based) of lines that do not read
    (a torn last line included)."""
    runs: list[QcRun] = []
    bad: list[int] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            runs.append(QcRun.model_validate(orjson.loads(line)))
        except (orjson.JSONDecodeError, ValueError, TypeError):
            bad.append(number)
    return runs, bad


class QcLog:
    """``QcLog(data_dir, actor="ma1")``: the control runs of one data folder."""

    def __init__(self, data_dir: Path | str, *, actor: str) -> None:
        self.layout = Layout(data_dir)
        self.path = self.layout.qc_log
        self.lock = ProcessLock(self.layout.qc_lock, keep_open=False)
        self.audit = AuditTrail(self.layout.root)
        self.actor = actor

    def record(self, run: QcRun) -> QcRun:
        """Append one run, durably, and audit it."""
        line = orjson.dumps(run.model_dump(mode="json")) + b"\n"
        try:
            make_private_dir(self.layout.root)
            with self.lock:
                append_durable(self.path, line)
        except OSError as error:
            raise StoreError(os_error_message(error, "the QC run")) from error
        result = "pass" if run.passed else "FAIL"
        self.audit.append(
            "qc-record",
            staff=self.actor,
            detail=f"run={run.id} test={run.test} kit_lot={run.kit_lot} level={run.level} {result}",
        )
        return run

    def record_many(self, runs: list[QcRun]) -> None:
        """Append several runs in one durable write (the demo's history), each audited."""
        if not runs:
            return
        lines = b"".join(orjson.dumps(run.model_dump(mode="json")) + b"\n" for run in runs)
        try:
            make_private_dir(self.layout.root)
            with self.lock:
                append_durable(self.path, lines)
        except OSError as error:
            raise StoreError(os_error_message(error, "the QC runs")) from error
        for n, run in enumerate(runs, 1):
            result = "pass" if run.passed else "FAIL"
            self.audit.append(
                "qc-record",
                staff=self.actor,
                detail=f"run={run.id} test={run.test} kit_lot={run.kit_lot} level={run.level} "
                f"{result}",
                sync=n == len(runs),
            )

    def runs(self, *, test: str | None = None, audit: bool = True, why: str = "") -> list[QcRun]:
        """Every readable run (of ``test`` or its kit), oldest first; the look is audited."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = b""
        except OSError as error:
            raise StoreError(f"qc.jsonl cannot be read ({error.strerror}).") from None
        runs, _ = parse_runs(raw)
        if test is not None:
            runs = [r for r in runs if r.test == test]
        runs.sort(key=lambda r: r.time)
        if audit:
            self.audit.append(
                "qc-view",
                staff=self.actor,
                detail=f"test={test or '*'} runs={len(runs)}",
                sync=False,
                reason=why,
            )
        return runs


def inspector_rows(documents: Iterable[dict[str, Any]], runs: list[QcRun]) -> Iterator[list[str]]:
    """One row per patient result of the stored encounter documents, with each QC run it
    relied on (a result covered by two control levels gives two rows; one without required
    QC a row with empty QC columns). Columns: :data:`INSPECTOR_COLUMNS`."""
    by_id = {run.id: run for run in runs}
    for doc in documents:
        results = (doc.get("poc") or {}).get("results") or []
        for result in results:
            shown = _shown(result)
            base = [
                str(doc["patient"]["id"]),
                str(result["taken_at"])[:10],
                str(result["kit_lot"]),
                shown,
            ]
            relied = [by_id.get(i) for i in result.get("qc_runs") or []]
            if not relied:
                yield [*base, "", "", str(result["operator"])]
            for run_id, run in zip(result.get("qc_runs") or [], relied, strict=True):
                if run is None:
                    yield [*base, f"(run {run_id} not in the log)", "", str(result["operator"])]
                    continue
                outcome = f"{run.level} {'pass' if run.passed else 'fail'}"
                yield [*base, run.control_lot, outcome, str(result["operator"])]


def _shown(result: dict[str, Any]) -> str:
    if result.get("status") == "invalid":
        return "invalid"
    if result.get("value") is not None:
        unit = "" if result.get("unit") == "{INR}" else result.get("unit", "")
        return f"{result['value']:g} {unit}".strip()
    return str(result.get("answer") or "")


__all__ = ["INSPECTOR_COLUMNS", "QcLog", "inspector_rows", "parse_runs"]
