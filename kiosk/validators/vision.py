"""Vision and hearing screening: Snellen lines as typed, a child's referral criteria by age,
pure-tone pass/refer, and which screenings are due at this age.

Snellen: ``20/40`` (feet), ``6/12`` (metres), with letters missed on the line (``20/40-2``) or
read on the next (``20/30+1``). The line is the acuity compared with the referral criteria; the
letters are kept as typed (up to :data:`MAX_LETTERS`: more means another line was read).

Sources:
  [AAP-VS]  Donahue SP, Baker CN; AAP Committee on Practice and Ambulatory Medicine et al.
            "Procedures for the Evaluation of the Visual System by Pediatricians."
            Pediatrics 2016;137(1):e20153597, table 2 (referral criteria for visual acuity).
  [BF]      AAP/Bright Futures "Recommendations for Preventive Pediatric Health Care"
            (periodicity schedule), 2025: visual acuity at 3, 4, 5, 6, 8, 10, 12 and 15 years;
            audiometry at 4, 5, 6, 8, 10, and once between 11-14, 15-17 and 18-21 years
            (6000 and 8000 Hz added from 11 years).
  [ASHA]    ASHA Guidelines for Audiologic Screening (1997): pure tones at 20 dB HL at
            1000, 2000 and 4000 Hz; refer on a missed tone in either ear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.models.poc import EyeAcuity, HearingTone

_SNELLEN = re.compile(r"^(20|6)\s*/\s*([0-9]+(?:\.[0-9]+)?)\s*(?:([+-])\s*([0-9]))?$")
_LIMITS = {20: (10.0, 800.0), 6: (3.0, 240.0)}
REFERRAL_WORSE_THAN: tuple[tuple[float, float, float], ...] = (
    (3.0, 4.0, 20 / 50),
    (4.0, 5.0, 20 / 40),
    (5.0, 18.0, 20 / 32),
)
"""[AAP-VS] (age from, age to, the decimal acuity below which to refer): 36-47 months worse
than 20/50 in either eye, 48-59 months worse than 20/40, 5 years and older worse than 20/32
(20/30 on a chart without a 20/32 line), to 18 years. Adults are recorded, not referred."""
VISION_AGES = (3, 4, 5, 6, 8, 10, 12, 15)
HEARING_AGES = (4, 5, 6, 8, 10)
HEARING_SPANS = ((11, 15), (15, 18), (18, 22))
"""[BF]: once within each span (from, to exclusive), in years."""
MAX_LETTERS = 4
"""Letters missed on a line (or read on the next) beyond which that line was not the one
read: most Snellen lines hold 5-8 letters (a project rule)."""
SCREEN_FREQUENCIES = (1000, 2000, 4000)
ADOLESCENT_FREQUENCIES = (6000, 8000)


@dataclass(frozen=True, slots=True)
class SnellenError:
    message: str


def parse_snellen(text: str, *, eye: str, corrected: bool) -> EyeAcuity | SnellenError:
    """One eye's Snellen line as typed; a message saying how to type it otherwise."""
    typed = text.strip().replace("−", "-").replace("–", "-")
    how = "Type the line read as 20/40, 20/40-2 (letters missed) or metric 6/12."
    if not typed:
        return SnellenError(how)
    match = _SNELLEN.match(typed)
    if match is None:
        if re.match(r"^\d+(\.\d+)?$", typed):
            return SnellenError(f"{typed} alone is not a line: {how}")
        distance = re.match(r"^(\d+)\s*/", typed)
        if distance is not None and distance.group(1) not in ("20", "6"):
            return SnellenError(f"{typed}: the chart distance is 20 (feet) or 6 (metres). {how}")
        return SnellenError(f"{typed!r} is not a Snellen line. {how}")
    numerator = int(match.group(1))
    denominator = float(match.group(2))
    lo, hi = _LIMITS[numerator]
    if not lo <= denominator <= hi:
        return SnellenError(
            f"{typed}: a {numerator}/ chart has lines from {numerator}/{lo:g} to "
            f"{numerator}/{hi:g}. {how}"
        )
    letters = int(match.group(4)) * (-1 if match.group(3) == "-" else 1) if match.group(3) else 0
    if letters == 0 and match.group(3):
        return SnellenError(f"{typed}: write the line alone when no letter was missed.")
    if abs(letters) > MAX_LETTERS:
        return SnellenError(
            f"{typed}: more than {MAX_LETTERS} letters means the patient read the "
            f"{'line above' if letters < 0 else 'next line'}: type that line instead."
        )
    return EyeAcuity(
        eye=eye,
        corrected=corrected,
        entered=typed,
        numerator=numerator,
        denominator=denominator,
        letters=letters,
    )


def vision_referral(readings: list[EyeAcuity], age_years: float | None) -> str:
    """Why to refer (empty: no referral) under [AAP-VS], for a child 3 years and older."""
    if age_years is None:
        return ""
    limit = next((v for lo, hi, v in REFERRAL_WORSE_THAN if lo <= age_years < hi), None)
    if limit is None:
        return ""
    worse = [r for r in readings if r.eye != "both" and r.decimal < limit - 1e-9]
    if not worse:
        return ""
    eyes = ", ".join(f"{r.eye} eye {r.entered}" for r in worse)
    return (
        f"Refer: {eyes} worse than {_feet_of(limit)} at age {int(age_years)} "
        "(AAP 2016 referral criteria)."
    )


def _feet_of(decimal: float) -> str:
    return f"20/{round(20 / decimal):g}"


def hearing_referral(tones: list[HearingTone]) -> str:
    """Why to refer (empty: no referral): a tone missed in either ear [ASHA]."""
    missed = [t for t in tones if t.result == "refer"]
    if not missed:
        return ""
    listed = ", ".join(f"{t.ear} {t.frequency_hz} Hz" for t in missed)
    return f"Refer: no response at {missed[0].level_db} dB HL ({listed})."


def frequencies_for(age_years: float | None) -> tuple[int, ...]:
    """The tones to screen: 1000-4000 Hz, and 6000 / 8000 Hz from 11 years [BF]."""
    if age_years is not None and age_years >= 11:
        return SCREEN_FREQUENCIES + ADOLESCENT_FREQUENCIES
    return SCREEN_FREQUENCIES


def screenings_due(age_years: float | None) -> list[str]:
    """Screenings [BF] schedules at this whole year of age: "vision", "hearing" (or none)."""
    if age_years is None:
        return []
    age = int(age_years)
    due = []
    if age in VISION_AGES:
        due.append("vision")
    if age in HEARING_AGES or any(lo <= age < hi for lo, hi in HEARING_SPANS):
        due.append("hearing")
    return due
