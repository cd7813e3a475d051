"""Drafts: the intakes in progress, one per (staff member, patient), each held by one terminal.

A draft is its own small file written atomically (0600), named by a hash of (staff, patient) so
a directory listing shows no names. An MA can leave several intakes open (one per patient) and
come back to any of them; opening another patient never touches the first one's draft. A draft
goes away only when it is signed or discarded on purpose (audited).

Two kiosks never write the same draft at once: the terminal that opens a draft *claims* it with
an exclusive ``flock`` on ``drafts/<key>.lock``, held until it leaves the intake, signs it or
signs out. The kernel drops the claim when the process dies (crash, kill, power cut, dropped
SSH), so a crashed kiosk's draft can be resumed at once. A second terminal signed in as the same
person (every SSH kiosk on one host shares the default room) sees the draft as open elsewhere
and cannot resume or overwrite it while the first one holds it.

The first autosave of a draft and every discard are audited; later autosaves are not (one per
keystroke would drown the trail). Each autosave records the audit chain's head beside the draft
(``{"audit_head": ..., "draft": ...}``; a bare draft from an earlier version still loads), so
the trail can never be shorter than what the newest draft saw (kiosk.store.anchors).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.store.anchors import Head
from kiosk.store.files import (
    claim,
    claimed_elsewhere,
    fsync_dir,
    make_private_dir,
    os_error_message,
    write_atomic,
)
from kiosk.store.folder import Folder
from kiosk.store.layout import Layout, draft_key, is_draft_name, is_temp_name

_HEAD_KEY, _DRAFT_KEY = "audit_head", "draft"


def encode_draft(draft: dict[str, Any], head: Head | None) -> bytes:
    """A draft file: the draft's JSON and the chain head when it was written, side by side."""
    if head is None:
        return orjson.dumps(draft)
    return orjson.dumps({_HEAD_KEY: head.to_json(), _DRAFT_KEY: draft})


def decode_draft(raw: bytes) -> tuple[Any, Head | None]:
    """(draft JSON, recorded head) of a draft file; orjson.JSONDecodeError if it is not JSON."""
    data = orjson.loads(raw)
    if isinstance(data, dict) and data.keys() == {_HEAD_KEY, _DRAFT_KEY}:
        return data[_DRAFT_KEY], Head.from_json(data[_HEAD_KEY])
    return data, None


