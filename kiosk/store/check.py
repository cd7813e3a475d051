"""``kiosk check``'s engine: verify a data folder and, when asked, repair what can be rebuilt.

Why: the partitions are the truth and the indexes are derived from them, so an index that lags
(a save cut short, a power cut) can always be rebuilt. Damaged files, loose permissions and a
broken audit chain are reported in plain words; only ``repair=True`` changes anything, always
under the folder lock, and a damaged file is moved aside, never written over.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.store.audit_verify import verify_audit
from kiosk.store.encounters import EncounterStore
from kiosk.store.files import DIR_MODE, FILE_MODE, AtomicJSONStorage, DamagedFileError
from kiosk.store.index import Entry, Index, _lines
from kiosk.store.layout import is_temp_name
from kiosk.store.partitions import TABLE
from kiosk.store.recovery import rebuild_directory


@dataclass
class CheckReport:
    encounters: int = 0
    files: int = 0
    audit_entries: int = 0
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(data_dir: Path, *, repair: bool = False, staff: str = "admin") -> CheckReport:
    """Verify (and with ``repair`` fix) a data folder.

    A check reads every segment without holding the folder lock, so kiosks keep saving while it
    runs (it reads the whole history); what looks inconsistent is re-checked under the lock, so
    a save in flight is not reported. A repair holds the lock throughout: kiosks wait.
    """
    report = CheckReport()
    store = EncounterStore(data_dir, staff_id=staff)  # finishes an interrupted save
    try:
        lock = store.folder.lock
        with lock if repair else contextlib.nullcontext():
            report.repaired += store.folder.repaired  # by the open: a power cut's leftovers
            report.problems += [p for p in store.problems if p not in store.folder.repaired]
            _check_modes(data_dir, report, repair)
            entries, amendments, patients = _scan_partitions(store, report, repair)
            report.encounters = len(entries)
            suspects = _compare_index(store, entries)
            if suspects and not repair:
                with lock:
                    suspects = [s for s in suspects if _still_wrong(store, s)]
            report.problems += [_describe(s) for s in suspects]
            if suspects and repair:
                store.index.rebuild(entries.values(), amendments)
                report.repaired.append("Rebuilt the indexes from the encounter files.")
            if repair:
                if rebuild_directory(store.folder, patients):
                    report.repaired.append("Added missing patients to the patient directory.")
                store.recovery.checkpoint()
            verdict = verify_audit(data_dir)
            report.audit_entries = verdict.entries
            report.problems += verdict.findings
        store.audit.append("repair" if repair else "check", staff=staff, detail=_summary(report))
    finally:
        store.close()
    if repair:  # what was repaired is no longer a problem
        report.problems = [p for p in report.problems if not _repairable(p)]
    return report


def _summary(report: CheckReport) -> str:
    return f"{len(report.problems)} problem(s), {len(report.repaired)} repair(s)"


def _repairable(problem: str) -> bool:
    return problem.startswith(("Index:", "Permissions:", "Leftover"))


def _check_modes(data_dir: Path, report: CheckReport, repair: bool) -> None:
    for root, dirs, files in os.walk(data_dir):
        for name, want in [(d, DIR_MODE) for d in dirs] + [(f, FILE_MODE) for f in files]:
            path = Path(root) / name
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode & 0o077:
                report.problems.append(f"Permissions: {path} is mode {mode:o}, want {want:o}.")
                if repair:
                    os.chmod(path, want)
                    report.repaired.append(f"Set {path} to mode {want:o}.")
            young = time.time() - path.lstat().st_mtime < 60  # maybe a write in progress
            if is_temp_name(name) and not young:
                report.problems.append(f"Leftover temporary file {path} (an interrupted write).")
                if repair:
                    path.unlink()
                    report.repaired.append(f"Removed {path}.")


def _scan_partitions(
    store: EncounterStore, report: CheckReport, repair: bool
) -> tuple[dict[str, Entry], list[tuple[str, str]], dict[str, dict[str, Any]]]:
    entries: dict[str, Entry] = {}
    amendments: list[tuple[str, str]] = []
    patients: dict[str, dict[str, Any]] = {}
    for day in store.partitions.days():
        for partition in store.partitions.segments(day):
            report.files += 1
            path = store.partitions.path(partition)
            try:
                data = AtomicJSONStorage(path).read() or {}
            except DamagedFileError as error:
                report.problems.append(f"Damaged file {path}: {error}")
                if repair:
                    moved = store.partitions.quarantine(path)
                    report.repaired.append(f"Moved {path.name} aside as {moved.name}.")
                continue
            for doc in data.get(TABLE, {}).values():
                pid = doc["patient"]["id"]
                entries[doc["id"]] = Entry(
                    doc["id"], pid, partition, doc["started_at"], doc["version"], doc["status"]
                )
                patients[pid] = doc["patient"]
                if doc.get("amends"):
                    amendments.append((doc["amends"], doc["id"]))
    return entries, amendments, patients


Suspect = tuple[str, Entry]
"""(kind, entry): "unindexed", "dangling", "no-patient-line" or "extra-patient-line"."""


def _compare_index(store: EncounterStore, entries: dict[str, Entry]) -> list[Suspect]:
    """Index lines that disagree with the partitions (read after them: index lines go first)."""
    indexed: dict[str, tuple[str, str]] = {}
    for path in Index.shards(store.index.ids):
        for line in _lines(path):
            if line[0] == "+":
                indexed[line[1]] = (line[2], line[3])
            else:
                indexed.pop(line[1], None)
    suspects: list[Suspect] = []
    for eid, entry in entries.items():
        if indexed.get(eid) != (entry.partition, entry.patient_id):
            suspects.append(("unindexed", entry))
    for eid in indexed.keys() - entries.keys():
        partition, pid = indexed[eid]
        suspects.append(("dangling", Entry(eid, pid, partition, "", 0, "")))
    by_patient: set[tuple[str, str]] = set()
    for path in Index.shards(store.index.patients):
        for line in _lines(path):
            key = (line[1], line[2])
            (by_patient.add if line[0] == "+" else by_patient.discard)(key)
    for entry in entries.values():
        if (entry.patient_id, entry.id) not in by_patient:
            suspects.append(("no-patient-line", entry))
    for pid, eid in by_patient - {(e.patient_id, e.id) for e in entries.values()}:
        suspects.append(("extra-patient-line", Entry(eid, pid, "", "", 0, "")))
    return suspects


def _still_wrong(store: EncounterStore, suspect: Suspect) -> bool:
    """Re-check one suspect under the lock (a save may have been in flight during the scan)."""
    kind, entry = suspect
    if kind == "unindexed":
        return store.index.lookup(entry.id) != (entry.partition, entry.patient_id)
    if kind == "no-patient-line":
        return entry.id not in {e.id for e in store.index.for_patient(entry.patient_id)}
    if kind == "dangling":
        return store.index.lookup(entry.id) is not None and store.folder.find_json(entry.id) is None
    live = {e.id for e in store.index.for_patient(entry.patient_id)}
    return entry.id in live and store.folder.find_json(entry.id) is None


def _describe(suspect: Suspect) -> str:
    kind, entry = suspect
    return {
        "unindexed": f"Index: encounter {entry.id} is stored but not indexed correctly.",
        "dangling": f"Index: encounter {entry.id} is indexed but not stored (an unfinished save).",
        "no-patient-line": f"Index: encounter {entry.id} is missing from the patient index.",
        "extra-patient-line": f"Index: the patient index lists {entry.id}, which is not stored.",
    }[kind]
