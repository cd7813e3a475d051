"""Who the patient is: demographics, address, emergency contact, insurance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from kiosk.models.base import (
    KioskModel,
    Relationship,
    Sex,
    Text,
)
from kiosk.models.requests import Pharmacy

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
    preferred_pharmacy: Pharmacy | None = None
    """Where refills go (set from the refill request; kiosk.models.requests)."""

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
