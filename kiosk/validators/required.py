"""What an intake must record before it is signed: the names ``required_fields`` may use
(kiosk.toml) and the check of an encounter against them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.validators.kinds import required_names

if TYPE_CHECKING:
    from kiosk.models import Encounter

REQUIRED_FIELD_NAMES: dict[str, str] = {
    "patient.phone": "phone number",
    "patient.address": "address",
    "patient.emergency_contact": "emergency contact",
    "insurance": "insurance or self-pay",
    "history.allergies": "allergies (or no known allergies)",
    "history.reviewed": "history reviewed with the patient",
    "history.tobacco": "tobacco use",
    "complaint.text": "chief complaint",
    "complaint.severity": "complaint severity",
    **required_names("vitals"),
    "poc.urine": "urine dipstick",
    **required_names("poc"),
}
"""Names ``required_fields`` may use, with the plain words the review step shows (a measured
kind's name and words come from its row in :data:`kiosk.validators.kinds.KIND_SPECS`)."""


def missing_required(encounter: Encounter, required: tuple[str, ...]) -> list[str]:
    """The plain-words names of required items the encounter does not record yet.

    A vital sign counts as recorded when it has a reading or a documented reason it was not
    taken; head circumference is only asked for under 2 years.
    """
    missing = []
    for name in required:
        if not _recorded(encounter, name):
            missing.append(REQUIRED_FIELD_NAMES[name])
    return missing


def _recorded(encounter: Encounter, name: str) -> bool:
    patient, history, complaint = encounter.patient, encounter.history, encounter.complaint
    section, _, item = name.partition(".")
    if section == "vitals":
        if item == "head_circumference" and patient.age_on(encounter.day) >= 2:
            return True
        return bool(getattr(encounter.vitals, item))
    if section == "poc":
        return getattr(encounter.poc, item) is not None
    checks = {
        "patient.phone": lambda: bool(patient.phone),
        "patient.address": lambda: bool(patient.address.line1),
        "patient.emergency_contact": lambda: patient.emergency_contact is not None,
        "insurance": lambda: (
            encounter.insurance.self_pay or encounter.insurance.primary is not None
        ),
        "history.allergies": lambda: history.no_known_allergies or bool(history.allergies),
        "history.reviewed": lambda: history.reviewed,
        "history.tobacco": lambda: history.social.tobacco != "unknown",
        "complaint.text": lambda: complaint is not None,
        "complaint.severity": lambda: complaint is not None and complaint.severity is not None,
    }
    return checks[name]()
