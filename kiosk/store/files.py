"""Durable file primitives: atomic replace, fsync, fsynced appends, cross-process locks.

The only copy of each: the encounter store, staff accounts and ``kiosk export`` all use them
(this module imports nothing of the store but its layout, so export may import it).

Why not TinyDB's JSONStorage: it truncates and rewrites the file in place, so a kill mid-write
loses every document in it. Here every whole-file write goes to a temp file in the same folder,
is fsynced, ``os.replace``d over the old file, and the folder is fsynced: a reader sees the old
file or the new one, never half of each, and the new one survives a power cut once we return.

Files are created 0600 and folders 0700 whatever the umask, because they hold PHI.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import filelock
import orjson
from tinydb.storages import Storage

from kiosk.errors import StoreError
from kiosk.store.layout import TEMP_SUFFIX, temp_path

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT_S = 15.0


class DamagedFileError(StoreError):
    """A data file cannot be parsed (truncated, garbage bytes): it is never written over."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"The file {path.name} is damaged ({reason}).")


def tightened(mode: int, *, is_dir: bool) -> int:
    """``mode`` without any access for others (and files without the execute bit): a
    read-only file stays read-only, so tightening never makes a read-only copy writable."""
    return mode & (DIR_MODE if is_dir else FILE_MODE)


@contextlib.contextmanager
def look_lock(path: Path, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[bool]:
    """Hold the folder lock ``path`` for a look that writes nothing; yields whether it is held.

    Opened read-only and never created, so a read-only copy can be looked at: flock works on
    a read-only descriptor. Without a lock file (a folder nothing has written to) there is no
    writer to wait for, and nothing is held.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + timeout
        while not filelock.lock_descriptor(fd, blocking=False):
            if time.monotonic() > deadline:
                raise StoreError(
                    "The data folder is busy: another kiosk has held its lock for "
                    f"{timeout:.0f} seconds. Try again."
                )
            time.sleep(0.005)
        yield True
    finally:
        os.close(fd)  # closing drops the flock


def fsync_file(path: Path) -> None:
    """Make a file written without fsync durable now (index shards after a bulk load)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path, *, best_effort: bool = False) -> None:
    """Make a rename or a new file in ``path`` durable.

    ``best_effort`` is for folders the kiosk does not own (an export's ``--out``): some file
    systems cannot fsync a folder, and by then the rename itself is done.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        if best_effort:
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not best_effort:
            raise
    finally:
        os.close(fd)


def make_private_dir(path: Path) -> bool:
    """Create ``path`` (0700, parents too); return True when it was created.

    The parent is fsynced so the new folder itself survives a power cut.
    """
    if path.is_dir():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError:
        return False
    os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    fsync_dir(path.parent)
    return True


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class AtomicFile:
    """A new private temp file beside ``path`` that replaces ``path`` only on ``commit``.

    The one atomic-replace primitive: the store's segments and small files (``write_atomic``),
    staff accounts and export files all go through it. Write to ``fd``; ``commit`` fsyncs,
    closes, ``os.replace``s and (unless told not to) fsyncs the folder; ``discard`` removes
    the temp file and leaves ``path`` as it was. As a context manager it commits when the block
    finishes and discards on any exception, Ctrl+C included.
    """

    def __init__(
        self,
        path: Path,
        *,
        suffix: str = TEMP_SUFFIX,
        sync_dir: bool = True,
        sync_file: bool = True,
    ) -> None:
        self.path = path
        self.temp = temp_path(path, suffix=suffix)
        self.sync_dir = sync_dir
        self.sync_file = sync_file
        self.fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        self._open = True
        try:
            os.fchmod(self.fd, FILE_MODE)  # O_CREAT's mode is filtered by the umask
        except BaseException:
            self.discard()
            raise

    def _close(self) -> None:
        if self._open:
            self._open = False
            os.close(self.fd)

    def commit(self) -> None:
        try:
            try:
                if self.sync_file:
                    os.fsync(self.fd)
            finally:
                self._close()
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        if self.sync_dir:
            fsync_dir(self.path.parent)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._close()
        with contextlib.suppress(OSError):
            os.unlink(self.temp)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: Path, data: bytes, *, sync_dir: bool = True, sync_file: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically and durably (temp + fsync + replace + dir fsync).

    On any failure the temp file is removed and the old file is untouched. Bulk writers pass
    ``sync_dir=False`` and fsync each folder once at the end; ``sync_file=False`` (atomic, not
    durable) suits a file whose older version is still true after a power cut (``audit.head``).
    """
    with AtomicFile(path, sync_dir=sync_dir, sync_file=sync_file) as out:
        write_all(out.fd, data)


