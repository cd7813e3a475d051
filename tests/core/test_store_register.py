"""A newly registered patient is in the directory (search, appointments) before any signing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.errors import StoreError
from kiosk.models import Patient
from kiosk.store import EncounterStore


def new_patient(mrn: str = "NEW-0001", family: str = "Lindqvist") -> Patient:
    return Patient(id=mrn, family_name=family, given_name="Maja", birth_date=date(1990, 2, 28))


def test_a_registered_patient_is_found_by_search_at_once(tmp_path: Path) -> None:
    store = EncounterStore(tmp_path, staff_id="ma1")
    assert store.find_patients("lindq") == []
    store.register_patient(new_patient())
    assert [p.id for p in store.find_patients("lindq")] == ["NEW-0001"]
    assert [p.id for p in store.find_patients("1990-02-28")] == ["NEW-0001"]
    store.close()
    # durable: another process opening the folder sees the patient
    again = EncounterStore(tmp_path, staff_id="ma2")
    assert [p.id for p in again.find_patients("maja")] == ["NEW-0001"]
    assert again.count() == 0  # no encounter was made up for it
    trail = [(e.staff, e.action, e.detail) for e in again.audit.entries(patient_id="NEW-0001")]
    found = "search (1 found)"  # each search that showed the patient is in their trail
    assert trail == [
        ("ma1", "create", "patient"),
        ("ma1", "view", found),
        ("ma1", "view", found),
        ("ma2", "view", found),
    ]
    assert again.audit.verify().ok
    again.close()


def test_registering_twice_is_harmless_and_a_taken_mrn_is_refused(tmp_path: Path) -> None:
    store = EncounterStore(tmp_path, staff_id="ma1")
    store.register_patient(new_patient())
    store.register_patient(new_patient())  # the same demographics: nothing new
    with pytest.raises(StoreError, match="already registered"):
        store.register_patient(new_patient(family="Other"))
    assert [p.family_name for p in store.find_patients("NEW-0001")] == ["Lindqvist"]
    assert [e.action for e in store.audit.entries(patient_id="NEW-0001")] == ["create", "view"]
    store.close()


def test_registering_needs_someone_signed_in(tmp_path: Path) -> None:
    store = EncounterStore(tmp_path)
    with pytest.raises(StoreError, match="signed in"):
        store.register_patient(new_patient())
    with pytest.raises(StoreError, match="signed in"):
        store.find_patients("lindq")  # a search is a look at records too
    store.close()
