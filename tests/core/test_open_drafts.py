"""OpenDrafts: the one owner of the drafts a terminal holds (claims, ordered writes, discards)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_child import make_encounter

from kiosk.models import Encounter
from kiosk.services import OpenDrafts
from kiosk.store import EncounterStore


@pytest.fixture
def store(folder: Path) -> Iterator[EncounterStore]:
    with EncounterStore(folder, staff_id="ma3") as opened:
        yield opened


def draft(n: int, note: str = "") -> Encounter:
    encounter = make_encounter(n, patient=n, staff="ma3")
    encounter = encounter.model_copy(update={"status": "draft", "signed_at": None})
    return encounter.model_copy(update={"form_text": {"note": note}})


def on_disk(store: EncounterStore, encounter: Encounter) -> str | None:
    saved = store.load_draft("ma3", encounter.patient.id)
    return None if saved is None else saved.form_text.get("note")


def test_a_late_older_snapshot_never_overwrites_a_newer_one(store: EncounterStore) -> None:
    drafts = OpenDrafts(store)
    first = draft(1)
    assert drafts.open(first)
    old = first.model_copy(update={"form_text": {"note": "old"}})
    old_ticket = drafts.ticket(old)  # the autosave thread, not yet run
    new = first.model_copy(update={"form_text": {"note": "newer"}})
    drafts.write(new, drafts.ticket(new))  # the save before a lock
    drafts.write(old, old_ticket)  # the thread, late
    assert on_disk(store, first) == "newer"
    assert drafts.saved == new


def test_tickets_are_kept_per_draft(store: EncounterStore) -> None:
    drafts = OpenDrafts(store)
    a, b = draft(1), draft(2)
    assert drafts.open(a)
    assert drafts.open(b)
    b_ticket = drafts.ticket(b)
    drafts.write(a, drafts.ticket(a))  # a newer ticket for another patient's draft
    drafts.write(b.model_copy(update={"form_text": {"note": "b"}}), b_ticket)
    assert on_disk(store, b) == "b"


def test_a_closed_draft_is_not_written_and_another_terminal_may_take_it(
    store: EncounterStore, folder: Path
) -> None:
    drafts = OpenDrafts(store)
    first = draft(1, "kept")
    assert drafts.open(first)
    drafts.write(first, drafts.ticket(first))
    drafts.current = first
    drafts.close(first)
    assert drafts.current is None
    drafts.write(draft(1, "late"), drafts.ticket(first))
    assert on_disk(store, first) == "kept"
    with EncounterStore(folder, staff_id="ma3") as other:
        assert other.claim_draft("ma3", first.patient.id)
        assert not drafts.open(first)  # the other terminal holds it now


def test_discard_deletes_and_close_all_lets_go(store: EncounterStore, folder: Path) -> None:
    drafts = OpenDrafts(store)
    a, b = draft(1, "a"), draft(2, "b")
    for d in (a, b):
        assert drafts.open(d)
        drafts.write(d, drafts.ticket(d))
    drafts.discard(a)
    assert on_disk(store, a) is None
    assert drafts.saved is None
    drafts.close_all()
    with EncounterStore(folder, staff_id="ma3") as other:
        assert other.claim_draft("ma3", b.patient.id)
    assert on_disk(store, b) == "b"
