"""Point-of-care tests from the clinic's catalog, their quality-control runs, and the vision
and hearing screenings.

A ``PocResult`` is one patient result of a catalog test (kiosk/data/poc_catalog.toml): what was
read, the kit lot and expiry it was read with, the device, who read it, when, and the QC runs
it relies on (their ids in the QC log, kiosk.store.qc). A ``QcRun`` is one control run in that
log. The codes (LOINC, CPT) are the catalog's, copied into the result so a later catalog edit
never changes what a signed result meant.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from kiosk.models.base import KioskModel, Text, new_id, utcnow

ResultType = Literal["qualitative", "ordinal", "numeric"]
QcFrequency = Literal["none", "daily", "per-lot", "per-shipment"]
ResultStatus = Literal[
    "normal", "abnormal", "low", "high", "critical-low", "critical-high", "invalid"
]
"""``invalid``: the kit showed no control line (or the device an error); the test is repeated."""

Code = Annotated[str, Field(min_length=1, max_length=40)]


class PocResult(KioskModel):
    """One patient result of a catalog test."""

    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(default_factory=new_id)
    test: Code
    """The catalog id (``strep-a``, ``hgb``...)."""
    name: Text
    kit: Text = ""
    """The stock item the kit lot belongs to (influenza A and B share one cassette)."""
    loinc: Code
    loinc_display: Text = ""
    cpt: Text = ""
    result_type: ResultType
    entered: Text = ""
    """What was typed or chosen, as it was."""
    answer: Text | None = None
    """Qualitative or ordinal answer (``positive``, ``negative``, ``invalid``, ``2+``)."""
    value: float | None = None
    """Numeric result in ``unit`` (the catalog's canonical UCUM unit)."""
    unit: Text = ""
    entered_value: float | None = None
    entered_unit: Text | None = None
    status: ResultStatus
    message: Text = ""
    specimen: Text = ""
    kit_lot: Annotated[str, Field(min_length=1, max_length=40)]
    kit_expiry: date
    device: Text = ""
    operator: Annotated[str, Field(min_length=1, max_length=64)]
    taken_at: AwareDatetime = Field(default_factory=utcnow)
    qc_runs: list[Code] = Field(default_factory=list)
    """Ids of the QC runs (one per control level) this result relies on; empty when the
    catalog requires no QC for the test."""
    repeat_of: Text | None = None
    """The id of the invalid result this one repeats."""

    @model_validator(mode="after")
    def _value_matches_type(self) -> PocResult:
        if self.result_type == "numeric" and self.status != "invalid":
            if self.value is None:
                raise ValueError(f"{self.test}: a numeric result needs a value")
        elif self.answer is None and self.status != "invalid":
            raise ValueError(f"{self.test}: a {self.result_type} result needs an answer")
        if self.kit_expiry < self.taken_at.date():
            raise ValueError(f"{self.test}: kit lot {self.kit_lot} had expired when read")
        return self

    @property
    def is_invalid(self) -> bool:
        return self.status == "invalid"

    @property
    def is_critical(self) -> bool:
        return self.status in {"critical-low", "critical-high"}

    def shown(self) -> str:
        """The result as a person reads it: ``positive``, ``12.1 g/dL``, ``invalid``."""
        if self.status == "invalid":
            return "invalid (no control line): repeat"
        if self.value is not None:
            return f"{self.value:g} {self.unit}".strip()
        return self.answer or ""


class QcRun(KioskModel):
    """One control run in the QC log (CLIA waived testing: follow the kit's instructions)."""

    id: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        default_factory=lambda: new_id()[:12]
    )
    test: Code
    kit_lot: Annotated[str, Field(min_length=1, max_length=40)]
    control_lot: Annotated[str, Field(min_length=1, max_length=40)]
    control_expiry: date
    level: Code
    """The control level: ``positive``, ``negative``, ``level 1``..."""
    expected: Text
    observed: Text
    passed: bool
    operator: Annotated[str, Field(min_length=1, max_length=64)]
    time: AwareDatetime = Field(default_factory=utcnow)
    corrective_action: Text = ""

    @model_validator(mode="after")
    def _fail_needs_action(self) -> QcRun:
        if not self.passed and not self.corrective_action:
            raise ValueError("a failed control run needs the corrective action taken")
        return self


# --------------------------------------------------------------------------- screenings

Eye = Literal["right", "left", "both"]
Ear = Literal["right", "left"]


class EyeAcuity(KioskModel):
    """One Snellen reading: ``20/40-2`` is the 20/40 line with two letters missed."""

    eye: Eye
    corrected: bool
    """Read with the patient's glasses or contact lenses."""
    entered: Text
    numerator: Annotated[float, Field(gt=0, le=20)]
    """Test distance: 20 (feet) or 6 (metres)."""
    denominator: Annotated[float, Field(gt=0, le=800)]
    letters: Annotated[int, Field(ge=-8, le=8)] = 0
    """Letters missed (negative) on the line or read on the next one (positive)."""

    @property
    def decimal(self) -> float:
        """Decimal acuity (20/40 = 6/12 = 0.5)."""
        return self.numerator / self.denominator


class VisionScreen(KioskModel):
    readings: list[EyeAcuity] = Field(default_factory=list)
    refer: bool = False
    reason: Text = ""
    taken_at: AwareDatetime = Field(default_factory=utcnow)


class HearingTone(KioskModel):
    ear: Ear
    frequency_hz: Annotated[int, Field(ge=250, le=8000)]
    level_db: Annotated[int, Field(ge=0, le=60)] = 20
    result: Literal["pass", "refer"]


class HearingScreen(KioskModel):
    tones: list[HearingTone] = Field(default_factory=list)
    refer: bool = False
    reason: Text = ""
    taken_at: AwareDatetime = Field(default_factory=utcnow)
