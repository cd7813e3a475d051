"""The history the MA reviews: allergies, medications, problems, surgeries, family and
social history, and the chief complaint."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from kiosk.models.base import (
    KioskModel,
    Severity,
    Text,
)

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
    tobacco: Literal[
        "never", "former", "current-every-day", "current-some-days", "current", "unknown"
    ] = "unknown"
    """Smoking status (US Core): "current" is a current smoker of unknown frequency (older
    records, or the patient cannot say)."""
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
