"""kiosk.screening.due: due by age, sex and the interval since the last one (earlier visits)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.config import load_settings
from kiosk.models import Encounter, Patient, ScreeningResult, Screenings
from kiosk.screening import DueRule, ScreeningRules, due_screenings, last_done

TODAY = date(2026, 6, 1)
RULES = ScreeningRules()


def due(age: int, sex: str = "female", last: dict[str, date] | None = None) -> set[str]:
    found = due_screenings(RULES, age, sex, last or {}, TODAY)  # type: ignore[arg-type]
    return {d.instrument for d in found if d.due}


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (11, set()),
        (12, {"phq"}),
        (17, {"phq"}),
        (18, {"phq", "gad7", "auditc"}),
        (64, {"phq", "gad7", "auditc"}),
        (65, {"phq", "auditc", "steadi"}),
        (90, {"phq", "auditc", "steadi"}),
    ],
)
def test_due_by_age(age: int, expected: set[str]) -> None:
    assert due(age) == expected


def test_interval_since_the_last_one() -> None:
    last = {"phq": TODAY - timedelta(days=364), "auditc": TODAY - timedelta(days=365)}
    assert due(40, last=last) == {"gad7", "auditc"}
    found = {d.instrument: d for d in due_screenings(RULES, 40, "male", last, TODAY)}
    assert found["phq"].why == f"done {last['phq']}, due again {TODAY + timedelta(days=1)}"


def test_sex_rule_and_disabled_rule() -> None:
    rules = ScreeningRules(
        auditc=DueRule(min_age_years=18, sexes=("female",)), gad7=DueRule(enabled=False)
    )
    male = {d.instrument for d in due_screenings(rules, 30, "male", {}, TODAY) if d.due}
    female = {d.instrument for d in due_screenings(rules, 30, "female", {}, TODAY) if d.due}
    assert male == {"phq"}
    assert female == {"phq", "auditc"}


def _visit(day: date, *results: ScreeningResult) -> Encounter:
    return Encounter(
        staff_id="ma",
        patient=Patient(id="M1", family_name="A", given_name="B", birth_date=date(1950, 1, 1)),
        started_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        signed_at=datetime(day.year, day.month, day.day, 13, tzinfo=UTC),
        status="signed",
        identity_confirmed=True,
        screenings=Screenings(results=list(results)),
    )


def test_last_done_is_carried_from_earlier_visits_and_a_decline_is_asked_again() -> None:
    done = ScreeningResult(instrument="phq", answers={"44250-9": 0, "44255-8": 0}, total=0)
    elsewhere = ScreeningResult(instrument="steadi", skipped="done-elsewhere")
    declined = ScreeningResult(instrument="auditc", skipped="declined")
    visits = [
        _visit(date(2025, 3, 1), done),
        _visit(date(2025, 9, 1), done.model_copy(), elsewhere, declined),
    ]
    last = last_done(visits)
    assert last == {"phq": date(2025, 9, 1), "steadi": date(2025, 9, 1)}
    assert due(76, last=last) == {"auditc"}


def test_rules_come_from_the_settings_file(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    config = tmp_path / "kiosk.toml"
    config.write_text("[screenings]\nphq9_always = true\n[screenings.phq]\nmin_age_years = 18\n")
    settings = load_settings(config)
    assert settings.screenings.phq9_always
    assert settings.screenings.phq.min_age_years == 18
    assert settings.screenings.steadi.min_age_years == 65  # the default stays
