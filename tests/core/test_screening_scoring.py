"""kiosk.screening.scoring: every instrument scored exactly, at every band edge."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.errors import ConfigError
from kiosk.models import Sex
from kiosk.screening import instruments, questions, result_for, score
from kiosk.screening.instruments import INSTRUMENTS_FILE, Instrument, load_instruments

PHQ = instruments()["phq"]
GAD = instruments()["gad7"]
AUDIT = instruments()["auditc"]
STEADI = instruments()["steadi"]


def spread(instrument: Instrument, total: int, top: int) -> dict[str, int]:
    """Answers summing to ``total``, filled from the first item (each at most ``top``)."""
    answers: dict[str, int] = {}
    left = total
    for item in instrument.items:
        answers[item.code] = min(top, left)
        left -= answers[item.code]
    assert left == 0
    return answers


def phq9(total: int, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers summing to ``total`` with item 9 fixed (the PHQ-2 items first)."""
    answers = {item.code: 0 for item in PHQ.items}
    answers["44260-8"] = item9
    left = total - item9
    for item in PHQ.items[:8]:
        answers[item.code] = min(3, left)
        left -= answers[item.code]
    assert left == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (3, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_every_edge(total: int, band: str) -> None:
    found = score(PHQ, spread(PHQ, total, 3), "female")
    assert (found.form, found.total, found.band) == ("PHQ-9", total, band)
    assert found.positive is (total >= 10)
    assert found.complete


@pytest.mark.parametrize(
    ("first", "second", "band"),
    [
        (0, 0, "negative"),
        (1, 1, "negative"),
        (2, 0, "negative"),
        (2, 1, "positive"),
        (3, 3, "positive"),
    ],
)
def test_phq2_gate_at_three(first: int, second: int, band: str) -> None:
    answers = {"44250-9": first, "44255-8": second}
    found = score(PHQ, answers, "male")
    asked = questions(PHQ, answers, always=False)
    if band == "negative":
        assert (found.form, found.total, found.band) == ("PHQ-2", first + second, "negative")
        assert [i.code for i in asked] == ["44250-9", "44255-8"]
    else:
        assert found.form == "PHQ-9"
        assert not found.complete
        assert len(asked) == 10
        assert asked[-1].code == "69722-7"


def test_phq9_always_asks_everything_after_a_negative_phq2() -> None:
    answers = {"44250-9": 0, "44255-8": 0}
    assert len(questions(PHQ, answers, always=True)) == 10
    assert score(PHQ, answers, "male", always=True).form == "PHQ-9"


@pytest.mark.parametrize(("item9", "critical"), [(0, False), (1, True), (2, True), (3, True)])
def test_item9_above_zero_is_critical_whatever_the_total(item9: int, critical: bool) -> None:
    found = score(PHQ, phq9(6 + item9, item9), "female")
    assert bool(found.critical) is critical
    if critical:
        assert "item 9" in found.critical[0]


def test_the_difficulty_question_is_not_scored() -> None:
    answers = {**phq9(12), "69722-7": 3}
    assert score(PHQ, answers, "male").total == 12


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_at_every_edge(total: int, band: str) -> None:
    found = score(GAD, spread(GAD, total, 3), "male")
    assert (found.form, found.total, found.band) == ("GAD-7", total, band)
    assert GAD.max_total == 21


@pytest.mark.parametrize(
    ("sex", "total", "positive"),
    [
        ("male", 3, False),
        ("male", 4, True),
        ("female", 2, False),
        ("female", 3, True),
        ("other", 3, True),
        ("unknown", 2, False),
        ("male", 12, True),
        ("female", 0, False),
    ],
)
def test_auditc_cut_offs_by_sex(sex: Sex, total: int, positive: bool) -> None:
    found = score(AUDIT, spread(AUDIT, total, 4), sex)
    assert found.total == total
    assert found.positive is positive
    assert found.band == ("positive" if positive else "negative")
    assert AUDIT.max_total == 12


@pytest.mark.parametrize(("yes", "band"), [(0, "not at risk"), (1, "at risk"), (3, "at risk")])
def test_steadi_any_yes_is_at_risk(yes: int, band: str) -> None:
    answers = {item.code: int(i < yes) for i, item in enumerate(STEADI.items)}
    found = score(STEADI, answers, "female")
    assert (found.band, found.positive) == (band, yes > 0)


def test_an_answer_no_choice_scores_is_refused() -> None:
    with pytest.raises(ValueError, match="no answer scores 4"):
        score(PHQ, {"44250-9": 4}, "male")


def test_every_answer_code_is_a_loinc_answer_and_items_are_loinc_codes() -> None:
    for instrument in instruments().values():
        for item in instrument.items:
            if instrument.id == "steadi":
                assert item.code.startswith("steadi-")
            else:
                assert item.code[0].isdigit()
                assert item.code[-2] == "-"
            for answer in instrument.choices(item):
                assert answer.code.startswith("LA")
        assert instrument.source  # every instrument cites where it comes from


def test_result_keeps_only_the_questions_asked() -> None:
    answers = {**phq9(0), "69722-7": 0}  # a PHQ-2 of 0 plus stale answers further on
    result = result_for("phq", answers, "male", by="patient", language="es", at=datetime.now(UTC))
    assert result.form == "PHQ-2"
    assert set(result.answers) == {"44250-9", "44255-8"}
    assert (result.answered_by, result.language, result.done) == ("patient", "es", True)


def test_a_broken_instruments_file_names_the_key() -> None:
    text = INSTRUMENTS_FILE.read_text(encoding="utf-8").replace(
        'answers = "drink_often"', 'answers = "no-such-set"'
    )
    with pytest.raises(ConfigError, match=r"instruments\.auditc'.*no answer set 'no-such-set'"):
        load_instruments(text)
