"""Loading stored documents for the queries: one that does not match the format is skipped.

Why: the day list, a patient's visits and the directory are read from files other tools (an
import, a restore, an intruder) or a failing disk may have changed inside valid JSON. One
document that no longer validates (a status that is not a status) used to make the whole day
list raise, so "Today's patients" was empty on every kiosk with nothing said, and ``get`` raised
pydantic's error, which quotes the stored values (patient data). Here such a document is left
out and said once, in plain words naming only the fields at fault (``store.problems`` and the
private log); everything else stays visible.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from pydantic import ValidationError

from kiosk.models import Encounter, Patient
from kiosk.store.folder import Folder

_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
"""An id shown in a note must look like one: a value in its place may be anything."""


def fields_at_fault(error: ValidationError, model: type[Encounter] | type[Patient]) -> str:
    """The top-level fields a validation error names: field names only, never a value."""
    names = [
        str(problem["loc"][0])
        for problem in error.errors(include_url=False, include_context=False, include_input=False)
        if problem["loc"] and str(problem["loc"][0]) in model.model_fields
    ]
    return ", ".join(dict.fromkeys(names)) or "its layout"


def invalid_fields(doc: Any) -> str | None:
    """Why a stored encounter document does not load (its fields at fault), None if it does.

    For ``kiosk check``, which reads every document: the rule the queries skip by."""
    try:
        Encounter.model_validate(doc)
    except ValidationError as error:
        return fields_at_fault(error, Encounter)
    return None


def _label(value: Any) -> str:
    return value if isinstance(value, str) and _SAFE_ID.match(value) else "(no readable id)"


class Loader:
    """Validates what the queries read, notes what does not load (see the module doc)."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.invalid: dict[str, str] = {}
        """Documents left out: encounter id (or ``patient <id>``) -> the note said."""

    def encounter(self, raw: bytes | dict[str, Any], where: str | None = None) -> Encounter | None:
        """The stored document as an Encounter; None (said once) if it does not load.

        ``where``: its partition, if the caller knows it (else the id index is asked)."""
        try:
            if isinstance(raw, bytes):
                return Encounter.model_validate_json(raw)
            return Encounter.model_validate(raw)
        except ValidationError as error:
            doc = _parsed(raw)
            label = _label(doc.get("id") if isinstance(doc, dict) else None)
            if where is None:
                found = self.folder.index.lookup(label)
                where = found[0] if found else "the data folder"
            self._note(
                label,
                f"Encounter {label} in {where} does not match the record format "
                f"({fields_at_fault(error, Encounter)}) and is not shown; every other record "
                "is. Run `kiosk check`.",
            )
            return None

    def patient(self, data: dict[str, Any]) -> Patient | None:
        """A directory entry as a Patient; None (said once) if it does not load."""
        try:
            return Patient.model_validate(data)
        except ValidationError as error:
            label = _label(data.get("id"))
            self._note(
                f"patient {label}",
                f"Patient {label} in the patient directory does not match the record format "
                f"({fields_at_fault(error, Patient)}) and is not shown; every other patient "
                "is. Run `kiosk check`.",
            )
            return None

    def note_of(self, encounter_id: str) -> str:
        """What was said about a document that did not load (for the error ``get`` raises)."""
        return self.invalid.get(
            encounter_id, "This record does not match the record format. Run `kiosk check`."
        )

    def _note(self, key: str, note: str) -> None:
        if self.invalid.get(key) != note:
            self.invalid[key] = note
            self.folder.problem(note)


def _parsed(raw: bytes | dict[str, Any]) -> Any:
    if not isinstance(raw, bytes):
        return raw
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
