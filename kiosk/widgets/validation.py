"""Textual ``Validator`` adapters over the core vital checks (the only validator importing Textual).

The core (``kiosk.validators.check_vital`` / ``check_blood_pressure``) decides what a text means;
these classes only translate its answer: a ``ValidationResult`` carrying the core's plain-words
message for the Input's ``-invalid`` state, and a :class:`~kiosk.widgets.measurement.Reading`
(echo, status, message) for the live line under a measurement field.

Empty text is valid here: it means "not entered", which the step allows unless the clinic's
``required_fields`` say otherwise (checked by the screen, not by a validator).
"""

from __future__ import annotations

import logging

from textual.validation import ValidationResult, Validator

from kiosk.scoring import bp_category_for_age, bp_category_text
from kiosk.units import symbol
from kiosk.validators import VitalCheck, check_blood_pressure, check_vital
from kiosk.validators.glucose import MeterLimits, check_glucose
from kiosk.validators.kinds import format_number
from kiosk.validators.ranges import RangeTable
from kiosk.validators.vitals import System
from kiosk.widgets.reading import EMPTY_ASSESSMENT, FLAG_WORDS, Assessment, Reading

SEVERITY: dict[str, int] = {
    "normal": 0,
    "low": 1,
    "high": 1,
    "critical-low": 2,
    "critical-high": 2,
}
"""How loudly a status speaks: the worse half of a blood pressure sets its flag."""

CATEGORY_SEVERITY: dict[str, int] = {
    "normal": 0,
    "elevated": 1,
    "stage-1": 1,
    "stage-2": 1,
    "crisis": 2,
}
"""How loudly a blood-pressure reading category speaks on the vitals step."""
LEVELS = ("normal", "warning", "error")
UNREADABLE = "This value cannot be read. Clear the field and type it again."
"""Shown if the core ever failed on a text (its contract is that it never does)."""
_log = logging.getLogger(__name__)


def _failed(kind: str, text: str) -> VitalCheck:
    """The core raised for a typed text: log it (without the text) and refuse the text, so
    no typed text can stop the app."""
    _log.exception("the check of a typed %s raised", kind)
    return VitalCheck(kind, text, None, "", "invalid", UNREADABLE)


def bp_detail(systolic: VitalCheck, diastolic: VitalCheck, age_years: float | None) -> Reading:
    """Both parts' flags and the reading category (the review's own function), as one line.

    "sys CRITICAL HIGH · dia CRITICAL LOW · BP hypertensive crisis"; for a child the
    category part says why none applies. Only ``detail`` and ``detail_level`` are set.
    """
    parts = (("sys", systolic), ("dia", diastolic))
    words = [f"{name} {FLAG_WORDS[check.status][0]}" for name, check in parts]
    level = max(SEVERITY.get(systolic.status, 0), SEVERITY.get(diastolic.status, 0))
    if systolic.value is not None and diastolic.value is not None:
        s, d = systolic.value, diastolic.value
        category = bp_category_for_age(s, d, age_years)
        text = bp_category_text(s, d, age_years)
        words.append(text if category is None else f"BP {text}")
        if category is not None:
            level = max(level, CATEGORY_SEVERITY[category])
    return Reading(valid=True, detail=" · ".join(words), detail_level=LEVELS[level])


def echo_for(check: VitalCheck) -> str:
    """ "= 37.0 °C", preceded by the reading in the unit it was taken in when that differs
    ("98.6 °F = 37.0 °C"), so the MA sees which unit a bare number was read in."""
    if check.value is None:
        return ""
    canonical = f"= {check.display}"
    entered_unit = check.entered_unit
    if entered_unit and entered_unit != check.unit and check.entered_value is not None:
        entered = format_number(check.entered_value, _decimals_in(check.entered_value))
        return f"{entered} {symbol(entered_unit)} {canonical}"
    return canonical


def _decimals_in(value: float) -> int:
    text = f"{value:.3f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def reading_for(check: VitalCheck) -> Reading:
    """The field's view of one core check."""
    if not check.ok or check.value is None:
        return Reading(valid=False, message=check.message or "This value cannot be read.")
    return Reading(
        valid=True,
        echo=echo_for(check),
        status=check.status,
        message=check.message,
        value=check.value,
    )


def vital_result(result: object) -> VitalCheck:
    """The core check a :class:`VitalValidator`'s assessment carries (a field's ``result``)."""
    if not isinstance(result, VitalCheck):
        raise TypeError(f"not a checked reading: {result!r}")
    return result


def bp_result(result: object) -> tuple[VitalCheck, VitalCheck]:
    """The (systolic, diastolic) checks a :class:`BloodPressureValidator`'s assessment carries."""
    match result:
        case (VitalCheck() as systolic, VitalCheck() as diastolic):
            return systolic, diastolic
    raise TypeError(f"not a checked blood pressure: {result!r}")


