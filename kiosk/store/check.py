"""``kiosk check``'s engine: verify every file of a data folder; with ``repair``, fix and salvage.

Why: a failing disk, a power cut or a person with a text editor can damage any file the folder
holds, and a damaged file must be found, reported and (where anything is left) salvaged, never
silently dropped. So:

- A check only reads (kiosk.store.inspect_files, kiosk.store.inspect_data, the audit chain's
  own verifier): it changes no byte, no mode, no name, and records no audit entry (it shows
  no patient data), so it also works on a read-only copy. It reads while kiosks keep saving;
  what a save in flight could explain is looked at again under the folder lock (taken on a
  read-only descriptor).
- A repair (kiosk.store.repair) opens the store, holds the folder lock throughout, acts on
  what the inspection found, records one audit entry, and inspects again: its report is what
  a plain check would now say, so it lists what was salvaged and what is still lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from kiosk.errors import StoreError
from kiosk.store.audit_verify import Anchored, verify_audit
from kiosk.store.files import look_lock
from kiosk.store.findings import Findings, Progress
from kiosk.store.inspect_audit import (
    audit_shards,
    compare_audit,
    read_trail,
    staff_file_gone,
)
from kiosk.store.inspect_data import damage_problems, inspect_logs, inspect_segments
from kiosk.store.inspect_files import check_small_files, walk
from kiosk.store.inspect_index import (
    Scope,
    Side,
    collect,
    compare,
    index_pass,
    is_stored,
    second_pass,
)
from kiosk.store.layout import Layout
from kiosk.store.partitions import Partitions
from kiosk.store.shards import shard_of


@dataclass
class CheckReport:
    encounters: int = 0
    files: int = 0
    audit_entries: int = 0
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Information that needs no action (files kept aside, documents without checksums)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def inspect(
    data_dir: Path, *, since: date | None = None, progress: Progress | None = None
) -> Findings:
    """Everything wrong with ``data_dir``, read without writing (see the module doc).

    ``since``: only the encounter files of that day on, and of older days whose folder
    changed since (an amendment is stored with its visit's day), each compared exactly with
    the indexes and the audit trail; the indexes, the trail and the small files are read
    whole."""
    layout = Layout(data_dir)
    found = Findings()
    progress = progress or Progress()
    try:
        days = _days(layout, since)
        by_kind = walk(layout, found, None if since is None else set(days))
        check_small_files(layout, by_kind, found)
        aside = [
            p
            for p in by_kind.get("quarantined", [])
            if p.parent.parent == layout.encounters and p.parent.name in days
        ]
        if since is None:
            _whole(layout, found, aside, days, progress)
        else:
            _recent(layout, found, aside, days, since, progress)
        newest = found.newest_head
        heads = [Anchored(newest[0], f"the encounter file {newest[1]}")] if newest else []
        verdict = verify_audit(data_dir, heads=(heads, found.files))
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise StoreError(
            f"The data folder {data_dir} cannot be read{where}: {error.strerror}. Run the "
            "check as the kiosk's user."
        ) from None
    finally:
        progress.finish()
    found.audit_entries = verdict.entries
    found.problems += verdict.findings
    return found


def _days(layout: Layout, since: date | None) -> list[str]:
    """Every day folder, or (``since``) those of that day on and those changed since."""
    days = Partitions(layout).days()
    if since is None:
        return days
    start = datetime.combine(since, time(), tzinfo=UTC).timestamp()
    first = since.isoformat()
    return [d for d in days if d >= first or layout.day_folder(d).stat().st_mtime >= start]


def _whole(
    layout: Layout, found: Findings, aside: list[Path], days: list[str], progress: Progress
) -> None:
    """Every segment, index line and audit entry, by sums; what disagrees, exactly."""
    trail = read_trail(layout)
    sums = inspect_segments(layout, found, aside, trail.bulk, days, progress)
    scope = index_pass(layout, found, sums, progress)
    damage_problems(found)
    scope.audit = audit_shards(trail, sums.stored)
    side = Side()
    if scope:
        side = second_pass(layout, found, scope, trail.bulk, days, progress)
        collect(layout, scope, side)
        compare(found, side, None, layout)
    inspect_logs(layout, found)
    if scope.audit:
        exact = read_trail(layout, lambda eid, _: shard_of(eid) in scope.audit, sums=False)
        exact.bulk_total = trail.bulk_total
        compare_audit(found, exact, side.stored, exact.recorded)
    staff_file_gone(layout, found, trail)


def _recent(
    layout: Layout,
    found: Findings,
    aside: list[Path],
    days: list[str],
    since: date,
    progress: Progress,
) -> None:
    """The segments of ``days`` exactly against the indexes and the trail (``--since``)."""
    bulk = read_trail(layout, sums=False)
    sums = inspect_segments(layout, found, aside, bulk.bulk, days, progress)
    partitions = Partitions(layout)
    within = {p for day in days for p in partitions.segments(day)}
    scope = Scope(partitions=within)
    side = second_pass(layout, found, scope, bulk.bulk, days, progress)
    index_pass(layout, found, sums, progress, side, within)
    damage_problems(found)
    compare(found, side, within, layout)
    inspect_logs(layout, found)
    first = since.isoformat()
    trail = read_trail(layout, lambda eid, at: eid in side.stored or at[:10] >= first, sums=False)
    trail.bulk_total = bulk.bulk_total
    damaged = {d.partition for d in found.damaged}
    recorded = {  # saved since, not among the files read: stored in an older day's file?
        e: w
        for e, w in trail.recorded.items()
        if e in side.stored or (w[-10:] >= first and not is_stored(layout, e, damaged))
    }
    compare_audit(found, trail, side.stored, recorded)
    staff_file_gone(layout, found, bulk)


def check_store(
    data_dir: Path,
    *,
    repair: bool = False,
    staff: str = "admin",
    since: date | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Verify (and with ``repair`` fix) a data folder; see the module doc and ``inspect``."""
    data_dir = Path(data_dir)
    if not repair:
        found = inspect(data_dir, since=since, progress=progress)
        if found.racy:  # maybe a save in flight: look again while no kiosk is saving
            with look_lock(Layout(data_dir).store_lock):
                found = inspect(data_dir, since=since, progress=progress)
        return _report(found)
    return _repair(data_dir, staff, since, progress)


def _repair(
    data_dir: Path, staff: str, since: date | None, progress: Progress | None
) -> CheckReport:
    from kiosk.store.encounters import EncounterStore
    from kiosk.store.repair import repair

    store = EncounterStore(data_dir, staff_id=staff)  # finishes an interrupted save
    try:
        with store.folder.lock:
            done = list(store.folder.repaired)  # by the open: a power cut's leftovers
            found = inspect(data_dir, since=since, progress=progress)
            done += repair(store, found, staff)
            after = inspect(data_dir, since=since, progress=progress)
        report = _report(after)
        report.repaired = done
        store.audit.append("repair", staff=staff, detail=_summary(report))
    except OSError as error:
        raise StoreError(f"The repair stopped: {error.strerror} ({error.filename}).") from None
    finally:
        store.close()
    return report


def _report(found: Findings) -> CheckReport:
    return CheckReport(
        encounters=found.encounters,
        files=found.files,
        audit_entries=found.audit_entries,
        problems=found.problems,
        notes=found.notes,
    )


def _summary(report: CheckReport) -> str:
    return f"{len(report.problems)} problem(s) left, {len(report.repaired)} repair(s)"


__all__ = ["CheckReport", "check_store", "inspect"]
