"""Measurements: a reading in canonical units with its range status, vital signs and the
point-of-care tests (urine dipstick, fingerstick glucose)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, Field, model_validator

from kiosk.models.base import (
    CRITICAL_STATUSES,
    RECORDABLE_STATUSES,
    DipstickLevel,
    KioskModel,
    NotTakenReason,
    Status,
    Text,
    VitalKind,
    utcnow,
)
from kiosk.models.poc import HearingScreen, PocResult, VisionScreen

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
    spo2_scale: Literal[1, 2] = 1
    """NEWS2 SpO2 scale: 2 only when the provider prescribed a target of 88-92 % (hypercapnic
    respiratory failure, RCP 2017); 1 otherwise and in documents older than this field."""

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
    comparator: Literal["<", ">"] | None = None
    """Set for a meter's LO ("<") or HI (">"): the value is the meter's limit, not a measured
    number (FHIR Quantity.comparator)."""


class PocTests(KioskModel):
    urine: UrineDipstick | None = None
    glucose: GlucoseTest | None = None
    results: list[PocResult] = Field(default_factory=list)
    """Catalog tests (kiosk/data/poc_catalog.toml), in the order read; an invalid result is
    kept and followed by its repeat."""
    vision: VisionScreen | None = None
    hearing: HearingScreen | None = None
