"""Ages as the screens show them (kiosk.validators.age), babies in days, weeks and months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.models import Patient
from kiosk.validators.age import age_short, age_words, whole_months, whole_years

TODAY = date(2026, 3, 15)


def days_old(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("born", "years", "months", "short"),
    [
        (TODAY, 0, 0, "0 mo"),  # born today
        (days_old(1), 0, 0, "0 mo"),
        (days_old(10), 0, 0, "0 mo"),
        (days_old(7 * 3), 0, 0, "0 mo"),  # 3 weeks
        (date(2026, 2, 15), 0, 1, "1 mo"),  # one month to the day
        (date(2026, 2, 16), 0, 0, "0 mo"),  # a day short of one month
        (date(2025, 9, 15), 0, 6, "6 mo"),
        (date(2025, 3, 15), 1, 12, "12 mo"),
        (date(2024, 3, 16), 1, 23, "23 mo"),
        (date(2024, 3, 15), 2, 24, "2 y"),  # from 24 months: years
        (date(2021, 9, 15), 4, 54, "4 y"),
        (date(1970, 5, 17), 55, 669, "55 y"),
    ],
)
def test_ages(born: date, years: int, months: int, short: str) -> None:
    assert whole_years(born, TODAY) == years
    assert whole_months(born, TODAY) == months
    assert age_short(born, TODAY) == short


def test_month_ends_and_leap_days() -> None:
    assert whole_months(date(2026, 1, 31), date(2026, 2, 28)) == 0  # no 31 February
    assert whole_months(date(2026, 1, 31), date(2026, 3, 1)) == 1
    assert whole_years(date(2024, 2, 29), date(2025, 2, 28)) == 0
    assert whole_years(date(2024, 2, 29), date(2025, 3, 1)) == 1
    assert whole_years(date(2000, 2, 29), date(2004, 2, 29)) == 4


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "0 months"),
        (6, "0 months"),  # days old
        (7 * 3, "0 months"),  # weeks old
        (45, "1 months"),
        (200, "6 months"),
        (365 + 330, "22 months"),
        (365 * 2 + 1, "2 y"),
    ],
)
def test_review_age_in_words(days: int, words: str) -> None:
    patient = Patient(id="A-1", family_name="Age", given_name="Baby", birth_date=days_old(days))
    assert age_words(patient.age_on(TODAY)) == words


def test_review_age_of_adults() -> None:
    assert age_words(2.0) == "2 y"
    assert age_words(42.99) == "42 y"
    assert age_words(1.999) == "23 months"
