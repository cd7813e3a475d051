"""The encounter document: pydantic models for one visit's intake.

Every model here round-trips losslessly through ``model_dump(mode="json")`` and
``model_validate``; that JSON is what the store writes, one document per encounter. The face
of the package (import from ``kiosk.models``): ``base`` (bounded text, statuses, the model
base), ``patient`` (demographics, insurance), ``history`` (history, chief complaint),
``readings`` (measurements, vital signs, point-of-care tests), ``requests`` (tasks handed
over), ``encounter`` (the visit).
"""

from kiosk.models.base import (
    CRITICAL_STATUSES,
    RECORDABLE_STATUSES,
    DipstickLevel,
    EncounterStatus,
    KioskModel,
    LongText,
    NotTakenReason,
    Relationship,
    Severity,
    Sex,
    Status,
    Text,
    VitalKind,
    new_id,
    utcnow,
)
from kiosk.models.encounter import Encounter
from kiosk.models.history import (
    Allergy,
    ChiefComplaint,
    FamilyHistoryItem,
    History,
    Medication,
    Problem,
    SocialHistory,
    Surgery,
)
from kiosk.models.patient import Address, Coverage, EmergencyContact, Insurance, Patient
from kiosk.models.readings import (
    BloodPressure,
    GlucoseTest,
    Measurement,
    PocTests,
    SpO2,
    Temperature,
    UrineDipstick,
    Vitals,
)
from kiosk.models.requests import REQUEST_KINDS, Pharmacy, Request, RequestKind, Urgency

__all__ = [
    "CRITICAL_STATUSES",
    "RECORDABLE_STATUSES",
    "REQUEST_KINDS",
    "Address",
    "Allergy",
    "BloodPressure",
    "ChiefComplaint",
    "Coverage",
    "DipstickLevel",
    "EmergencyContact",
    "Encounter",
    "EncounterStatus",
    "FamilyHistoryItem",
    "GlucoseTest",
    "History",
    "Insurance",
    "KioskModel",
    "LongText",
    "Measurement",
    "Medication",
    "NotTakenReason",
    "Patient",
    "Pharmacy",
    "PocTests",
    "Problem",
    "Relationship",
    "Request",
    "RequestKind",
    "Severity",
    "Sex",
    "SocialHistory",
    "SpO2",
    "Status",
    "Surgery",
    "Temperature",
    "Text",
    "Urgency",
    "UrineDipstick",
    "VitalKind",
    "Vitals",
    "new_id",
    "utcnow",
]
