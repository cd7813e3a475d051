"""``kiosk check``, part four: the id and patient indexes against the segments, in bounded memory.

Why sums: holding every id of a million encounters (the segments', the index's, the audit
trail's) took over a gigabyte. Pass one (kiosk.store.inspect_data) sums, per top shard, what
the segments say each index must hold; here each index is read one top shard at a time (a few
thousand lines at a million encounters) and summed the same way (``hash`` of a tuple, the same
in both passes of one process). A shard whose sums agree holds what it must: a missing, extra
or changed line changes its sum. Only the shards that disagree are compared line by line
(``compare``), in a second pass over the segments that keeps only their entries: memory is
that of the damage, not of the store. ``--since`` compares line by line from the start, within
the days it reads (its ``Scope.partitions``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kiosk.store.checksums import check_sums, read_sums
from kiosk.store.findings import Findings, Progress, entry_of_doc, listed
from kiosk.store.framing import read_from, scan_bytes
from kiosk.store.index import Entry
from kiosk.store.inspect_data import (
    Pass,
    log_lines,
    parse_segment,
    segments_of,
    stale,
    valid_entry,
)
from kiosk.store.layout import Layout
from kiosk.store.partitions import Partitions
from kiosk.store.shards import leaf, logs, shard_of

Pair = tuple[str, str]
"""(patient id, encounter id): one line of the patient index."""


@dataclass
class Scope:
    """What ``compare`` looks at line by line."""

    ids: set[str] = field(default_factory=set)
    """Top shards of the id index whose sums disagree."""
    pairs: set[str] = field(default_factory=set)
    """Top shards of the patient index whose sums disagree."""
    audit: set[str] = field(default_factory=set)
    """Id shards whose stored and audited ids disagree (kiosk.store.inspect_audit)."""
    partitions: set[str] | None = None
    """``--since``: every entry of these partitions (None: the shards above)."""

    def __bool__(self) -> bool:
        return bool(self.ids or self.pairs or self.audit) or self.partitions is not None


def _groups(folder: Path) -> Iterator[tuple[str, list[Path]]]:
    """(top shard, its live logs) of ``ids/`` or ``patients/``."""
    by_top: dict[str, list[Path]] = defaultdict(list)
    for path in logs(folder):
        by_top[path.relative_to(folder).parts[0][:2]].append(path)
    yield from sorted(by_top.items())


def _lines(paths: list[Path], found: Findings | None, folder: Path) -> Iterator[list[Any]]:
    """Parsed lines of one top shard's logs; damage is noted in ``found`` (pass one only)."""
    for path in paths:
        if found is not None:
            shown = f"index/{folder.name}/{path.relative_to(folder).as_posix()}"
            lines = log_lines(path, found, shown)
        else:
            lines = []
            for payload in scan_bytes(read_from(path)).payloads:
                try:
                    lines.append(orjson.loads(payload))
                except orjson.JSONDecodeError:
                    continue
        yield from (line for line in lines if isinstance(line, list) and line)


def _live_ids(paths: list[Path], found: Findings | None, folder: Path) -> dict[str, Pair]:
    live: dict[str, Pair] = {}
    for line in _lines(paths, found, folder):
        if line[0] == "+" and len(line) >= 4:
            live[str(line[1])] = (str(line[2]), str(line[3]))
        elif line[0] == "-" and len(line) >= 2:
            live.pop(str(line[1]), None)
    return live


def _live_pairs(paths: list[Path], found: Findings | None, folder: Path) -> dict[Pair, str]:
    """(patient, id) -> the partition its line names ("" if none)."""
    live: dict[Pair, str] = {}
    for line in _lines(paths, found, folder):
        if len(line) >= 3:
            key = (str(line[1]), str(line[2]))
            if line[0] == "+":
                live[key] = str(line[6]) if len(line) > 6 else ""
            else:
                live.pop(key, None)
    return live


@dataclass
class Side:
    """What ``compare`` compares: the entries in scope (from a second pass over the
    segments) and the index lines in scope."""

    entries: dict[str, Entry] = field(default_factory=dict)
    """Sound entries whose id is in scope."""
    pairs: dict[Pair, Entry] = field(default_factory=dict)
    """Sound entries whose patient is in scope."""
    stored: dict[str, tuple[Entry | None, bool]] = field(default_factory=dict)
    """Stored ids in the audit scope -> (their entry if sound or intact, covered by a bulk
    load)."""
    indexed: dict[str, Pair] = field(default_factory=dict)
    """Id index lines in scope: id -> (partition, patient)."""
    listed: dict[Pair, str] = field(default_factory=dict)
    """Patient index lines in scope -> the partition each names."""


