"""Alcohol and substance use as social-history observations, and demographics changed at
the intake: a Task listing the changes (default) or a conditional update of the Patient
(``patient_update = "update"``); every bundle valid R4B."""

from __future__ import annotations

from typing import Any

import pytest
from export_samples import full_encounter
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.task import Task

from kiosk.config import Settings
from kiosk.export.fhir import bundle_for
from kiosk.models import Encounter


def with_social(**social: str) -> Encounter:
    base = full_encounter()
    history = base.history.model_copy(
        update={"social": base.history.social.model_copy(update=social)}
    )
    return base.model_copy(update={"history": history})


def observations(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == code
    ]


def test_alcohol_and_substances_are_social_history_observations() -> None:
    bundle = bundle_for(with_social(alcohol="2 drinks/week", substances="cannabis, weekends"))
    Bundle.model_validate(bundle)
    (alcohol,) = observations(bundle, "11331-6")
    (drugs,) = observations(bundle, "11343-1")
    for resource in (alcohol, drugs):
        Observation.model_validate(resource)
        assert resource["category"][0]["coding"][0]["code"] == "social-history"
    assert alcohol["valueString"] == "2 drinks/week"
    assert drugs["valueString"] == "cannabis, weekends"


def test_nothing_recorded_nothing_exported() -> None:
    bundle = bundle_for(with_social(alcohol="", substances=""))
    assert observations(bundle, "11331-6") == []
    assert observations(bundle, "11343-1") == []


def changed() -> Encounter:
    base = full_encounter()
    on_file = base.patient.model_copy(update={"phone": "(555) 100-0000", "family_name": "Old"})
    return base.model_copy(update={"patient_on_file": on_file})


def patient_entry(bundle: dict[str, Any]) -> dict[str, Any]:
    entries: list[dict[str, Any]] = bundle["entry"]
    (entry,) = [e for e in entries if e["resource"]["resourceType"] == "Patient"]
    return entry


def update_tasks(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Task"
        and e["resource"]["code"]["coding"][0]["code"] == "patient-update"
    ]


def test_changed_demographics_become_a_task_by_default() -> None:
    encounter = changed()
    bundle = bundle_for(encounter)
    Bundle.model_validate(bundle)
    assert patient_entry(bundle)["request"]["method"] == "POST"  # still only created if absent
    (task,) = update_tasks(bundle)
    Task.model_validate(task)
    assert task["focus"] == {"reference": patient_entry(bundle)["fullUrl"]}
    assert task["intent"] == "proposal"
    inputs = {i["type"]["text"]: i["valueString"] for i in task["input"]}
    assert inputs == {
        "family name": f"{encounter.patient.family_name} (was: Old)",
        "phone": f"{encounter.patient.phone or '(none)'} (was: (555) 100-0000)",
    }


def test_update_setting_sends_a_conditional_update_and_no_task() -> None:
    bundle = bundle_for(changed(), patient_update="update")
    Bundle.model_validate(bundle)
    request = patient_entry(bundle)["request"]
    assert request["method"] == "PUT"
    assert request["url"] == f"Patient?identifier=urn:kiosk:mrn|{changed().patient.id}"
    assert update_tasks(bundle) == []


def test_unchanged_or_newly_registered_patients_need_no_update() -> None:
    base = full_encounter()
    same = base.model_copy(update={"patient_on_file": base.patient})
    for encounter in (same, base):  # base: registered at the kiosk, nothing on file
        for mode in ("task", "update"):
            bundle = bundle_for(encounter, patient_update=mode)
            assert patient_entry(bundle)["request"]["method"] == "POST"
            assert update_tasks(bundle) == []


def test_the_setting_defaults_to_task_and_refuses_other_words() -> None:
    assert Settings().patient_update == "task"
    assert Settings(patient_update="update").patient_update == "update"
    with pytest.raises(ValueError, match="patient_update"):
        Settings(patient_update="overwrite")
