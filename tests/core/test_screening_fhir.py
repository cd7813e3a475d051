"""Screenings in the FHIR export: a QuestionnaireResponse per instrument with LOINC item and
answer codes, an Observation per total (category survey, derivedFrom the response); R4B-valid."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from export_samples import full_encounter
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from kiosk.export.fhir import bundle_for
from kiosk.models import Encounter, ScreeningResult, Screenings
from kiosk.screening import instruments, result_for

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _encounter(*results: ScreeningResult) -> Encounter:
    encounter = full_encounter()
    return encounter.model_copy(update={"screenings": Screenings(results=list(results))})


def _all(instrument: str, value: int) -> dict[str, int]:
    defs = instruments()[instrument]
    items = [*defs.items, *((defs.extra,) if defs.extra else ())]
    return {item.code: min(value, max(a.value for a in defs.choices(item))) for item in items}


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _total(bundle: dict[str, Any], code: str) -> dict[str, Any]:
    [found] = [
        r for r in _resources(bundle, "Observation") if r["code"]["coding"][0]["code"] == code
    ]
    return found


@pytest.fixture
def bundle() -> dict[str, Any]:
    def done(name: str, value: int, by: str = "patient") -> ScreeningResult:
        return result_for(name, _all(name, value), "female", by=by, language="es", at=AT)  # type: ignore[arg-type]

    encounter = _encounter(
        done("phq", 2), done("gad7", 1, "staff"), done("auditc", 1), done("steadi", 1)
    )
    built = bundle_for(encounter)
    Bundle.model_validate(built)  # R4B-valid as a whole
    return built


def test_one_response_per_instrument_with_loinc_codes(bundle: dict[str, Any]) -> None:
    responses = _resources(bundle, "QuestionnaireResponse")
    for response in responses:
        QuestionnaireResponse.model_validate(response)
    assert sorted(r.get("questionnaire", "") for r in responses) == [
        "",  # STEADI: no LOINC panel
        "http://loinc.org/q/44249-1",
        "http://loinc.org/q/69737-5",
        "http://loinc.org/q/72109-2",
    ]
    phq = next(r for r in responses if r.get("questionnaire", "").endswith("44249-1"))
    assert [i["linkId"] for i in phq["item"]][:2] == ["44250-9", "44255-8"]
    assert phq["item"][8]["linkId"] == "44260-8"
    assert phq["item"][8]["answer"][0]["valueCoding"] == {
        "system": "http://loinc.org",
        "code": "LA6570-1",
        "display": "More than half the days",
    }
    assert phq["item"][9]["answer"][0]["valueCoding"]["code"] == "LA6574-3"  # difficulty
    assert phq["language"] == "es"
    assert phq["author"] == phq["source"]
    audit = next(r for r in responses if r.get("questionnaire", "").endswith("72109-2"))
    assert [i["answer"][0]["valueCoding"]["code"] for i in audit["item"]] == [
        "LA18926-8",
        "LA15695-2",
        "LA18933-4",
    ]


@pytest.mark.parametrize(
    ("code", "value"), [("44261-6", 18), ("55758-7", 4), ("70274-6", 7), ("75626-2", 3)]
)
def test_an_observation_per_total_derived_from_its_response(
    bundle: dict[str, Any], code: str, value: int
) -> None:
    obs = _total(bundle, code)
    Observation.model_validate(obs)
    assert obs["valueInteger"] == value
    assert obs["category"][0]["coding"][0]["code"] == "survey"
    urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    [source] = obs["derivedFrom"]
    assert urls[source["reference"]]["resourceType"] == "QuestionnaireResponse"


def test_a_negative_phq2_is_a_phq2_response_and_a_skip_a_data_absent_reason() -> None:
    phq2 = result_for("phq", {"44250-9": 1, "44255-8": 0}, "male", by="staff", language="en", at=AT)
    skipped = ScreeningResult(instrument="gad7", skipped="declined", at=AT)
    built = bundle_for(_encounter(phq2, skipped))
    Bundle.model_validate(built)
    [response] = _resources(built, "QuestionnaireResponse")
    assert response["questionnaire"] == "http://loinc.org/q/55757-9"
    assert _total(built, "55758-7")["valueInteger"] == 1
    assert not [
        o for o in _resources(built, "Observation") if o["code"]["coding"][0]["code"] == "44261-6"
    ]
    declined = _total(built, "70274-6")
    assert declined["dataAbsentReason"]["coding"][0]["code"] == "asked-declined"


def test_demo_data_has_every_band_and_its_bundles_validate() -> None:
    from kiosk.demo.patients import sample_encounter
    from kiosk.screening import score

    bands: set[tuple[str, str]] = set()
    validated = 0
    for seed in range(300):
        encounter = sample_encounter(seed)
        for result in encounter.screenings.results:
            if result.skipped:
                continue
            bands.add((result.form, result.band))
            again = score(instruments()[result.instrument], result.answers, encounter.patient.sex)
            assert (again.total, again.band, again.critical) == (
                result.total,
                result.band,
                result.critical,
            )  # the stored score is the scoring's
        if encounter.screenings.critical():
            assert encounter.provider_notified
        if encounter.screenings.results and validated < 15:
            Bundle.model_validate(bundle_for(encounter))
            validated += 1
    expected = {
        *(("PHQ-2", b) for b in ("negative",)),
        *(("PHQ-9", b) for b in ("minimal", "mild", "moderate", "moderately severe", "severe")),
        *(("GAD-7", b) for b in ("minimal", "mild", "moderate", "severe")),
        *(("AUDIT-C", b) for b in ("negative", "positive")),
        *(("STEADI", b) for b in ("not at risk", "at risk")),
    }
    assert expected <= bands
    assert validated == 15
