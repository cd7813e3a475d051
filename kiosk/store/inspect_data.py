"""``kiosk check``, part two: segments, their checksums, the derived logs, audit coverage.

Only reads. The segments are the truth: each is parsed, each document's checksum recomputed
(kiosk.store.checksums); a segment that fails either is a ``SegmentDamage`` with what is still
readable in it. Everything derived from the segments is then compared with them: the id and
patient indexes, the amendment log (without it a superseded version shows as current), the
patient directory (without it search finds nobody). The audit trail's side is in
kiosk.store.inspect_audit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, get_args

import orjson

from kiosk.models.base import EncounterStatus
from kiosk.store.checksums import SumCheck, check_sums, read_sums
from kiosk.store.findings import Aside, Findings, Progress, SegmentDamage, entry_of_doc, listed
from kiosk.store.framing import read_from, scan_bytes
from kiosk.store.index import Entry
from kiosk.store.layout import Layout
from kiosk.store.partitions import HEADS, TABLE, Partitions, salvage
from kiosk.store.shards import shard_of


class Pass:
    """What the first pass keeps of every sound document: one sum per shard of each side,
    so memory stays that of 256 numbers whatever the store holds (see inspect_scope)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = defaultdict(int)
        """id shard -> the sum of ``hash((id, partition, patient))`` of its entries."""
        self.pairs: dict[str, int] = defaultdict(int)
        """patient shard -> the sum of ``hash((patient, id))``."""
        self.stored: dict[str, int] = defaultdict(int)
        """id shard -> the sum of ``hash(id)`` of stored documents no bulk load covers."""


def segments_of(
    layout: Layout, days: Iterable[str], progress: Progress
) -> Iterator[tuple[str, Path, bytes | OSError]]:
    """(partition, path, its bytes or the error reading it) of every live segment of ``days``."""
    partitions = Partitions(layout)
    for day in days:
        for partition in partitions.segments(day):
            path = partitions.path(partition)
            try:
                yield partition, path, path.read_bytes()
            except OSError as error:
                yield partition, path, error
        progress.advance()


def sound_docs(raw: bytes) -> dict[str, dict[str, Any]] | None:
    """The documents of a sound segment whose sums match (None: damaged, see pass one)."""
    docs, _, reason = parse_segment(raw)
    verdict = check_sums(docs, read_sums(raw))
    return verdict.good if reason is None and not verdict.changed else None


def inspect_segments(
    layout: Layout,
    found: Findings,
    aside_paths: list[Path],
    bulk: set[str],
    days: list[str],
    progress: Progress,
) -> Pass:
    """Pass one: read every live segment of ``days`` (checksums, damage, what each document
    must have) and the ones moved aside; return the sums of what they hold.

    ``bulk``: the hashes of bulk loads' start entries (a document whose stored head names one
    needs no entry of its own)."""
    sums = Pass()
    asides = [_read_aside(path) for path in aside_paths]
    wanted = {str(d.get("id")) for _, verdict in asides for d in verdict.good.values()}
    seen: set[str] = set()
    unsummed = 0
    progress.start("encounter files", len(days))
    for partition, path, raw in segments_of(layout, days, progress):
        found.files += 1
        if isinstance(raw, OSError):
            found.problem(f"encounters/{partition}.json cannot be read ({raw.strerror}).")
            continue
        docs, heads, reason = parse_segment(raw)
        verdict = check_sums(docs, read_sums(raw))
        unsummed += verdict.unsummed
        if verdict.unsummed and reason is None:
            found.unsummed.append(partition)
        for key, doc in {**verdict.good, **verdict.changed}.items():
            eid = str(doc.get("id"))
            found.encounters += 1
            if eid in wanted:
                seen.add(eid)
            head = heads.get(key)
            found.note_head(head, partition)
            if isinstance(head, dict) and head.get("hash") in bulk:
                continue
            sums.stored[shard_of(eid)] += hash(eid)
        if reason is None and not verdict.changed:
            _note_docs(found, sums, verdict.good.values(), partition)
            continue
        if reason is not None:
            heads = Partitions(layout).read_heads(partition)  # its first line may be intact
            for value in heads.values():
                found.note_head(value, partition)
        if reason is None:
            reason = f"{len(verdict.changed)} document(s) do not match their checksum"
        damage = SegmentDamage(
            partition,
            path,
            reason,
            verdict.good,
            verdict.changed,
            {k: v for k, v in heads.items() if k in verdict.good},
            [],
        )
        found.damaged.append(damage)
        damage.at = len(found.problems)  # its words go here once the index says what it held
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
    for path, verdict in asides:
        _inspect_aside(path, verdict, seen, found)
    return sums


