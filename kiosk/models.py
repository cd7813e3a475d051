"""The encounter document: pydantic models for one visit's intake.

Every model here round-trips losslessly through ``model_dump(mode="json")`` and
``model_validate``; that JSON is what the store writes, one document per encounter.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

# --------------------------------------------------------------------------- shared types

Text = Annotated[str, Field(max_length=500)]
"""Free text typed by the MA; bounded so a stuck key cannot grow a document without end."""

LongText = Annotated[str, Field(max_length=4000)]

Status = Literal["invalid", "impossible", "critical-low", "low", "normal", "high", "critical-high"]
"""Range status of a measurement, in the order CLINICAL.md defines (see validators.ranges)."""

RECORDABLE_STATUSES: frozenset[str] = frozenset(
    {"critical-low", "low", "normal", "high", "critical-high"}
)
"""Statuses a saved reading may carry: invalid and impossible values are never saved."""

CRITICAL_STATUSES: frozenset[str] = frozenset({"critical-low", "critical-high"})

VitalKind = Literal[
    "temperature",
    "weight",
    "height",
    "systolic",
    "diastolic",
    "pulse",
    "respiratory_rate",
    "spo2",
    "pain",
    "glucose",
    "head_circumference",
]

NotTakenReason = Literal["refused", "not-done", "unable"]
Sex = Literal["female", "male", "other", "unknown"]
Relationship = Literal["self", "spouse", "child", "parent", "other"]
Severity = Literal["mild", "moderate", "severe", "unknown"]
DipstickLevel = Literal["negative", "trace", "1+", "2+", "3+", "4+"]
EncounterStatus = Literal["draft", "signed", "amended"]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (every timestamp in a document is aware)."""
    return datetime.now(UTC)


def new_id() -> str:
    """A new random encounter id (32 hex characters)."""
    return uuid.uuid4().hex


class KioskModel(BaseModel):
    """Base for every document part: unknown keys are an error, text is stripped.

    ``defer_build`` moves pydantic's schema building from import to first use, which keeps
    the core's import (and so the kiosk's first frame) fast; the app warms the models up in a
    worker after the sign-in screen is drawn.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


# --------------------------------------------------------------------------- patient


class Address(KioskModel):
    line1: Text = ""
    line2: Text = ""
    city: Text = ""
    state: Text = ""
    postal_code: Text = ""
    country: Text = "US"


class EmergencyContact(KioskModel):
    name: Text
    relationship: Text = ""
    phone: Text = ""


class Patient(KioskModel):
    """Demographics. ``id`` is the clinic's MRN."""

    id: Annotated[str, Field(min_length=1, max_length=40)]
    family_name: Annotated[str, Field(min_length=1, max_length=100)]
    given_name: Annotated[str, Field(min_length=1, max_length=100)]
    middle_name: Text = ""
    preferred_name: Text = ""
    birth_date: date
    sex: Sex = "unknown"
    phone: Text = ""
    address: Address = Field(default_factory=Address)
    emergency_contact: EmergencyContact | None = None

    @property
    def display_name(self) -> str:
        """The name as on a wristband: "Family, Given"."""
        return f"{self.family_name}, {self.given_name}"

    def age_on(self, day: date) -> float:
        """Age in (fractional) years on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        anniversary = _safe_replace_year(self.birth_date, self.birth_date.year + years)
        next_anniversary = _safe_replace_year(self.birth_date, self.birth_date.year + years + 1)
        span = (next_anniversary - anniversary).days or 365
        return years + (day - anniversary).days / span


def _safe_replace_year(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=year, day=28)


# --------------------------------------------------------------------------- insurance


class Coverage(KioskModel):
    payer: Annotated[str, Field(min_length=1, max_length=200)]
    plan: Text = ""
    member_id: Annotated[str, Field(min_length=1, max_length=40)]
    group: Text = ""
    subscriber_name: Text = ""
    relationship: Relationship = "self"


class Insurance(KioskModel):
    primary: Coverage | None = None
    secondary: Coverage | None = None
    self_pay: bool = False
    changed_since_last_visit: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> Insurance:
        if self.secondary is not None and self.primary is None:
            raise ValueError("secondary coverage needs a primary coverage")
        if self.self_pay and self.primary is not None:
            raise ValueError("a self-pay visit has no coverage")
        return self


# --------------------------------------------------------------------------- history


class Allergy(KioskModel):
    substance: Annotated[str, Field(min_length=1, max_length=200)]
    reaction: Text = ""
    severity: Severity = "unknown"


class Medication(KioskModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    dose: Text = ""
    route: Text = ""
    frequency: Text = ""
    taking: bool = True


class Problem(KioskModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    onset: Text = ""
    active: bool = True


class Surgery(KioskModel):
    procedure: Annotated[str, Field(min_length=1, max_length=200)]
    year: Annotated[int, Field(ge=1900, le=2200)] | None = None


class FamilyHistoryItem(KioskModel):
    relative: Annotated[str, Field(min_length=1, max_length=100)]
    condition: Annotated[str, Field(min_length=1, max_length=200)]


class SocialHistory(KioskModel):
    tobacco: Literal["never", "former", "current", "unknown"] = "unknown"
    packs_per_day: Annotated[float, Field(ge=0, le=10)] | None = None
    pack_years: Annotated[float, Field(ge=0, le=300)] | None = None
    alcohol: Text = ""
    """Free text, e.g. "2 drinks/week" or "none"."""
    substances: Text = ""

    @model_validator(mode="after")
    def _packs_only_for_smokers(self) -> SocialHistory:
        if self.tobacco == "never" and (self.packs_per_day or self.pack_years):
            raise ValueError("packs or pack-years given for a never-smoker")
        return self


class History(KioskModel):
    no_known_allergies: bool = False
    allergies: list[Allergy] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    surgeries: list[Surgery] = Field(default_factory=list)
    family: list[FamilyHistoryItem] = Field(default_factory=list)
    social: SocialHistory = Field(default_factory=SocialHistory)
    reviewed: bool = False
    """True once the MA has reviewed (not merely carried forward) this history."""

    @model_validator(mode="after")
    def _nka_excludes_allergies(self) -> History:
        if self.no_known_allergies and self.allergies:
            raise ValueError("'no known allergies' cannot be set while allergies are listed")
        return self


# --------------------------------------------------------------------------- chief complaint


class ChiefComplaint(KioskModel):
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    """The patient's own words."""
    onset: Text = ""
    location: Text = ""
    duration: Text = ""
    character: Text = ""
    aggravating: Text = ""
    relieving: Text = ""
    timing: Text = ""
    severity: Annotated[int, Field(ge=0, le=10)] | None = None