def second_pass(
    layout: Layout,
    found: Findings,
    scope: Scope,
    bulk: set[str],
    days: list[str],
    progress: Progress,
) -> Side:
    """The segments' side of what ``scope`` covers (the index's: ``index_pass``)."""
    side = Side()
    within = scope.partitions
    progress.start("comparing", len(days))
    for partition, _, raw in segments_of(layout, days, progress):
        if isinstance(raw, OSError):
            continue
        docs, heads, reason = parse_segment(raw)
        verdict = check_sums(docs, read_sums(raw))
        sound = reason is None and not verdict.changed
        for key, doc in {**verdict.good, **verdict.changed}.items():
            eid = str(doc.get("id"))
            entry = valid_entry(doc, partition) if sound else None
            if entry is not None:
                if within is not None or shard_of(eid) in scope.ids:
                    side.entries[eid] = entry
                if within is not None or shard_of(entry.patient_id) in scope.pairs:
                    side.pairs[(entry.patient_id, eid)] = entry
            if within is not None or shard_of(eid) in scope.audit:
                head = heads.get(key)
                covered = isinstance(head, dict) and head.get("hash") in bulk
                if not sound and key in verdict.good:
                    entry = entry_of_doc(doc, partition)
                side.stored[eid] = (entry, covered)
    return side


def index_pass(
    layout: Layout,
    found: Findings,
    sums: Pass,
    progress: Progress,
    side: Side | None = None,
    within: set[str] | frozenset[str] = frozenset(),
) -> Scope:
    """Read both indexes shard by shard; return the shards whose sums disagree. Fills in
    what the index places in each damaged segment, and notes damaged lines. With ``side``
    (``--since``: its scope read first), keeps the lines in that scope in it."""
    damaged = {d.partition: d for d in found.damaged}
    invalid = set(found.invalid)
    scope = Scope()
    progress.start("indexes", 512)
    seen: set[str] = set()
    for top, paths in _groups(layout.ids):
        seen.add(top)
        total = 0
        live = _live_ids(paths, found, layout.ids)
        for eid, (partition, pid) in live.items():
            if partition in damaged:
                damaged[partition].indexed.append(eid)
            elif eid not in invalid:
                total += hash((eid, partition, pid))
        if total != sums.ids.get(top, 0):
            scope.ids.add(top)
        if side is not None:
            side.indexed |= {e: w for e, w in live.items() if e in side.entries or w[0] in within}
        progress.advance()
    scope.ids |= {top for top, total in sums.ids.items() if total and top not in seen}
    seen.clear()
    for top, paths in _groups(layout.patients):
        seen.add(top)
        pairs = _live_pairs(paths, found, layout.patients)
        total = sum(hash(k) for k, p in pairs.items() if k[1] not in invalid and p not in damaged)
        if total != sums.pairs.get(top, 0):
            scope.pairs.add(top)
        if side is not None:
            side.listed |= {k: p for k, p in pairs.items() if k in side.pairs or p in within}
        progress.advance()
    scope.pairs |= {top for top, total in sums.pairs.items() if total and top not in seen}
    return scope


def collect(layout: Layout, scope: Scope, side: Side) -> None:
    """The index lines of the shards in ``scope`` (after pass one), into ``side``."""
    for top, paths in _groups(layout.ids):
        if top in scope.ids:
            side.indexed |= _live_ids(paths, None, layout.ids)
    for top, paths in _groups(layout.patients):
        if top in scope.pairs:
            side.listed |= _live_pairs(paths, None, layout.patients)


def compare(found: Findings, side: Side, within: set[str] | None, layout: Layout) -> None:
    """The index problems of what ``side`` holds, found line by line (see the module doc)."""
    damaged = {d.partition for d in found.damaged}
    invalid = set(found.invalid)
    entries, indexed, listed_pairs = side.entries, side.indexed, side.listed
    wrong = [e for e in entries.values() if indexed.get(e.id) != (e.partition, e.patient_id)]
    dangling = [
        i
        for i, (p, _) in indexed.items()
        if i not in entries
        and i not in invalid
        and p not in damaged
        and (within is None or p in within)
    ]
    unlisted = [e for k, e in side.pairs.items() if k not in listed_pairs]
    extra = [
        k
        for k in listed_pairs.keys() - side.pairs.keys()
        if k[1] not in invalid and k[1] not in entries and not is_stored(layout, k[1], damaged)
    ]
    if wrong:
        stale(
            found,
            f"{len(wrong)} stored encounter(s) are missing from the id index "
            f"or indexed wrongly ({listed(e.id for e in wrong)})",
        )
    if dangling:
        stale(
            found,
            f"{len(dangling)} encounter(s) are indexed but not stored "
            f"({listed(dangling)}): a save cut short, or a lost file",
        )
    if unlisted:
        stale(
            found,
            f"{len(unlisted)} stored encounter(s) are missing from the patient "
            f"index ({listed(e.id for e in unlisted)}): their patient's history lacks them",
        )
    if extra:
        stale(
            found,
            f"the patient index lists {len(extra)} encounter(s) that are not "
            f"stored ({listed(k[1] for k in extra)})",
        )


def is_stored(layout: Layout, eid: str, damaged: set[str]) -> bool:
    """Where the id index places ``eid``: in a damaged segment (reported on its own), or in
    a segment that holds it."""
    indexed = _live_ids([leaf(layout.ids, eid)], None, layout.ids).get(eid)
    if indexed is None:
        return False
    if indexed[0] in damaged:
        return True
    return Partitions(layout).read_one(indexed[0], eid) is not None


__all__ = ["Pair", "Scope", "Side", "collect", "compare", "index_pass", "is_stored", "second_pass"]
