"""Fields of a request handed to the provider or the front office (pure checks).

A pharmacy's NCPDP provider id (7 digits, the last a check digit), and the "when" of a
follow-up appointment: "2 weeks", "10 days", "3 months", "1 year", "2w", or a date
(YYYY-MM-DD or MM/DD/YYYY), read against the day of the visit. Each returns a
:class:`~kiosk.validators.identity.Checked` and never raises.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from kiosk.validators.identity import Checked

MAX_FOLLOW_UP_DAYS = 3 * 366
"""A follow-up further away than about three years is a typing slip."""

_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7}
_MONTHS = {"m": 1, "mo": 1, "mos": 1, "month": 1, "months": 1, "y": 12, "yr": 12}
_MONTHS |= {"yrs": 12, "year": 12, "years": 12}
_SPAN = re.compile(r"(?:in\s+)?(\d{1,3})\s*([a-z]+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def ncpdp_check_digit(first_six: str) -> int:
    """The NCPDP provider id's check digit: odd places summed, plus twice the even places
    summed; the last digit of that total."""
    digits = [int(c) for c in first_six]
    total = sum(digits[0::2]) + 2 * sum(digits[1::2])
    return total % 10


def check_ncpdp(text: str) -> Checked[str]:
    """A pharmacy's NCPDP provider id: 7 digits whose last is the check digit."""
    clean = "".join(text.split())
    if not clean:
        return Checked(False, None, "Enter the pharmacy's NCPDP ID (7 digits).")
    if not (clean.isascii() and clean.isdigit()) or len(clean) != 7:
        return Checked(False, None, "An NCPDP ID has 7 digits, e.g. 1234563.")
    if ncpdp_check_digit(clean[:6]) != int(clean[6]):
        return Checked(False, None, "This NCPDP ID's check digit is wrong: check for a typo.")
    return Checked(True, clean)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    target = (day.year + year, month + 1)
    for last in (day.day, 30, 29, 28):
        try:
            return date(target[0], target[1], min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - day 28 exists in every month


def check_follow_up(text: str, *, today: date) -> Checked[date]:
    """When the follow-up appointment is wanted: a span from ``today`` or a date after it."""
    clean = " ".join(text.lower().split())
    if not clean:
        return Checked(False, None, "Enter when: e.g. 2 weeks, 3 months or 2027-01-15.")
    match = _SPAN.fullmatch(clean)
    if match is not None:
        count, unit = int(match[1]), match[2]
        if unit in _UNITS:
            wanted = today + timedelta(days=count * _UNITS[unit])
        elif unit in _MONTHS:
            wanted = _add_months(today, count * _MONTHS[unit])
        else:
            return Checked(False, None, f"'{unit}' is not days, weeks, months or years.")
    else:
        parsed = _date(clean)
        if parsed is None:
            return Checked(False, None, "Enter when: e.g. 2 weeks, 3 months or 2027-01-15.")
        wanted = parsed
    if wanted <= today:
        return Checked(False, None, "A follow-up is after today's visit.")
    if (wanted - today).days > MAX_FOLLOW_UP_DAYS:
        return Checked(False, None, "More than three years away: check what was typed.")
    return Checked(True, wanted)


def _date(text: str) -> date | None:
    iso, us = _ISO.fullmatch(text), _US.fullmatch(text)
    if iso is not None:
        year, month, day = (int(g) for g in iso.groups())
    elif us is not None:
        month, day, year = (int(g) for g in us.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
