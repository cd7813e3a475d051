"""Damaged files, a full disk, loose permissions, unwritable and missing folders."""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from store_child import make_encounter

from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.store import EncounterStore

DAY = date(2026, 2, 3)
FULL = "The disk is full: the encounter was not saved. Nothing already saved was lost."


def _fill(folder: Path, n: int = 20) -> list[Encounter]:
    saved = [make_encounter(n, day=DAY) for n in range(n)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in saved:
            store.save(encounter)
    return saved


def _segment(folder: Path, number: int) -> Path:
    return folder / "encounters" / DAY.isoformat() / f"{number:04d}.json"


@pytest.mark.parametrize(
    "damage",
    [lambda raw: raw[: len(raw) // 2], lambda raw: b"\x00\x13 not json at all"],
    ids=["truncated", "garbage"],
)
def test_a_damaged_segment_is_moved_aside_and_the_rest_stays_usable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Callable[[bytes], bytes]
) -> None:
    folder = tmp_path / "data"
    saved = _fill(folder)
    first = _segment(folder, 1)
    damaged = damage(first.read_bytes())
    first.write_bytes(damaged)
    intact = [e for e in saved[:16] if _intact(e, damaged)]
    lost = [e for e in saved[:16] if e not in intact]
    kept = intact + saved[16:]
    with EncounterStore(folder, staff_id="ma1") as store, caplog.at_level(logging.WARNING):
        with pytest.raises(StoreError, match="damaged"):
            store.get(lost[0].id)
        assert [store.get(e.id) for e in kept] == kept  # what was intact was salvaged
        assert store.count() == len(kept)
        assert any("moved aside" in p for p in store.problems)
        new = make_encounter(99, day=DAY)
        store.save(new)
        assert store.get(new.id) == new
    aside = [p for p in first.parent.iterdir() if p.name.startswith("0001.json.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == damaged  # never written over
    assert first.exists() == bool(intact)  # the intact documents, written back
    assert "0001.json" in caplog.text
    assert all(e.patient.family_name not in caplog.text for e in saved)  # no PHI in the log


def _intact(encounter: Encounter, damaged: bytes) -> bool:
    import orjson

    return orjson.dumps(encounter.model_dump(mode="json")) in damaged


def test_iter_documents_skips_a_damaged_segment(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    saved = _fill(folder)
    _segment(folder, 2).write_bytes(b"{")
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [d["id"] for d in store.iter_documents()] == sorted(
            (e.id for e in saved[:16]),
            key=lambda i: next(e.started_at for e in saved if e.id == i),
        )
        assert store.problems


def _fail_when(monkeypatch: pytest.MonkeyPatch, name: str, when: Callable[..., bool]) -> None:
    real = getattr(os, name)

    def failing(*args: Any) -> Any:
        if when(*args):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args)

    monkeypatch.setattr(os, name, failing)


@pytest.mark.parametrize(
    ("name", "when"),
    [
        ("write", lambda fd, data: True),  # the first index append already fails
        ("write", lambda fd, data: len(data) > 10_000),  # the segment write fails
        ("fsync", lambda fd: True),  # the segment's fsync fails
    ],
    ids=["at-the-index", "at-the-segment", "at-the-fsync"],
)
def test_a_full_disk_loses_nothing_already_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, when: Callable[..., bool]
) -> None:
    folder = tmp_path / "data"
    saved = _fill(folder, 5)
    with EncounterStore(folder, staff_id="ma1") as store:
        _fail_when(monkeypatch, name, when)
        refused = make_encounter(50, day=DAY)
        with pytest.raises(StoreError) as caught:
            store.save(refused)
        assert str(caught.value) == FULL
        monkeypatch.undo()
        assert [store.get(e.id) for e in saved] == saved
        with pytest.raises(KeyError):
            store.get(refused.id)
        later = make_encounter(51, day=DAY)
        store.save(later)
        assert store.count() == len(saved) + 1
        assert store.get(later.id) == later
    leftovers = [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_loose_folder_permissions_are_tightened_and_reported(tmp_path: Path) -> None:
    """A folder copied or unpacked with 0755/0644: every path is tightened on opening, not
    only the top folders (the audit trail, the directory log, the day folders were left)."""
    folder = tmp_path / "data"
    _fill(folder, 2)
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    with EncounterStore(folder) as store:
        assert len(store.problems) == 1
        assert "readable by others" in store.problems[0]
    loose = [p for p in [folder, *folder.rglob("*")] if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert loose == []
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "audit.jsonl").stat().st_mode) == 0o600


def test_a_read_only_folder_is_tightened_without_becoming_writable(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    saved = _fill(folder, 2)
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    # (as root the audit entries of the reads below replace audit.head: look at the rest)
    before = [p for p in [folder, *folder.rglob("*")] if p.is_dir() or "encounters" in p.parts]
    try:
        with EncounterStore(folder, staff_id="ma1") as store:
            assert [store.get(e.id, staff="ma1") for e in saved] == saved
        modes = {stat.S_IMODE(p.stat().st_mode) for p in before}
        assert modes == {0o500, 0o400}  # private, and still without a write bit
    finally:
        for path in [folder, *folder.rglob("*")]:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)


def test_a_missing_folder_is_created_private(tmp_path: Path) -> None:
    folder = tmp_path / "not" / "yet" / "there"
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(1))
        assert store.count() == 1
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.rglob("*"):
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path


def test_an_unwritable_folder_gives_a_plain_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    saved = _fill(folder, 2)
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                os.chmod(path, 0o500)
    else:  # root ignores modes: refuse every write the way a read-only folder would
        real_open = os.open

        def refuse(path: Any, flags: int, *args: Any, **kw: Any) -> int:
            if flags & (os.O_WRONLY | os.O_RDWR):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kw)

        monkeypatch.setattr(os, "open", refuse)
    try:
        with (
            EncounterStore(folder, staff_id="ma1") as store,
            pytest.raises(StoreError, match="cannot be written"),
        ):
            store.save(make_encounter(9, day=DAY))
    finally:
        monkeypatch.undo()
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                os.chmod(path, 0o700)
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [store.get(e.id) for e in saved] == saved


def test_a_save_whose_audit_entry_failed_is_kept_and_audited_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.store.audit import AuditTrail

    folder = tmp_path / "data"
    with EncounterStore(folder, staff_id="ma1") as store:
        real_write = AuditTrail._write

        def full(self: AuditTrail, action: str, *args: Any) -> Any:
            if action == "sign":
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(self, action, *args)

        monkeypatch.setattr(AuditTrail, "_write", full)
        encounter = make_encounter(1, day=DAY)
        with pytest.raises(StoreError, match="was saved, but its audit entry"):
            store.save(encounter)
        monkeypatch.undo()
        assert store.get(encounter.id) == encounter
        store.save(make_encounter(2, day=DAY))  # the next writer records the missing entry
        late = [e for e in store.audit.entries(encounter.patient.id) if e.action == "sign"]
        assert len(late) == 1
        assert "after an interruption" in late[0].detail
        assert store.audit.verify().ok
