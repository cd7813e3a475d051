"""Snellen lines as typed, a child's referral criteria by age (AAP 2016), pure-tone pass/refer
and the screenings due at this age (Bright Futures)."""

from __future__ import annotations

import pytest

from kiosk.models import EyeAcuity, HearingTone
from kiosk.validators.vision import (
    SnellenError,
    frequencies_for,
    hearing_referral,
    parse_snellen,
    screenings_due,
    vision_referral,
)


@pytest.mark.parametrize(
    ("text", "numerator", "denominator", "letters", "decimal"),
    [
        ("20/40-2", 20, 40, -2, 0.5),
        ("20/40", 20, 40, 0, 0.5),
        ("6/12", 6, 12, 0, 0.5),
        ("6/12-1", 6, 12, -1, 0.5),
        ("20/30+1", 20, 30, 1, 20 / 30),
        (" 20 / 20 ", 20, 20, 0, 1.0),
        ("20/12.5", 20, 12.5, 0, 1.6),
        ("20/40\u22122", 20, 40, -2, 0.5),  # a minus sign pasted from a document
    ],
)
def test_snellen_lines(
    text: str, numerator: float, denominator: float, letters: int, decimal: float
) -> None:
    read = parse_snellen(text, eye="right", corrected=False)
    assert isinstance(read, EyeAcuity), read
    assert (read.numerator, read.denominator, read.letters) == (numerator, denominator, letters)
    assert read.decimal == pytest.approx(decimal)
    assert read.entered == text.strip().replace("\u2212", "-")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Type the line read as 20/40, 20/40-2 (letters missed) or metric 6/12."),
        ("40", "40 alone is not a line"),
        ("12/40", "the chart distance is 20 (feet) or 6 (metres)"),
        ("20/0", "a 20/ chart has lines from 20/10 to 20/800"),
        ("6/500", "a 6/ chart has lines from 6/3 to 6/240"),
        ("20/40-9", "more than 4 letters means the patient read the line above"),
        ("20/40+6", "read the next line"),
        ("20/40-0", "write the line alone"),
        ("good", "'good' is not a Snellen line"),
        ("20/40-2-1", "not a Snellen line"),
    ],
)
def test_bad_snellen_text_says_how_to_type_it(text: str, words: str) -> None:
    read = parse_snellen(text, eye="left", corrected=True)
    assert isinstance(read, SnellenError), read
    assert words in read.message, read


def eyes(right: str, left: str) -> list[EyeAcuity]:
    out = []
    for eye, text in (("right", right), ("left", left)):
        read = parse_snellen(text, eye=eye, corrected=False)
        assert isinstance(read, EyeAcuity)
        out.append(read)
    return out


@pytest.mark.parametrize(
    ("age", "right", "left", "refer"),
    [
        (3.5, "20/50", "20/50", ""),  # 36-47 months: refer if worse than 20/50
        (3.5, "20/63", "20/40", "right eye 20/63 worse than 20/50"),
        (4.5, "20/50", "20/40", "right eye 20/50 worse than 20/40"),
        (4.5, "6/12", "6/12", ""),
        (7, "20/40", "20/32", "right eye 20/40 worse than 20/32"),
        (7, "20/32", "20/30", ""),
        (2, "20/200", "20/200", ""),  # under 3: instrument screening, no acuity criteria
        (35, "20/60", "20/60", ""),  # adults are recorded, not referred
        (None, "20/60", "20/60", ""),
    ],
)
def test_child_vision_referral_by_age(age: float | None, right: str, left: str, refer: str) -> None:
    found = vision_referral(eyes(right, left), age)
    assert (refer in found) if refer else found == "", found
    if refer:
        assert "AAP 2016" in found


def test_hearing_refers_on_any_missed_tone() -> None:
    tones = [
        HearingTone(ear=e, frequency_hz=f, result="pass")
        for e in ("right", "left")
        for f in (1000, 2000, 4000)
    ]
    assert hearing_referral(tones) == ""
    tones[-1] = HearingTone(ear="left", frequency_hz=4000, result="refer")
    assert hearing_referral(tones) == "Refer: no response at 20 dB HL (left 4000 Hz)."


def test_screenings_due_at_this_age_and_the_tones_to_play() -> None:
    assert screenings_due(4) == ["vision", "hearing"]
    assert screenings_due(7) == []
    assert screenings_due(12) == ["vision", "hearing"]  # hearing once in 11-14
    assert screenings_due(16) == ["hearing"]
    assert screenings_due(40) == []
    assert screenings_due(None) == []
    assert frequencies_for(6) == (1000, 2000, 4000)
    assert frequencies_for(12) == (1000, 2000, 4000, 6000, 8000)
