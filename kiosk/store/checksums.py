"""A checksum for every stored encounter document, kept in its segment beside it.

Why: a segment is one JSON file, so a changed value inside valid JSON (a flipped bit that still
parses, an edit with a text editor) was invisible: the file parsed, the document validated,
and the kiosk showed and exported the changed value as the signed record. ``encode``
(kiosk.store.partitions) now writes a ``sums`` table on the segment's first line, document
number -> ``doc_sum`` of the document's JSON, and ``kiosk check`` recomputes each one.

The sum is of the document as ``orjson.dumps`` writes it; orjson's output is deterministic
and a parsed document dumps back to the same bytes, so a check needs no byte offsets. It is a
SHA-256 digest (cut to 96 bits; the CPU computes it in hardware, ~3 µs per document), not a
signature: it detects damage and careless edits, not a person who
rewrites the sum too (the hash-chained audit trail is the record of who signed what).

Segments written before sums were kept have no ``sums`` table; their documents still load
and are counted as "without checksum" (``kiosk check`` says so once, as a note). The next
save into such a segment rewrites it with a sum for every document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson

SUMS = "sums"
SUMS_KEY = b',"' + SUMS.encode() + b'":'
"""How the table starts on the first line, after ``audit_heads`` (if any)."""
_FIRST_SUMS = b'{"' + SUMS.encode() + b'":'
_TABLE_START = b',"encounters":{\n'


def doc_sum(body: bytes) -> str:
    """The checksum of one document's JSON (``orjson.dumps(doc)``)."""
    return hashlib.sha256(body).hexdigest()[:24]


def sums_table(bodies: dict[str, bytes]) -> bytes:
    """The ``sums`` table's JSON for the documents ``bodies`` (number -> JSON)."""
    return orjson.dumps({key: doc_sum(body) for key, body in bodies.items()})


def read_sums(raw: bytes) -> dict[str, str] | None:
    """The ``sums`` table of a segment's bytes (even a damaged one: only its first line is
    read); None when the segment has none (written before sums were kept) or it is unreadable."""
    first = raw[: raw.find(b"\n") + 1] if b"\n" in raw else raw
    at = first.find(SUMS_KEY)
    start = at + len(SUMS_KEY) if at != -1 else -1
    if at == -1 and first.startswith(_FIRST_SUMS):
        start = len(_FIRST_SUMS)
    if start == -1:
        return None
    end = first.find(_TABLE_START, start)
    try:
        table = orjson.loads(first[start:end] if end != -1 else b"")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        return None
    return {str(k): v for k, v in table.items()}


@dataclass
class SumCheck:
    """A segment's documents sorted by what their checksums say."""

    good: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Documents that match their sum, or that have none in a segment without sums."""
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Documents that do not match their sum, or lack one in a segment that keeps sums."""
    unsummed: int = 0
    """Documents of a segment written before sums were kept (counted among ``good``)."""


def check_sums(docs: dict[str, dict[str, Any]], sums: dict[str, str] | None) -> SumCheck:
    """Sort ``docs`` (number -> document) by their ``sums`` (None: a segment without sums)."""
    result = SumCheck()
    for key, doc in docs.items():
        if sums is None:
            result.good[key] = doc
            result.unsummed += 1
        elif sums.get(key) == doc_sum(orjson.dumps(doc)):
            result.good[key] = doc
        else:
            result.changed[key] = doc
    return result


__all__ = ["SUMS", "SumCheck", "check_sums", "doc_sum", "read_sums", "sums_table"]