def damage_problems(found: Findings) -> None:
    """The words of each damaged segment, where pass one met it (the index pass filled in
    what the index places in it)."""
    for damage in reversed(found.damaged):
        found.problems.insert(damage.at, _damage_words(damage))


def parse_segment(raw: bytes) -> tuple[dict[str, dict[str, Any]], dict[str, Any], str | None]:
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


def _read_aside(path: Path) -> tuple[Path, SumCheck]:
    try:
        raw = path.read_bytes()
    except OSError:
        return path, SumCheck()
    return path, check_sums(salvage(raw), read_sums(raw))


def _inspect_aside(path: Path, verdict: SumCheck, stored: set[str], found: Findings) -> None:
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


def _note_docs(found: Findings, sums: Pass, docs: Iterable[dict[str, Any]], partition: str) -> None:
    for doc in docs:
        entry = entry_of_doc(doc, partition) if _looks_valid(doc) else None
        if entry is None:
            found.invalid.append(str(doc.get("id")))
            continue
        sums.ids[shard_of(entry.id)] += hash((entry.id, partition, entry.patient_id))
        sums.pairs[shard_of(entry.patient_id)] += hash((entry.patient_id, entry.id))
        found.patients.add(entry.patient_id)
        if doc.get("amends"):
            found.amendments.append((str(doc["amends"]), entry.id))


def valid_entry(doc: dict[str, Any], partition: str) -> Entry | None:
    """The entry of a sound document that reads as an encounter (None: reported apart)."""
    return entry_of_doc(doc, partition) if _looks_valid(doc) else None


def log_lines(path: Path, found: Findings, shown: str) -> list[Any]:
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


def stale(found: Findings, words: str) -> None:
    found.racy = True  # a save in flight writes its index lines before its segment
    found.index_stale = True
    found.problem(f"Index: {words}. --repair rebuilds the indexes from the encounter files.")


def inspect_logs(layout: Layout, found: Findings) -> None:
    """The amendment log and the directory against the segments; damaged index lines."""
    _inspect_amendments(layout, found)
    _inspect_directory(layout, found)
    if found.damaged_logs:
        lines = sum(found.damaged_logs.values())
        found.problem(
            f"Index: {lines} damaged line(s) in {len(found.damaged_logs)} index file(s) "
            f"({listed(found.damaged_logs)}): --repair rebuilds the indexes from the "
            "encounter files."
        )


def _inspect_amendments(layout: Layout, found: Findings) -> None:
    have = {
        (str(line[0]), str(line[1]))
        for line in log_lines(layout.amendments, found, "index/amendments.log")
        if isinstance(line, list) and len(line) == 2
    }
    missing = [pair for pair in found.amendments if pair not in have]
    if missing:
        gone = "is missing" if not layout.amendments.exists() else "lacks some links"
        stale(
            found,
            f"index/amendments.log {gone}: {len(missing)} amended visit(s) "
            f"({listed(old for old, _ in missing)}) would show and export their superseded "
            "version as current",
        )


def _inspect_directory(layout: Layout, found: Findings) -> None:
    known = {
        str(p["id"])
        for p in log_lines(layout.directory, found, "index/directory.log")
        if isinstance(p, dict) and "id" in p
    }
    missing = found.patients - known
    if missing:
        gone = "is missing" if not layout.directory.exists() else "lacks some patients"
        stale(
            found,
            f"the patient directory (index/directory.log) {gone}: "
            f"{len(missing)} patient(s) with stored visits cannot be found by search",
        )


__all__ = [
    "Pass",
    "damage_problems",
    "inspect_logs",
    "inspect_segments",
    "log_lines",
    "parse_segment",
    "segments_of",
    "sound_docs",
    "stale",
    "valid_entry",
]
