"""Drafts: the encounter in progress, autosaved so a crash or dropped SSH loses one field at most.

One draft per (staff, room), each its own small file written atomically (0600): an autosave
costs one temp-file write and never touches signed encounters. The file name is a hash of the
key, so a directory listing shows no staff or room names. The first autosave of a draft and
every discard are audited; later autosaves are not (one per keystroke would drown the trail).
"""

from __future__ import annotations

import builtins
import hashlib
import os
from typing import TYPE_CHECKING

import orjson

from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.storage import fsync_dir, make_private_dir, os_error_message, write_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from kiosk.partitions import Partitions


class DraftsMixin:
    data_dir: Path
    actor: str | None
    partitions: Partitions

    if TYPE_CHECKING:

        def _problem(self, message: str) -> None: ...
        def _who(self, staff: str | None, *, required: bool = True) -> str: ...
        def _audit(self, action: str, staff: str, patient_id: str | None, detail: str) -> None: ...

    def _draft_path(self, staff_id: str, room: str) -> Path:
        key = hashlib.sha256(f"{staff_id}\0{room}".encode()).hexdigest()[:32]
        return self.data_dir / "drafts" / f"{key}.json"

    def save_draft(self, encounter: Encounter) -> None:
        """Autosave the draft of ``encounter.staff_id`` in ``encounter.room`` (replaces it)."""
        path = self._draft_path(encounter.staff_id, encounter.room)
        try:
            make_private_dir(path.parent)
            new = not path.exists()
            write_atomic(path, orjson.dumps(encounter.model_dump(mode="json")))
        except OSError as error:
            raise StoreError(os_error_message(error, "the draft")) from error
        if new:
            self._audit("save-draft", encounter.staff_id, encounter.patient.id, encounter.id)

    def load_draft(self, staff_id: str, room: str = "") -> Encounter | None:
        """The saved draft for (staff, room), or None. A damaged draft is moved aside."""
        path = self._draft_path(staff_id, room)
        try:
            return Encounter.model_validate(orjson.loads(path.read_bytes()))
        except FileNotFoundError:
            return None
        except (orjson.JSONDecodeError, ValueError):
            moved = self.partitions.quarantine(path)
            self._problem(f"A damaged draft was moved aside as {moved.name}.")
            return None

    def drafts_for(self, staff_id: str) -> builtins.list[Encounter]:
        """Every draft a staff member left, in any room (to offer resuming after sign-in)."""
        found: builtins.list[Encounter] = []
        folder = self.data_dir / "drafts"
        try:
            names = sorted(os.listdir(folder))
        except FileNotFoundError:
            return []
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                draft = Encounter.model_validate(orjson.loads((folder / name).read_bytes()))
            except (OSError, orjson.JSONDecodeError, ValueError):
                continue
            if draft.staff_id == staff_id:
                found.append(draft)
        return found

    def discard_draft(self, staff_id: str, room: str = "", *, staff: str | None = None) -> bool:
        """Delete the draft (after signing, or on purpose); True if there was one. Audited."""
        path = self._draft_path(staff_id, room)
        try:
            draft = orjson.loads(path.read_bytes())
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
        patient = draft.get("patient", {}).get("id") if isinstance(draft, dict) else None
        self._audit(
            "draft-discard", self._who(staff or staff_id), patient, str(draft.get("id", ""))
        )
        return True
