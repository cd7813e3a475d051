"""The audit chain's rules: an entry's hash, and the walk that finds where the chain breaks.

Why apart from kiosk.store.audit: the walk is pure (lines in, a verdict out), so it reads the
same whichever files the lines come from, and both modules stay short enough to read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from kiosk.store.anchors import GENESIS


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` or the first broken entry: its expected ``seq``, its ``line`` (in ``file``) and why.

    The walk goes on after a break only to find ``last_seq`` (the highest entry number still
    in the files) and the hashes of the entries asked for, which the anchors are compared with.
    """

    ok: bool
    entries: int
    head: str
    """Hash of the last good entry (what the anchors record)."""
    broken_seq: int | None = None
    broken_line: int | None = None
    reason: str = ""
    broken_file: str = ""
    last_seq: int = 0
    hashes: dict[int, str] = field(default_factory=dict)
    """seq -> recorded hash, for the entries ``verify`` was asked about that are present."""
    files: int = 0

    def __bool__(self) -> bool:
        return self.ok


def _canonical(fields: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {k: v for k, v in fields.items() if k != "hash"}, option=orjson.OPT_SORT_KEYS
    )


def digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(fields)).hexdigest()


def walk(lines: Iterable[tuple[str, int, bytes]], wanted: Collection[int] = ()) -> VerifyResult:
    """Check (file name, line number, raw line) triples as one chain, in order."""
    prev, count, last_seq = GENESIS, 0, 0
    broken: tuple[int, str, int, str] | None = None
    hashes: dict[int, str] = {}
    names: set[str] = set()
    for name, line_no, raw in lines:
        names.add(name)
        if broken is None:
            reason = _check_line(raw, line_no, count + 1, prev)
            if reason:
                broken = (count + 1, name, line_no, reason)
            else:
                prev = str(orjson.loads(raw)["hash"])
                count += 1
        seq, recorded = _seq_and_hash(raw)
        if seq is not None:
            last_seq = max(last_seq, seq)
            if seq in wanted:
                hashes[seq] = recorded
    if broken is None:
        return VerifyResult(True, count, prev, last_seq=last_seq, hashes=hashes, files=len(names))
    seq, name, line_no, reason = broken
    return VerifyResult(
        False,
        count,
        prev,
        seq,
        line_no,
        reason,
        broken_file=name,
        last_seq=last_seq,
        hashes=hashes,
        files=len(names),
    )


def _seq_and_hash(raw: bytes) -> tuple[int | None, str]:
    try:
        data = orjson.loads(raw)
        return int(data["seq"]), str(data["hash"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None, ""


def _check_line(raw: bytes, line_no: int, expected: int, prev: str) -> str:
    """Why line ``line_no`` is not entry ``expected`` chained to ``prev`` ("" when it is)."""
    if not raw.endswith(b"\n"):
        return f"entry {expected} (line {line_no}) is incomplete: the file was cut"
    try:
        data = orjson.loads(raw)
        seq, recorded = int(data["seq"]), str(data["hash"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return f"entry {expected} (line {line_no}) is not readable"
    if seq > expected:
        return (
            f"line {line_no} holds entry {seq} where entry {expected} should be: "
            "an entry was removed or entries were reordered"
        )
    if seq < expected:
        return (
            f"line {line_no} holds entry {seq} where entry {expected} should be: "
            "entries were reordered or copied"
        )
    if digest(data) != recorded:
        return f"entry {seq} (line {line_no}) was changed after it was written"
    if data.get("prev") != prev:
        return (
            f"entry {seq} (line {line_no}) does not follow entry {seq - 1}: "
            "an earlier entry was changed, removed or reordered"
        )
    return ""
