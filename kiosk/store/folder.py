"""The one object every part of the encounter store shares: a data folder, opened.

Why: the writer, the queries, the drafts and reboot recovery each need the folder's files, its
cross-process lock, who is acting, where to note damage, and a way to read a stored document
that copes with a damaged segment. They get exactly that from a ``Folder`` and nothing else,
so none of them reaches into ``EncounterStore`` (which only composes them) and no import goes
back up to it.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.store.audit import AuditTrail
from kiosk.store.checksums import check_sums, read_sums
from kiosk.store.files import (
    DamagedFileError,
    ProcessLock,
    make_private_dir,
    os_error_message,
)
from kiosk.store.files import tightened as tightened_mode
from kiosk.store.index import Index
from kiosk.store.layout import Layout
from kiosk.store.outbox import Outbox
from kiosk.store.partitions import Docs, Partitions, salvage

log = logging.getLogger("kiosk.store")

EXPORTABLE = ("signed", "amended")
"""Statuses of a finished record: what is exported, amended and carried forward."""


def _loose(path: Path) -> bool:
    try:
        return bool(path.lstat().st_mode & 0o077)
    except FileNotFoundError:
        return False


def _tighten_tree(root: Path) -> tuple[list[str], list[str]]:
    """Take every access for others off every path under ``root``: (tightened, failed),
    each as paths relative to ``root``."""
    tightened: list[str] = []
    failed: list[str] = []
    _tighten(root, root, tightened, failed)
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in dirs + files:
            _tighten(here / name, root, tightened, failed)
    return tightened, failed


def _tighten(path: Path, root: Path, tightened: list[str], failed: list[str]) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o077:
        return
    shown = path.relative_to(root).as_posix() if path != root else str(root)
    try:
        os.chmod(path, tightened_mode(info.st_mode & 0o7777, is_dir=stat.S_ISDIR(info.st_mode)))
    except OSError:
        failed.append(shown)
        return
    tightened.append(shown)


class Folder:
    """A data folder's layout, lock, segments, indexes and audit trail, plus who is acting."""

    def __init__(self, data_dir: Path | str, *, actor: str | None = None) -> None:
        self.layout = Layout(data_dir)
        self.data_dir = self.layout.root
        self.actor = actor
        self.purpose = ""
        """Why this store reads records ("intake", "export"): the reason a view records when
        its caller gives none."""
        self.problems: list[str] = []
        """Plain-language notes about damage or loose permissions found while working."""
        self.repaired: list[str] = []
        """The notes among ``problems`` that say what was repaired (``kiosk check`` lists them)."""
        self.suspect: set[str] = set()
        """Partitions the open-time check found damaged, left for the first read to salvage
        (so a reader such as ``kiosk export`` still sees the damage as its own problem)."""
        self.lost: set[str] = set()
        """Ids of encounters found unreadable in a damaged segment (``find_json`` says so)."""
        try:
            make_private_dir(self.data_dir)
        except OSError as error:
            raise StoreError(
                f"The data folder {self.data_dir} cannot be created: {error.strerror}."
            ) from error
        self.partitions = Partitions(self.layout)
        self.index = Index(self.layout)
        self.audit = AuditTrail(self.data_dir)
        self.outbox = Outbox(self.layout)
        self.lock = ProcessLock(self.layout.store_lock)
        self._logged_elsewhere = False
        """A look was recorded in the system log (a read-only folder): said once."""
        self._check_modes()

    def writable(self) -> bool:
        return os.access(self.data_dir, os.W_OK)

    def _check_modes(self) -> None:
        """Say so if another user owns the folder; tighten every path others could read.

        A folder made by the kiosk is 0700 throughout, so the quick look (the folder, its
        entries, the index files and the day folders: a few hundred stats) finds nothing and
        nothing more is read. A copied or unpacked folder (0755/0644) is tightened whole:
        files to 0600, folders to 0700, never adding a write bit a read-only copy lacks. If a
        path cannot be tightened the folder is refused: PHI must not stay readable.
        """
        root = self.data_dir
        try:
            self._tighten_or_refuse(root)
        except OSError as error:
            raise StoreError(
                f"The data folder {root} cannot be read ({error.strerror}): run the kiosk as "
                "the user who owns it."
            ) from None

    def _tighten_or_refuse(self, root: Path) -> None:
        owner = root.stat().st_uid
        if owner != os.geteuid():
            self.problem(
                f"The data folder {root} belongs to another user (uid {owner}), not to the "
                f"user running the kiosk (uid {os.geteuid()})."
            )
        if not any(_loose(p) for p in self._quick_paths()):
            return
        tightened, failed = _tighten_tree(root)
        if failed:
            raise StoreError(
                f"The data folder {root} is readable by others and {len(failed)} path(s) in "
                f"it cannot be made private (for instance {failed[0]}): run the kiosk as the "
                "folder's owner, or fix it with `chmod -R go-rwx`."
            )
        if tightened:
            self.repaired_note(
                f"{len(tightened)} path(s) in the data folder were readable by others (for "
                f"instance {tightened[0]}); set to owner-only (files 600, folders 700)."
            )

    def _quick_paths(self) -> list[Path]:
        paths = [self.data_dir]
        for folder in (self.data_dir, self.layout.index, self.layout.encounters):
            try:
                paths += [folder / name for name in os.listdir(folder)]
            except FileNotFoundError:
                continue
        return paths

    # ------------------------------------------------------------------ who and what

    def problem(self, message: str) -> None:
        self.problems.append(message)
        log.warning("%s", message)

    def repaired_note(self, message: str) -> None:
        """A repair made while working: a problem note and an audit entry (no patient data)."""
        self.repaired.append(message)
        self.problem(message)
        try:
            self.audit.append("repair", staff=self.actor or "kiosk", detail=message)
        except (OSError, StoreError):
            log.warning("Could not record a repair in the audit trail.")

    def who(self, staff: str | None, *, required: bool = True) -> str:
        who = staff or self.actor
        if not who and required:
            raise StoreError(
                "Nobody is signed in: every look at a record is logged with a staff id."
            )
        return who or ""

    def record(
        self,
        action: str,
        staff: str,
        patient_id: str | None,
        detail: str,
        *,
        reason: str | None = None,
        patients: Sequence[str] = (),
    ) -> None:
        """One audit entry (views are not fsynced one by one: see ``AuditTrail.append``).

        A view records why (``reason``, else this store's ``purpose``, else "unstated") and the
        patients a list showed."""
        why = reason or self.purpose or ("unstated" if action == "view" else "")
        try:
            self.audit.append(
                action,
                staff=staff,
                patient_id=patient_id,
                detail=detail,
                sync=action != "view",
                reason=why,
                patients=patients,
            )
        except (StoreError, OSError) as error:
            if self.writable():  # a full disk, a damaged trail: no look without its entry
                if isinstance(error, StoreError):
                    raise
                raise StoreError(os_error_message(error, "the audit entry")) from error
            self._to_system_log(action, staff, patient_id, why, len(patients))

    def _to_system_log(
        self, action: str, staff: str, patient_id: str | None, why: str, listed: int
    ) -> None:
        """A read-only copy (a backup) cannot grow its trail: the look goes to the system log
        (LOG_AUTH), the patient as a SHA-256 of the MRN (an auditor hashes the MRN to find it;
        the log itself names nobody), and the private log says so once."""
        import hashlib
        import syslog

        who = hashlib.sha256(patient_id.encode()).hexdigest()[:16] if patient_id else "-"
        syslog.openlog("kiosk-audit", 0, syslog.LOG_AUTH)
        syslog.syslog(
            syslog.LOG_NOTICE,
            f"{action} in read-only {self.data_dir} by {staff} ({why}): patient sha256:{who}, "
            f"{listed} listed",
        )
        if not self._logged_elsewhere:
            self._logged_elsewhere = True
            log.warning(
                "The data folder %s is read-only: looks at patient data are recorded in the "
                "system log (kiosk-audit), not in its audit trail.",
                self.data_dir,
            )

    # ------------------------------------------------------------------ reading documents

    def read_docs(self, partition: str, *, strict: bool = True) -> Docs | None:
        """A segment's documents; a damaged one is moved aside (re-checked under the lock) and
        what is intact in it written back, so one torn document does not hide fifteen."""
        try:
            return self.partitions.read(partition)
        except DamagedFileError as error:
            if not self.writable():  # a read-only copy: read what is intact, move nothing
                return self._read_intact(partition, error)
        with self.lock:
            try:
                return self.partitions.read(partition)
            except DamagedFileError as error:
                return self._salvage(partition, error, strict=strict)

    def _read_intact(self, partition: str, error: DamagedFileError) -> Docs | None:
        raw = error.path.read_bytes()
        kept = check_sums(salvage(raw), read_sums(raw)).good
        message = (
            f"A damaged data file ({partition}) in this read-only folder: {len(kept)} "
            "encounter(s) in it were read; see `kiosk check`."
        )
        if message not in self.problems:
            self.problem(message)
        return kept or None

    def _salvage(self, partition: str, error: DamagedFileError, *, strict: bool) -> Docs | None:
        self.suspect.discard(partition)
        moved = self.partitions.quarantine(error.path)
        raw = moved.read_bytes()
        kept = check_sums(salvage(raw), read_sums(raw)).good  # a changed one stays aside
        if kept:
            self.partitions.write(partition, kept)
        ids = {str(d["id"]) for d in kept.values()}
        lost = [(e, p) for e, p in self.index.entries_in(partition) if e not in ids]
        for encounter_id, patient_id in lost:
            self.index.void(encounter_id, patient_id)
        self.lost |= {e for e, _ in lost}
        message = (
            f"A damaged data file ({partition}) was moved aside as {moved.name}; "
            f"{len(kept)} encounter(s) in it were kept"
        )
        if lost:
            message += (
                f", {len(lost)} could not be read ({', '.join(e for e, _ in lost)}). "
                "Restore that file from backup and run `kiosk check --repair`"
            )
        self.repaired_note(message + ".")
        if strict and not kept:
            raise StoreError(message) from error
        return kept or None

    def find(self, encounter_id: str) -> dict[str, Any] | None:
        raw = self.find_json(encounter_id)
        return None if raw is None else dict(orjson.loads(raw))

    def find_json(
        self, encounter_id: str, partition: str | None = None, *, strict: bool = True
    ) -> bytes | None:
        """One stored document's JSON: the fast single-line read, else a full segment read."""
        if partition is None:
            where = self.index.lookup(encounter_id)
            if where is None:
                if strict and encounter_id in self.lost:
                    raise StoreError(
                        f"Encounter {encounter_id} was in a damaged data file and cannot be "
                        "read: see `kiosk check`."
                    )
                return None
            partition = where[0]
        raw = self.partitions.read_one(partition, encounter_id)
        if raw is not None:
            return raw
        docs = self.read_docs(partition, strict=strict) or {}
        doc = next((d for d in docs.values() if d.get("id") == encounter_id), None)
        if doc is None and strict and encounter_id in self.lost:
            raise StoreError(
                f"Encounter {encounter_id} was in a damaged data file and cannot be read: "
                "see `kiosk check`."
            )
        return None if doc is None else orjson.dumps(doc)

    def salvage_suspects(self) -> None:
        """Salvage the damaged segments the open-time check found (before an exact count)."""
        for partition in sorted(self.suspect):
            self.read_docs(partition, strict=False)

    def live_amendments(self) -> dict[str, str]:
        """old id -> new id, only where the new version really was saved."""
        return {old: new for old, new in self.index.amendments().items() if self.index.lookup(new)}

    def close(self) -> None:
        self.lock.close()
