"""kiosk export: fhir/json/csv output, audit, filters, bad input, and no partial files."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from export_samples import full_encounter, minimal_encounter
from fhir.resources.R4B.bundle import Bundle

import kiosk.export.writers
from kiosk.cli import main
from kiosk.commands.acting import os_user
from kiosk.errors import StoreError
from kiosk.export import (
    CSV_COLUMNS,
    ExportError,
    atomic_output,
    chain_roots,
    csv_row,
    write_documents,
)
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail


def day(n: int) -> datetime:
    return datetime(2026, 3, 14, 9, 30, tzinfo=UTC) + timedelta(days=n)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Three visits on 14, 15 and 16 March 2026; the first one amended once."""
    folder = tmp_path / "data"
    store = EncounterStore(folder, staff_id="ma-7")
    store.save(full_encounter(encounter_id="e1", started=day(0)))
    store.save(full_encounter(encounter_id="e2", mrn="MRN-2002", started=day(1)))
    store.save(minimal_encounter(id="e3", started_at=day(2), signed_at=day(2) + timedelta(hours=1)))
    corrected = full_encounter(encounter_id="e1", started=day(0)).model_copy(
        update={"notes": "pulse re-checked"}
    )
    store.amend("e1", corrected, staff="ma-7")
    store.close()
    return folder


def stored(folder: Path, **filters: Any) -> list[dict[str, Any]]:
    store = EncounterStore(folder, staff_id="ma-7")
    try:
        return list(store.iter_documents(**filters))
    finally:
        store.close()


def export(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), "export", *args])


def exports_logged(folder: Path) -> list[Any]:
    return [e for e in AuditTrail(folder).entries() if e.action == "export"]


