"""Screenings at intake (PHQ-2/PHQ-9, GAD-7, AUDIT-C, STEADI): what was asked and answered.

The answers are stored with the score worked out when they were given (total, band, flags), so
the review and the export read them without the instrument tables; the scoring itself is
:mod:`kiosk.screening.scoring`, and a test keeps the stored scores equal to it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from kiosk.models.base import KioskModel, Text

ScreeningId = Literal["phq", "gad7", "auditc", "steadi"]
SkipReason = Literal["declined", "done-elsewhere", "not-appropriate"]
SKIP_REASONS: tuple[SkipReason, ...] = ("declined", "done-elsewhere", "not-appropriate")
Language = Literal["en", "es"]

_Code = Annotated[str, Field(min_length=1, max_length=32)]


class ScreeningResult(KioskModel):
    """One instrument at one visit: answered (by the patient or the MA) or skipped."""

    instrument: ScreeningId
    answers: dict[_Code, Annotated[int, Field(ge=0, le=10)]] = Field(default_factory=dict)
    """Item code (LOINC where one exists) -> the score of the answer chosen."""
    skipped: SkipReason | None = None
    answered_by: Literal["patient", "staff"] = "staff"
    language: Language = "en"
    at: AwareDatetime | None = None
    """When the last answer was given (or the skip recorded)."""
    form: Text = ""
    """What was completed: "PHQ-2" or "PHQ-9" for the PHQ, else the instrument's name."""
    total: Annotated[int, Field(ge=0, le=100)] | None = None
    band: Text = ""
    positive: bool = False
    critical: list[Text] = Field(default_factory=list)
    """Why a provider must be told before signing (PHQ-9 item 9 above 0), in words."""

    @property
    def done(self) -> bool:
        """Answered to the end (a skip is not done)."""
        return self.skipped is None and self.total is not None


class Screenings(KioskModel):
    """The screening section of an encounter."""

    results: list[ScreeningResult] = Field(default_factory=list)
    due: list[ScreeningId] = Field(default_factory=list)
    """The instruments due at this visit, as worked out when the step opened."""
    reviewed: bool = False
    """The MA has seen the answers (the patient may have given them alone)."""

    def result(self, instrument: str) -> ScreeningResult | None:
        for result in self.results:
            if result.instrument == instrument:
                return result
        return None

    def critical(self) -> list[str]:
        return [text for result in self.results for text in result.critical]
