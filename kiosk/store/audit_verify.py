"""``kiosk audit verify``'s engine: the chain, and the chain against every anchor of its head.

Why: the chain alone (kiosk.store.audit_chain) shows an entry changed, removed or moved inside
it, but not entries cut from the end, nor a whole trail deleted. The anchors (kiosk.store.
anchors) record the head the trail had: the head file, the head stored with every encounter
and draft, and anchors outside the host where one can be read back. A trail shorter than an
anchor lost its tail; an entry whose hash differs from the one an anchor recorded was rewritten.

The anchors are read before the trail: entries are only ever added, so a trail read after an
anchor is never shorter than it unless entries were removed. Findings are plain sentences, one
per finding, naming entry numbers and files only (never patient data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.store.anchors import Head, UnreadableAnchorError
from kiosk.store.audit import AuditTrail
from kiosk.store.audit_chain import VerifyResult
from kiosk.store.drafts import draft_heads
from kiosk.store.layout import Layout
from kiosk.store.partitions import Partitions


@dataclass(frozen=True)
class Anchored:
    """A head one anchor recorded, and the anchor in plain words."""

    head: Head
    source: str


@dataclass
class AuditReport:
    """What ``verify_audit`` found: the chain's verdict, the anchors compared, the findings."""

    chain: VerifyResult
    anchors: list[Anchored] = field(default_factory=list)
    encounter_files: int = 0
    unreadable: list[str] = field(default_factory=list)
    """Anchors that exist but hold no head (plain words)."""
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def entries(self) -> int:
        return self.chain.entries


def verify_audit(
    data_dir: Path | str, *, heads: tuple[list[Anchored], int] | None = None
) -> AuditReport:
    """Verify the trail of ``data_dir`` against its anchors (reads; never writes).

    ``heads``: the newest head stored with an encounter and how many encounter files were
    read, when the caller read them already (``kiosk check``); the drafts' are read here.
    A finding is looked at once more before it is reported: a rotation between listing the
    trail's files and reading them can make one read see a gap that is not there.
    """
    report = _verify(Path(data_dir), heads)
    return report if report.ok else _verify(Path(data_dir), None)


def _verify(data_dir: Path, heads: tuple[list[Anchored], int] | None) -> AuditReport:
    trail = AuditTrail(data_dir)
    paths = trail.layout
    report = AuditReport(chain=VerifyResult(True, 0, ""))
    head_file_present = trail.head_file.path.exists()
    for anchor in trail.anchors():
        try:
            head = anchor.recorded()
        except UnreadableAnchorError as error:
            report.unreadable.append(str(error))
            continue
        if head is not None:
            report.anchors.append(Anchored(head, anchor.name))
    if heads is None:
        records, report.encounter_files = _record_heads(paths)
    else:
        records, report.encounter_files = list(heads[0]), heads[1]
        drafts = max(draft_heads(paths), key=lambda h: h.count, default=None)
        if drafts is not None:
            records.append(Anchored(drafts, "a draft"))
    report.anchors += records
    files = trail.files()
    report.chain = trail.verify(wanted={a.head.count for a in report.anchors})
    report.findings = _findings(report, files, head_file_present, bool(records), trail)
    return report


def _record_heads(paths: Layout) -> tuple[list[Anchored], int]:
    """The newest head stored with an encounter and with a draft; how many encounter files."""
    partitions = Partitions(paths)
    newest: tuple[Head, str] | None = None
    files = 0
    for day in partitions.days():
        for partition in partitions.segments(day):
            files += 1
            for value in partitions.read_heads(partition).values():
                head = Head.from_json(value)
                if head is not None and (newest is None or head.count > newest[0].count):
                    newest = (head, f"the encounter file {partition}")
    found = [Anchored(*newest)] if newest else []
    drafts = max(draft_heads(paths), key=lambda h: h.count, default=None)
    if drafts is not None:
        found.append(Anchored(drafts, "a draft"))
    return found, files


def _findings(
    report: AuditReport,
    files: list[Path],
    head_file_present: bool,
    records_have_heads: bool,
    trail: AuditTrail,
) -> list[str]:
    chain = report.chain
    findings: list[str] = []
    if chain.last_seq == 0:  # no entry at all: every anchor would say the same, say it once
        evidence = [f"{a.source} recorded {a.head.count} entries" for a in report.anchors]
        if report.encounter_files:
            evidence.insert(0, f"{report.encounter_files} encounter files exist")
        what = "empty" if chain.ok else "unreadable"
        what = "missing entirely (no audit file)" if not files else what
        if evidence:
            return [f"The audit trail is {what}, but {_and(evidence)}."]
        if not files:
            return [f"{name[0].upper()}{name[1:]}." for name in report.unreadable]
    if not chain.ok:
        findings.append(
            f"The audit trail is broken at entry {chain.broken_seq} (line {chain.broken_line})"
            f" in {chain.broken_file}: {chain.reason}."
        )
    for anchored in report.anchors:
        finding = _compare(anchored, chain)
        if finding:
            findings.append(finding)
    for name in report.unreadable:
        findings.append(
            f"{name[0].upper()}{name[1:]}: the end of the trail cannot be checked against it."
        )
    if not head_file_present and records_have_heads:
        findings.append(
            f"The head file {trail.head_file.path.name} is missing: entries may have been "
            "removed from the end of the trail."
        )
    return findings


def _compare(anchored: Anchored, chain: VerifyResult) -> str:
    """Why the trail disagrees with one anchor ("" when it does not)."""
    count, source = anchored.head.count, anchored.source
    if count == 0:
        return ""
    if count > chain.last_seq:
        ends = f"at entry {chain.last_seq}" if chain.last_seq else "with no readable entry"
        return (
            f"At least {count - chain.last_seq} entries are missing at the end of the audit "
            f"trail: {source} recorded entry {count}, the trail ends {ends}."
        )
    recorded = chain.hashes.get(count)
    if recorded is None:
        return f"Entry {count}, which {source} recorded, is not in the audit trail."
    if recorded != anchored.head.hash:
        return (
            f"Entry {count} is not the entry {source} recorded: the audit trail was rewritten "
            f"up to entry {count} or later."
        )
    return ""


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


__all__ = ["Anchored", "AuditReport", "verify_audit"]
