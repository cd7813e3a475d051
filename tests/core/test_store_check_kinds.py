"""``kiosk check`` verifies every kind of file a data folder holds (kiosk.store.layout.KINDS).

For each kind: damage it the way a failing disk, a power cut or a person would; a check
reports it (or, for files nothing reads, says nothing) and changes no byte, mode or name; a
repair fixes what can be rebuilt; the check after it says what is still wrong.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import argon2
import orjson
import pytest
from poc_samples import lot, sample_runs
from sterilizer_samples import sample_load
from store_child import make_encounter, make_patient

from kiosk.cli import main
from kiosk.models import Encounter
from kiosk.store import EncounterStore, StaffDirectory
from kiosk.store.index import shard_of
from kiosk.store.layout import KINDS, Layout
from kiosk.store.outbox import Outbox
from kiosk.store.qc import QcLog
from kiosk.store.stock import StockRoom

DAY = date(2026, 3, 4)
CHEAP = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class Folder:
    root: Path
    saved: list[Encounter]
    amended: str
    """The id of the first version of an amended visit."""
    draft_key: str


@pytest.fixture
def full(folder: Path) -> Folder:
    """A folder holding every kind of file: 20 encounters (two segments), an amendment, a
    registered patient, a draft, a day's appointments, a staff account, the audit trail."""
    saved = [make_encounter(n, day=DAY) for n in range(20)]
    Outbox(Layout(folder)).enable()  # a clinic with a central database
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in saved:
            store.save(encounter)
        first = saved[0]
        store.amend(first.id, first.model_copy(update={"notes": "corrected weight"}))
        store.register_patient(make_patient(500))
        store.save_draft(make_encounter(30, day=DAY).model_copy(update={"status": "draft"}))
        store.set_appointments(DAY, [saved[1].patient.id, saved[2].patient.id])
        at = datetime.combine(DAY, time(9), UTC)
        store.rooming.set_status(saved[1].patient.id, "roomed", room="Room 1", at=at)
        store.sterilizer.add_load(sample_load(), staff="ma1")
    outbox = Outbox(Layout(folder))
    outbox.mark_sent(1, outbox.pending(3)[0][-1].end)  # three pushed
    with outbox.pushing():
        pass
    StaffDirectory(folder, hasher=CHEAP).add("ma1", "Medical Assistant", "2468", by="test")
    StockRoom(folder, actor="ma1").add(lot("strep-a", "STR-1"))
    for run in sample_runs():
        QcLog(folder, actor="ma1").record(run)
    Layout(folder).boot.write_bytes(b"{}")
    (folder / "kiosk-errors.log").write_bytes(b"")
    (folder / "DEMO-DATA").write_bytes(b"x")
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    draft = next((folder / "drafts").glob("*.json"))
    return Folder(folder, saved, first.id, draft.stem)


def check(folder: Path, *extra: str) -> int:
    return main(["--data-dir", str(folder), "check", *extra])


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every path's mode and bytes (names included: a rename shows)."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        data = b"" if path.is_dir() else path.read_bytes()
        found[str(path.relative_to(folder))] = (path.lstat().st_mode, data)
    return found


def _segment(root: Path, n: int = 1) -> Path:
    return root / "encounters" / DAY.isoformat() / f"{n:04d}.json"


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _zero(path: Path) -> None:
    path.write_bytes(b"\0" * path.stat().st_size)


def _change_value(path: Path) -> None:
    """A changed value inside valid JSON: the first document's notes."""
    raw = path.read_bytes()
    line = raw.split(b"\n")[1]
    key, _, body = line.rstrip(b",").partition(b":")
    doc = orjson.loads(body)
    doc["notes"] = "changed by hand"
    new = key + b":" + orjson.dumps(doc) + (b"," if line.endswith(b",") else b"")
    path.write_bytes(raw.replace(line, new))
    orjson.loads(path.read_bytes())  # still valid JSON


def _shard(root: Path, f: Folder, which: str) -> Path:
    key = f.saved[3].id if which == "ids" else f.saved[3].patient.id
    return root / "index" / which / f"{shard_of(key)}.log"


@dataclass
class Case:
    kind: str
    damage: Callable[[Folder], None]
    reported: str | None
    """What the check says (None: nothing to report, the check passes)."""
    after_repair: int
    """The exit code of a check after ``--repair``: 0 when everything could be rebuilt."""


def _garbage(path: Callable[[Folder], Path]) -> Callable[[Folder], None]:
    def damage(f: Folder) -> None:
        target = path(f)
        target.write_bytes(b"\x00\x13 garbage \xff" * 3)
        target.chmod(0o600)  # a new file is made private, as the kiosk would

    return damage


def _delete(path: Callable[[Folder], Path]) -> Callable[[Folder], None]:
    return lambda f: path(f).unlink()


def _old_temp(f: Folder) -> None:
    temp = _segment(f.root).with_name(".0001.json.123-dead.tmp")
    temp.write_bytes(b"{half")
    os.utime(temp, (1_000_000, 1_000_000))


