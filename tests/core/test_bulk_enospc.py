"""A full disk at any point of a bulk load: the folder opens clean and ``check_store`` finds
nothing, every document the load reported stored is readable, and no other one is indexed.

The disk is filled by making ``os.write`` and ``os.fsync`` (what kiosk.store.files writes and
flushes with) raise ENOSPC from their Nth call on, for every N across the load; fsync is
otherwise a no-op here, the check included (the rule under test is the order of the writes,
not their durability).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kiosk.demo.seeding import demo_documents
from kiosk.errors import StoreError
from kiosk.store import EncounterStore
from kiosk.store.bulk import BulkWriteError, bulk_save
from kiosk.store.check import check_store

if TYPE_CHECKING:
    from _typeshed import HasFileno

TODAY = date(2026, 3, 10)
DAYS = ("2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06")


def _documents() -> list[dict[str, Any]]:
    """200 documents on four days (a few segments each), 20 patients."""
    docs = list(demo_documents(200, seed=7, today=TODAY, patients=20))
    for n, doc in enumerate(docs):
        doc["started_at"] = DAYS[n % len(DAYS)] + doc["started_at"][10:]
    return docs


DOCS = _documents()
REAL_WRITE, REAL_FSYNC = os.write, os.fsync


class FullDisk:
    """Counts ``os.write`` and ``os.fsync`` calls of this thread; from call ``fail_at`` on
    (or only at it, when ``once``) they raise ENOSPC."""

    def __init__(self, fail_at: int | None, *, once: bool = False) -> None:
        self.fail_at = fail_at
        self.once = once
        self.calls = 0
        self.thread = threading.get_ident()

    def _hit(self) -> bool:
        if threading.get_ident() != self.thread:
            return False
        self.calls += 1
        if self.fail_at is None:
            return False
        return self.calls == self.fail_at if self.once else self.calls >= self.fail_at

    def write(self, fd: int, data: Any) -> int:
        if self._hit():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return REAL_WRITE(fd, data)

    def fsync(self, fd: int) -> None:
        if self._hit():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[FullDisk], None]]:
    def install(disk: FullDisk) -> None:
        monkeypatch.setattr(os, "write", disk.write)
        monkeypatch.setattr(os, "fsync", disk.fsync)

    yield install
    _room_again()
    os.fsync = REAL_FSYNC


def _no_fsync(fd: int | HasFileno) -> None:
    """fsync is a no-op in these tests: hundreds of folders are loaded and checked."""


def _room_again() -> None:
    os.write, os.fsync = REAL_WRITE, _no_fsync


def _load(folder: Path, disk: FullDisk, install: Callable[[FullDisk], None]) -> int:
    """Run the load under ``disk``; the number of documents it reports stored."""
    install(disk)
    try:
        with EncounterStore(folder, staff_id="demo") as store:
            return bulk_save(store, DOCS, batch=70)
    except StoreError as error:  # opening the store can meet the full disk too
        if "The disk is full" not in str(error) and "No space left" not in str(error):
            raise
        return error.saved if isinstance(error, BulkWriteError) else 0
    finally:
        _room_again()


def _assert_clean(folder: Path, saved: int) -> None:
    report = check_store(folder)
    assert report.problems == [], report.problems[:3]
    with EncounterStore(folder, staff_id="t") as store:
        assert store.problems == []
        assert store.count() == saved
        for doc in DOCS[:saved]:
            assert store.get(doc["id"]).id == doc["id"]
        for doc in DOCS[saved:]:
            assert store.index.lookup(doc["id"]) is None


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A RAM folder when the host has one: hundreds of folders are created and removed."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="kiosk-enospc-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _calls(tmp_path: Path, install: Callable[[FullDisk], None]) -> int:
    disk = FullDisk(None)
    assert _load(tmp_path / "count", disk, install) == len(DOCS)
    return disk.calls


def test_a_disk_that_fills_at_any_call_leaves_a_clean_folder(
    scratch: Path, full_disk: Callable[[FullDisk], None]
) -> None:
    total = _calls(scratch, full_disk)
    outcomes: set[int] = set()
    for fail_at in range(1, total + 1):
        folder = scratch / f"full-{fail_at}"
        saved = _load(folder, FullDisk(fail_at), full_disk)
        outcomes.add(saved)
        _assert_clean(folder, saved)
        shutil.rmtree(folder)
    assert outcomes == {0, 70, 140, 200}  # every batch boundary, and a complete load


def test_a_single_failed_write_leaves_a_clean_folder(
    scratch: Path, full_disk: Callable[[FullDisk], None]
) -> None:
    total = _calls(scratch, full_disk)
    for fail_at in range(1, total + 1, 7):
        folder = scratch / f"once-{fail_at}"
        saved = _load(folder, FullDisk(fail_at, once=True), full_disk)
        _assert_clean(folder, saved)
        shutil.rmtree(folder)


@pytest.mark.parametrize("fail_at", [1, 12, 40])
def test_the_cli_says_the_disk_is_full_and_the_folder_stays_clean(
    tmp_path: Path,
    full_disk: Callable[[FullDisk], None],
    capsys: pytest.CaptureFixture[str],
    fail_at: int,
) -> None:
    from kiosk.cli import main

    folder = tmp_path / "demo"
    full_disk(FullDisk(fail_at))
    try:
        code = main(["demo-data", "--count", "300", "--data-dir", str(folder)])
    finally:
        _room_again()
    assert code == 2
    assert "The disk is full: the demo data was not saved." in capsys.readouterr().err
    assert check_store(folder).problems == []
