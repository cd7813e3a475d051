"""Address fields: US state codes, ZIP / ZIP+4, and postal codes of a few other countries (pure).

Like the identity checks, each returns a :class:`~kiosk.validators.identity.Checked` and never
raises for any text. The country is the clinic's setting (``country``, default "US"): a US
clinic types the USPS two-letter code (lower case accepted and upper-cased; a full state name is
answered with its code, "use WA for Washington") and a ZIP code of 5 digits or ZIP+4. For "CA"
(Canada: A1A 1A1) and "GB" (a basic UK pattern: SW1A 1AA) the postal code is checked and
normalised; any other country takes free text of at most 10 characters, and its region field
free text.
"""

from __future__ import annotations

import re

from kiosk.validators.identity import Checked

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}
"""USPS codes of the 50 states, DC and the inhabited territories, with their names."""


def _name_key(text: str) -> str:
    """A state name as looked up: case-folded, without dots and commas, single spaces."""
    return " ".join(re.sub(r"[.,]", " ", text.casefold()).split())


_STATE_NAMES: dict[str, str] = {
    **{_name_key(name): code for code, name in US_STATES.items()},
    "virgin islands": "VI",
    "washington dc": "DC",
    "washington d c": "DC",
    "dist of columbia": "DC",
}
"""Names a person might type instead of the code, by :func:`_name_key`."""

MAX_REGION = 50
MAX_OTHER_POSTAL = 10

_ZIP = re.compile(r"(\d{5})(?:[- ]?(\d{4}))?")
_CA_POSTAL = re.compile(r"([A-Z]\d[A-Z]) ?(\d[A-Z]\d)")
_GB_POSTAL = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})")


def _bad(message: str) -> Checked[str]:
    return Checked(False, None, message)


def check_state(text: str, *, country: str = "US") -> Checked[str]:
    """A US state or territory as its two-letter code ("wa" -> "WA"); "" is fine (optional).

    For another country the region is free text (at most 50 characters).
    """
    clean = " ".join(text.split())
    if not clean:
        return Checked(True, "")
    if country.upper() != "US":
        if len(clean) > MAX_REGION:
            return _bad(f"The region is longer than {MAX_REGION} characters.")
        return Checked(True, clean)
    code = clean.upper()
    if code in US_STATES:
        return Checked(True, code)
    named = _STATE_NAMES.get(_name_key(clean))
    if named is not None:
        return _bad(f"Use {named} for {US_STATES[named]}: type the two-letter code.")
    return _bad("Type the two-letter state code, e.g. WA (DC, PR, GU, VI, AS, MP too).")


def check_postal_code(text: str, *, country: str = "US") -> Checked[str]:
    """A ZIP code (12345 or 12345-6789) in the US; A1A 1A1 in Canada; a UK postcode in GB;
    free text of at most 10 characters elsewhere. "" is fine (optional)."""
    clean = " ".join(text.split())
    if not clean:
        return Checked(True, "")
    country = country.upper()
    if country == "US":
        match = _ZIP.fullmatch(clean)
        if match is None:
            return _bad("A ZIP code is 5 digits (12345) or ZIP+4 (12345-6789).")
        first, plus4 = match.groups()
        return Checked(True, f"{first}-{plus4}" if plus4 else first)
    if country == "CA":
        match = _CA_POSTAL.fullmatch(clean.upper())
        if match is None:
            return _bad(
                "A Canadian postal code is letter-digit-letter digit-letter-digit: A1A 1A1."
            )
        return Checked(True, " ".join(match.groups()))
    if country == "GB":
        match = _GB_POSTAL.fullmatch(clean.upper())
        if match is None:
            return _bad("A UK postcode looks like SW1A 1AA or M1 1AE.")
        return Checked(True, " ".join(match.groups()))
    if len(clean) > MAX_OTHER_POSTAL:
        return _bad(f"A postal code has at most {MAX_OTHER_POSTAL} characters.")
    return Checked(True, clean)
