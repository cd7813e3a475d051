"""Index shard logs that stay small however much is stored: a log that grows past
``ROLL_BYTES`` rolls into ``FANOUT`` smaller ones.

Why: a lookup reads its whole shard, and a save makes one (is the id new?); with 256 fixed
shards, a shard holds ~4,000 lines at a million encounters and ~40,000 at ten million, so the
save's cost would grow with the history. Here ``index/ids/<xx>.log`` that passes
``ROLL_BYTES`` becomes the folder ``index/ids/<xx>/`` holding ``<h>.log`` for each hex digit
``h`` of a second hash of the key, and so on down (``<xx>/<h>/<h>.log``): every lookup,
append and roll reads at most about ``ROLL_BYTES`` whatever the store holds. The exception
is a log of a single key (one patient with hundreds of visits): no roll can split it and none
is needed, since that patient's lookup reads all those lines anyway; it is tried again only
each time it grows by another ``ROLL_BYTES``.

A roll, under the folder lock (no writer appends meanwhile; readers take no lock):

1. the log's lines go into the children, in a hidden temp folder beside it (each file and
   the folder fsynced); a log holding a damaged line is not rolled (a rebuild rewrites it);
2. the temp folder is renamed to the log's name without ``.log`` (atomic): from here on,
   readers and writers use the children;
3. the old log is removed.

A kill before 2 leaves a temp folder (removed by the next roll there, or ``kiosk check
--repair``) and the old log, still whole and still used. A kill between 2 and 3 leaves the
old log beside its folder: it is stale, every reader skips it, the next roll in that folder
removes it. A reader that opened the old log a moment before it was removed reads it whole
(nothing was appended to it since the roll began); one that finds it gone looks again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import orjson

from kiosk.store.files import FILE_MODE, fsync_dir, write_all
from kiosk.store.framing import frame, scan_bytes
from kiosk.store.layout import is_temp_name, temp_path

log = logging.getLogger("kiosk.store")

ROLL_BYTES = 64 * 1024
"""A log past this size is rolled (64 KB: ~750 id lines, ~450 patient lines)."""
FANOUT = 16
_DIGITS = "0123456789abcdef"
_MAX_DEPTH = 15
"""Levels below the top shard (one hex digit of ``_digits`` each)."""
_LOG = ".log"


def shard_of(key: str) -> str:
    """The top shard of a key: two hex digits (256 shards)."""
    return hashlib.blake2b(key.encode(), digest_size=1).hexdigest()


def _digits(key: str) -> str:
    """The hex digits that choose a key's child at each level below the top shard."""
    return hashlib.blake2b(key.encode(), digest_size=8, person=b"kiosk-roll").hexdigest()


def leaf(folder: Path, key: str) -> Path:
    """The log that holds (or will hold) ``key``'s lines: its top shard, descended through
    every level already rolled."""
    base = f"{os.fspath(folder)}/{shard_of(key)}"
    digits = ""
    depth = 0
    while os.path.isdir(base):
        digits = digits or _digits(key)
        base = f"{base}/{digits[depth]}"
        depth += 1
    return Path(base + _LOG)


def read_leaf(folder: Path, key: str) -> tuple[Path, bytes]:
    """(leaf, its bytes) of ``key``; a leaf rolled away while it was being opened is looked
    up again (empty bytes: the key has no line yet)."""
    path = leaf(folder, key)
    for _ in range(64):
        try:
            with open(path, "rb", buffering=0) as handle:
                return path, handle.readall()
        except FileNotFoundError:
            again = leaf(folder, key)
            if again == path:
                return path, b""
            path = again
    return path, b""


def logs(folder: Path) -> list[Path]:
    """Every live log under ``ids/`` or ``patients/``, in a fixed order (a stale log, whose
    roll finished but was not yet removed, left out)."""
    return list(_walk(os.fspath(folder)))


def _walk(folder: str) -> Iterator[Path]:
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return
    rolled = {n for n in names if not n.startswith(".") and os.path.isdir(f"{folder}/{n}")}
    for name in names:
        if name in rolled:
            yield from _walk(f"{folder}/{name}")
        elif name.endswith(_LOG) and not name.startswith(".") and name[: -len(_LOG)] not in rolled:
            yield Path(f"{folder}/{name}")


def roll_if_big(folder: Path, path: Path) -> list[tuple[Path, list[Path]]]:
    """Roll ``path`` (a log under ``folder``) while it, or a child, is past ``ROLL_BYTES``;
    return each roll done as (the log rolled, the logs made). Under the folder lock. A roll
    that fails (a full disk) leaves the log as it was: lookups in it just cost a little more."""
    done: list[tuple[Path, list[Path]]] = []
    todo = [path]
    while todo:
        current = todo.pop()
        try:
            if os.stat(current).st_size <= ROLL_BYTES:
                continue
            children = roll(folder, current)
        except FileNotFoundError:
            continue
        except OSError as error:
            log.warning("An index log was not rolled yet (%s).", error.strerror)
            continue
        if children:
            done.append((current, children))
            todo += children
    return done


def roll(folder: Path, path: Path) -> list[Path]:
    """Split one log into its children (the module doc's steps 1-3); return them, or []
    when it holds damage or was already rolled."""
    target = Path(os.fspath(path)[: -len(_LOG)])
    parent = path.parent
    _tidy(parent)
    if target.is_dir():
        return []
    raw = _read(path)
    scan = scan_bytes(raw)
    if scan.bad or scan.torn_tail or not scan.payloads:
        return []
    depth = len(path.relative_to(folder).parts) - 1
    keys = [str(orjson.loads(payload)[1]) for payload in scan.payloads]
    if len(set(keys)) < 2 or depth >= _MAX_DEPTH:
        return []  # one patient's history: no roll can split it (it is all one lookup)
    children: dict[str, list[bytes]] = {d: [] for d in _DIGITS}
    for key, payload in zip(keys, scan.payloads, strict=True):
        children[_digits(key)[depth]].append(frame(payload))
    temp = temp_path(target)
    os.mkdir(temp, 0o700)
    try:
        made = []
        for digit, lines in children.items():
            if lines:
                _write(temp / f"{digit}{_LOG}", b"".join(lines))
                made.append(target / f"{digit}{_LOG}")
        fsync_dir(temp)
        os.rename(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    fsync_dir(parent)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fsync_dir(parent)
    return made


def _tidy(parent: Path) -> None:
    """Remove what a killed roll left in ``parent``: temp folders, stale logs."""
    for name in os.listdir(parent):
        full = parent / name
        if is_temp_name(name) and full.is_dir():
            shutil.rmtree(full, ignore_errors=True)
        elif name.endswith(_LOG) and (parent / name[: -len(_LOG)]).is_dir():
            full.unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    with open(path, "rb", buffering=0) as handle:
        return handle.readall()


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = ["FANOUT", "ROLL_BYTES", "leaf", "logs", "read_leaf", "roll", "roll_if_big", "shard_of"]
