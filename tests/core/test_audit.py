"""The hash-chained audit trail: tampering is reported at the right entry; appends from many
processes keep one valid chain; the CLI reports what it finds."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from kiosk.cli import main
from kiosk.store.audit import AuditTrail

ENTRIES = 8


@pytest.fixture
def trail(tmp_path: Path) -> AuditTrail:
    audit = AuditTrail(tmp_path / "data")
    for n in range(1, ENTRIES + 1):
        audit.append("view", staff=f"ma{n % 3}", patient_id=f"MRN{n % 2}", detail=f"encounter e{n}")
    return audit


def _lines(trail: AuditTrail) -> list[bytes]:
    return trail.path.read_bytes().splitlines(keepends=True)


def _write(trail: AuditTrail, lines: list[bytes]) -> None:
    trail.path.write_bytes(b"".join(lines))


def test_an_untouched_chain_verifies(trail: AuditTrail) -> None:
    result = trail.verify()
    assert result.ok
    assert result.entries == ENTRIES
    assert [e.seq for e in trail.entries()] == list(range(1, ENTRIES + 1))
    assert stat.S_IMODE(trail.path.stat().st_mode) == 0o600


def test_an_edited_entry_is_reported_at_that_entry(trail: AuditTrail) -> None:
    lines = _lines(trail)
    lines[4] = lines[4].replace(b'"ma2"', b'"ma9"')
    _write(trail, lines)
    result = trail.verify()
    assert (result.ok, result.broken_seq, result.broken_line) == (False, 5, 5)
    assert "changed" in result.reason


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(trail: AuditTrail) -> None:
    import hashlib

    lines = _lines(trail)
    data = orjson.loads(lines[2])
    data["staff"] = "intruder"
    body = {k: v for k, v in data.items() if k != "hash"}
    data["hash"] = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
    lines[2] = orjson.dumps(data, option=orjson.OPT_SORT_KEYS) + b"\n"
    _write(trail, lines)
    result = trail.verify()
    assert (result.broken_seq, result.broken_line) == (4, 4)
    assert "does not follow" in result.reason


def test_a_deleted_entry_is_reported_where_it_is_missing(trail: AuditTrail) -> None:
    lines = _lines(trail)
    del lines[3]
    _write(trail, lines)
    result = trail.verify()
    assert (result.broken_seq, result.broken_line, result.entries) == (4, 4, 3)


def test_reordered_entries_are_reported_at_the_first_moved_one(trail: AuditTrail) -> None:
    lines = _lines(trail)
    lines[5], lines[6] = lines[6], lines[5]
    _write(trail, lines)
    result = trail.verify()
    assert (result.broken_seq, result.broken_line) == (6, 6)


def test_a_cut_last_line_is_reported_as_incomplete(trail: AuditTrail) -> None:
    raw = trail.path.read_bytes()
    trail.path.write_bytes(raw[:-20])
    result = trail.verify()
    assert (result.broken_seq, result.broken_line) == (ENTRIES, ENTRIES)
    assert "incomplete" in result.reason


def test_an_append_after_a_torn_write_drops_the_fragment(trail: AuditTrail) -> None:
    with trail.path.open("ab") as handle:
        handle.write(b'{"seq": 9, "staff": "ma1", "tor')  # a crash mid-append
    entry = trail.append("sign-in", staff="ma1")
    assert entry.seq == ENTRIES + 1
    assert trail.verify().ok


def test_unknown_actions_and_missing_staff_are_refused(trail: AuditTrail) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        trail.append("peek", staff="ma1")
    with pytest.raises(ValueError, match="staff"):
        trail.append("view", staff="")


def test_entries_filter_by_patient(trail: AuditTrail) -> None:
    assert {e.patient_id for e in trail.entries(patient_id="MRN1")} == {"MRN1"}
    assert len(list(trail.entries(patient_id="MRN1"))) == ENTRIES // 2


APPENDER = """
import sys
from kiosk.store.audit import AuditTrail
trail = AuditTrail(sys.argv[1])
for n in range(int(sys.argv[3])):
    trail.append("view", staff=sys.argv[2], patient_id=f"MRN{n}")
"""


def test_appends_from_several_processes_keep_one_chain(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    workers = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(folder), f"ma{w}", "40"])
        for w in range(4)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0, 0, 0]
    trail = AuditTrail(folder)
    result = trail.verify()
    assert result.ok, result.reason
    assert result.entries == 160
    staff = [e.staff for e in trail.entries()]
    assert {s: staff.count(s) for s in set(staff)} == {f"ma{w}": 40 for w in range(4)}


def test_cli_verify_and_show(trail: AuditTrail, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = str(trail.data_dir)
    assert main(["--data-dir", data_dir, "audit", "verify"]) == 0
    assert f"{ENTRIES} entries" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "audit", "show", "--patient", "MRN0"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert len(shown) == ENTRIES // 2 + 1  # the report itself is a look at MRN0's record
    assert all(" view " in line for line in shown)
    assert "os:" in shown[-1]
    assert "why: access report" in shown[-1]
    lines = _lines(trail)
    del lines[1]
    _write(trail, lines)
    assert main(["--data-dir", data_dir, "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "broken at entry 2 (line 2)" in out
