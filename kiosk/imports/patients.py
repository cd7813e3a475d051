"""An import record to a ``Patient``: FHIR Patient or a CSV row, checked as the kiosk checks
what the MA types (names, date of birth, phone, state, ZIP) and the clinic's MRN pattern.

CSV columns (header names, any order, case-insensitive; * required)::

    mrn*, family_name*, given_name*, birth_date* (YYYY-MM-DD or MM/DD/YYYY), sex
    (female, male, other, unknown), middle_name, preferred_name, phone, address_line1,
    address_line2, city, state, postal_code, country

FHIR Patient: the MRN is the ``identifier`` whose type is ``MR`` (v2-0203), else the only
identifier; ``name`` (the ``official`` one, else the first): ``family``, ``given`` (the second
given name is the middle name); ``birthDate``; ``gender``; the first ``phone`` in
``telecom``; the first ``address``. Unknown columns and elements are ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from kiosk.config import Settings
from kiosk.models import Patient
from kiosk.models.patient import Address
from kiosk.validators.address import check_postal_code, check_state
from kiosk.validators.identity import check_birth_date, check_name, check_phone

CSV_COLUMNS = (
    "mrn",
    "family_name",
    "given_name",
    "birth_date",
    "sex",
    "middle_name",
    "preferred_name",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
)
REQUIRED = ("mrn", "family_name", "given_name", "birth_date")
SEXES = ("female", "male", "other", "unknown")


class BadRecord(ValueError):
    """A record that cannot be imported; the message says why, without its values."""


def patient_from(record_format: str, data: dict[str, Any], settings: Settings) -> Patient:
    """The patient a record describes; BadRecord when it cannot be imported."""
    fields = csv_fields(data) if record_format == "csv" else fhir_fields(data)
    return checked_patient(fields, settings)


def csv_fields(row: dict[str, Any]) -> dict[str, str]:
    return {name: str(row.get(name, "") or "") for name in CSV_COLUMNS}


def fhir_fields(resource: dict[str, Any]) -> dict[str, str]:
    if resource.get("resourceType") != "Patient":
        raise BadRecord(f"not a Patient resource ({_kind(resource)})")
    names = [n for n in as_list(resource.get("name")) if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = [str(g) for g in as_list(name.get("given"))]
    phones = [t for t in as_list(resource.get("telecom")) if isinstance(t, dict)]
    phone = next((str(t.get("value", "")) for t in phones if t.get("system") == "phone"), "")
    addresses = [a for a in as_list(resource.get("address")) if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    lines = [str(x) for x in as_list(address.get("line"))]
    return {
        "mrn": mrn_of(resource),
        "family_name": str(name.get("family", "")),
        "given_name": given[0] if given else "",
        "middle_name": given[1] if len(given) > 1 else "",
        "preferred_name": "",
        "birth_date": str(resource.get("birthDate", "")),
        "sex": str(resource.get("gender", "")),
        "phone": phone,
        "address_line1": lines[0] if lines else "",
        "address_line2": lines[1] if len(lines) > 1 else "",
        "city": str(address.get("city", "")),
        "state": str(address.get("state", "")),
        "postal_code": str(address.get("postalCode", "")),
        "country": str(address.get("country", "")),
    }


def mrn_of(resource: dict[str, Any]) -> str:
    """A Patient's MRN: the identifier typed MR, else the only identifier ("" if none)."""
    identifiers = [i for i in as_list(resource.get("identifier")) if isinstance(i, dict)]
    for identifier in identifiers:
        codings = as_list((identifier.get("type") or {}).get("coding"))
        if any(isinstance(c, dict) and c.get("code") == "MR" for c in codings):
            return str(identifier.get("value", ""))
    return str(identifiers[0].get("value", "")) if len(identifiers) == 1 else ""


def checked_patient(fields: dict[str, str], settings: Settings) -> Patient:
    missing = [name for name in REQUIRED if not fields.get(name, "").strip()]
    if missing:
        raise BadRecord(f"missing {', '.join(missing)}")
    mrn = fields["mrn"].strip()
    if not settings.mrn_is_valid(mrn):
        raise BadRecord("the MRN does not match the clinic's mrn_pattern")
    values: dict[str, Any] = {"id": mrn}
    for key, label in (
        ("family_name", "family name"),
        ("given_name", "given name"),
        ("middle_name", "middle name"),
        ("preferred_name", "preferred name"),
    ):
        if fields.get(key, "").strip():
            values[key] = _ok(key, check_name(fields[key], label=label))
    values["birth_date"] = _ok("birth_date", check_birth_date(fields["birth_date"]))
    sex = fields.get("sex", "").strip().lower()
    if sex:
        if sex not in SEXES:
            raise BadRecord(f"sex: should be one of {', '.join(SEXES)}")
        values["sex"] = sex
    if fields.get("phone", "").strip():
        values["phone"] = _ok("phone", check_phone(fields["phone"]))
    country = (fields.get("country", "").strip() or settings.country).upper()
    address = {
        "line1": fields.get("address_line1", ""),
        "line2": fields.get("address_line2", ""),
        "city": fields.get("city", ""),
        "state": _ok("state", check_state(fields.get("state", ""), country=country)),
        "postal_code": _ok(
            "postal_code", check_postal_code(fields.get("postal_code", ""), country=country)
        ),
        "country": country,
    }
    try:
        values["address"] = Address(**address)
        return Patient(**values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadRecord(f"{where}: {first['msg']}") from None


def _ok(name: str, checked: Any) -> Any:
    if not checked.ok:
        raise BadRecord(f"{name}: {checked.message}")
    return checked.value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _kind(resource: dict[str, Any]) -> str:
    kind = resource.get("resourceType")
    return str(kind)[:40] if kind else "no resourceType"
