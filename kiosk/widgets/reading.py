"""What a measurement field shows for its text: the Reading, its flag words, "not taken".

Shared by the field widget and the validator adapters (``kiosk.widgets.validation``), which
turn the core's check into an :class:`Assessment`: the :class:`Reading` shown, Textual's
verdict and the core's answer, all from one check of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from textual.validation import ValidationResult

NOT_TAKEN_OPTIONS: list[tuple[str, str]] = [
    ("taken", "taken"),
    ("refused", "refused"),
    ("not done", "not-done"),
    ("unable", "unable"),
]
"""The "not taken" choice beside each field: the model's NotTakenReason, or "taken"."""

FLAG_WORDS: dict[str, tuple[str, str]] = {
    "critical-high": ("CRITICAL HIGH", "error"),
    "critical-low": ("CRITICAL LOW", "error"),
    "high": ("high", "warning"),
    "low": ("low", "warning"),
    "normal": ("normal", "normal"),
}
"""Range status -> (the word shown, the CSS class that colours it)."""


@dataclass(frozen=True)
class Reading:
    """What a field shows for its current text."""

    valid: bool
    """False when the text cannot be saved (unreadable or impossible): blocks Next."""
    echo: str = ""
    """The canonical value as read, e.g. "= 37.0 °C"; empty when nothing sensible was read."""
    status: str | None = None
    """The range status of the reading (the worse part of a blood pressure)."""
    message: str = ""
    """Plain words for the MA: why the text is refused, or advice on a valid reading."""
    value: float | None = None
    """The canonical value (systolic for a blood pressure), for live BMI and trends."""
    detail: str = ""
    """A second status line spelling out the parts, for a blood pressure: "sys CRITICAL HIGH ·
    dia CRITICAL LOW · BP hypertensive crisis". When set, it replaces the one flag word."""
    detail_level: str = ""
    """The colour class of ``detail``: "error", "warning" or "normal"."""

    @property
    def empty(self) -> bool:
        return self.valid and not self.echo


EMPTY = Reading(valid=True)


@dataclass(frozen=True)
class Assessment:
    """One check of a field's text, which the field keeps until the text changes: the message
    beside the field, Textual's validation of its Input and the model all come from it, so a
    keystroke is checked once."""

    text: str
    reading: Reading
    validation: ValidationResult
    """What Textual's Input.validate answers for the text (its ``-invalid`` state)."""
    result: object = None
    """The core's own answer (a VitalCheck, or a blood pressure's two) for building the
    model; None for empty text."""


EMPTY_ASSESSMENT = Assessment("", EMPTY, ValidationResult.success())


class ReadingValidator(Protocol):
    """Checks a field's text with the core, once, for everything the field needs of it."""

    def assess(self, text: str) -> Assessment: ...
