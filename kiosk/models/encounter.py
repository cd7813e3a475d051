"""One visit's intake: the document the store writes (a draft, signed or amended)."""

from __future__ import annotations

from datetime import UTC, date
from typing import Annotated

from pydantic import AwareDatetime, Field, model_validator

from kiosk.models.base import (
    EncounterStatus,
    KioskModel,
    LongText,
    Text,
    new_id,
    utcnow,
)
from kiosk.models.history import ChiefComplaint, History
from kiosk.models.patient import Insurance, Patient
from kiosk.models.poc import PocResult
from kiosk.models.procedure import ProviderNotice
from kiosk.models.readings import Measurement, PocTests, Vitals
from kiosk.models.requests import Request
from kiosk.models.screening import Screenings

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
    patient_on_file: Patient | None = None
    """The demographics as they were on file when the intake began (None for a patient
    registered during it): the export compares them with ``patient`` to tell the EHR what
    changed (``patient_update``)."""
    identity_confirmed: bool = False
    """Two identifiers (name and date of birth) were confirmed with the patient."""
    insurance: Insurance = Field(default_factory=Insurance)
    history: History = Field(default_factory=History)
    complaint: ChiefComplaint | None = None
    vitals: Vitals = Field(default_factory=Vitals)
    poc: PocTests = Field(default_factory=PocTests)
    requests: list[Request] = Field(default_factory=list, max_length=50)
    """Refill, referral, prior-authorization and follow-up requests handed over (tasks)."""
    screenings: Screenings = Field(default_factory=Screenings)
    provider_notified: bool = False
    """Acknowledgement that a provider was told of every critical value (readings and
    screening answers such as PHQ-9 item 9)."""
    provider_notice: ProviderNotice | None = None
    """Which provider was told, when, and by whom (given with the acknowledgement)."""
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
        if self.needs_provider_notified() and not self.provider_notified:
            raise ValueError("critical values need 'provider notified' before signing")
        return self

    def critical_readings(self) -> list[Measurement]:
        readings = self.vitals.measurements()
        if self.poc.glucose is not None:
            readings.append(self.poc.glucose)
        return [m for m in readings if m.is_critical]

    def needs_provider_notified(self) -> bool:
        """A critical reading, a critical catalog test result or a critical screening answer:
        signing waits for the tick."""
        return bool(
            self.critical_readings() or self.critical_results() or self.screenings.critical()
        )

    def critical_results(self) -> list[PocResult]:
        """Catalog test results in a critical range (e.g. an INR of 5): the provider is told."""
        return [r for r in self.poc.results if r.is_critical]

    @property
    def day(self) -> date:
        """The (UTC) day the encounter started: its storage partition."""
        return self.started_at.astimezone(UTC).date()
