"""``kiosk check``, part two: segments, their checksums, the derived logs, audit coverage.

Only reads. The segments are the truth: each is parsed, each document's checksum recomputed
(kiosk.store.checksums); a segment that fails either is a ``SegmentDamage`` with what is still
readable in it. Everything derived from the segments is then compared with them: the id and
patient indexes, the amendment log (without it a superseded version shows as current), the
patient directory (without it search finds nobody). The audit trail's side is in
kiosk.store.inspect_audit.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

import orjson

from kiosk.models.base import EncounterStatus
from kiosk.store.checksums import check_sums, read_sums
from kiosk.store.findings import Aside, Findings, SegmentDamage, entry_of_doc, listed
from kiosk.store.framing import read_from, scan_bytes
from kiosk.store.layout import Layout
from kiosk.store.partitions import HEADS, TABLE, Partitions, salvage


def inspect_segments(layout: Layout, found: Findings, aside_paths: list[Path]) -> set[str]:
    """Read every live segment and every one moved aside; return the ids of stored documents
    (readable ones in damaged segments included)."""
    partitions = Partitions(layout)
    indexed = _indexed_by_partition(layout, found)
    stored: set[str] = set()
    unsummed = 0
    for day in partitions.days():
        for partition in partitions.segments(day):
            found.files += 1
            path = partitions.path(partition)
            try:
                raw = path.read_bytes()
            except OSError as error:
                found.problem(f"encounters/{partition}.json cannot be read ({error.strerror}).")
                continue
            docs, heads, reason = _parse(raw)
            sums = read_sums(raw)
            verdict = check_sums(docs, sums)
            unsummed += verdict.unsummed
            if verdict.unsummed and reason is None:
                found.unsummed.append(partition)
            for key, doc in {**verdict.good, **verdict.changed}.items():
                stored.add(str(doc.get("id")))
                head = heads.get(key)
                if isinstance(head, dict) and isinstance(head.get("hash"), str):
                    found.head_hashes[str(doc.get("id"))] = head["hash"]
            if reason is None and not verdict.changed:
                _note_docs(found, verdict.good.values(), partition)
                continue
            if reason is not None:
                heads = partitions.read_heads(partition)  # its first line may be intact
            if reason is None:
                reason = f"{len(verdict.changed)} document(s) do not match their checksum"
            damage = SegmentDamage(
                partition,
                path,
                reason,
                verdict.good,
                verdict.changed,
                {k: v for k, v in heads.items() if k in verdict.good},
                indexed.get(partition, []),
            )
            found.damaged.append(damage)
            found.problem(_damage_words(damage))
    if found.invalid:
        found.problem(
            f"{len(found.invalid)} stored document(s) do not read as an encounter "
            f"({listed(found.invalid)}: a status, version or patient that is not one): the "
            "kiosk leaves them out. They were stored so (their checksum matches): restore "
            "them from a backup."
        )
    if unsummed:
        found.notes.append(
            f"{unsummed} encounter(s) in {len(found.unsummed)} file(s) were stored before "
            "checksums were kept: a change to them cannot be told. --repair adds their "
            "checksums (after this check found the files sound)."
        )
    found.encounters = len(stored)
    for path in aside_paths:
        _inspect_aside(path, stored, found)
    return stored


def _parse(raw: bytes) -> tuple[dict[str, dict[str, Any]], dict[str, Any], str | None]:
    """(documents, audit heads, None) of a sound segment; (salvaged documents, heads, why)
    of a damaged one."""
    if not raw.strip(b"\0 \n"):
        return {}, {}, "empty" if not raw else "zero-filled"
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return salvage(raw), {}, "not valid JSON, probably truncated or overwritten"
    table = data.get(TABLE) if isinstance(data, dict) else None
    if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
        return salvage(raw), {}, "not an encounter file"
    heads = data.get(HEADS)
    return table, heads if isinstance(heads, dict) else {}, None


def _damage_words(damage: SegmentDamage) -> str:
    readable = {str(d.get("id")) for d in damage.readable.values()}
    changed = {str(d.get("id")) for d in damage.changed.values()}
    lost = set(damage.indexed) - readable - changed
    words = (
        f"Damaged file encounters/{damage.partition}.json ({damage.reason}): "
        f"{len(readable)} encounter(s) in it are intact"
    )
    if changed:
        words += f"; {len(changed)} changed since they were saved ({listed(changed)})"
    if lost:
        words += f"; {len(lost)} cannot be read ({listed(lost)})"
    return (
        words + ". --repair moves the file aside (kept as it is) and puts the intact ones "
        "back; restore the rest from a backup."
    )


def _inspect_aside(path: Path, stored: set[str], found: Findings) -> None:
    try:
        raw = path.read_bytes()
    except OSError:
        return
    verdict = check_sums(salvage(raw), read_sums(raw))
    missing = {k: d for k, d in verdict.good.items() if str(d.get("id")) not in stored}
    day = path.parent.name
    aside = Aside(path, day, verdict.good, missing)
    found.aside.append(aside)
    shown = f"encounters/{day}/{path.name}"
    kept = len(verdict.good) - len(missing)
    found.notes.append(
        f"{shown}: a damaged file kept aside; {kept} intact encounter(s) from it are in the "
        f"store, {len(verdict.changed)} changed since they were saved (not restored)."
    )
    if missing:
        found.problem(
            f"{len(missing)} intact encounter(s) in {shown} are not in the store "
            f"({listed(str(d.get('id')) for d in missing.values())}): --repair puts them back."
        )


_STATUSES = frozenset(get_args(EncounterStatus))


def _looks_valid(doc: dict[str, Any]) -> bool:
    """The fields the store and every list rely on (a full validation of every document
    would double the check's time; a reader skips and reports what fails it)."""
    patient = doc.get("patient")
    version = doc.get("version")
    return (
        isinstance(doc.get("id"), str)
        and doc.get("status") in _STATUSES
        and isinstance(version, int)
        and version >= 1
        and isinstance(doc.get("started_at"), str)
        and isinstance(doc.get("staff_id"), str)
        and isinstance(patient, dict)
        and isinstance(patient.get("id"), str)
    )


def _note_docs(found: Findings, docs: Iterable[dict[str, Any]], partition: str) -> None:
    for doc in docs:
        entry = entry_of_doc(doc, partition) if _looks_valid(doc) else None
        if entry is None:
            found.invalid.append(str(doc.get("id")))
            continue
        found.entries[entry.id] = entry
        found.patients[entry.patient_id] = doc["patient"]
        if doc.get("amends"):
            found.amendments.append((str(doc["amends"]), entry.id))


def _log(path: Path, found: Findings, shown: str) -> list[Any]:
    """The good lines of an index log; damaged ones are a problem (a torn last line may be
    an append in progress: looked at again under the lock)."""
    scan = scan_bytes(read_from(path))
    lines = []
    for payload in scan.payloads:
        try:
            parsed = orjson.loads(payload)
        except orjson.JSONDecodeError:
            scan.bad += 1
            continue
        lines.append(parsed)
    if scan.torn_tail:
        found.racy = True
    if scan.bad or scan.torn_tail:
        found.index_stale = True
        found.damaged_logs[shown] = scan.bad + scan.torn_tail
    return lines


def _live_ids(layout: Layout, found: Findings) -> dict[str, tuple[str, str]]:
    """id -> (partition, patient) of the id index (read once; damaged lines noted)."""
    if found.indexed is None:
        live: dict[str, tuple[str, str]] = {}
        for line in _shard_lines(layout.ids, found):
            if line[0] == "+" and len(line) >= 4:
                live[str(line[1])] = (str(line[2]), str(line[3]))
            elif line[0] == "-" and len(line) >= 2:
                live.pop(str(line[1]), None)
        found.indexed = live
    return found.indexed


def _indexed_by_partition(layout: Layout, found: Findings) -> dict[str, list[str]]:
    by_partition: dict[str, list[str]] = {}
    for eid, (partition, _) in _live_ids(layout, found).items():
        by_partition.setdefault(partition, []).append(eid)
    return by_partition


def _shard_lines(folder: Path, found: Findings) -> list[list[Any]]:
    from kiosk.store.index import Index

    lines: list[list[Any]] = []
    for path in Index.shards(folder):
        shown = f"index/{folder.name}/{path.name}"
        lines += [p for p in _log(path, found, shown) if isinstance(p, list) and p]
    return lines


def inspect_index(layout: Layout, found: Findings) -> None:
    """Compare the id index, the patient index, the amendment log and the directory with the
    sound segments (damaged ones are reported on their own)."""
    damaged = {d.partition for d in found.damaged}
    indexed = _live_ids(layout, found)
    entries = found.entries
    invalid = set(found.invalid)  # stored, reported on their own; the index may name them
    wrong = [e for e in entries.values() if indexed.get(e.id) != (e.partition, e.patient_id)]
    dangling = [
        i
        for i, (p, _) in indexed.items()
        if i not in entries and i not in invalid and p not in damaged
    ]
    by_patient: set[tuple[str, str]] = set()
    for line in _shard_lines(layout.patients, found):
        if len(line) >= 3:
            key = (str(line[1]), str(line[2]))
            (by_patient.add if line[0] == "+" else by_patient.discard)(key)
    unlisted = [e for e in entries.values() if (e.patient_id, e.id) not in by_patient]
    wanted = {(e.patient_id, e.id) for e in entries.values()}
    extra = [
        k
        for k in by_patient - wanted
        if k[1] not in entries and k[1] not in invalid and not _in(k[1], indexed, damaged)
    ]
    if wrong:
        _stale(
            found,
            f"{len(wrong)} stored encounter(s) are missing from the id index "
            f"or indexed wrongly ({listed(e.id for e in wrong)})",
        )
    if dangling:
        _stale(
            found,
            f"{len(dangling)} encounter(s) are indexed but not stored "
            f"({listed(dangling)}): a save cut short, or a lost file",
        )
    if unlisted:
        _stale(
            found,
            f"{len(unlisted)} stored encounter(s) are missing from the patient "
            f"index ({listed(e.id for e in unlisted)}): their patient's history lacks them",
        )
    if extra:
        _stale(
            found,
            f"the patient index lists {len(extra)} encounter(s) that are not "
            f"stored ({listed(k[1] for k in extra)})",
        )
    _inspect_amendments(layout, found)
    _inspect_directory(layout, found)
    if found.damaged_logs:
        lines = sum(found.damaged_logs.values())
        found.problem(
            f"Index: {lines} damaged line(s) in {len(found.damaged_logs)} index file(s) "
            f"({listed(found.damaged_logs)}): --repair rebuilds the indexes from the "
            "encounter files."
        )


def _in(eid: str, indexed: dict[str, tuple[str, str]], damaged: set[str]) -> bool:
    return eid in indexed and indexed[eid][0] in damaged


def _stale(found: Findings, words: str) -> None:
    found.racy = True  # a save in flight writes its index lines before its segment
    found.index_stale = True
    found.problem(f"Index: {words}. --repair rebuilds the indexes from the encounter files.")


def _inspect_amendments(layout: Layout, found: Findings) -> None:
    have = {
        (str(line[0]), str(line[1]))
        for line in _log(layout.amendments, found, "index/amendments.log")
        if isinstance(line, list) and len(line) == 2
    }
    missing = [pair for pair in found.amendments if pair not in have]
    if missing:
        gone = "is missing" if not layout.amendments.exists() else "lacks some links"
        _stale(
            found,
            f"index/amendments.log {gone}: {len(missing)} amended visit(s) "
            f"({listed(old for old, _ in missing)}) would show and export their superseded "
            "version as current",
        )


def _inspect_directory(layout: Layout, found: Findings) -> None:
    known = {
        str(p["id"])
        for p in _log(layout.directory, found, "index/directory.log")
        if isinstance(p, dict) and "id" in p
    }
    missing = found.patients.keys() - known
    if missing:
        gone = "is missing" if not layout.directory.exists() else "lacks some patients"
        _stale(
            found,
            f"the patient directory (index/directory.log) {gone}: "
            f"{len(missing)} patient(s) with stored visits cannot be found by search",
        )


__all__ = ["inspect_index", "inspect_segments"]