# --------------------------------------------------------------------------- measurements


class Measurement(KioskModel):
    """One reading: the text as typed, the canonical value and unit, its range status.

    A reading that was not taken has ``not_taken`` set and no value or status.
    ``entered_value``/``entered_unit`` keep the number and UCUM unit as typed
    (177 cm stays 177 cm; 5'10" is 70 [in_i]) so the reading never drifts through a round trip.
    """

    kind: VitalKind
    entered: Text = ""
    value: float | None = None
    unit: str
    """Canonical UCUM unit: Cel, kg, cm, mm[Hg], /min, %, {score}, mg/dL."""
    entered_value: float | None = None
    entered_unit: str | None = None
    status: Status | None = None
    message: Text = ""
    taken_at: AwareDatetime = Field(default_factory=utcnow)
    not_taken: NotTakenReason | None = None

    @model_validator(mode="after")
    def _reading_or_reason(self) -> Measurement:
        if self.not_taken is not None:
            if self.value is not None:
                raise ValueError(f"{self.kind}: a reading marked not taken has no value")
            return self
        if self.value is None or self.status is None:
            raise ValueError(f"{self.kind}: a reading needs a value and a status")
        if self.status not in RECORDABLE_STATUSES:
            raise ValueError(f"{self.kind}: an {self.status} value is never saved as a reading")
        return self

    @property
    def is_critical(self) -> bool:
        return self.status in CRITICAL_STATUSES

    @property
    def is_abnormal(self) -> bool:
        return self.status in {"low", "high"}


class BloodPressure(KioskModel):
    systolic: Measurement
    diastolic: Measurement
    position: Literal["sitting", "standing", "lying"] = "sitting"
    site: Literal["left-arm", "right-arm", "left-wrist", "right-wrist", "left-leg", "right-leg"] = (
        "left-arm"
    )
    cuff: Literal["adult", "large-adult", "small-adult", "child", "thigh"] = "adult"

    @model_validator(mode="after")
    def _systolic_above_diastolic(self) -> BloodPressure:
        if self.systolic.kind != "systolic" or self.diastolic.kind != "diastolic":
            raise ValueError("blood pressure needs a systolic and a diastolic reading")
        s, d = self.systolic.value, self.diastolic.value
        if s is not None and d is not None and s <= d:
            raise ValueError("systolic must be higher than diastolic")
        return self


class Temperature(Measurement):
    route: Literal["oral", "tympanic", "temporal", "axillary", "rectal"] = "oral"


class SpO2(Measurement):
    on_oxygen: bool = False
    o2_flow_l_min: Annotated[float, Field(gt=0, le=60)] | None = None

    @model_validator(mode="after")
    def _flow_only_on_oxygen(self) -> SpO2:
        if self.o2_flow_l_min is not None and not self.on_oxygen:
            raise ValueError("an oxygen flow is given for a reading on room air")
        return self


