"""Monthly rotation of the audit trail: one file per period, each chained from the previous
file's last entry and verified as one chain; a folder whose audit.jsonl predates rotation
still verifies, before and after its first rotation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import kiosk.store.audit as audit_module
from kiosk.cli import main
from kiosk.store.audit import AuditTrail
from kiosk.store.audit_verify import verify_audit


class Clock:
    """Stands in for ``datetime`` in kiosk.store.audit: ``now`` is whatever the test says."""

    at = datetime(2025, 11, 3, 9, tzinfo=UTC)

    @classmethod
    def now(cls, tz: object = None) -> datetime:
        return cls.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> type[Clock]:
    monkeypatch.setattr(audit_module, "datetime", Clock)
    return Clock


def _append_months(folder: Path, clock: type[Clock], months: list[tuple[int, int]]) -> None:
    trail = AuditTrail(folder)
    for year, month in months:
        clock.at = datetime(year, month, 5, 9, tzinfo=UTC)
        for _ in range(3):
            trail.append("sign-in", staff="ma1")


def test_each_month_gets_a_file_and_they_verify_as_one_chain(
    folder: Path, clock: type[Clock], capsys: pytest.CaptureFixture[str]
) -> None:
    _append_months(folder, clock, [(2025, 11), (2025, 12), (2026, 1)])
    names = sorted(p.name for p in folder.glob("audit*.jsonl"))
    assert names == ["audit-2025-11.jsonl", "audit-2025-12.jsonl", "audit.jsonl"]
    trail = AuditTrail(folder)
    assert [p.name for p in trail.files()] == names
    assert [e.seq for e in trail.entries()] == list(range(1, 10))
    first_of_december = next(e for e in trail.entries() if e.seq == 4)
    last_of_november = next(e for e in trail.entries() if e.seq == 3)
    assert first_of_december.prev == last_of_november.hash
    assert main(["--data-dir", str(folder), "audit", "verify"]) == 0
    assert "9 entries in 3 files" in capsys.readouterr().out


def test_the_clock_going_back_does_not_rotate_again(folder: Path, clock: type[Clock]) -> None:
    _append_months(folder, clock, [(2025, 11), (2025, 12), (2025, 11)])
    assert sorted(p.name for p in folder.glob("audit*.jsonl")) == [
        "audit-2025-11.jsonl",
        "audit.jsonl",
    ]
    assert verify_audit(folder).ok


def test_a_deleted_period_file_breaks_the_chain_where_it_was(
    folder: Path, clock: type[Clock]
) -> None:
    _append_months(folder, clock, [(2025, 11), (2025, 12), (2026, 1)])
    (folder / "audit-2025-12.jsonl").unlink()
    report = verify_audit(folder)
    assert report.findings == [
        "The audit trail is broken at entry 4 (line 1) in audit.jsonl: line 1 holds entry 7 "
        "where entry 4 should be: an entry was removed or entries were reordered."
    ]


def test_a_deleted_current_file_is_entries_missing_at_the_end(
    folder: Path, clock: type[Clock]
) -> None:
    _append_months(folder, clock, [(2025, 11), (2025, 12), (2026, 1)])
    (folder / "audit.jsonl").unlink()
    assert verify_audit(folder).findings == [
        "At least 3 entries are missing at the end of the audit trail: the head file "
        "(audit.head) recorded entry 9, the trail ends at entry 6."
    ]
    trail = AuditTrail(folder)
    trail.append("sign-in", staff="ma1")  # the chain goes on from the newest period file
    assert next(e for e in trail.entries() if e.seq == 7).prev == (
        next(e for e in trail.entries() if e.seq == 6).hash
    )


def test_a_period_name_taken_twice_gets_a_number(folder: Path, clock: type[Clock]) -> None:
    _append_months(folder, clock, [(2025, 11), (2025, 12)])
    (folder / "audit.jsonl").unlink()  # December's file deleted: a new one starts in November
    _append_months(folder, clock, [(2025, 11), (2026, 1)])
    trail = AuditTrail(folder)
    assert [p.name for p in trail.files()] == [
        "audit-2025-11.jsonl",
        "audit-2025-11-2.jsonl",
        "audit.jsonl",
    ]
    assert trail.verify().ok


def test_a_trail_from_before_rotation_verifies_before_and_after_it_rotates(
    folder: Path, clock: type[Clock], capsys: pytest.CaptureFixture[str]
) -> None:
    """audit.jsonl spanning months and no head file: what the previous version left."""
    trail = AuditTrail(folder)
    with pytest.MonkeyPatch.context() as before_rotation:
        before_rotation.setattr(AuditTrail, "_rotation_due", lambda *args: None)
        for month in (3, 6, 9):
            clock.at = datetime(2025, month, 1, tzinfo=UTC)
            trail.append("view", staff="ma1", patient_id="MRN1", sync=False)  # no anchor
    old = (folder / "audit.jsonl").read_bytes()
    assert old.count(b"\n") == 3
    assert not (folder / "audit.head").exists()
    assert main(["--data-dir", str(folder), "audit", "verify"]) == 0
    clock.at = datetime(2025, 10, 2, tzinfo=UTC)
    AuditTrail(folder).append("sign-in", staff="ma1")
    assert (folder / "audit-2025-03.jsonl").read_bytes() == old
    assert main(["--data-dir", str(folder), "audit", "verify"]) == 0
    assert "4 entries in 2 files" in capsys.readouterr().out
