"""The rooming board as FHIR R4B: Encounter status, history and location; Procedure with its
performers and the packs as Device references; every bundle validates with fhir.resources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.bundle import Bundle
from sterilizer_samples import sample_assist

from kiosk.export.rooming import visit_bundle, visit_encounter
from kiosk.models.rooming import STATUSES, VisitRecord, move

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def walked(upto: str) -> VisitRecord:
    record = None
    for n, status in enumerate(STATUSES[: STATUSES.index(upto) + 1]):
        record = move(
            record, "MRN-1", status, by="ma1", at=T0 + timedelta(minutes=10 * n), room="Room 2"
        )
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("upto", "status", "history"),
    [
        ("arrived", "arrived", []),
        ("roomed", "arrived", []),
        ("ready", "triaged", ["arrived"]),
        ("with-provider", "in-progress", ["arrived", "triaged"]),
        ("done", "finished", ["arrived", "triaged", "in-progress"]),
    ],
)
def test_each_status_is_an_encounter_status_with_its_history(
    upto: str, status: str, history: list[str]
) -> None:
    record = walked(upto)
    encounter = visit_encounter(record, T0.date())
    assert encounter["status"] == status
    assert [h["status"] for h in encounter.get("statusHistory", [])] == history
    if history:
        assert encounter["statusHistory"][0]["period"] == {
            "start": T0.isoformat(),
            "end": (T0 + timedelta(minutes=20)).isoformat(),  # arrived and roomed: one run
        }
    if upto != "arrived":
        (where,) = encounter["location"]
        assert where["location"]["display"] == "Room 2"
        assert where["status"] == ("completed" if upto == "done" else "active")
    bundle = Bundle.model_validate(visit_bundle(record, T0.date()))
    assert bundle.type == "transaction"


def test_a_procedure_names_its_performers_and_its_packs_as_devices() -> None:
    record = walked("with-provider").model_copy(
        update={"procedures": [sample_assist("PK-1", "PK-2")]}
    )
    raw = visit_bundle(record, T0.date())
    Bundle.model_validate(raw)
    kinds = [e["resource"]["resourceType"] for e in raw["entry"]]
    assert kinds == ["Encounter", "Procedure", "Device", "Device"]
    procedure = raw["entry"][1]["resource"]
    devices = {e["resource"]["id"]: e["resource"] for e in raw["entry"][2:]}
    used = [r["reference"].removeprefix("Device/") for r in procedure["usedReference"]]
    assert [devices[d]["identifier"][0]["value"] for d in used] == ["PK-1", "PK-2"]
    functions = [
        p["function"].get("text") or p["function"]["coding"][0]["code"]
        for p in procedure["performer"]
    ]
    assert functions == ["PPRF", "assisted the provider"]
    assert procedure["performer"][0]["actor"]["display"] == "Dr. Osei"
    assert procedure["encounter"]["reference"] == f"Encounter/{raw['entry'][0]['resource']['id']}"
    assert any("two identifiers" in n["text"] for n in procedure["note"])
    again = visit_bundle(record, T0.date())
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in raw["entry"]]
