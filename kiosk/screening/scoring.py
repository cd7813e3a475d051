"""Scoring the screening instruments exactly, from their tables (``screenings.toml``).

Pure functions of the answers: which questions to ask next (PHQ-2 before the rest of PHQ-9),
and the score of what was answered (total, band, positive, critical flags). Sources are cited
in the data file under each instrument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.models import Language, ScreeningId, ScreeningResult, Sex
from kiosk.screening.instruments import Band, Instrument, Item, instruments


@dataclass(frozen=True)
class Score:
    """The score of one instrument's answers."""

    form: str
    """The form completed: "PHQ-2" or "PHQ-9" for the PHQ, else the instrument's name."""
    total: int
    band: str
    positive: bool
    critical: list[str] = field(default_factory=list)
    complete: bool = True
    """Every question of ``form`` answered."""


def _band(bands: tuple[Band, ...], total: int) -> str:
    found = bands[0].band
    for band in bands:
        if total >= band.at_least:
            found = band.band
    return found


def gate_closed(instrument: Instrument, answers: Mapping[str, int], *, always: bool) -> bool:
    """The short form (PHQ-2) is answered and below its cut-off: the rest is not asked."""
    gate = instrument.gate
    if gate is None or always:
        return False
    first = [item.code for item in instrument.items[: gate.items]]
    if any(code not in answers for code in first):
        return False
    return sum(answers[code] for code in first) < gate.at_least


def questions(instrument: Instrument, answers: Mapping[str, int], *, always: bool) -> list[Item]:
    """The questions to ask, in order, given the answers so far (they may shorten the list:
    a negative PHQ-2 ends the PHQ). The unscored extra question comes last."""
    items = list(instrument.items)
    if instrument.gate is not None and gate_closed(instrument, answers, always=always):
        return items[: instrument.gate.items]
    if instrument.extra is not None:
        items.append(instrument.extra)
    return items


def score(
    instrument: Instrument, answers: Mapping[str, int], sex: Sex, *, always: bool = False
) -> Score:
    """Total, band, positive and critical flags of ``answers`` (item code -> answer score).

    An answer outside the item's choices raises ValueError; unanswered items count 0 and make
    the score incomplete."""
    for code, value in answers.items():
        item = instrument.item(code)
        if value not in {a.value for a in instrument.choices(item)}:
            raise ValueError(f"{instrument.name} {code}: no answer scores {value}")
    gate = instrument.gate
    if gate is not None and gate_closed(instrument, answers, always=always):
        scored = instrument.items[: gate.items]
        total = sum(answers.get(item.code, 0) for item in scored)
        band = _band(gate.bands, total)
        return Score(gate.name, total, band, band == "positive")
    scored = instrument.items
    complete = all(item.code in answers for item in scored)
    total = sum(answers.get(item.code, 0) for item in scored)
    critical = [flag.text for flag in instrument.critical if answers.get(flag.code, 0) > flag.above]
    if instrument.positive_by_sex is not None:
        positive = total >= instrument.positive_by_sex[sex]
        band = "positive" if positive else "negative"
    else:
        band = _band(instrument.bands, total)
        positive = instrument.positive_at is not None and total >= instrument.positive_at
    return Score(instrument.name, total, band, positive, critical, complete)


def result_for(
    instrument_id: ScreeningId,
    answers: Mapping[str, int],
    sex: Sex,
    *,
    by: str,
    language: Language,
    at: datetime,
    always: bool = False,
) -> ScreeningResult:
    """The stored result of a finished instrument (its score worked out now)."""
    instrument = instruments()[instrument_id]
    found = score(instrument, answers, sex, always=always)
    asked = {item.code for item in questions(instrument, answers, always=always)}
    return ScreeningResult(
        instrument=instrument_id,
        answers={code: value for code, value in answers.items() if code in asked},
        answered_by="patient" if by == "patient" else "staff",
        language=language,
        at=at,
        form=found.form,
        total=found.total,
        band=found.band,
        positive=found.positive,
        critical=found.critical,
    )
