"""Whether the audit trail holds a save's entry: read from a recorded position, not from the start.

Why: a kill or a power cut can come between a document reaching its segment and its sign or
amend entry reaching the trail, and the marker that says which save was in flight is not
fsynced. Recovery must then write the missing entry without writing a second one for a save
that was audited. A save records where the current audit file ended when it began (in
``pending.json``), and a checkpoint records the same (every save after it appends its entry
after that point, under the folder lock), so recovery reads only what was appended since.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

from kiosk.store.audit import AuditTrail


def audit_position(trail: AuditTrail) -> list[int]:
    """[inode, size] of the trail's current file now ([0, 0] before its first entry)."""
    try:
        info = os.stat(trail.path)
    except FileNotFoundError:
        return [0, 0]
    return [info.st_ino, info.st_size]


def action_of(status: Any) -> str:
    """The audit action a save of a document with ``status`` writes."""
    return {"signed": "sign", "amended": "amend"}.get(str(status), "create")


def audited_since(trail: AuditTrail, position: Any) -> set[tuple[str, str]]:
    """(action, encounter id) of every entry appended since ``position``.

    Only the bytes appended since ``position`` are read: in the file it names and in every
    file after it (a rotation renames the current file; its inode stays). [0, 0] (no file
    then) reads every file; no position, or one naming no file any more, the current file.
    """
    files = trail.files()
    start, offset = max(len(files) - 1, 0), 0
    if position == [0, 0]:
        start = 0
    elif isinstance(position, list) and len(position) == 2:
        for number, path in enumerate(files):
            try:
                if os.stat(path).st_ino == position[0]:
                    start, offset = number, int(position[1])
                    break
            except FileNotFoundError:
                continue
    found: set[tuple[str, str]] = set()
    for number, path in enumerate(files[start:]):
        try:
            with open(path, "rb") as handle:
                handle.seek(offset if number == 0 else 0)
                raw = handle.read()
        except FileNotFoundError:
            continue
        for line in raw.splitlines():
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(entry, dict):
                detail = str(entry.get("detail", ""))
                found.add((str(entry.get("action")), detail.split(" ", 1)[0]))
    return found


def audited(trail: AuditTrail, position: Any, action: str, encounter_id: str) -> bool:
    """The trail holds ``action``'s entry for ``encounter_id`` after ``position``."""
    return (action, encounter_id) in audited_since(trail, position)


RECOVERED = "(recorded after an interruption)"
"""The end of the detail of an entry recovery writes for a save it found unaudited."""


def record_missing(trail: AuditTrail, docs: list[dict[str, Any]], since: Any) -> int:
    """Write the sign/amend entry of each stored document the trail lacks since ``since``
    (a cut between a segment and its entry); return how many were written."""
    if not docs:
        return 0
    done = audited_since(trail, since)
    written = 0
    for doc in docs:
        action, encounter_id = action_of(doc.get("status")), str(doc["id"])
        if (action, encounter_id) not in done:
            staff = str(doc.get("staff_id") or "kiosk")
            detail = f"{encounter_id} {RECOVERED}"
            trail.append(action, staff=staff, patient_id=doc["patient"]["id"], detail=detail)
            written += 1
    return written
