"""What ``kiosk check`` found in a data folder: plain-language lines and the facts behind them.

Why facts beside the words: the same inspection serves the report and ``--repair``, which needs
to know which segment to salvage, which path to tighten, which draft to move aside. The
inspection only reads (kiosk.store.inspect_files, inspect_data, inspect_audit); the repair
(kiosk.store.repair) acts on these facts and then the folder is inspected again, so the report
after a repair is what a plain check would say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.store.anchors import Head
from kiosk.store.index import Entry
from kiosk.store.progress import Progress

Docs = dict[str, dict[str, Any]]
_SHOWN = 10


def listed(ids: Iterable[str]) -> str:
    """The first ids, sorted, and how many more (a report stays readable after a big loss)."""
    names = sorted(ids)
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more


def entry_of_doc(doc: dict[str, Any], partition: str) -> Entry | None:
    """The index entry of a stored document; None if it lacks what an entry needs."""
    try:
        pid = str(doc["patient"]["id"])
        return Entry(
            str(doc["id"]), pid, partition, doc["started_at"], doc["version"], doc["status"]
        )
    except (KeyError, TypeError):
        return None


@dataclass
class SegmentDamage:
    """A live segment that cannot be trusted whole: unparseable, or a document fails its sum."""

    partition: str
    path: Path
    reason: str
    readable: Docs
    """Documents intact in it (each matches its checksum, or the file kept none)."""
    changed: Docs
    """Documents that parse but do not match their checksum: changed since they were saved."""
    heads: Docs
    indexed: list[str]
    """Ids the index places in this segment (what it should hold)."""
    at: int = 0
    """Where its words go among the problems (they need the index, read after it)."""


@dataclass
class Aside:
    """A damaged segment moved aside earlier (``<NNNN>.json.corrupt-<time>``)."""

    path: Path
    day: str
    readable: Docs
    missing: Docs
    """Readable documents of it that are not in the store: ``--repair`` puts them back."""


@dataclass
class Findings:
    """Everything one inspection saw (see the module doc)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Information that needs no action (documents kept before checksums, salvaged files)."""
    encounters: int = 0
    files: int = 0
    audit_entries: int = 0
    racy: bool = False
    """Something a save in flight could explain: look again under the folder lock."""
    loose: list[tuple[Path, int, int]] = field(default_factory=list)
    """(path, mode, wanted mode) of paths others may read."""
    foreign: list[tuple[str, int]] = field(default_factory=list)
    """(path, owner uid) of paths another user owns."""
    leftovers: list[Path] = field(default_factory=list)
    links: list[Path] = field(default_factory=list)
    damaged: list[SegmentDamage] = field(default_factory=list)
    aside: list[Aside] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    """Ids of stored documents that do not read as an encounter (a status that is not one)."""
    unsummed: list[str] = field(default_factory=list)
    """Sound segments written before checksums were kept (a repair adds them)."""
    bad_files: list[Path] = field(default_factory=list)
    """Damaged drafts and schedules: moved aside by a repair (the bytes are kept)."""
    pending_damaged: bool = False
    damaged_logs: dict[str, int] = field(default_factory=dict)
    """Index logs holding lines that fail their check -> how many."""
    index_stale: bool = False
    """An index, the amendment log or the directory disagrees with the segments: rebuild."""
    unaudited: list[Entry] = field(default_factory=list)
    """Stored documents without their sign/amend/create entry in the audit trail."""
    newest_head: tuple[Head, str] | None = None
    """The newest audit head stored beside a document (an anchor), and its partition."""
    amendments: list[tuple[str, str]] = field(default_factory=list)
    patients: set[str] = field(default_factory=set)
    """Ids of the patients with a sound stored document."""

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def note_head(self, value: object, partition: str) -> None:
        """An audit head stored beside a document: keep the newest (an anchor)."""
        head = Head.from_json(value)
        newest = self.newest_head
        if head is not None and (newest is None or head.count > newest[0].count):
            self.newest_head = (head, partition)


__all__ = ["Aside", "Findings", "Progress", "SegmentDamage", "entry_of_doc", "listed"]
