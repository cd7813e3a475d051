"""What the review step says about an encounter, as plain lines (no Textual here).

Kept apart from the screen so the wording — flags first, scores with their caveats, what blocks
signing — is testable without an app, and so the screen only lays the lines out.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import missing_required
from kiosk.models import BloodPressure, Encounter, Measurement, UrineDipstick, Vitals
from kiosk.scoring import (
    BMI_CLASS_LABELS,
    NEWS2_MIN_AGE_YEARS,
    NEWS2_RISK_LABELS,
    bmi_class,
    bmi_for,
    bmi_is_plausible,
    bp_category_for_age,
    bp_category_text,
    news2_for,
    news2_missing,
)
from kiosk.validators.cross import bmi_applicability
from kiosk.validators.kinds import KIND_SPECS
from kiosk.validators.text import visible
from kiosk.widgets.past import shown

WORDS: dict[str, str] = {
    "critical-high": "CRITICAL HIGH",
    "critical-low": "CRITICAL LOW",
    "high": "high",
    "low": "low",
}
STEP_NAMES: dict[str, str] = {
    "demographics": "Patient details",
    "history": "History",
    "complaint": "Chief complaint",
    "vitals": "Vital signs",
    "poc": "Point-of-care tests",
    "screenings": "Screenings",
}
NEWS2_PARTS: dict[str, str] = {
    "respiratory_rate": "RR",
    "spo2": "SpO2",
    "air_or_oxygen": "air/O2",
    "systolic": "systolic",
    "pulse": "pulse",
    "consciousness": "ACVPU",
    "temperature": "temp",
}


@dataclass(frozen=True)
class Flag:
    """One out-of-range finding, worded so it reads without colour."""

    critical: bool
    text: str


def _readings(encounter: Encounter) -> list[Measurement]:
    readings = encounter.vitals.measurements()
    if encounter.poc.glucose is not None:
        readings.append(encounter.poc.glucose)
    return readings


def flags(encounter: Encounter) -> list[Flag]:
    """Critical readings first, then abnormal readings and abnormal dipstick pads."""
    critical: list[Flag] = []
    abnormal: list[Flag] = []
    for reading in _readings(encounter):
        if reading.status not in WORDS:
            continue
        text = f"{WORDS[reading.status]}  {KIND_SPECS[reading.kind].label} {shown(reading)}"
        (critical if reading.is_critical else abnormal).append(Flag(reading.is_critical, text))
    for text in encounter.screenings.critical():
        critical.append(Flag(True, f"CRITICAL  {text}"))
    for answered in encounter.screenings.results:
        if answered.positive and not answered.critical:
            abnormal.append(
                Flag(False, f"positive  {answered.form} {answered.total} {answered.band}")
            )
    urine = encounter.poc.urine
    if urine is not None:
        for pad in (*UrineDipstick.ANALYTES, "nitrite", "ph", "specific_gravity"):
            if urine.is_abnormal(pad):
                name = {"ph": "pH", "specific_gravity": "specific gravity"}.get(pad, pad)
                abnormal.append(Flag(False, f"abnormal  Urine {name} {getattr(urine, pad)}"))
    for result in encounter.poc.results:
        if result.is_critical:
            critical.append(Flag(True, f"CRITICAL  {result.name} {result.shown()}"))
        elif result.status in ("abnormal", "low", "high"):
            abnormal.append(Flag(False, f"{result.status}  {result.name} {result.shown()}"))
    for screen in (encounter.poc.vision, encounter.poc.hearing):
        if screen is not None and screen.refer:
            abnormal.append(Flag(False, screen.reason))
    return critical + abnormal


def blockers(encounter: Encounter, required: tuple[str, ...]) -> list[str]:
    """Why the encounter cannot be signed yet: missing required items, unchecked typed text."""
    problems = [f"Missing: {name}" for name in missing_required(encounter, required)]
    unchecked: dict[str, list[str]] = {}
    for widget_id, text in encounter.form_text.items():
        step = widget_id.split("-", 1)[0]
        if step == "review" or widget_id.startswith("@") or not text.strip():  # "@focus"
            continue
        unchecked.setdefault(STEP_NAMES.get(step, step), []).append(text.strip())
    for step, texts in unchecked.items():
        shown_texts = ", ".join(f"'{visible(t)}'" for t in texts[:3])
        problems.append(f"Not yet checked on {step}: {shown_texts} — go back and fix or clear it")
    return problems


def _latest_bp(encounter: Encounter) -> BloodPressure | None:
    for bp in reversed(encounter.vitals.blood_pressure):
        if bp.systolic.value is not None and bp.diastolic.value is not None:
            return bp
    return None


NEWS2_SEVERITY: dict[str, str] = {
    "high": "error",
    "medium": "warning",
    "low-medium": "warning",
    "low": "",
}
"""The colour class of the NEWS2 line by risk (the line also says the risk in words)."""


def score_lines(encounter: Encounter) -> list[tuple[str, str]]:
    """BMI and class, BP reading category, NEWS2 with risk and components — or why not.

    Each line comes with a colour class ("error", "warning" or "") for the NEWS2 risk.
    """
    age = encounter.patient.age_on(encounter.day)
    lines: list[str] = []
    value = bmi_for(encounter)
    if value is None:
        lines.append("BMI: needs a height and a weight")
    elif not bmi_is_plausible(value, age):
        lines.append(f"BMI {value:.1f} kg/m²: not plausible — check the weight and height")
    else:
        applies = bmi_applicability(age)
        kind = BMI_CLASS_LABELS[bmi_class(value)] if applies.ok else applies.message
        lines.append(f"BMI {value:.1f} kg/m²: {kind}")
    bp = _latest_bp(encounter)
    if bp is None or bp.systolic.value is None or bp.diastolic.value is None:
        lines.append("BP reading category: no blood pressure taken")
    else:
        s, d = bp.systolic.value, bp.diastolic.value
        adult = bp_category_for_age(s, d, age) is not None
        caveat = " (one reading, not a diagnosis)" if adult else ""
        lines.append(f"BP reading category: {bp_category_text(s, d, age)}{caveat}")
    score = news2_for(encounter)
    if score is None:
        if age < NEWS2_MIN_AGE_YEARS:
            lines.append("NEWS2: not used under 16 years")
        else:
            lines.append(f"NEWS2: needs {', '.join(news2_missing(encounter))}")
    else:
        parts = " · ".join(f"{NEWS2_PARTS[k]} {v}" for k, v in score.components.items())
        severity = NEWS2_SEVERITY[score.risk]
        scale = " (SpO2 scale 2, target 88–92 %)" if score.spo2_scale == 2 else ""
        return [
            *((line, "") for line in lines),
            (f"NEWS2 {score.total} — {NEWS2_RISK_LABELS[score.risk]}{scale}", severity),
            (f"  ({parts})", ""),
        ]
    return [(line, "") for line in lines]


def vitals_lines(encounter: Encounter) -> list[str]:
    """Every reading as typed, with its position/route/oxygen, or why it was not taken."""
    vitals = encounter.vitals
    lines = []
    for bp in vitals.blood_pressure:
        if bp.systolic.not_taken:
            lines.append(f"Blood pressure: not taken ({bp.systolic.not_taken})")
        else:
            where = f"{bp.position}, {bp.site.replace('-', ' ')}"
            lines.append(f"Blood pressure: {shown(bp)} ({where})")
    for name in Vitals.SINGLE_KINDS:
        for reading in getattr(vitals, name):
            lines.append(f"{KIND_SPECS[name].label}: {_reading_text(reading)}")
    lines.append(f"Consciousness (ACVPU): {vitals.consciousness}")
    if vitals.spo2_scale == 2:
        lines.append("SpO2 target: 88–92 %, prescribed by the provider (NEWS2 scale 2)")
    return lines


def _reading_text(reading: Measurement) -> str:
    if reading.not_taken:
        return f"not taken ({reading.not_taken.replace('-', ' ')})"
    text = shown(reading)
    route = getattr(reading, "route", None)
    if route:
        text += f" ({route})"
    if getattr(reading, "on_oxygen", False):
        flow = getattr(reading, "o2_flow_l_min", None)
        text += f" on oxygen {flow:g} L/min" if flow else " on oxygen"
    if reading.status in WORDS:
        text += f"  {WORDS[reading.status]}"
    return text


def poc_lines(encounter: Encounter) -> list[str]:
    urine, glucose = encounter.poc.urine, encounter.poc.glucose
    lines = []
    if urine is None:
        lines.append("Urine dipstick: not done")
    else:
        pads = [
            f"{pad} {getattr(urine, pad)}"
            for pad in (*UrineDipstick.ANALYTES, "nitrite", "ph", "specific_gravity")
            if getattr(urine, pad) is not None
        ]
        lines.append("Urine dipstick: " + ", ".join(pads))
    label = KIND_SPECS["glucose"].label
    if glucose is None:
        lines.append(f"{label}: not done")
    else:
        fasting = {None: "", True: ", fasting", False: ", not fasting"}[glucose.fasting]
        lines.append(f"{label}: {_reading_text(glucose)}{fasting}")
    for result in encounter.poc.results:
        flag = {
            "abnormal": " (abnormal)",
            "critical-high": " CRITICAL",
            "critical-low": " CRITICAL",
        }
        lines.append(
            f"{result.name}: {result.shown()}{flag.get(result.status, '')}, lot {result.kit_lot}"
        )
    vision = encounter.poc.vision
    if vision is not None:
        eyes = ", ".join(f"{r.eye} {r.entered}" for r in vision.readings)
        worn = " with correction" if any(r.corrected for r in vision.readings) else ""
        lines.append(f"Vision{worn}: {eyes}" + (f" — {vision.reason}" if vision.refer else ""))
    hearing = encounter.poc.hearing
    if hearing is not None:
        lines.append("Hearing: " + (hearing.reason if hearing.refer else "pass"))
    return lines


SKIPPED: dict[str, str] = {
    "declined": "declined",
    "done-elsewhere": "done elsewhere",
    "not-appropriate": "not appropriate",
}
NAMES: dict[str, str] = {"phq": "PHQ", "gad7": "GAD-7", "auditc": "AUDIT-C", "steadi": "STEADI"}
TOBACCO: dict[str, str] = {
    "never": "never smoked",
    "former": "former smoker",
    "current": "current smoker",
    "unknown": "not recorded",
}


def screening_lines(encounter: Encounter) -> list[str]:
    """Each screening's total, band and flags (or why it was skipped), what is still open,
    and tobacco (asked on the History step)."""
    section = encounter.screenings
    lines = []
    for result in section.results:
        if result.skipped:
            lines.append(f"{NAMES[result.instrument]}: skipped ({SKIPPED[result.skipped]})")
        elif result.total is None:
            lines.append(
                f"{NAMES[result.instrument]}: not finished ({len(result.answers)} answered)"
            )
        else:
            by = "patient" if result.answered_by == "patient" else "staff"
            flag = "".join(f" · CRITICAL: {text}" for text in result.critical)
            positive = " · positive" if result.positive and result.band != "positive" else ""
            lines.append(f"{result.form} {result.total} {result.band}{positive}{flag} ({by})")
    done = {r.instrument for r in section.results if r.done or r.skipped}
    open_ = [NAMES[name] for name in section.due if name not in done]
    if open_:
        lines.append("Due, not done: " + ", ".join(open_))
    if not lines:
        lines.append("None due")
    lines.append(f"Tobacco: {TOBACCO[encounter.history.social.tobacco]} (History)")
    return lines
