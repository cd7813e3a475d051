"""Assisting the provider: the procedure-assist record on a visit, and "provider notified".

A specimen is recorded only once its label was checked against two identifiers (The Joint
Commission NPSG.01.01.01: name and date of birth, never the room); the time-out (patient,
site and procedure confirmed, Universal Protocol) and the consent are recorded as done or not,
with who and when. Instrument packs are named by their pack id from the sterilizer log.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from kiosk.models.base import KioskModel, Text, new_id

PackId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
AssistRole = Literal["assist", "chaperone", "circulate", "specimen-handling"]
ROLE_WORDS: dict[str, str] = {
    "assist": "assisted the provider",
    "chaperone": "chaperone",
    "circulate": "circulated (set-up, supplies)",
    "specimen-handling": "specimen handling",
}
"""The MA's role, as said on screen and in the export."""


class ProviderNotice(KioskModel):
    """Who was told (a critical value, a patient ready) and when."""

    provider: Annotated[str, Field(min_length=1, max_length=100)]
    at: AwareDatetime
    by: Annotated[str, Field(min_length=1, max_length=64)]


class TimeOut(KioskModel):
    """The Universal Protocol time-out before the procedure: each part confirmed aloud."""

    patient_confirmed: bool = False
    site_confirmed: bool = False
    procedure_confirmed: bool = False
    at: AwareDatetime | None = None

    @property
    def done(self) -> bool:
        return self.patient_confirmed and self.site_confirmed and self.procedure_confirmed


class Specimen(KioskModel):
    """A specimen collected during the procedure and labelled at the bedside."""

    type: Annotated[str, Field(min_length=1, max_length=100)]
    site: Annotated[str, Field(min_length=1, max_length=100)]
    label_confirmed: bool
    """The label was read back against two identifiers (name and date of birth)."""

    @model_validator(mode="after")
    def _labelled(self) -> Specimen:
        if not self.label_confirmed:
            raise ValueError(
                "a specimen is recorded only after its label is confirmed with two identifiers"
            )
        return self


class ProcedureAssist(KioskModel):
    """One procedure the MA assisted with, on the visit."""

    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(default_factory=new_id)
    procedure: Annotated[str, Field(min_length=1, max_length=200)]
    provider: Annotated[str, Field(min_length=1, max_length=100)]
    at: AwareDatetime
    by: Annotated[str, Field(min_length=1, max_length=64)]
    """The MA who assisted (the signed-in staff id)."""
    role: AssistRole = "assist"
    time_out: TimeOut = Field(default_factory=TimeOut)
    consent_documented: bool = False
    packs: list[PackId] = Field(default_factory=list)
    specimens: list[Specimen] = Field(default_factory=list)
    notes: Text = ""

    @model_validator(mode="after")
    def _safe(self) -> ProcedureAssist:
        if not self.time_out.done:
            raise ValueError("the time-out (patient, site and procedure confirmed) comes first")
        if not self.consent_documented:
            raise ValueError("consent must be documented before the procedure")
        if len(set(self.packs)) != len(self.packs):
            raise ValueError("a pack is listed twice")
        return self


__all__ = [
    "ROLE_WORDS",
    "AssistRole",
    "PackId",
    "ProcedureAssist",
    "ProviderNotice",
    "Specimen",
    "TimeOut",
]
