"""A patient's age from the date of birth, as the screens show it (whole years, or months for
a baby). Pure: the caller says which day it is.

Two spellings, kept as the screens have always shown them: the banner counts calendar months
("7 mo" up to 23 months, then "2 y"); the review takes the fractional age of
:meth:`kiosk.models.Patient.age_on` ("7 months" under 2 years, then "2 y").
"""

from __future__ import annotations

from datetime import date


def whole_years(born: date, today: date) -> int:
    """Completed years of age on ``today``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def whole_months(born: date, today: date) -> int:
    """Completed calendar months of age on ``today`` (a baby of 3 weeks is 0)."""
    months = (today.year - born.year) * 12 + today.month - born.month
    return months - (today.day < born.day)


def age_short(born: date, today: date) -> str:
    """ "42 y", or months for a child under 2 ("7 mo"), for the patient banner."""
    months = whole_months(born, today)
    return f"{months} mo" if months < 24 else f"{months // 12} y"


def age_words(age_years: float) -> str:
    """ "42 y", or whole months under 2 years ("7 months"), from a fractional age in years."""
    return f"{int(age_years)} y" if age_years >= 2 else f"{int(age_years * 12)} months"
