"""``kiosk tasks list|done``: the requests of signed encounters as a to-do list; done is a
``task-done`` audit entry by who ran it; every look is audited; bad ids are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from store_child import make_encounter

from kiosk.cli import main
from kiosk.commands.acting import os_user
from kiosk.models import Pharmacy, Request
from kiosk.store import EncounterStore

TODAY = datetime.now(UTC).date()
PHARMACY = Pharmacy(name="Hometown Drug", ncpdp_id="0999017")


def seed(folder: Path) -> tuple[Request, Request, str]:
    refill = Request(kind="refill", medication="Metformin 500 mg", pharmacy=PHARMACY)
    referral = Request(kind="referral", specialty="Dermatology", reason="changing mole")
    old = Request(kind="follow-up", when_text="1 week", when=TODAY)
    with EncounterStore(folder, staff_id="ma1") as store:
        first = make_encounter(1, patient=11, day=TODAY).model_copy(
            update={"requests": [refill, referral]}
        )
        store.save(first)
        store.save(make_encounter(2, patient=12, day=TODAY))  # no requests
        earlier = make_encounter(3, patient=13, day=TODAY - timedelta(days=5))
        store.save(earlier.model_copy(update={"requests": [old]}))
    return refill, referral, first.patient.id


def kiosk(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), "tasks", *args])


def test_list_shows_todays_open_tasks_and_done_removes_one(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refill, referral, _mrn = seed(folder)
    assert kiosk(folder, "list") == 0
    out = capsys.readouterr().out
    assert refill.id in out
    assert referral.id in out
    assert "Refill: Metformin 500 mg to Hometown Drug" in out
    assert "Referral: Dermatology (routine): changing mole" in out
    assert "1 week" not in out  # five days ago: not today's
    assert kiosk(folder, "done", refill.id) == 0
    assert f"Task {refill.id}" in capsys.readouterr().out
    assert kiosk(folder, "list") == 0
    out = capsys.readouterr().out
    assert refill.id not in out
    assert referral.id in out
    assert kiosk(folder, "list", "--all") == 0
    assert f"done by {os_user()}" in capsys.readouterr().out
    since = (TODAY - timedelta(days=7)).isoformat()
    assert kiosk(folder, "list", "--since", since) == 0
    assert "Follow-up by" in capsys.readouterr().out


def test_done_twice_or_unknown_is_refused_with_a_message(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refill, _, _ = seed(folder)
    assert kiosk(folder, "done", refill.id) == 0
    assert kiosk(folder, "done", refill.id) == 2
    assert "already done by" in capsys.readouterr().err
    assert kiosk(folder, "done", "f" * 32) == 2
    assert "No task" in capsys.readouterr().err


def test_every_call_is_audited_with_who_and_the_patients(folder: Path) -> None:
    refill, _, mrn = seed(folder)
    assert kiosk(folder, "list") == 0
    assert kiosk(folder, "done", refill.id) == 0
    with EncounterStore(folder, staff_id="ma1") as store:
        entries = list(store.audit.entries())
    listing = next(e for e in entries if e.detail.startswith("task list"))
    assert listing.staff == os_user()
    assert listing.reason == "tasks"
    assert mrn in listing.patients
    (done,) = [e for e in entries if e.action == "task-done"]
    assert (done.staff, done.patient_id) == (os_user(), mrn)
    assert refill.id in done.detail


def test_patient_filter_and_nothing_open(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed(folder)
    assert kiosk(folder, "list", "--patient", "NOBODY1") == 0
    assert "No open tasks." in capsys.readouterr().out


def test_store_lists_oldest_first_with_the_encounter(folder: Path) -> None:
    refill, _referral, mrn = seed(folder)
    with EncounterStore(folder, staff_id="ma1") as store:
        found = store.tasks(since=date(2000, 1, 1))
    assert [t.request.kind for t in found] == ["follow-up", "refill", "referral"]
    assert found[1].patient_id == mrn
    assert found[1].request == refill
