"""Drafts: one per (staff, patient), never replaced by another patient's, held by one terminal.

Two stores on one folder stand for two kiosks (two SSH sessions of the same MA); a child
process holding a claim and then killed stands for a crashed kiosk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from store_child import make_encounter

from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store.drafts import DraftInUseError

TODAY = datetime.now(UTC).date()


def draft_of(seed: int, patient: int, staff: str = "ma3") -> Encounter:
    signed = make_encounter(seed, patient=patient, staff=staff)
    return signed.model_copy(update={"status": "draft", "signed_at": None, "draft_step": "vitals"})


@pytest.fixture
def store(folder: Path) -> Iterator[EncounterStore]:
    with EncounterStore(folder, staff_id="ma3") as opened:
        yield opened


@pytest.fixture
def other(folder: Path, store: EncounterStore) -> Iterator[EncounterStore]:
    """A second kiosk on the same data folder, signed in as the same MA."""
    with EncounterStore(folder, staff_id="ma3") as opened:
        yield opened


def test_each_patient_keeps_its_own_draft(store: EncounterStore) -> None:
    first, second = draft_of(1, patient=11), draft_of(2, patient=12)
    store.save_draft(first)
    store.save_draft(second)  # opening another patient never replaces the first draft
    assert store.load_draft("ma3", first.patient.id) == first
    assert store.load_draft("ma3", second.patient.id) == second
    assert {d.id for d in store.drafts_for("ma3")} == {first.id, second.id}
    assert store.drafts_for("ma9") == []


def test_a_later_save_replaces_only_that_patients_draft(store: EncounterStore) -> None:
    first, second = draft_of(1, patient=11), draft_of(2, patient=12)
    store.save_draft(first)
    store.save_draft(second)
    changed = first.model_copy(update={"draft_step": "review", "notes": "seen"})
    store.save_draft(changed)
    assert store.load_draft("ma3", first.patient.id) == changed
    assert store.load_draft("ma3", second.patient.id) == second
    newest = store.draft_infos("ma3")[0]
    assert newest.draft.id == first.id  # newest save first
    assert newest.saved_at.tzinfo is not None


def test_discard_removes_one_draft_and_is_audited(store: EncounterStore) -> None:
    first, second = draft_of(1, patient=11), draft_of(2, patient=12)
    store.save_draft(first)
    store.save_draft(second)
    assert store.discard_draft("ma3", first.patient.id) is True
    assert store.load_draft("ma3", first.patient.id) is None
    assert store.load_draft("ma3", second.patient.id) == second
    assert store.discard_draft("ma3", first.patient.id) is False
    actions = [e.action for e in store.audit.entries(patient_id=first.patient.id)]
    assert actions == ["save-draft", "draft-discard"]
    lock_files = [n for n in os.listdir(store.data_dir / "drafts") if n.endswith(".lock")]
    assert len(lock_files) == 1  # the discarded draft's lock file went with it


def test_a_second_terminal_can_neither_write_nor_resume_a_held_draft(
    store: EncounterStore, other: EncounterStore
) -> None:
    draft = draft_of(1, patient=11)
    store.save_draft(draft)  # the first kiosk holds it while the intake is open
    assert other.draft_in_use("ma3", draft.patient.id)
    assert not store.draft_in_use("ma3", draft.patient.id)  # its own claim does not count
    assert other.claim_draft("ma3", draft.patient.id) is False
    overwrite = draft.model_copy(update={"notes": "typed on the second terminal"})
    with pytest.raises(DraftInUseError, match="open on another terminal"):
        other.save_draft(overwrite)
    with pytest.raises(DraftInUseError):
        other.discard_draft("ma3", draft.patient.id)
    assert store.load_draft("ma3", draft.patient.id) == draft
    assert [i.in_use for i in other.draft_infos("ma3")] == [True]
    store.release_draft("ma3", draft.patient.id)  # the first kiosk leaves the intake
    assert not other.draft_in_use("ma3", draft.patient.id)
    assert other.claim_draft("ma3", draft.patient.id) is True
    other.save_draft(overwrite)
    assert store.claim_draft("ma3", draft.patient.id) is False  # now the second holds it


def test_closing_the_store_lets_go_of_every_draft(folder: Path, other: EncounterStore) -> None:
    first = EncounterStore(folder, staff_id="ma3")
    first.save_draft(draft_of(1, patient=11))
    first.save_draft(draft_of(2, patient=12))
    assert other.draft_in_use("ma3", draft_of(1, patient=11).patient.id)
    first.close()
    assert [i.in_use for i in other.draft_infos("ma3")] == [False, False]


CHILD = """
import sys
from kiosk.store import EncounterStore
store = EncounterStore(sys.argv[1], staff_id="ma3")
assert store.claim_draft("ma3", sys.argv[2])
print("held", flush=True)
sys.stdin.read()
"""


def test_a_killed_kiosk_lets_go_of_its_draft_at_once(store: EncounterStore) -> None:
    draft = draft_of(1, patient=11)
    store.save_draft(draft)
    store.release_draft("ma3", draft.patient.id)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store.data_dir), draft.patient.id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        assert store.draft_in_use("ma3", draft.patient.id)
        assert store.claim_draft("ma3", draft.patient.id) is False
        child.kill()  # a crash, a power cut, a dropped SSH session
        child.wait(timeout=10)
        assert store.claim_draft("ma3", draft.patient.id) is True
        assert store.load_draft("ma3", draft.patient.id) == draft
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_today_visits_keep_their_order_and_show_each_state(store: EncounterStore) -> None:
    signed = make_encounter(3, patient=21, day=TODAY)
    waiting = make_encounter(4, patient=22).patient
    store.register_patient(waiting, staff="ma3")
    store.register_patient(signed.patient, staff="ma3")
    store.set_appointments(TODAY, [waiting.id])
    store.save(signed, staff="ma3")
    draft = draft_of(5, patient=23)
    before = [(v.patient.id, v.state) for v in store.today_visits("ma3")]
    assert before == [(waiting.id, "waiting"), (signed.patient.id, "signed")]
    store.save_draft(draft)
    rows = store.today_visits("ma3")
    assert [(v.patient.id, v.state) for v in rows][:2] == before
    assert rows[2].patient.id == draft.patient.id
    assert (rows[2].state, rows[2].step) == ("draft", "vitals")
    # a draft on the waiting patient changes that row's state, not its place
    store.save_draft(draft_of(6, patient=22))
    rows = store.today_visits("ma3")
    assert [v.patient.id for v in rows] == [waiting.id, signed.patient.id, draft.patient.id]
    assert rows[0].state == "draft"


def test_today_visits_show_a_draft_held_elsewhere(
    store: EncounterStore, other: EncounterStore
) -> None:
    draft = draft_of(1, patient=11)
    other.save_draft(draft)
    [visit] = store.today_visits("ma3")
    assert visit.state == "open-elsewhere"
    assert visit.at is not None
    assert visit.at.date() >= date(2026, 1, 1)
