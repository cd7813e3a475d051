"""Requests handed over (refill, referral, prior authorization, follow-up) as FHIR Task with
a MedicationRequest or ServiceRequest focus, each a proposal, valid R4B; the pharmacy and the
follow-up's "when" are checked before they are stored."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from export_samples import full_encounter
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from pydantic import ValidationError

from kiosk.export.fhir import bundle_for
from kiosk.models import Coverage, Encounter, Insurance, Pharmacy, Request
from kiosk.validators.requests import check_follow_up, check_ncpdp

RAISED = datetime(2026, 3, 14, 9, 40, tzinfo=UTC)
PHARMACY = Pharmacy(
    name="Hometown Drug", phone="(555) 201-0000", address="1 Main St", ncpdp_id="0999017"
)


def requests() -> list[Request]:
    return [
        Request(kind="refill", medication="Lisinopril 10 mg", pharmacy=PHARMACY, raised_at=RAISED),
        Request(
            kind="referral",
            specialty="Cardiology",
            reason="palpitations",
            urgency="urgent",
            raised_at=RAISED,
        ),
        Request(
            kind="prior-auth",
            service="MRI lumbar spine",
            coverage="primary",
            payer="Acme Health",
            raised_at=RAISED,
        ),
        Request(
            kind="prior-auth",
            service="Adalimumab",
            service_is_drug=True,
            coverage="secondary",
            payer="State Medicaid",
            raised_at=RAISED,
        ),
        Request(kind="follow-up", when_text="2 weeks", when=date(2026, 3, 28), raised_at=RAISED),
    ]


def encounter_with_requests() -> Encounter:
    insurance = Insurance(
        primary=Coverage(payer="Acme Health", member_id="AC123"),
        secondary=Coverage(payer="State Medicaid", member_id="MD-9"),
    )
    return full_encounter().model_copy(update={"requests": requests(), "insurance": insurance})


def by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_every_request_is_a_requested_task_whose_focus_is_a_proposal() -> None:
    bundle = bundle_for(encounter_with_requests())
    Bundle.model_validate(bundle)
    resources = by_url(bundle)
    tasks = [r for r in resources.values() if r["resourceType"] == "Task"]
    assert [t["code"]["coding"][0]["code"] for t in tasks] == [
        "refill",
        "referral",
        "prior-auth",
        "prior-auth",
        "follow-up",
    ]
    focus_types = []
    for task in tasks:
        Task.model_validate(task)
        assert task["status"] == "requested"
        assert task["intent"] == "proposal"
        focus = resources[task["focus"]["reference"]]
        if focus["resourceType"] == "MedicationRequest":
            MedicationRequest.model_validate(focus)
        else:
            ServiceRequest.model_validate(focus)
        assert focus["intent"] == "proposal"
        assert focus["status"] == "draft"  # proposed, never active: nothing is approved
        focus_types.append(focus["resourceType"])
    assert focus_types == [
        "MedicationRequest",
        "ServiceRequest",
        "ServiceRequest",
        "MedicationRequest",
        "ServiceRequest",
    ]


def test_refill_names_medication_and_pharmacy_by_ncpdp_id() -> None:
    resources = by_url(bundle_for(encounter_with_requests()))
    refill = next(
        r
        for r in resources.values()
        if r["resourceType"] == "MedicationRequest" and "dispenseRequest" in r
    )
    assert refill["medicationCodeableConcept"] == {"text": "Lisinopril 10 mg"}
    performer = refill["dispenseRequest"]["performer"]
    assert performer["identifier"]["value"] == "0999017"
    assert performer["display"] == "Hometown Drug"
    assert "(555) 201-0000" in refill["note"][0]["text"]


def test_prior_auth_points_at_the_coverage_of_its_payer() -> None:
    bundle = bundle_for(encounter_with_requests())
    resources = by_url(bundle)
    tasks = [r for r in resources.values() if r["resourceType"] == "Task"]
    auths = [t for t in tasks if t["code"]["coding"][0]["code"] == "prior-auth"]
    payers = []
    for task in auths:
        (ref,) = task["insurance"]
        coverage = resources[ref["reference"]]  # resolves inside the bundle
        assert coverage["resourceType"] == "Coverage"
        payers.append(coverage["payor"][0]["display"])
    assert payers == ["Acme Health", "State Medicaid"]


def test_referral_urgency_and_follow_up_date() -> None:
    resources = by_url(bundle_for(encounter_with_requests()))
    services = [r for r in resources.values() if r["resourceType"] == "ServiceRequest"]
    referral = next(s for s in services if "category" in s)
    assert referral["priority"] == "urgent"
    assert referral["performerType"] == {"text": "Cardiology"}
    assert referral["reasonCode"] == [{"text": "palpitations"}]
    follow_up = next(s for s in services if "occurrenceDateTime" in s)
    assert follow_up["occurrenceDateTime"] == "2026-03-28"


def test_export_twice_gives_the_same_ids() -> None:
    encounter = encounter_with_requests()
    first = [e["fullUrl"] for e in bundle_for(encounter)["entry"]]
    assert first == [e["fullUrl"] for e in bundle_for(encounter)["entry"]]


def test_no_requests_no_tasks() -> None:
    bundle = bundle_for(full_encounter())
    assert not [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Task"]


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"kind": "refill", "medication": "Lisinopril"}, "pharmacy"),
        ({"kind": "referral", "specialty": "Cardiology"}, "reason"),
        ({"kind": "prior-auth"}, "service"),
        ({"kind": "follow-up", "when_text": "2 weeks"}, "when"),
    ],
)
def test_a_request_needs_its_fields(fields: dict[str, Any], missing: str) -> None:
    with pytest.raises(ValidationError, match=missing):
        Request(**fields)


def test_pharmacy_ncpdp_id_is_seven_digits_with_its_check_digit() -> None:
    assert check_ncpdp("0999017").value == "0999017"
    assert check_ncpdp(" 0999 029 ").value == "0999029"
    assert "check digit" in check_ncpdp("0999018").message
    assert "7 digits" in check_ncpdp("12345").message
    assert "7 digits" in check_ncpdp("09990l7").message
    with pytest.raises(ValidationError):
        Pharmacy(name="X", ncpdp_id="123")


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("2 weeks", date(2026, 2, 14)),
        ("in 10 days", date(2026, 2, 10)),
        ("1 month", date(2026, 2, 28)),
        ("3m", date(2026, 4, 30)),
        ("1 year", date(2027, 1, 31)),
        ("2027-01-15", date(2027, 1, 15)),
        ("01/15/2027", date(2027, 1, 15)),
    ],
)
def test_follow_up_when(text: str, wanted: date) -> None:
    assert check_follow_up(text, today=date(2026, 1, 31)).value == wanted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter when"),
        ("soon", "Enter when"),
        ("2 fortnights", "not days"),
        ("2026-01-31", "after today"),
        ("2026-02-30", "Enter when"),
        ("9 years", "three years"),
    ],
)
def test_follow_up_when_refused(text: str, message: str) -> None:
    checked = check_follow_up(text, today=date(2026, 1, 31))
    assert not checked.ok
    assert message in checked.message