def append_durable(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Append ``data`` (whole lines) to ``path``, creating it 0600; fsync unless told not to.

    A line torn by an earlier crash (no final newline) is closed first, so the new line
    never glues onto it; readers skip the torn fragment.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            os.fchmod(fd, FILE_MODE)
        elif os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        write_all(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def os_error_message(error: OSError, what: str) -> str:
    """Plain words for an OSError during a write; ``what`` names the thing not saved."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full: {what} was not saved. Nothing already saved was lost."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"The data folder cannot be written (permission denied or read-only): {what} "
            "was not saved. Nothing already saved was lost."
        )
    return (
        f"The disk reported an error ({os.strerror(error.errno or 0)}): {what} was not saved. "
        "Nothing already saved was lost."
    )


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson on disk, atomic durable writes, damaged files detected not wiped."""

    def __init__(self, path: str | os.PathLike[str], **_: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw:
            raise DamagedFileError(self.path, "empty")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise DamagedFileError(self.path, "not valid JSON, probably truncated") from error
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise DamagedFileError(self.path, "not a table file")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, orjson.dumps(data))


def _lock_briefly(fd: int) -> bool:
    """Take the flock, waiting a few milliseconds at most (another process's look at a claim,
    ``claimed_elsewhere``, holds it for microseconds)."""
    for attempt in range(10):
        if filelock.lock_descriptor(fd, blocking=False):
            return True
        time.sleep(0.001 * (attempt + 1))
    return False


def claim(path: Path) -> int | None:
    """Hold an exclusive flock on ``path`` until the returned descriptor is closed; None if
    another process holds it.

    For claims that last minutes (an open draft): the kernel drops the lock when the holder
    dies. A lock file removed after it was opened (a discard) is opened again, so two
    processes never each hold a lock on a different inode of the same name.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        if not _lock_briefly(fd):
            os.close(fd)
            return None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def claimed_elsewhere(path: Path) -> bool:
    """Another process holds a ``claim`` on ``path`` now (a missing file is no claim)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: treat it as taken
    try:
        if filelock.lock_descriptor(fd, blocking=False):
            filelock.unlock_descriptor(fd)
            return False
        return True
    finally:
        os.close(fd)


class ProcessLock:
    """A cross-process, cross-thread, re-entrant exclusive lock on ``path``.

    Uses filelock's descriptor primitive (flock on Unix) on a descriptor held open for the
    owner's life, so an acquire is one system call rather than an open, a lock and a close.
    The kernel drops the lock when a process dies, so a killed kiosk never leaves the folder
    locked. ``keep_open=False`` closes the descriptor on each final release, for owners that
    have no ``close`` (staff accounts).
    """

    def __init__(
        self, path: Path, *, timeout: float = LOCK_TIMEOUT_S, keep_open: bool = True
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.keep_open = keep_open
        self._fd: int | None = None
        self._thread_lock = threading.RLock()
        self._depth = 0

    def _descriptor(self) -> int:
        if self._fd is None:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
            except OSError as error:
                raise StoreError(os_error_message(error, "the change")) from error
            self._fd = fd
        return self._fd

    def acquire(self) -> None:
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise StoreError("The data folder is busy (another task holds its lock).")
        if self._depth == 0:
            try:
                self._lock_fd(self._descriptor())
            except BaseException:
                if not self.keep_open:
                    self.close()
                self._thread_lock.release()
                raise
        self._depth += 1

    def _lock_fd(self, fd: int) -> None:
        deadline = time.monotonic() + self.timeout
        delay = 0.0002
        while not filelock.lock_descriptor(fd, blocking=False):
            if time.monotonic() > deadline:
                raise StoreError(
                    "The data folder is busy: another kiosk has held its lock for "
                    f"{self.timeout:.0f} seconds. Try again; if it persists, restart that kiosk."
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.005)

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            filelock.unlock_descriptor(self._fd)
            if not self.keep_open:
                self.close()
        self._thread_lock.release()

    def close(self) -> None:
        if self._fd is not None and self._depth == 0:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ProcessLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
