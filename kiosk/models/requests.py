"""Requests the MA hands over during intake: refills, referrals, prior authorizations and
follow-up appointments. The kiosk never approves any of them: each is a task for the
provider or the front office (``kiosk tasks``, FHIR ``Task`` in the export)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from kiosk.models.base import KioskModel, Text, new_id, utcnow

RequestKind = Literal["refill", "referral", "prior-auth", "follow-up"]
Urgency = Literal["routine", "urgent", "asap"]
"""FHIR request priority (routine, urgent, asap); "stat" is not the MA's to ask."""

REQUEST_KINDS: dict[str, str] = {
    "refill": "Refill request",
    "referral": "Referral request",
    "prior-auth": "Prior authorization needed",
    "follow-up": "Follow-up appointment requested",
}
"""Each kind and how a person reads it (the review, ``kiosk tasks list``, Task.description)."""


class Pharmacy(KioskModel):
    """The patient's preferred pharmacy (phone and NCPDP id checked by
    ``kiosk.validators.requests`` and ``identity.check_phone`` before they get here)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Text = ""
    address: Text = ""
    ncpdp_id: Annotated[str, Field(pattern=r"^[0-9]{7}$")]


class Request(KioskModel):
    """One request raised during the intake; which fields it needs depends on ``kind``."""

    id: Annotated[str, Field(min_length=1, max_length=64)] = Field(default_factory=new_id)
    kind: RequestKind
    raised_at: AwareDatetime = Field(default_factory=utcnow)
    medication: Text = ""
    """refill: the medication (one from the patient's list)."""
    pharmacy: Pharmacy | None = None
    """refill: the pharmacy it goes to (the patient's preferred one when raised)."""
    specialty: Text = ""
    """referral: the specialty referred to."""
    reason: Text = ""
    """referral (required), follow-up and prior-auth (optional): why."""
    urgency: Urgency = "routine"
    service: Text = ""
    """prior-auth: the service or drug needing authorization."""
    service_is_drug: bool = False
    coverage: Literal["primary", "secondary", ""] = ""
    """prior-auth: which of the visit's coverages pays (empty: none on file)."""
    payer: Text = ""
    """prior-auth: the payer's name, copied from that coverage."""
    when_text: Text = ""
    """follow-up: when, as typed ("2 weeks")."""
    when: date | None = None
    """follow-up: the day it is wanted, read from ``when_text`` against the visit's day."""

    @model_validator(mode="after")
    def _complete(self) -> Request:
        needed: dict[str, list[tuple[str, object]]] = {
            "refill": [("medication", self.medication), ("pharmacy", self.pharmacy)],
            "referral": [("specialty", self.specialty), ("reason", self.reason)],
            "prior-auth": [("service", self.service)],
            "follow-up": [("when", self.when)],
        }
        absent = [name for name, value in needed[self.kind] if not value]
        if absent:
            raise ValueError(f"a {self.kind} request needs {', '.join(absent)}")
        return self

    @property
    def title(self) -> str:
        return REQUEST_KINDS[self.kind]

    def summary(self) -> str:
        """One line for a person: the review and ``kiosk tasks list``."""
        if self.kind == "refill":
            pharmacy = self.pharmacy.name if self.pharmacy else ""
            return f"Refill: {self.medication} to {pharmacy}"
        if self.kind == "referral":
            return f"Referral: {self.specialty} ({self.urgency}): {self.reason}"
        if self.kind == "prior-auth":
            what = "drug" if self.service_is_drug else "service"
            payer = self.payer or "no coverage on file"
            return f"Prior authorization ({what}): {self.service}, payer {payer}"
        when = self.when.isoformat() if self.when else ""
        reason = f": {self.reason}" if self.reason else ""
        return f"Follow-up by {when} ({self.when_text}){reason}"
