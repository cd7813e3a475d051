"""What the CLI prints holds no byte a terminal would act on, and never a traceback.

Stored text (a name, an audit entry, a file name) may hold terminal escapes written by an
import or another tool. The sub-commands' standard output and their error line show them as
visible escapes; an export to standard output writes the same JSON with them escaped; an
unexpected error is one line, its details (without values) in the private log.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest
from hostile_record import TITLE, controls, hostile, hostile_encounter
from hypothesis import example, given
from hypothesis import strategies as st

import kiosk.commands.check
from kiosk.cli import main
from kiosk.export.writers import terminal_safe_json
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail
from kiosk.validators.text import visible


@pytest.fixture
def hostile_store(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    store = EncounterStore(folder, staff_id="ma-7")
    try:
        store.save(hostile_encounter())
    finally:
        store.close()
    return folder


@pytest.mark.parametrize("fmt", ["fhir", "json", "csv"])
def test_export_to_standard_output_writes_no_control_bytes(
    hostile_store: Path, capsysbinary: pytest.CaptureFixture[bytes], fmt: str
) -> None:
    assert main(["--data-dir", str(hostile_store), "export", "--format", fmt, "--out", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert TITLE.encode() in out  # the hostile text is there, as text
    assert controls(out) == []
    if fmt == "json":  # the same JSON: a reader gets every character back
        store = EncounterStore(hostile_store, staff_id="ma-7")
        try:
            assert [orjson.loads(line) for line in out.splitlines()] == list(store.iter_documents())
        finally:
            store.close()
    if fmt == "csv":
        (row,) = list(csv.DictReader(io.StringIO(out.decode())))
        assert row["staff_id"] == visible(hostile_encounter().staff_id)


def test_audit_show_prints_stored_text_as_text(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    AuditTrail(folder).append("view", staff=hostile("ma"), patient_id="H-1", detail=hostile("d"))
    assert main(["--data-dir", str(folder), "audit", "show"]) == 0
    out = capsysbinary.readouterr().out
    assert visible(hostile("d")).encode() in out
    assert controls(out) == []


def test_every_printed_line_and_the_error_line_are_inert(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    folder = tmp_path / f"data\x1b]0;{TITLE}\x07"
    folder.mkdir(mode=0o700)
    assert main(["--data-dir", str(folder), "check"]) in (0, 1)
    printed = capsysbinary.readouterr()
    assert f"Data folder: {visible(str(folder))}".encode() in printed.out
    assert controls(printed.out + printed.err) == []
    missing = tmp_path / "\x1b[2J" / "x.json"
    args = ["--data-dir", str(folder), "export", "--format", "json", "--out", str(missing)]
    assert main(args) == 2
    err = capsysbinary.readouterr().err
    assert (
        err == f"kiosk: --out: the folder {visible(str(missing.parent))} does not exist\n".encode()
    )


def test_an_unexpected_error_is_one_line_and_the_log_holds_no_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "".join(["Test", "person"])  # the log keeps source lines: not spelled in one

    def bug(args: object) -> int:
        raise ValueError(f"cannot read {name}, Alex")

    monkeypatch.setattr(kiosk.commands.check, "run", bug)
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    assert main(["--data-dir", str(folder), "check"]) == 1
    err = capsys.readouterr().err
    log = folder / "kiosk-errors.log"
    assert err == (
        f"kiosk: internal error (ValueError); the details, without patient data, are in {log}\n"
    )
    assert "ValueError" in log.read_text()
    assert "Testperson" not in log.read_text()


@given(st.text())
@example("\x1b]0;T\x07\x9b2J\x7f\u202e\u2066\u2028 °C")
def test_terminal_safe_json_is_the_same_json_without_control_bytes(text: str) -> None:
    line = terminal_safe_json(orjson.dumps({"name": text}, option=orjson.OPT_APPEND_NEWLINE))
    assert orjson.loads(line) == {"name": text}
    left = controls(line)
    assert left == [], left
