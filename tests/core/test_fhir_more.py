"""The FHIR export's insurance and history: Coverage (primary, secondary, subscriber,
relationship; self-pay), surgeries as Procedure, FamilyMemberHistory, smoking status (LOINC
72166-2, SNOMED answers, current split into every day / some days), each valid R4B."""

from __future__ import annotations

from typing import Any

import pytest
from export_samples import full_encounter
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverage import Coverage as FhirCoverage
from fhir.resources.R4B.familymemberhistory import FamilyMemberHistory
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.procedure import Procedure

from kiosk.export.fhir import bundle_for
from kiosk.models import Coverage, Encounter, Insurance
from kiosk.models.history import FamilyHistoryItem, SocialHistory, Surgery

MODELS: dict[str, Any] = {
    "Coverage": FhirCoverage,
    "Procedure": Procedure,
    "FamilyMemberHistory": FamilyMemberHistory,
    "Observation": Observation,
}


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    for resource in found:
        MODELS[kind].model_validate(resource)  # each on its own too, not only in the Bundle
    return found


def with_history(**changes: Any) -> Encounter:
    base = full_encounter()
    history = base.history.model_copy(update=changes)
    return base.model_copy(update={"history": history})


def smoking(encounter: Encounter) -> dict[str, Any]:
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    found = [
        o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "72166-2"
    ]
    assert len(found) == 1
    return found[0]


def test_primary_and_secondary_coverage_with_subscriber_and_relationship() -> None:
    insurance = Insurance(
        primary=Coverage(payer="Acme Health", plan="Gold PPO", member_id="AC123", group="G-77"),
        secondary=Coverage(
            payer="State Medicaid",
            member_id="MD-9",
            subscriber_name="Maria Testperson",
            relationship="child",
        ),
        changed_since_last_visit=True,
    )
    encounter = full_encounter().model_copy(update={"insurance": insurance})
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    primary, secondary = resources(bundle, "Coverage")
    patient = bundle["entry"][0]["fullUrl"]
    assert (primary["order"], secondary["order"]) == (1, 2)
    assert primary["payor"] == [{"display": "Acme Health"}]
    assert primary["subscriberId"] == "AC123"
    assert primary["subscriber"] == {"reference": patient}
    assert primary["relationship"]["coding"][0]["code"] == "self"
    assert [c["value"] for c in primary["class"]] == ["G-77", "Gold PPO"]
    assert secondary["relationship"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
        "code": "child",
        "display": "Child",
    }
    assert secondary["subscriber"] == {"display": "Maria Testperson"}
    assert secondary["beneficiary"] == {"reference": patient}
    assert primary["meta"]["tag"][0]["code"] == "changed-since-last-visit"


def test_self_pay_is_a_self_pay_coverage_and_no_insurance_none() -> None:
    encounter = full_encounter().model_copy(update={"insurance": Insurance(self_pay=True)})
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    (coverage,) = resources(bundle, "Coverage")
    assert coverage["type"]["coding"][0]["code"] == "pay"
    assert coverage["payor"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    none = full_encounter().model_copy(update={"insurance": Insurance()})
    assert resources(bundle_for(none), "Coverage") == []


def test_surgeries_are_reported_procedures() -> None:
    encounter = with_history(
        surgeries=[Surgery(procedure="Appendectomy", year=2009), Surgery(procedure="Tonsils")]
    )
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    appendix, tonsils = resources(bundle, "Procedure")
    assert appendix["code"] == {"text": "Appendectomy"}
    assert appendix["status"] == "completed"
    assert appendix["performedDateTime"] == "2009"
    assert appendix["asserter"] == {"reference": bundle["entry"][0]["fullUrl"]}
    assert "performedDateTime" not in tonsils


def test_family_history_one_resource_per_relative_coded_when_known() -> None:
    encounter = with_history(
        family=[
            FamilyHistoryItem(relative="Mother", condition="Type 2 diabetes"),
            FamilyHistoryItem(relative="maternal  grandfather", condition="Stroke"),
            FamilyHistoryItem(relative="mother", condition="Breast cancer"),
            FamilyHistoryItem(relative="step-uncle", condition="Gout"),
        ]
    )
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    mother, grandfather, other = resources(bundle, "FamilyMemberHistory")
    assert mother["relationship"]["coding"][0]["code"] == "MTH"
    assert [c["code"]["text"] for c in mother["condition"]] == ["Type 2 diabetes", "Breast cancer"]
    assert grandfather["relationship"]["coding"][0]["code"] == "MGRFTH"
    assert other["relationship"]["coding"][0]["code"] == "FAMMEMB"
    assert other["relationship"]["text"] == "step-uncle"


@pytest.mark.parametrize(
    ("tobacco", "snomed"),
    [
        ("current-every-day", "449868002"),
        ("current-some-days", "428041000124106"),
        ("current", "77176002"),
        ("former", "8517006"),
        ("never", "266919005"),
        ("unknown", "266927001"),
    ],
)
def test_smoking_status_has_its_snomed_answer(tobacco: str, snomed: str) -> None:
    packs = {} if tobacco == "never" else {"pack_years": 12.5}
    observation = smoking(with_history(social=SocialHistory(tobacco=tobacco, **packs)))
    assert observation["category"][0]["coding"][0]["code"] == "social-history"
    answer = observation["valueCodeableConcept"]["coding"][0]
    assert answer["system"] == "http://snomed.info/sct"
    assert answer["code"] == snomed
    if packs:
        assert observation["note"] == [{"text": "12.5 pack-years"}]