def draft_heads(paths: Layout) -> Iterator[Head]:
    """The head recorded with each draft (for ``kiosk audit verify``); unreadable ones skipped."""
    try:
        names = os.listdir(paths.drafts)
    except FileNotFoundError:
        return
    for name in names:
        if not is_draft_name(name):
            continue
        try:
            _, head = decode_draft((paths.drafts / name).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if head is not None:
            yield head


def _temp_draft_key(name: str) -> str | None:
    """The draft key of a temp file an autosave writes (``.<key>.json.<pid>-<hex>.tmp``)."""
    if not is_temp_name(name):
        return None
    stem = name[1:].rsplit(".", 2)[0]  # "<key>.json"
    if not is_draft_name(stem):
        return None
    key = stem.removesuffix(".json")
    return key if key and "/" not in key and not key.startswith(".") else None


class DraftInUseError(StoreError):
    """The draft is open on another terminal (it holds the claim)."""

    def __init__(self) -> None:
        super().__init__(
            "This intake is open on another terminal. Leave it there first (Ctrl+E), "
            "or sign out there; then it can be resumed here."
        )


@dataclass(frozen=True, slots=True)
class DraftInfo:
    """One unfinished intake, as the patient list and the resume offer show it."""

    draft: Encounter
    saved_at: datetime
    """When it was last autosaved (the file's time), aware, UTC."""
    in_use: bool
    """Held by another terminal right now (cannot be resumed here until it lets go)."""


class Drafts:
    """The ``drafts/`` folder of a store and the drafts this store holds (its claims)."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.layout = folder.layout
        self._claims: dict[str, int] = {}
        """Draft key -> descriptor of the lock file this store holds (its open drafts)."""

    def _draft_path(self, staff_id: str, patient_id: str) -> Path:
        return self.layout.draft(draft_key(staff_id, patient_id))

    # ------------------------------------------------------------------ claims

    def claim_draft(self, staff_id: str, patient_id: str) -> bool:
        """Hold the draft of (staff, patient) for this terminal; False if another holds it.

        Claiming a draft this store already holds is a no-op (True). Another terminal's look
        at the patient list (``draft_in_use``) holds the lock for an instant: the claim waits
        a few milliseconds for it, never for a claim held by an open intake."""
        key = draft_key(staff_id, patient_id)
        if key in self._claims:
            return True
        try:
            make_private_dir(self.layout.drafts)
            fd = claim(self.layout.draft_lock(key))
        except OSError as error:
            raise StoreError(os_error_message(error, "the draft")) from error
        if fd is None:
            return False
        self._claims[key] = fd
        return True

    def holds_draft(self, staff_id: str, patient_id: str) -> bool:
        return draft_key(staff_id, patient_id) in self._claims

    def release_draft(self, staff_id: str, patient_id: str, *, remove: bool = False) -> None:
        """Let go of a draft this store holds (leaving the intake); idempotent."""
        key = draft_key(staff_id, patient_id)
        fd = self._claims.pop(key, None)
        if fd is None:
            return
        if remove:  # after a discard: no lock file is left behind (unlinked while held)
            with contextlib.suppress(OSError):
                os.unlink(self.layout.draft_lock(key))
        os.close(fd)  # closing drops the flock

    def release_drafts(self) -> None:
        """Let go of every draft this store holds (sign-out, lock take-over, close)."""
        for fd in self._claims.values():
            os.close(fd)
        self._claims.clear()

    def draft_in_use(self, staff_id: str, patient_id: str) -> bool:
        """Another terminal holds this draft now (this store's own claims do not count)."""
        key = draft_key(staff_id, patient_id)
        if key in self._claims:
            return False
        return claimed_elsewhere(self.layout.draft_lock(key))

    def remove_leftovers(self) -> int:
        """Remove the temp files of autosaves a kill interrupted (full drafts: PHI); return how
        many.

        Only the terminal holding a draft's claim writes it, so a draft's temp file whose claim
        this store can take belongs to no writer alive: it is removed while the claim is held.
        A claim held elsewhere (an autosave may be in progress) leaves its temp files alone.
        """
        folder = self.layout.drafts
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return 0
        by_key: dict[str, list[str]] = {}
        for name in names:
            key = _temp_draft_key(name)
            if key is not None:
                by_key.setdefault(key, []).append(name)
        removed = 0
        for key, temps in sorted(by_key.items()):
            if key in self._claims:
                continue
            lock = self.layout.draft_lock(key)
            existed = lock.exists()
            fd = claim(lock)
            if fd is None:
                continue
            try:
                for name in temps:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(folder / name)
                        removed += 1
                if not existed:  # leave no lock file this tidy-up made (unlinked while held)
                    with contextlib.suppress(OSError):
                        os.unlink(lock)
            finally:
                os.close(fd)
        if removed:
            fsync_dir(folder)
        return removed

    # ------------------------------------------------------------------ reading and writing

    def save_draft(self, encounter: Encounter) -> None:
        """Autosave the draft of (``encounter.staff_id``, its patient): replaces that one only.

        Claims the draft first; raises :class:`DraftInUseError` if another terminal holds it."""
        staff_id, patient_id = encounter.staff_id, encounter.patient.id
        if not self.claim_draft(staff_id, patient_id):
            raise DraftInUseError
        path = self._draft_path(staff_id, patient_id)
        try:
            new = not path.exists()
            head = self.folder.audit.record_head()
            write_atomic(path, encode_draft(encounter.model_dump(mode="json"), head))
        except OSError as error:
            raise StoreError(os_error_message(error, "the draft")) from error
        if new:
            self.folder.record("save-draft", staff_id, patient_id, encounter.id)

    def load_draft(
        self,
        staff_id: str,
        patient_id: str,
        *,
        staff: str | None = None,
        reason: str | None = None,
    ) -> Encounter | None:
        """The saved draft of (staff, patient), or None. A damaged draft is moved aside.
        Audited as a view (by ``staff``, else the actor, else the draft's owner)."""
        who = self.folder.who(staff or self.folder.actor or staff_id)
        path = self._draft_path(staff_id, patient_id)
        try:
            draft = Encounter.model_validate(decode_draft(path.read_bytes())[0])
        except FileNotFoundError:
            return None
        except (orjson.JSONDecodeError, ValueError):
            moved = self.folder.partitions.quarantine(path)
            self.folder.problem(f"A damaged draft was moved aside as {moved.name}.")
            return None
        self.folder.record("view", who, patient_id, f"draft {draft.id}", reason=reason)
        return draft

    def draft_infos(
        self, staff_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> list[DraftInfo]:
        """Every unfinished intake of a staff member (any room), newest save first. Audited
        as one view listing the patients (by ``staff``, else the actor, else the owner)."""
        who = self.folder.who(staff or self.folder.actor or staff_id)
        found = self.unaudited_infos(staff_id)
        shown = list(dict.fromkeys(info.draft.patient.id for info in found))
        self.folder.record("view", who, None, "drafts list", reason=reason, patients=shown)
        return found

    def unaudited_infos(self, staff_id: str) -> list[DraftInfo]:
        """:meth:`draft_infos` without its audit entry, for a caller that audits the list it
        is part of (the patient list, kiosk.store.queries)."""
        found: list[DraftInfo] = []
        folder = self.layout.drafts
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []
        for name in names:
            if not is_draft_name(name):
                continue
            path = folder / name
            try:
                raw = path.read_bytes()
                saved = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                draft = Encounter.model_validate(decode_draft(raw)[0])
            except (OSError, orjson.JSONDecodeError, ValueError):
                continue
            if draft.staff_id == staff_id:
                busy = self.draft_in_use(staff_id, draft.patient.id)
                found.append(DraftInfo(draft, saved, busy))
        found.sort(key=lambda info: (info.saved_at, info.draft.id), reverse=True)
        return found

    def drafts_for(
        self, staff_id: str, *, staff: str | None = None, reason: str | None = None
    ) -> list[Encounter]:
        """Every draft a staff member left, in any room, newest first (audited)."""
        return [info.draft for info in self.draft_infos(staff_id, staff=staff, reason=reason)]

    def discard_draft(self, staff_id: str, patient_id: str, *, staff: str | None = None) -> bool:
        """Delete the draft (after signing, or on purpose); True if there was one. Audited.

        Raises :class:`DraftInUseError` if another terminal holds it; the claim is let go."""
        if not self.claim_draft(staff_id, patient_id):
            raise DraftInUseError
        path = self._draft_path(staff_id, patient_id)
        try:
            try:
                draft = decode_draft(path.read_bytes())[0]
            except FileNotFoundError:
                return False
            except orjson.JSONDecodeError:
                draft = {}
            try:
                path.unlink()
                fsync_dir(path.parent)
            except FileNotFoundError:
                return False
            except OSError as error:
                raise StoreError(os_error_message(error, "the change")) from error
        finally:
            self.release_draft(staff_id, patient_id, remove=True)
        encounter_id = str(draft.get("id", "")) if isinstance(draft, dict) else ""
        who = self.folder.who(staff or staff_id)
        self.folder.record("draft-discard", who, patient_id, encounter_id)
        return True