def test_fhir_export_writes_one_valid_bundle_per_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "bundles.ndjson"
    out.parent.mkdir()
    assert export(data_dir, "--format", "fhir", "--out", str(out)) == 0
    lines = out.read_bytes().splitlines()
    assert len(lines) == 3
    bundles = [orjson.loads(line) for line in lines]
    for bundle in bundles:
        Bundle.model_validate(bundle)
    encounters = [
        next(e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Encounter")
        for b in bundles
    ]
    assert [e["identifier"][0]["value"] for e in encounters] == ["e1", "e2", "e3"]
    amended = bundles[0]
    assert encounters[0]["meta"]["tag"][0]["code"] == "2"
    statuses = {
        e["resource"]["status"]
        for e in amended["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert statuses == {"amended"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == ["bundles.ndjson"]
    assert "Exported 3 encounter(s) as fhir" in capsys.readouterr().err

    (entry,) = exports_logged(data_dir)
    assert entry.staff == os_user()  # who the kernel says runs it, never $USER
    assert entry.detail == "format=fhir since=- until=- count=3 to=file"
    assert entry.patient_id is None


def test_json_export_is_the_stored_documents_one_per_line(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "docs.ndjson"
    assert export(data_dir, "--format", "json", "--out", str(out)) == 0
    documents = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert documents == stored(data_dir)
    assert [d["version"] for d in documents] == [2, 1, 1]
    assert documents[0]["amends"] == "e1"


def test_csv_export_has_the_columns_and_canonical_values(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "vitals.csv"
    assert export(data_dir, "--format", "csv", "--out", str(out)) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    assert [r["encounter_id"] for r in rows[1:]] == ["e2", "e3"]
    full = rows[1]
    assert full["patient_id"] == "MRN-2002"
    assert (full["systolic"], full["diastolic"]) == ("132.0", "84.0")  # the newest reading
    assert float(full["temperature_c"]) == 37.0
    assert float(full["height_cm"]) == 177.8
    assert float(full["weight_kg"]) == 79.83271712
    assert full["respiratory_rate"] == ""  # refused
    assert (full["bmi"], full["pain"], full["glucose_mg_dl"]) == ("25.3", "4.0", "99.088")
    assert full["staff_id"] == "ma-7"
    assert full["signed_at"].startswith("2026-03-15T09:50:00")
    empty = rows[2]
    assert all(empty[c] == "" for c in CSV_COLUMNS[6:])


@pytest.mark.parametrize("text", ["=1+2", "+1", "-2", "@SUM(A1)", "\tcmd"])
def test_csv_text_cells_cannot_become_formulas(text: str) -> None:
    doc = minimal_encounter().model_dump(mode="json")
    doc["patient"]["id"] = doc["staff_id"] = text
    row = csv_row(doc)
    assert row[3] == "'" + text
    assert row[5] == "'" + text
    assert csv_row(minimal_encounter().model_dump(mode="json"))[3] == "MRN-2"


def test_filters_by_day_range_and_patient(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "some.ndjson"
    args = ["--format", "json", "--out", str(out)]
    assert export(data_dir, *args, "--since", "2026-03-15", "--until", "2026-03-15") == 0
    assert [orjson.loads(x)["id"] for x in out.read_bytes().splitlines()] == ["e2"]
    assert export(data_dir, *args, "--patient", "MRN-2002") == 0
    assert [orjson.loads(x)["id"] for x in out.read_bytes().splitlines()] == ["e2"]
    assert export(data_dir, *args, "--since", "2026-03-16") == 0
    assert [orjson.loads(x)["id"] for x in out.read_bytes().splitlines()] == ["e3"]
    details = [(e.detail, e.patient_id) for e in exports_logged(data_dir)]
    assert details[0] == ("format=json since=2026-03-15 until=2026-03-15 count=1 to=file", None)
    assert details[1] == ("format=json since=- until=- count=1 to=file", "MRN-2002")


def test_bad_date_is_a_clear_message(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.ndjson"
    assert export(data_dir, "--format", "fhir", "--out", str(out), "--since", "2026-13-01") == 2
    assert capsys.readouterr().err.strip() == (
        "kiosk: --since: '2026-13-01' is not a date (use YYYY-MM-DD)"
    )
    assert export(data_dir, "--format", "fhir", "--out", str(out), "--until", "March") == 2
    assert "--until: 'March' is not a date" in capsys.readouterr().err
    args = ["--since", "2026-03-16", "--until", "2026-03-14"]
    assert export(data_dir, "--format", "fhir", "--out", str(out), *args) == 2
    assert "is after --until" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_format_is_refused_by_argparse(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        export(data_dir, "--format", "xml", "--out", str(tmp_path / "x"))
    assert exit_info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_unwritable_destinations(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder" / "x.ndjson"
    assert export(data_dir, "--format", "fhir", "--out", str(missing)) == 2
    assert f"the folder {missing.parent} does not exist" in capsys.readouterr().err
    assert export(data_dir, "--format", "fhir", "--out", str(tmp_path)) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err
    assert exports_logged(data_dir) == []


def test_empty_range_writes_nothing_and_fails(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "old.ndjson"
    out.write_text("yesterday's export\n")
    args = ["--since", "2020-01-01", "--until", "2020-01-31"]
    assert export(data_dir, "--format", "csv", "--out", str(out), *args) == 2
    assert capsys.readouterr().err.strip() == (
        "kiosk: No signed encounters match from 2020-01-01 to 2020-01-31: nothing written"
    )
    assert out.read_text() == "yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "old.ndjson"]
    assert exports_logged(data_dir) == []


def test_missing_data_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(tmp_path / "nowhere", "--format", "json", "--out", str(tmp_path / "x")) == 2
    assert "there is no data folder at" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()


def failing_documents(docs: list[dict[str, Any]], error: BaseException) -> Iterator[dict[str, Any]]:
    yield from docs
    raise error


@pytest.mark.parametrize("fmt", ["fhir", "json", "csv"])
def test_no_partial_file_after_a_failure_mid_write(
    data_dir: Path, tmp_path: Path, fmt: str
) -> None:
    docs = stored(data_dir)
    target = tmp_path / "out" / "export.ndjson"
    target.parent.mkdir()
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        write_documents(failing_documents(docs, RuntimeError("disk gone")), fmt, out)
    assert list(target.parent.iterdir()) == []
    with pytest.raises(ExportError, match="nothing was written"), atomic_output(target) as out:
        write_documents(failing_documents(docs, OSError(28, "No space left on device")), fmt, out)
    assert list(target.parent.iterdir()) == []
    with atomic_output(target) as out:
        assert write_documents(docs, fmt, out) == 3
    assert [p.name for p in target.parent.iterdir()] == ["export.ndjson"]


def test_store_failure_mid_export_leaves_no_file(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = EncounterStore.iter_documents

    def broken(self: EncounterStore, **filters: Any) -> Iterator[dict[str, Any]]:
        first = real(self, **filters)
        yield next(first)
        raise StoreError("A damaged data file was moved aside.")

    monkeypatch.setattr(EncounterStore, "iter_documents", broken)
    out = tmp_path / "x.ndjson"
    assert export(data_dir, "--format", "fhir", "--out", str(out)) == 2
    assert "damaged data file" in capsys.readouterr().err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


JSON_TO_STDOUT = ("--format", "json", "--out", "-")


def test_stdout_export_has_no_progress_output_when_stderr_is_not_a_terminal(
    data_dir: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "export", *JSON_TO_STDOUT],
        capture_output=True,
        check=False,
        env={**os.environ, "USER": "night-job"},  # set by anyone: not who is recorded
    )
    assert result.returncode == 0, result.stderr
    assert [orjson.loads(x)["id"] for x in result.stdout.splitlines()][1:] == ["e2", "e3"]
    assert result.stderr.decode() == "Exported 3 encounter(s) as json to standard output.\n"
    (entry,) = exports_logged(data_dir)
    assert (entry.staff, entry.detail) == (
        os_user(),
        "format=json since=- until=- count=3 to=stdout",
    )


def test_progress_reports_every_few_documents(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk.export.writers, "PROGRESS_EVERY", 2)
    seen: list[int] = []
    assert write_documents(stored(data_dir), "fhir", io.BytesIO(), progress=seen.append) == 3
    assert seen == [2, 3]


def test_progress_bar_is_drawn_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.commands.export import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with _progress() as progress:
        assert progress is not None
        progress(1500)
    assert "Exporting: 1500 encounters" in screen.getvalue()


def test_chain_roots_follow_amendments_back_to_the_first_version() -> None:
    assert chain_roots({"a": "b", "b": "c", "x": "y"}) == {"b": "a", "c": "a", "y": "x"}


def test_a_failed_stdout_export_is_still_audited(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    real = EncounterStore.iter_documents

    def broken(self: EncounterStore, **filters: Any) -> Iterator[dict[str, Any]]:
        documents = real(self, **filters)
        yield next(documents)
        yield next(documents)
        raise StoreError("A damaged data file was moved aside.")

    monkeypatch.setattr(EncounterStore, "iter_documents", broken)
    assert export(data_dir, "--format", "json", "--out", "-") == 2
    assert len(capsysbinary.readouterr().out.splitlines()) == 2
    (entry,) = exports_logged(data_dir)
    assert entry.detail == "format=json since=- until=- count=2 incomplete to=stdout"


def test_no_file_when_the_audit_entry_cannot_be_written(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: AuditTrail, action: str, **fields: Any) -> None:
        raise StoreError("The audit trail cannot be written: disk full.")

    monkeypatch.setattr(AuditTrail, "append", refuse)
    out = tmp_path / "x.ndjson"
    assert export(data_dir, "--format", "fhir", "--out", str(out)) == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_a_folder_without_write_permission_is_a_clear_message(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def denied(*_: Any, **__: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    # The temp file's creation fails (root would ignore a chmod 0500).
    monkeypatch.setattr(kiosk.export.writers, "AtomicFile", denied)
    assert export(data_dir, "--format", "csv", "--out", str(tmp_path / "x.csv")) == 2
    assert capsys.readouterr().err.strip() == (
        f"kiosk: --out: cannot write in {tmp_path}: Permission denied"
    )


class Sink(io.RawIOBase):
    """A binary file that forgets what it is given (and counts the bytes)."""

    size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


@pytest.mark.parametrize("fmt", ["fhir", "json", "csv"])
def test_memory_does_not_grow_with_the_number_of_encounters(fmt: str) -> None:
    import tracemalloc

    template = full_encounter().model_dump(mode="json")

    def documents(n: int) -> Iterator[dict[str, Any]]:
        for index in range(n):
            yield template | {"id": f"enc-{index}"}

    peaks = []
    for n in (100, 1000):
        sink = Sink()
        tracemalloc.start()
        assert write_documents(documents(n), fmt, sink) == n  # type: ignore[arg-type]
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert sink.size > n * 100
    assert peaks[1] < peaks[0] * 1.2 + 64 * 1024, peaks


def test_a_damaged_day_fails_the_export_instead_of_leaving_it_out(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (segment,) = (data_dir / "encounters" / "2026-03-15").iterdir()
    segment.write_bytes(b'{"_default": {"1": {"id": "e2", "trunc')
    out = tmp_path / "x.ndjson"
    assert export(data_dir, "--format", "fhir", "--out", str(out)) == 2
    message = capsys.readouterr().err
    assert "damaged data file" in message
    assert "Nothing was written" in message
    assert not out.exists()
    assert export(data_dir, "--format", "json", "--out", str(out), "--since", "2026-03-16") == 0
    assert [orjson.loads(x)["id"] for x in out.read_bytes().splitlines()] == ["e3"]


def test_a_loose_folder_mode_is_not_mistaken_for_damage(data_dir: Path, tmp_path: Path) -> None:
    data_dir.chmod(0o755)  # the store tightens it on opening and notes it in store.problems
    out = tmp_path / "x.csv"
    assert export(data_dir, "--format", "csv", "--out", str(out)) == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_large_export_hints_writeback_and_keeps_every_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``WRITEBACK_EVERY`` bytes the file asks the kernel to write out and drop what it
    has; the file still ends up whole, in order, and mode 0600."""
    monkeypatch.setattr(kiosk.export.writers, "WRITE_BUFFER", 8192)
    monkeypatch.setattr(kiosk.export.writers, "WRITEBACK_EVERY", 32768)
    hints: list[tuple[int, int, int, int]] = []
    real = os.posix_fadvise

    def spy(fd: int, offset: int, length: int, advice: int) -> None:
        hints.append((fd, offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", spy)
    target = tmp_path / "big.ndjson"
    lines = [orjson.dumps({"n": n, "pad": "x" * (n % 700)}) + b"\n" for n in range(2000)]
    with atomic_output(target) as out:
        for line in lines:
            out.write(line)
    assert target.read_bytes() == b"".join(lines)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(hints) >= sum(map(len, lines)) // (32768 + 8192)  # ~740 KB: about 18 hints
    assert {h[3] for h in hints} == {os.POSIX_FADV_DONTNEED}
