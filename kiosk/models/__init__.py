"""The encounter document: pydantic models for one visit's intake.

Every model here round-trips losslessly through ``model_dump(mode="json")`` and
``model_validate``; that JSON is what the store writes, one document per encounter. The face
of the package (import from ``kiosk.models``): ``base`` (bounded text, statuses, the model
base), ``patient`` (demographics, insurance), ``history`` (history, chief complaint),
``readings`` (measurements, vital signs, point-of-care tests), ``poc`` (catalog test results,
QC runs, vision and hearing), ``stock`` (lots on hand), ``screening`` (PHQ, GAD-7, AUDIT-C,
STEADI answers and scores), ``requests`` (tasks handed over), ``encounter`` (the visit);
beside them, imported by their module: ``rooming`` (visit status, rooms, turnover,
thresholds), ``procedure`` (procedure assist, provider notified), ``sterilizer`` (the log).
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
from kiosk.models.poc import (
    EyeAcuity,
    HearingScreen,
    HearingTone,
    PocResult,
    QcRun,
    VisionScreen,
)
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
from kiosk.models.screening import (
    SKIP_REASONS,
    Language,
    ScreeningId,
    ScreeningResult,
    Screenings,
    SkipReason,
)
from kiosk.models.stock import StockLot

__all__ = [
    "CRITICAL_STATUSES",
    "RECORDABLE_STATUSES",
    "REQUEST_KINDS",
    "SKIP_REASONS",
    "Address",
    "Allergy",
    "BloodPressure",
    "ChiefComplaint",
    "Coverage",
    "DipstickLevel",
    "EmergencyContact",
    "Encounter",
    "EncounterStatus",
    "EyeAcuity",
    "FamilyHistoryItem",
    "GlucoseTest",
    "HearingScreen",
    "HearingTone",
    "History",
    "Insurance",
    "KioskModel",
    "Language",
    "LongText",
    "Measurement",
    "Medication",
    "NotTakenReason",
    "Patient",
    "Pharmacy",
    "PocResult",
    "PocTests",
    "Problem",
    "QcRun",
    "Relationship",
    "Request",
    "RequestKind",
    "ScreeningId",
    "ScreeningResult",
    "Screenings",
    "Severity",
    "Sex",
    "SkipReason",
    "SocialHistory",
    "SpO2",
    "Status",
    "StockLot",
    "Surgery",
    "Temperature",
    "Text",
    "Urgency",
    "UrineDipstick",
    "VisionScreen",
    "VitalKind",
    "Vitals",
    "new_id",
    "utcnow",
]
