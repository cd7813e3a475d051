"""kiosk export when something is wrong: an invalid document, a full output, a device as --out.

Each ends with one plain line on stderr and a non-zero exit, never a traceback and never a
patient's name; an invalid document is skipped and named by its id, the rest is exported; a
path that is not a regular file (a device, a pipe, a link) is refused and left as it is.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from export_samples import full_encounter

from kiosk.cli import main
from kiosk.export import ExportError, write_documents
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail

NAME = "Testperson"
"""The family name in every sample encounter: it must never reach stderr."""


def day(n: int) -> datetime:
    return datetime(2026, 3, 14, 9, 30, tzinfo=UTC) + timedelta(days=n)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    store = EncounterStore(folder, staff_id="ma-7")
    for n in range(3):
        store.save(full_encounter(encounter_id=f"e{n + 1}", mrn=f"MRN-{n}", started=day(n)))
    store.close()
    return folder


def documents(folder: Path) -> list[dict[str, Any]]:
    store = EncounterStore(folder, staff_id="ma-7")
    try:
        return list(store.iter_documents())
    finally:
        store.close()


def broken(doc: dict[str, Any]) -> dict[str, Any]:
    """A document another tool wrote wrongly: readings that are not readings."""
    damaged: dict[str, Any] = orjson.loads(orjson.dumps(doc))
    damaged["vitals"]["blood_pressure"] = [{"systolic": "x"}]
    damaged["vitals"]["pulse"] = ["104"]
    return damaged


@pytest.mark.parametrize("fmt", ["fhir", "csv"])
def test_the_writer_skips_an_invalid_document_and_names_its_id(data_dir: Path, fmt: str) -> None:
    docs = documents(data_dir)
    docs[1] = broken(docs[1])
    out, skipped = io.BytesIO(), list[str]()
    assert write_documents(docs, fmt, out, skipped=skipped) == 2
    assert skipped == ["e2"]
    assert b"e1" in out.getvalue()
    assert b"e3" in out.getvalue()
    with pytest.raises(ExportError, match="e2 is not a valid encounter") as refused:
        write_documents(docs, fmt, io.BytesIO())  # no list to report to: refused, plainly
    assert NAME not in str(refused.value)


def damage_segment(folder: Path, encounter_id: str) -> None:
    """Rewrite one stored document in place, as a tool writing the folder directly would."""
    for segment in (folder / "encounters").rglob("*.json"):
        data = orjson.loads(segment.read_bytes())
        for key, doc in data["encounters"].items():
            if doc["id"] == encounter_id:
                data["encounters"][key] = broken(doc)
                segment.write_bytes(orjson.dumps(data))
                return
    raise AssertionError(f"{encounter_id} is not stored")


@pytest.mark.parametrize("fmt", ["fhir", "csv"])
def test_an_invalid_document_is_skipped_and_reported_by_id(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    damage_segment(data_dir, "e2")
    out = tmp_path / f"x.{fmt}"
    assert main(["--data-dir", str(data_dir), "export", "--format", fmt, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "skipped 1 that is not a valid encounter: e2" in err
    assert "Exported 2 encounter(s)" in err
    assert NAME not in err
    assert "Traceback" not in err
    written = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert [row[0] for row in csv.reader(io.StringIO(written))] == ["encounter_id", "e1", "e3"]
    else:
        assert len(written.splitlines()) == 2
    (entry,) = [e for e in AuditTrail(data_dir).entries() if e.action == "export"]
    assert entry.detail.endswith("count=2 skipped=1 to=file")


def run_kiosk(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], stdout=stdout, stderr=subprocess.PIPE, check=False
    )


def test_export_to_a_full_output_is_one_line(data_dir: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = run_kiosk(
            "--data-dir", str(data_dir), "export", "--format", "json", "--out", "-", stdout=full
        )
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err == (
        "kiosk: could not write to standard output (No space left on device): "
        "the export is incomplete\n"
    )
    (entry,) = [e for e in AuditTrail(data_dir).entries() if e.action == "export"]
    assert "incomplete" in entry.detail


def refused_out(data_dir: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> str:
    args = ["--data-dir", str(data_dir), "export", "--format", "json", "--out", str(target)]
    assert main(args) == 2
    return capsys.readouterr().err


def test_a_pipe_or_a_link_as_out_is_refused_and_left_alone(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "is a pipe, not a regular file" in refused_out(data_dir, fifo, capsys)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file\n")
    link = tmp_path / "link.ndjson"
    link.symlink_to(target)
    assert "is a link, not a regular file" in refused_out(data_dir, link, capsys)
    assert link.is_symlink()
    assert target.read_text() == "someone else's file\n"
    assert not [e for e in AuditTrail(data_dir).entries() if e.action == "export"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_as_root_a_device_as_out_is_refused_and_stays_a_device(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    err = refused_out(data_dir, node, capsys)
    assert err == (
        f"kiosk: --out: {node} is a device, not a regular file: it is left as it is. "
        "Give a file name, or - for standard output\n"
    )
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "null"]