class VitalValidator(Validator):
    """Validates one kind of vital sign (temperature, weight, pulse, ...) with the core check."""

    def __init__(
        self,
        kind: str,
        system: System = "us",
        age_years: float | None = None,
        failure_description: str | None = None,
        default_unit: str | None = None,
    ) -> None:
        super().__init__(failure_description or f"Not a valid {kind.replace('_', ' ')}.")
        self.kind = kind
        self.system = system
        self.age_years = age_years
        self.default_unit = default_unit
        """The unit a bare number takes instead of the system's (a clinic's glucose unit)."""
        self.ranges: RangeTable | None = None
        """A range table instead of the clinic's (SpO2 on NEWS2 scale 2); None: the clinic's."""

    def check(self, text: str) -> VitalCheck:
        try:
            return check_vital(
                self.kind,
                text,
                age_years=self.age_years,
                system=self.system,
                ranges=self.ranges,
                default_unit=self.default_unit,
            )
        except Exception:  # the core's contract says never; the app must not stop if it did
            return _failed(self.kind, text)

    def assess(self, text: str) -> Assessment:
        """One core check of ``text``, as the field shows it and as Textual validates it."""
        if not text.strip():
            return EMPTY_ASSESSMENT
        check = self.check(text)
        validation = (
            self.success()
            if check.ok
            else self.failure(check.message or self.failure_description, text)
        )
        return Assessment(text, reading_for(check), validation, check)

    def read(self, text: str) -> Reading:
        return self.assess(text).reading

    def validate(self, value: str) -> ValidationResult:
        return self.assess(value).validation


class GlucoseValidator(VitalValidator):
    """The fingerstick glucose: a number, or the meter's "HI" / "LO" at the clinic's limits."""

    def __init__(
        self,
        system: System = "us",
        age_years: float | None = None,
        meter: MeterLimits | None = None,
        default_unit: str | None = None,
    ) -> None:
        super().__init__("glucose", system, age_years, default_unit=default_unit)
        self.meter = meter or MeterLimits()

    def check(self, text: str) -> VitalCheck:
        try:
            return check_glucose(
                text,
                age_years=self.age_years,
                system=self.system,
                meter=self.meter,
                default_unit=self.default_unit,
            )
        except Exception:  # as VitalValidator.check
            return _failed("glucose", text)


class BloodPressureValidator(Validator):
    """Validates "120/80" (systolic over diastolic) with the core check."""

    GIVES_DETAIL = True
    """Its readings carry a detail line ("sys normal · dia normal · BP elevated"): the field
    keeps that line's row, so its coming and going is a repaint, not a full-screen layout."""

    def __init__(
        self,
        system: System = "us",
        age_years: float | None = None,
        failure_description: str | None = None,
    ) -> None:
        super().__init__(
            failure_description or "Type the blood pressure as systolic/diastolic, e.g. 120/80."
        )
        self.system = system
        self.age_years = age_years

    def check(self, text: str) -> tuple[VitalCheck, VitalCheck]:
        try:
            return check_blood_pressure(text, age_years=self.age_years, system=self.system)
        except Exception:  # as VitalValidator.check
            return _failed("systolic", text), _failed("diastolic", text)

    def assess(self, text: str) -> Assessment:
        """One core check of ``text``, as the field shows it and as Textual validates it."""
        if not text.strip():
            return EMPTY_ASSESSMENT
        checks = self.check(text)
        reading = self._reading(*checks)
        if reading.valid:
            return Assessment(text, reading, self.success(), checks)
        failure = self.failure(reading.message or self.failure_description, text)
        return Assessment(text, reading, failure, checks)

    def read(self, text: str) -> Reading:
        return self.assess(text).reading

    def validate(self, value: str) -> ValidationResult:
        return self.assess(value).validation

    def _reading(self, systolic: VitalCheck, diastolic: VitalCheck) -> Reading:
        bad = next((c for c in (systolic, diastolic) if not c.ok), None)
        if bad is not None or systolic.value is None or diastolic.value is None:
            message = bad.message if bad is not None else ""
            return Reading(valid=False, message=message or self.failure_description or "")
        worst = max(
            (systolic, diastolic), key=lambda c: SEVERITY.get(c.status, 0)
        )  # the systolic wins a tie
        numbers = f"{format_number(systolic.value, 0)}/{format_number(diastolic.value, 0)}"
        echo = f"= {numbers} {symbol(systolic.unit)}"
        detail = bp_detail(systolic, diastolic, self.age_years)
        return Reading(
            valid=True,
            echo=echo,
            status=worst.status,
            message=worst.message,
            value=systolic.value,
            detail=detail.detail,
            detail_level=detail.detail_level,
        )
