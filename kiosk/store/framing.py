"""Self-checking lines for the append-only index logs: ``<crc32 hex> <JSON>\\n``.

Why: index appends are not fsynced one by one, so a power cut can leave a log with a torn last
line, a zero-filled tail (the size reached the disk, the data did not) or a page of zeros
between good pages (pages written back out of order). A bare JSON line cannot tell a torn
line from a short one, and a reader that skips what it cannot parse silently loses entries.
Every line here carries the CRC-32 of its payload, so any damage is a line that fails its
check: readers skip it and report it, and ``kiosk.store.recovery`` rewrites the log.

Lines of the first format (bare JSON, no checksum) fail the check too: a folder written by an
older kiosk is recognised by its missing checkpoint and rebuilt (``kiosk.store.recovery``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = 9
"""Eight hex digits and a space before the payload."""


def frame(payload: bytes) -> bytes:
    """One complete line: checksum, space, payload, newline (payload holds no newline)."""
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def payload_of(line: bytes) -> bytes | None:
    """The payload of one line (without its newline), or None if the line fails its check."""
    if len(line) <= PREFIX or line[8:9] != b" ":
        return None
    payload = line[PREFIX:]
    return payload if b"%08x" % zlib.crc32(payload) == line[:8] else None


@dataclass
class Scan:
    """A log read from some offset: its good payloads and where damage was seen."""

    payloads: list[bytes] = field(default_factory=list)
    bad: int = 0
    """Complete lines that failed their check (torn, zero-filled, foreign)."""
    torn_tail: bool = False
    """Bytes after the last newline: a line torn mid-append (or one being written now)."""
    end: int = 0
    """Offset just past the last complete line."""


def scan_bytes(raw: bytes, start: int = 0) -> Scan:
    """Check every line of ``raw`` (a log's bytes from offset ``start``)."""
    result = Scan()
    last = raw.rfind(b"\n")
    result.end = start + last + 1
    result.torn_tail = last + 1 < len(raw)
    for line in raw[: last + 1].split(b"\n")[:-1]:
        payload = payload_of(line)
        if payload is None:
            result.bad += 1
        else:
            result.payloads.append(payload)
    return result


def read_from(path: Path, start: int = 0) -> bytes:
    """The bytes of ``path`` from ``start`` (empty if the file is absent)."""
    try:
        with open(path, "rb", buffering=0) as handle:
            handle.seek(start)
            return handle.readall()
    except FileNotFoundError:
        return b""


def good_lines(raw: bytes, needle: bytes | None = None) -> Iterator[bytes | None]:
    """Payloads of the complete lines of ``raw`` (those holding ``needle`` if given).

    A line that fails its check yields None, so the caller can report the damage.
    """
    if needle is not None and needle not in raw:
        return
    end = raw.rfind(b"\n")
    for line in raw[: end + 1].split(b"\n"):
        if not line or (needle is not None and needle not in line):
            continue
        yield payload_of(line)


__all__ = ["PREFIX", "Scan", "frame", "good_lines", "payload_of", "read_from", "scan_bytes"]
