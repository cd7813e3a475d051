"""The durable-file primitives: atomic replace, private modes, damaged files, the lock."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest
from tinydb import TinyDB

from kiosk.errors import StoreError
from kiosk.store.files import (
    AtomicJSONStorage,
    DamagedFileError,
    ProcessLock,
    append_durable,
    make_private_dir,
    os_error_message,
    write_atomic,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_atomic_replaces_the_file_with_private_mode_whatever_the_umask(
    tmp_path: Path,
) -> None:
    target = tmp_path / "file.json"
    old = os.umask(0)
    try:
        write_atomic(target, b"first")
        write_atomic(target, b"second")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"second"
    assert _mode(target) == 0o600
    assert os.listdir(tmp_path) == ["file.json"]


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "file.json"
    write_atomic(target, b"precious")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, failing, full)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"precious"
    assert os.listdir(tmp_path) == ["file.json"]


def test_private_dirs_are_0700_with_parents(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        assert make_private_dir(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a" / "b") == 0o700
    assert not make_private_dir(tmp_path / "a" / "b")


def test_tinydb_reads_and_writes_through_the_atomic_storage(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.table("encounters").insert({"id": "e1", "n": 1})
        db.table("encounters").insert({"id": "e2", "n": 2})
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert [d["id"] for d in db.table("encounters").all()] == ["e1", "e2"]
    assert _mode(path) == 0o600


@pytest.mark.parametrize(
    "content", [b"", b'{"encounters": {"1": {"id"', b"\x00\xff garbage", b"[1, 2]"]
)
def test_damaged_files_are_detected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "0001.json"
    path.write_bytes(content)
    with pytest.raises(DamagedFileError, match="damaged"):
        AtomicJSONStorage(path).read()
    assert path.read_bytes() == content


def test_append_durable_closes_a_torn_line_first(tmp_path: Path) -> None:
    path = tmp_path / "log"
    append_durable(path, b"one\n")
    with path.open("ab") as handle:
        handle.write(b"tor")
    append_durable(path, b"two\n")
    assert path.read_bytes().splitlines() == [b"one", b"tor", b"two"]
    assert _mode(path) == 0o600


def test_os_errors_become_plain_messages() -> None:
    full = os_error_message(OSError(errno.ENOSPC, "x"), "the encounter")
    assert full == "The disk is full: the encounter was not saved. Nothing already saved was lost."
    assert "read-only" in os_error_message(OSError(errno.EROFS, "x"), "the draft")
    assert "error" in os_error_message(OSError(errno.EIO, "x"), "the draft")


def test_the_lock_is_reentrant_and_excludes_other_threads(tmp_path: Path) -> None:
    lock = ProcessLock(tmp_path / "lock")
    order: list[str] = []

    def take() -> None:
        with lock:
            order.append("thread")

    with lock:
        with lock:
            order.append("outer")
        other = threading.Thread(target=take)
        other.start()
        other.join(timeout=0.2)
        assert other.is_alive()  # still waiting for the lock we hold
        order.append("released")
    other.join(timeout=10)
    assert order == ["outer", "released", "thread"]
    lock.close()


def test_a_lock_file_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    lock = ProcessLock(tmp_path / "missing-folder" / "lock")
    with pytest.raises(StoreError, match="not saved"):
        lock.acquire()
