"""Shared types of the encounter document: bounded text, statuses, the model base."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# --------------------------------------------------------------------------- shared types

Text = Annotated[str, Field(max_length=500)]
"""Free text typed by the MA; bounded so a stuck key cannot grow a document without end."""

LongText = Annotated[str, Field(max_length=4000)]

Status = Literal["invalid", "impossible", "critical-low", "low", "normal", "high", "critical-high"]
"""Range status of a measurement, in the order docs/CLINICAL.md defines (validators.ranges)."""

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
