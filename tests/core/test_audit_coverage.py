"""Every call that returns patient data leaves an audit entry saying who looked and why.

The public methods of the store and of its read parts are found by introspection: each one
either returns patient data (its return type names Encounter, Patient, Visit, DraftInfo or a
stored document), and is then called here and must add a "view" entry with the actor and
reason it was given and the patient it showed, or it is listed in NOT_PHI with what it returns.
A new method is neither until someone decides, so adding one without audit fails this test.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sterilizer_samples import sample_assist, sample_load
from store_child import make_encounter

from kiosk.models import Request
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditEntry
from kiosk.store.drafts import Drafts
from kiosk.store.queries import Queries
from kiosk.store.rooming import Rooming
from kiosk.store.sterilizer import SterilizerStore

TODAY = datetime.now(UTC).date()
ACTOR, REASON = "auditor7", "coverage check"
PHI_TYPES = re.compile(
    r"\b(Encounter|Patient|Visit|DraftInfo|VisitRecord|Room|TurnoverRecord|Recall|TaskItem)\b"
    r"|dict\[str, Any\]"
)

NOT_PHI = {
    # writes (audited as what they do: sign, amend, create, save-draft, draft-discard)
    "save": "an id",
    "amend": "an id",
    "register_patient": "nothing",
    "set_appointments": "nothing",
    "register_patients": "a number",
    "merge_appointments": "how many were added and removed",
    "save_draft": "nothing",
    "discard_draft": "whether there was one",
    "mark_task_done": "an encounter id (audited as task-done)",
    # claims and bookkeeping
    "claim_draft": "whether this terminal holds it",
    "holds_draft": "whether this terminal holds it",
    "draft_in_use": "whether another terminal holds it",
    "release_draft": "nothing",
    "release_drafts": "nothing",
    "count": "a number",
    "remove_leftovers": "how many temp files were removed",
    "close": "nothing",
    # rooming and the sterilizer log: changes audited as what they do (WRITES), no patient data
    "stamp": "file times",
    "read": "the sterilizer log (no patient data)",
    "add_load": "the load (no patient data)",
    "set_result": "the sterilizer log (no patient data)",
    # a building block whose caller audits the list it is part of (today_visits)
    "unaudited_infos": "drafts, audited by the caller",
}


WRITES = {
    "set_status": "the visit it changed, audited as visit-status",
    "complete_turnover": "the turnover it recorded, audited as room-turnover",
    "notify_provider": "the visit it changed, audited as provider-notified",
    "record_procedure": "the visit it changed, audited as procedure-assist",
}
"""Changes that hand back the record they wrote (the caller's own change, audited as it)."""
NOT_PHI.update(WRITES)


def public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def returns_phi(method: Callable[..., Any]) -> bool:
    annotation = inspect.signature(method).return_annotation
    return bool(PHI_TYPES.search(str(annotation)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EncounterStore]:
    with EncounterStore(tmp_path / "data", staff_id="ma1") as opened:
        signed = make_encounter(1, patient=41, day=TODAY).model_copy(
            update={"requests": [Request(kind="follow-up", when_text="2 weeks", when=TODAY)]}
        )
        opened.save(signed)
        opened.set_appointments(TODAY, [signed.patient.id])
        draft = make_encounter(2, patient=41, day=TODAY).model_copy(
            update={"status": "draft", "signed_at": None, "draft_step": "vitals"}
        )
        opened.save_draft(draft)
        opened.rooming.set_status(signed.patient.id, "roomed", room="Room 1")
        opened.sterilizer.add_load(sample_load(day=TODAY))
        opened.rooming.record_procedure(signed.patient.id, sample_assist("PK-1"))
        opened.actor = None  # nobody signed in: the actor comes from each call
        yield opened


def arguments(store: EncounterStore, method: Callable[..., Any]) -> dict[str, Any]:
    """Sample arguments by parameter name; an unknown required one fails the test."""
    patient = store.index.directory()
    (pid,) = patient
    (encounter_id,) = [e.id for e in store.index.for_patient(pid)]
    samples = {
        "encounter_id": encounter_id,
        "patient_id": pid,
        "staff_id": "ma1",
        "query": patient[pid]["family_name"][:3],
        "day": TODAY,
        "sterilizer": "S1",
    }
    given: dict[str, Any] = {}
    params = inspect.signature(method).parameters
    for name, param in list(params.items())[1:]:
        if name in samples:
            given[name] = samples[name]
        elif param.default is inspect.Parameter.empty:
            pytest.fail(f"{method.__qualname__}: add a sample for its parameter {name!r}")
    who = "actor" if "actor" in params else "staff"
    assert who in params, f"{method.__qualname__} cannot be told who is looking"
    assert "reason" in params, f"{method.__qualname__} cannot be told why"
    given[who] = ACTOR
    given["reason"] = REASON
    return given


OWNERS: list[tuple[type, Callable[[EncounterStore], object]]] = [
    (EncounterStore, lambda s: s),
    (Queries, lambda s: s.queries),
    (Drafts, lambda s: s.drafts),
    (Rooming, lambda s: s.rooming),
    (SterilizerStore, lambda s: s.sterilizer),
]
PHI_METHODS = sorted(
    (cls.__name__, name)
    for cls, _ in OWNERS
    for name, method in public_methods(cls).items()
    if returns_phi(method) and name not in NOT_PHI
)


def test_every_public_method_is_either_audited_here_or_listed_as_not_phi() -> None:
    for cls, _ in OWNERS:
        for name, method in public_methods(cls).items():
            if name in NOT_PHI:
                exempt = name.startswith("unaudited_") or name in WRITES
                assert not returns_phi(method) or exempt, (
                    f"{cls.__name__}.{name} returns patient data but is listed as not PHI"
                )
            else:
                assert returns_phi(method), (
                    f"{cls.__name__}.{name}: returns no patient data? list it in NOT_PHI"
                )
    names = {name for _, name in PHI_METHODS}
    # the six calls found unaudited, and the views that were audited before
    assert {
        "find_patients",
        "patients",
        "appointments",
        "load_draft",
        "draft_infos",
        "iter_documents",
        "get",
        "for_patient",
        "list",
        "today_visits",
    } <= names


@pytest.mark.parametrize(("owner", "name"), PHI_METHODS)
def test_a_call_returning_patient_data_is_audited_with_who_and_why(
    store: EncounterStore, owner: str, name: str
) -> None:
    cls, part = next((c, p) for c, p in OWNERS if c.__name__ == owner)
    method = getattr(part(store), name)
    pid = next(iter(store.index.directory()))
    before = sum(1 for _ in store.audit.entries())
    result = method(**arguments(store, getattr(cls, name)))
    if inspect.isgenerator(result) or isinstance(result, Iterator):
        list(result)
    new: list[AuditEntry] = list(store.audit.entries())[before:]
    views = [e for e in new if e.action == "view"]
    assert views, f"{owner}.{name} returned patient data and left no audit entry"
    assert all((e.staff, e.reason) == (ACTOR, REASON) for e in views), views
    assert any(e.concerns(pid) or "whole directory" in e.detail for e in views), views
    assert all(pid not in e.detail or e.patient_id == pid for e in views), "ids go in patients"


@pytest.mark.parametrize(("owner", "name"), PHI_METHODS)
def test_nobody_signed_in_means_no_patient_data(
    store: EncounterStore, owner: str, name: str
) -> None:
    cls, part = next((c, p) for c, p in OWNERS if c.__name__ == owner)
    given = arguments(store, getattr(cls, name))
    given.pop("actor", None)
    given.pop("staff", None)
    if "staff_id" in given:  # a staff member's own drafts: the owner is who looks
        return
    from kiosk.errors import StoreError

    with pytest.raises(StoreError, match="signed in"):
        getattr(part(store), name)(**given)


def test_a_store_without_a_reason_records_its_purpose(tmp_path: Path) -> None:
    with EncounterStore(tmp_path, staff_id="ma1", purpose="intake") as store:
        store.save(make_encounter(3, patient=7, day=TODAY))
        store.find_patients("a")
        store.today_visits("ma1")
        reasons = {e.reason for e in store.audit.entries() if e.action == "view"}
    assert reasons == {"intake"}