CASES = [
    Case("segment", lambda f: _truncate(_segment(f.root)), "Damaged file", 1),
    Case("segment", _garbage(lambda f: _segment(f.root)), "Damaged file", 1),
    Case("segment", lambda f: _zero(_segment(f.root)), "zero-filled", 1),
    Case("segment", lambda f: _change_value(_segment(f.root)), "changed since they were", 1),
    Case("ids-shard", _garbage(lambda f: _shard(f.root, f, "ids")), "damaged line", 0),
    Case("ids-shard", _delete(lambda f: _shard(f.root, f, "ids")), "missing from the id", 0),
    Case("patients-shard", _delete(lambda f: _shard(f.root, f, "patients")), "patient index", 0),
    Case("amendments", _delete(lambda f: Layout(f.root).amendments), "superseded", 0),
    Case("directory", _delete(lambda f: Layout(f.root).directory), "cannot be found", 0),
    Case("directory", _garbage(lambda f: Layout(f.root).directory), "damaged line", 0),
    Case("checkpoint", _garbage(lambda f: Layout(f.root).checkpoint), "checkpoint.json", 0),
    Case("boot", _garbage(lambda f: Layout(f.root).boot), None, 0),
    Case("draft", _garbage(lambda f: Layout(f.root).draft(f.draft_key)), "Damaged draft", 0),
    Case("draft-lock", _garbage(lambda f: Layout(f.root).draft_lock(f.draft_key)), None, 0),
    Case(
        "schedule-day",
        _garbage(lambda f: Layout(f.root).schedule_day(DAY.isoformat())),
        "appointment list",
        0,
    ),
    Case("audit", _garbage(lambda f: Layout(f.root).audit), "audit trail", 1),
    Case(
        "audit-archive",
        _garbage(lambda f: f.root / "audit-2000-01.jsonl"),
        "audit trail is broken",
        1,
    ),
    # the repair's own audit entry writes a new head (as any kiosk's next entry would)
    Case("audit-head", _garbage(lambda f: Layout(f.root).audit_head), "audit.head", 0),
    Case("audit-lock", _garbage(lambda f: Layout(f.root).audit_lock), None, 0),
    Case("staff", lambda f: _truncate(Layout(f.root).staff), "staff.json is damaged", 1),
    Case("staff", _delete(lambda f: Layout(f.root).staff), "staff.json is missing", 1),
    Case("staff-lock", _garbage(lambda f: Layout(f.root).staff_lock), None, 0),
    Case("stock", _garbage(lambda f: Layout(f.root).stock), "stock.json is damaged", 1),
    Case("stock-lock", _garbage(lambda f: Layout(f.root).stock_lock), None, 0),
    Case("qc-log", lambda f: _truncate(Layout(f.root).qc_log), "QC log qc.jsonl has 1 line", 1),
    Case("qc-lock", _garbage(lambda f: Layout(f.root).qc_lock), None, 0),
    Case("pending", _garbage(lambda f: Layout(f.root).pending), "pending.json is damaged", 0),
    Case("store-lock", _garbage(lambda f: Layout(f.root).store_lock), None, 0),
    Case("errors-log", _garbage(lambda f: Layout(f.root).errors_log), None, 0),
    Case("demo-marker", _garbage(lambda f: Layout(f.root).demo_marker), None, 0),
    Case("temp", _old_temp, "Leftover temporary file", 0),
    Case(
        "quarantined",
        _garbage(lambda f: _segment(f.root).with_name("0001.json.corrupt-20260101T000000Z")),
        None,
        0,
    ),
    Case("unknown", _garbage(lambda f: f.root / "notes.txt"), None, 0),
    Case("root", lambda f: os.chmod(f.root, 0o755), "Permissions: ", 0),
    Case("day", lambda f: os.chmod(_segment(f.root).parent, 0o755), "Permissions: ", 0),
    Case("encounters", lambda f: os.chmod(f.root / "encounters", 0o750), "Permissions: ", 0),
    Case("index", lambda f: os.chmod(f.root / "index", 0o755), "Permissions: ", 0),
    Case("ids", lambda f: os.chmod(f.root / "index" / "ids", 0o755), "Permissions: ", 0),
    Case("patients", lambda f: os.chmod(f.root / "index" / "patients", 0o705), "Permissions", 0),
    Case("drafts", lambda f: os.chmod(f.root / "drafts", 0o755), "Permissions: ", 0),
    Case("schedule", lambda f: os.chmod(f.root / "schedule", 0o755), "Permissions: ", 0),
    Case("rooming", lambda f: os.chmod(f.root / "rooming", 0o755), "Permissions: ", 0),
    Case(
        "rooming-day",
        _garbage(lambda f: Layout(f.root).rooming_day(DAY.isoformat())),
        "Damaged rooming file rooming/",
        0,
    ),
    Case("rooms", _garbage(lambda f: Layout(f.root).rooms), "rooming/rooms.json", 0),
    Case("sterilizer", lambda f: _truncate(Layout(f.root).sterilizer), "sterilizer log", 0),
    Case("outbox", lambda f: os.chmod(f.root / "outbox", 0o755), "Permissions: ", 0),
    Case("outbox-log", _garbage(lambda f: f.root / "outbox" / "000001.log"), "outbox log", 1),
    Case("outbox-state", _garbage(lambda f: Layout(f.root).outbox_state), "state.json", 0),
    Case("outbox-origin", _garbage(lambda f: Layout(f.root).outbox_origin), "outbox origin", 1),
    Case("outbox-lock", _garbage(lambda f: Layout(f.root).outbox_lock), None, 0),
]


def test_every_kind_of_file_has_a_damage_case() -> None:
    assert {c.kind for c in CASES} == {*KINDS, "unknown"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}-{i}" for i, c in enumerate(CASES)])
def test_damage_is_reported_without_a_change_and_repaired(
    full: Folder, case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(full.root) == 0
    capsys.readouterr()
    case.damage(full)
    before = snapshot(full.root)
    code = check(full.root)
    out = capsys.readouterr().out
    assert snapshot(full.root) == before  # a check changes nothing
    if case.reported is None:
        assert code == 0, out
        assert "No problems found." in out
        return
    assert code == 1, out
    assert case.reported in out
    assert "Nothing was changed" in out
    check(full.root, "--repair")
    capsys.readouterr()
    assert check(full.root) == case.after_repair, capsys.readouterr().out
