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
from pathlib import Path

from kiosk.errors import StoreError
from kiosk.store.audit_verify import verify_audit
from kiosk.store.files import look_lock
from kiosk.store.findings import Findings
from kiosk.store.inspect_audit import inspect_audit
from kiosk.store.inspect_data import inspect_index, inspect_segments
from kiosk.store.inspect_files import check_small_files, walk
from kiosk.store.layout import Layout


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


def inspect(data_dir: Path) -> Findings:
    """Everything wrong with ``data_dir``, read without writing (see the module doc)."""
    layout = Layout(data_dir)
    found = Findings()
    try:
        by_kind = walk(layout, found)
        check_small_files(layout, by_kind, found)
        aside = [p for p in by_kind.get("quarantined", []) if p.parent.parent == layout.encounters]
        stored = inspect_segments(layout, found, aside)
        inspect_index(layout, found)
        inspect_audit(layout, found, stored)
        verdict = verify_audit(data_dir)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise StoreError(
            f"The data folder {data_dir} cannot be read{where}: {error.strerror}. Run the "
            "check as the kiosk's user."
        ) from None
    found.audit_entries = verdict.entries
    found.problems += verdict.findings
    return found


def check_store(data_dir: Path, *, repair: bool = False, staff: str = "admin") -> CheckReport:
    """Verify (and with ``repair`` fix) a data folder; see the module doc."""
    data_dir = Path(data_dir)
    if not repair:
        found = inspect(data_dir)
        if found.racy:  # maybe a save in flight: look again while no kiosk is saving
            with look_lock(Layout(data_dir).store_lock):
                found = inspect(data_dir)
        return _report(found)
    return _repair(data_dir, staff)


def _repair(data_dir: Path, staff: str) -> CheckReport:
    from kiosk.store.encounters import EncounterStore
    from kiosk.store.repair import repair

    store = EncounterStore(data_dir, staff_id=staff)  # finishes an interrupted save
    try:
        with store.folder.lock:
            done = list(store.folder.repaired)  # by the open: a power cut's leftovers
            done += repair(store, inspect(data_dir), staff)
            after = inspect(data_dir)
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
