"""Demographics changed during the intake: a Patient update, or a task carrying the change.

The draft keeps the demographics as found (``patient_on_file``) beside the ones the intake
ends with (``patient``). When they differ, the clinic's ``patient_update`` setting decides:

* ``"task"`` (the default): the Patient stays a conditional create (the EHR owns
  demographics), and a ``Task`` (status requested, intent proposal, focus the Patient) lists
  each changed element with its new and old value in ``Task.input``, for the front office
  to apply;
* ``"update"``: the Patient entry becomes a conditional update, ``PUT
  Patient?identifier=<mrn system>|<mrn>``: the EHR's record is replaced by the kiosk's (or
  created when absent). Only for an EHR that lets the kiosk own what it shows.

A patient registered during the intake has nothing on file: it is created as before.
"""

from __future__ import annotations

from typing import Literal

from kiosk.export.observations import Context, Json

PatientUpdate = Literal["update", "task"]
TASK_SYSTEM = "urn:kiosk:request-kind"
FIELDS = {
    "family_name": "family name",
    "given_name": "given name",
    "middle_name": "middle name",
    "preferred_name": "preferred name",
    "birth_date": "date of birth",
    "sex": "sex",
    "phone": "phone",
    "address": "address",
    "emergency_contact": "emergency contact",
}
"""The demographics a FHIR Patient carries, and how a person names them."""


def _text(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v)
    return "" if value is None else str(value)


def patient_changes(doc: Json) -> list[tuple[str, str, str]]:
    """(element, new, old) for every demographic the intake changed; [] when none or when
    nothing was on file."""
    before = doc.get("patient_on_file")
    if not before:
        return []
    after = doc["patient"]
    return [
        (label, _text(after.get(key)), _text(before.get(key)))
        for key, label in FIELDS.items()
        if (after.get(key) or None) != (before.get(key) or None)
    ]


def patient_request(mrn_query: str, changes: list[tuple[str, str, str]], mode: str) -> Json | None:
    """The conditional update of the Patient in ``"update"`` mode with changes; else None
    (the caller keeps its conditional create)."""
    if changes and mode == "update":
        return {"method": "PUT", "url": f"Patient?{mrn_query}"}
    return None


def add_patient_task(ctx: Context, doc: Json, changes: list[tuple[str, str, str]]) -> None:
    """The task carrying the changes to the front office (``"task"`` mode)."""
    if not changes:
        return
    ctx.add(
        "patient-update",
        {
            "resourceType": "Task",
            "status": "requested",
            "intent": "proposal",
            "code": {
                "coding": [{"system": TASK_SYSTEM, "code": "patient-update"}],
                "text": "Demographics changed at intake",
            },
            "description": "Update the patient's demographics: "
            + ", ".join(label for label, _, _ in changes),
            "focus": ctx.patient,
            "for": ctx.patient,
            "encounter": ctx.encounter,
            "authoredOn": doc["signed_at"],
            "requester": ctx.performer[0],
            "input": [
                {
                    "type": {"text": label},
                    "valueString": f"{new or '(none)'} (was: {old or '(none)'})",
                }
                for label, new, old in changes
            ],
        },
    )