class Vitals(KioskModel):
    """Vital signs. Each kind is a list, oldest first, so repeat readings are kept."""

    SINGLE_KINDS: ClassVar[tuple[str, ...]] = (
        "pulse",
        "respiratory_rate",
        "temperature",
        "spo2",
        "height",
        "weight",
        "pain",
        "head_circumference",
    )
    """The fields holding one Measurement per reading (every kind but blood pressure)."""

    blood_pressure: list[BloodPressure] = Field(default_factory=list)
    pulse: list[Measurement] = Field(default_factory=list)
    respiratory_rate: list[Measurement] = Field(default_factory=list)
    temperature: list[Temperature] = Field(default_factory=list)
    spo2: list[SpO2] = Field(default_factory=list)
    height: list[Measurement] = Field(default_factory=list)
    weight: list[Measurement] = Field(default_factory=list)
    pain: list[Measurement] = Field(default_factory=list)
    head_circumference: list[Measurement] = Field(default_factory=list)
    consciousness: Literal["A", "C", "V", "P", "U"] = "A"
    """ACVPU, for NEWS2: Alert, new Confusion, Voice, Pain, Unresponsive."""

    def measurements(self) -> list[Measurement]:
        """Every reading, flattened (BP as its two parts)."""
        out: list[Measurement] = []
        for bp in self.blood_pressure:
            out += [bp.systolic, bp.diastolic]
        for name in self.SINGLE_KINDS:
            out += getattr(self, name)
        return out

    def latest_value(self, name: str) -> float | None:
        """The canonical value of the newest taken reading of ``name`` (a field name)."""
        readings = getattr(self, name)
        for reading in reversed(readings):
            if isinstance(reading, BloodPressure):
                return reading.systolic.value
            if reading.value is not None:
                return float(reading.value)
        return None


# --------------------------------------------------------------------------- POC tests


class UrineDipstick(KioskModel):
    glucose: DipstickLevel | None = None
    bilirubin: DipstickLevel | None = None
    ketones: DipstickLevel | None = None
    blood: DipstickLevel | None = None
    protein: DipstickLevel | None = None
    urobilinogen: DipstickLevel | None = None
    leukocytes: DipstickLevel | None = None
    nitrite: Literal["negative", "positive"] | None = None
    ph: Annotated[float, Field(ge=5.0, le=9.0, multiple_of=0.5)] | None = None
    specific_gravity: Annotated[float, Field(ge=1.000, le=1.030)] | None = None
    strip_lot: Text = ""
    strip_expiry: date | None = None
    taken_at: AwareDatetime = Field(default_factory=utcnow)

    ANALYTES: ClassVar[tuple[str, ...]] = (
        "glucose",
        "bilirubin",
        "ketones",
        "blood",
        "protein",
        "urobilinogen",
        "leukocytes",
    )

    def is_abnormal(self, analyte: str) -> bool:
        value = getattr(self, analyte)
        if analyte == "ph":
            return value is not None and not 4.5 < value < 8.5
        if analyte == "specific_gravity":
            return value is not None and not 1.005 <= value <= 1.030
        return value not in (None, "negative")


class GlucoseTest(Measurement):
    """Fingerstick glucose; canonical unit mg/dL (the entered unit may be mmol/L)."""

    fasting: bool | None = None
    meter_lot: Text = ""


class PocTests(KioskModel):
    urine: UrineDipstick | None = None
    glucose: GlucoseTest | None = None


# --------------------------------------------------------------------------- the encounter


class Encounter(KioskModel):
    """One visit's intake: the document the store saves and the export sends."""

    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(default_factory=new_id)
    version: Annotated[int, Field(ge=1)] = 1
    amends: str | None = None
    """The id of the version this one amends (None for the first version)."""
    room: Text = ""
    staff_id: Annotated[str, Field(min_length=1, max_length=64)]
    started_at: AwareDatetime = Field(default_factory=utcnow)
    signed_at: AwareDatetime | None = None
    status: EncounterStatus = "draft"
    patient: Patient
    identity_confirmed: bool = False
    """Two identifiers (name and date of birth) were confirmed with the patient."""
    insurance: Insurance = Field(default_factory=Insurance)
    history: History = Field(default_factory=History)
    complaint: ChiefComplaint | None = None
    vitals: Vitals = Field(default_factory=Vitals)
    poc: PocTests = Field(default_factory=PocTests)
    provider_notified: bool = False
    """Acknowledgement that a provider was told of every critical value."""
    notes: LongText = ""
    draft_step: Text = ""
    """Drafts only: the step the MA was on when the draft was autosaved (for resume)."""
    form_text: dict[str, Text] = Field(default_factory=dict)
    """Drafts only: text typed into fields but not yet valid, by field id, so nothing typed is
    lost to Back, a lock or a crash. Always empty once signed."""

    @model_validator(mode="after")
    def _signed_is_complete(self) -> Encounter:
        if self.status == "draft":
            return self
        if self.form_text:
            raise ValueError("a signed encounter carries no unvalidated field text")
        if self.signed_at is None:
            raise ValueError("a signed encounter needs signed_at")
        if not self.identity_confirmed:
            raise ValueError("an encounter cannot be signed before two identifiers are confirmed")
        if self.status == "amended" and self.amends is None:
            raise ValueError("an amended encounter names the version it amends")
        if self.critical_readings() and not self.provider_notified:
            raise ValueError("critical values need 'provider notified' before signing")
        return self

    def critical_readings(self) -> list[Measurement]:
        readings = self.vitals.measurements()
        if self.poc.glucose is not None:
            readings.append(self.poc.glucose)
        return [m for m in readings if m.is_critical]

    @property
    def day(self) -> date:
        """The (UTC) day the encounter started: its storage partition."""
        return self.started_at.astimezone(UTC).date()
