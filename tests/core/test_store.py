"""The encounter store's behaviour, run on an empty store and on one pre-filled with 2,000
encounters through the bulk path (filled once per module, copied per test)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from store_child import make_encounter

from kiosk.demo.seeding import fill_demo_data
from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.store import EncounterStore

TODAY = datetime.now(UTC).date()
PREFILL = 2000


SHM = Path("/dev/shm")


@pytest.fixture(scope="module")
def ram_dir() -> Iterator[Path]:
    """A RAM folder when there is one: the pre-filled copies cost no disk flushes there."""
    folder = Path(tempfile.mkdtemp(prefix="kiosk-store-", dir=SHM if SHM.is_dir() else None))
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def filled_dir(ram_dir: Path) -> Path:
    folder = ram_dir / "filled"
    fill_demo_data(folder, PREFILL, seed=7, today=TODAY, patients=200)
    return folder


def _copy(source: str, target: str) -> None:
    """Segments are only ever replaced, never changed in place: a hard link is a safe copy."""
    if f"{os.sep}encounters{os.sep}" in source:
        os.link(source, target)
    else:
        shutil.copy2(source, target)


@pytest.fixture(params=["empty", "filled"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EncounterStore]:
    folder = tmp_path / "data"
    if request.param == "filled":
        folder = request.getfixturevalue("ram_dir") / request.node.name
        shutil.copytree(request.getfixturevalue("filled_dir"), folder, copy_function=_copy)
    with EncounterStore(folder, staff_id="ma1") as opened:
        yield opened


def test_save_then_get_returns_the_same_document(store: EncounterStore) -> None:
    before = store.count()
    encounter = make_encounter(1)
    assert store.save(encounter) == encounter.id
    assert store.get(encounter.id) == encounter
    assert store.count() == before + 1


def test_get_unknown_id_raises_key_error(store: EncounterStore) -> None:
    with pytest.raises(KeyError):
        store.get("no-such-encounter")


def test_a_new_store_on_the_same_folder_sees_every_save(store: EncounterStore) -> None:
    saved = [make_encounter(n) for n in range(20)]
    for encounter in saved:
        store.save(encounter)
    with EncounterStore(store.data_dir, staff_id="ma2") as again:
        assert again.count() == store.count()
        assert [again.get(e.id) for e in saved] == saved


def test_for_patient_lists_only_that_patient_newest_first(store: EncounterStore) -> None:
    days = [TODAY - timedelta(days=d) for d in (30, 2, 400, 0)]
    mine = [make_encounter(n, patient=99_999, day=day) for n, day in enumerate(days)]
    for encounter in [*mine, make_encounter(50, patient=99_998)]:
        store.save(encounter)
    found = store.for_patient("MRN099999")
    assert [e.id for e in found] == [e.id for e in sorted(mine, key=lambda e: e.started_at)][::-1]


def test_saving_the_same_document_twice_is_harmless(store: EncounterStore) -> None:
    encounter = make_encounter(3)
    store.save(encounter)
    count = store.count()
    assert store.save(encounter) == encounter.id
    assert store.count() == count


def test_a_saved_encounter_is_never_overwritten(store: EncounterStore) -> None:
    encounter = make_encounter(4)
    store.save(encounter)
    changed = encounter.model_copy(update={"notes": "changed"})
    with pytest.raises(StoreError, match="amend"):
        store.save(changed)
    assert store.get(encounter.id).notes == encounter.notes


def test_amend_stores_a_linked_new_version(store: EncounterStore) -> None:
    first = make_encounter(5)
    store.save(first)
    second_id = store.amend(first.id, first.model_copy(update={"notes": "corrected weight"}))
    third_id = store.amend(second_id, store.get(second_id).model_copy(update={"notes": "again"}))
    second, third = store.get(second_id), store.get(third_id)
    assert (second.amends, second.version, second.status) == (first.id, 2, "amended")
    assert (third.amends, third.version) == (second_id, 3)
    assert store.get(first.id) == first
    for any_id in (first.id, second_id, third_id):
        assert [v.id for v in store.versions(any_id)] == [first.id, second_id, third_id]
    assert [
        e.id for e in store.for_patient(first.patient.id) if e.id in {first.id, second_id, third_id}
    ] == [third_id]
    with pytest.raises(StoreError, match="already amended"):
        store.amend(first.id, first)


def test_iter_documents_streams_signed_latest_versions_by_day(store: EncounterStore) -> None:
    old = make_encounter(6, patient=99_997, day=TODAY - timedelta(days=3))
    new = make_encounter(7, patient=99_997, day=TODAY)
    draft = make_encounter(8, patient=99_997).model_copy(update={"status": "draft"})
    for encounter in (new, old, draft):
        store.save(encounter)
    amended_id = store.amend(old.id, old.model_copy(update={"notes": "fixed"}))
    docs = list(store.iter_documents(patient_id="MRN099997"))
    assert [d["id"] for d in docs] == [amended_id, new.id]
    every = list(store.iter_documents(patient_id="MRN099997", latest_only=False))
    assert [d["id"] for d in every] == [old.id, amended_id, new.id]
    assert Encounter.model_validate(docs[1]) == new
    all_docs = list(store.iter_documents())
    assert [d["started_at"][:10] for d in all_docs] == sorted(
        d["started_at"][:10] for d in all_docs
    )
    assert {d["status"] for d in all_docs} <= {"signed", "amended"}
    today_only = list(store.iter_documents(since=TODAY, until=TODAY))
    assert new.id in {d["id"] for d in today_only}
    assert old.id not in {d["id"] for d in today_only}


def test_list_filters_by_day_staff_and_status(store: EncounterStore) -> None:
    a = make_encounter(9, staff="ma7")
    b = make_encounter(10, staff="ma8")
    c = make_encounter(11, staff="ma7", day=TODAY - timedelta(days=1))
    for encounter in (a, b, c):
        store.save(encounter)
    assert {e.id for e in store.list(day=TODAY, staff="ma7")} == {a.id}
    assert {a.id, b.id} <= {e.id for e in store.list()}
    assert store.list(day=TODAY, status="draft") == []
    listed = store.list(day=TODAY)
    assert [e.started_at for e in listed] == sorted((e.started_at for e in listed), reverse=True)


def test_last_encounter_and_recent_patients(store: EncounterStore) -> None:
    assert store.last_encounter("MRN099996") is None
    earlier = make_encounter(12, patient=99_996, day=TODAY - timedelta(days=10))
    latest = make_encounter(13, patient=99_996, day=TODAY - timedelta(days=1))
    store.save(earlier)
    store.save(latest)
    assert store.last_encounter("MRN099996") == latest
    store.save(make_encounter(14, patient=99_995))
    assert "MRN099995" in [p.id for p in store.recent_patients()]


def test_patient_directory_search(store: EncounterStore) -> None:
    encounter = make_encounter(15, patient=99_994)
    store.save(encounter)
    patient = encounter.patient
    by_name = store.find_patients(f"{patient.family_name[:3]} {patient.given_name}")
    assert patient in by_name
    assert store.find_patients("mrn099994") == [patient]
    assert patient in store.find_patients(patient.birth_date.strftime("%m/%d/%Y"))
    assert patient in store.find_patients(patient.birth_date.isoformat())
    assert store.find_patients("zzzz-nobody") == []
    for n in range(25):  # MRN9, MRN901...: the MRN typed in full comes first, before "Able"s
        base = make_encounter(300 + n)
        who = {"id": f"MRN9{n:02d}" if n else "MRN9", "family_name": "Able" if n else "Zed"}
        store.save(base.model_copy(update={"patient": base.patient.model_copy(update=who)}))
    assert store.find_patients("MRN9", limit=3)[0].id == "MRN9"
    assert len(store.find_patients("mrn9", limit=50)) == 25
    assert patient in store.patients()


def test_every_save_view_and_discard_is_audited(store: EncounterStore) -> None:
    encounter = make_encounter(17)
    store.save(encounter, staff="ma5")
    store.get(encounter.id, staff="ma6")
    store.for_patient(encounter.patient.id)
    store.save_draft(encounter.model_copy(update={"status": "draft", "signed_at": None}))
    store.discard_draft(encounter.staff_id, encounter.patient.id)
    trail = [(e.staff, e.action) for e in store.audit.entries(patient_id=encounter.patient.id)]
    assert trail[-5:] == [
        ("ma5", "sign"),
        ("ma6", "view"),
        ("ma1", "view"),
        ("ma1", "save-draft"),
        ("ma1", "draft-discard"),
    ]
    assert store.audit.verify().ok


def test_views_need_someone_signed_in(store: EncounterStore) -> None:
    encounter = make_encounter(18)
    store.save(encounter)
    store.actor = None
    with pytest.raises(StoreError, match="signed in"):
        store.get(encounter.id)
    store.actor = "ma9"
    assert store.get(encounter.id) == encounter


def test_drafts_are_not_counted(store: EncounterStore) -> None:
    before = store.count()
    store.save_draft(make_encounter(19).model_copy(update={"status": "draft", "signed_at": None}))
    assert store.count() == before


def test_a_busy_day_splits_into_small_segments(store: EncounterStore) -> None:
    day = date(2026, 1, 20)
    for n in range(40):
        store.save(make_encounter(100 + n, day=day))
    segments = store.partitions.segments(day.isoformat())
    assert len(segments) >= 3
    assert all(len(store.partitions.read(s) or {}) <= 16 for s in segments)


def test_segments_are_plain_tinydb_files(store: EncounterStore) -> None:
    from tinydb import TinyDB

    from kiosk.store.files import AtomicJSONStorage

    encounter = make_encounter(20, day=date(2024, 1, 21))
    store.save(encounter)
    (segment,) = store.partitions.segments("2024-01-21")
    with TinyDB(store.partitions.path(segment), storage=AtomicJSONStorage) as db:
        (doc,) = db.table("encounters").all()
    assert Encounter.model_validate(doc) == encounter


def test_for_patient_limit_keeps_the_newest(store: EncounterStore) -> None:
    visits = [make_encounter(n, patient=99_993, day=TODAY - timedelta(days=n)) for n in range(5)]
    for encounter in visits:
        store.save(encounter)
    assert [e.id for e in store.for_patient("MRN099993", limit=2)] == [v.id for v in visits[:2]]
