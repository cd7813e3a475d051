"""Identity fields: date of birth, names, phone, MRN and insurance member id (pure checks).

Each check returns a small frozen :class:`Checked` (ok, normalised value, message) and never
raises for any text, so a screen shows the message under the field. Formats a clinic may want
to change (MRN, member id) are parameters with defaults, not constants buried in code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from kiosk.validators.age import whole_years
from kiosk.validators.text import is_hidden, visible

T = TypeVar("T")

MAX_AGE_YEARS = 125
"""A date of birth making the patient older than this is a typing slip (oldest human: 122)."""

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""English month names (not ``calendar.month_name``, which follows the process locale)."""


@dataclass(frozen=True, slots=True)
class Checked(Generic[T]):
    """A checked identity field: ``value`` is the normalised value, None when not ``ok``."""

    ok: bool
    value: T | None
    message: str = ""


def _bad(message: str) -> Checked[T]:
    return Checked(False, None, message)


# --------------------------------------------------------------------------- date of birth

_US_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DIGITS_DATE = re.compile(r"(\d{2})(\d{2})(\d{4})")


def check_birth_date(
    text: str, *, today: date | None = None, max_age: int = MAX_AGE_YEARS
) -> Checked[date]:
    """A real, past date of birth typed as MM/DD/YYYY, M/D/YYYY, YYYY-MM-DD or MMDDYYYY."""
    text = text.strip()
    if not text:
        return _bad("Enter the date of birth (MM/DD/YYYY).")
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE.fullmatch(text) or _DIGITS_DATE.fullmatch(text)
        if match is None:
            return _bad(
                f"Cannot read '{visible(text)}' as a date. Type MM/DD/YYYY, e.g. 07/04/1980."
            )
        if len(match.group(3)) != 4:
            return _bad("Type the full year with four digits, e.g. 1980.")
        month, day, year = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return _bad(f"There is no month {month}. Type MM/DD/YYYY (month first).")
    try:
        born = date(year, month, day)
    except ValueError:
        return _bad(f"{_MONTHS[month - 1]} {day}, {year} does not exist. Check the day.")
    today = today or date.today()
    if born > today:
        return _bad("The date of birth is in the future. Check the year.")
    if whole_years(born, today) > max_age:
        return _bad(f"That makes the patient older than {max_age}. Check the year.")
    return Checked(True, born)


# --------------------------------------------------------------------------- names

_NAME_PUNCTUATION = frozenset(" -'.")


def check_name(text: str, *, label: str = "name", max_length: int = 100) -> Checked[str]:
    """Letters (any script), spaces, hyphens, apostrophes and periods; normalised spacing.

    "  maría-josé   o’neil " -> "maría-josé o'neil" (case is the patient's, not changed).
    """
    clean = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    clean = " ".join(clean.split())
    if not clean:
        return _bad(f"Enter the {label}.")
    if len(clean) > max_length:
        return _bad(f"The {label} is longer than {max_length} characters.")
    for char in clean:
        if is_hidden(char):  # a Hangul filler is a "letter" no one can see
            return _bad(f"A {label} cannot contain an invisible character ({visible(char)}).")
        if char.isalpha() or char in _NAME_PUNCTUATION:
            continue
        if unicodedata.category(char).startswith("M"):  # combining accent
            continue
        if char.isdigit():
            return _bad(f"A {label} cannot contain digits.")
        return _bad(
            f"A {label} may contain letters, spaces, hyphens, apostrophes and periods, "
            f"not '{visible(char)}'."
        )
    if not clean[0].isalpha():
        return _bad(f"A {label} starts with a letter.")
    return Checked(True, clean)


# --------------------------------------------------------------------------- phone

_PHONE_SEPARATORS = str.maketrans("", "", " ()-.+\u00a0")


def check_phone(text: str) -> Checked[str]:
    """A US 10-digit number: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567.

    Normalised to "(555) 123-4567". Only the NANP area-code rule is enforced (first digit
    2-9); exchange rules are not, since test and fictional numbers (555-0100) break them.
    """
    text = text.strip()
    if not text:
        return _bad("Enter a phone number.")
    digits = text.translate(_PHONE_SEPARATORS)
    if not digits.isdigit() or not digits.isascii():
        return _bad("A phone number has digits only, e.g. (555) 123-4567.")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return _bad(f"A US phone number has 10 digits; this has {len(digits)}.")
    if digits[0] in "01":
        return _bad("A US area code cannot start with 0 or 1.")
    return Checked(True, f"({digits[:3]}) {digits[3:6]}-{digits[6:]}")


# --------------------------------------------------------------------------- clinic identifiers

DEFAULT_MRN_PATTERN = r"[A-Z0-9]{6,12}"
DEFAULT_MEMBER_ID_PATTERN = r"[A-Z0-9][A-Z0-9-]{0,38}[A-Z0-9]"


def _check_code(
    text: str, pattern: str, description: str, label: str, *, uppercase: bool
) -> Checked[str]:
    clean = "".join(text.split())
    if uppercase:
        clean = clean.upper()
    if not clean:
        return _bad(f"Enter the {label}.")
    if re.fullmatch(pattern, clean) is None:
        return _bad(f"The {label} should be {description}.")
    return Checked(True, clean)


def check_mrn(
    text: str,
    *,
    pattern: str = DEFAULT_MRN_PATTERN,
    description: str = "6 to 12 letters or digits",
    uppercase: bool = True,
) -> Checked[str]:
    """The clinic's medical record number; spaces removed, upper-cased by default."""
    return _check_code(text, pattern, description, "MRN", uppercase=uppercase)


def check_member_id(
    text: str,
    *,
    pattern: str = DEFAULT_MEMBER_ID_PATTERN,
    description: str = "2 to 40 letters, digits or hyphens",
    uppercase: bool = True,
) -> Checked[str]:
    """An insurance member id as printed on the card; spaces removed, upper-cased."""
    return _check_code(text, pattern, description, "member ID", uppercase=uppercase)
