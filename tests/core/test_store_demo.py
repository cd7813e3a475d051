"""``kiosk demo-data`` and ``ensure_demo_data``: synthetic encounters in the store's own format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.demo.seeding import ensure_demo_data, fill_demo_data
from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store.check import check_store

TODAY = datetime.now(UTC).date()


def test_demo_data_command_fills_a_year_of_valid_encounters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "demo"
    assert main(["demo-data", "--count", "300", "--seed", "3", "--data-dir", str(folder)]) == 0
    assert "Added 300 synthetic encounters" in capsys.readouterr().out
    with EncounterStore(folder, staff_id="ma1") as store:
        assert store.count() == 300
        docs = list(store.iter_documents())
        assert len(docs) == 300
        days = sorted({d["started_at"][:10] for d in docs})
        assert TODAY - timedelta(days=366) <= datetime.fromisoformat(days[0]).date()
        assert datetime.fromisoformat(days[-1]).date() < TODAY
        assert len(days) > 100  # spread over the year
        assert len({d["id"] for d in docs}) == 300
        for doc in docs[::30]:
            encounter = Encounter.model_validate(doc)
            assert store.get(encounter.id) == encounter
            assert encounter in store.for_patient(encounter.patient.id)
            for reading in encounter.vitals.measurements():
                assert reading.taken_at.date() - encounter.started_at.date() <= timedelta(days=1)
    assert check_store(folder).ok


def test_demo_data_never_goes_into_a_real_data_folder(tmp_path: Path) -> None:
    from store_child import make_encounter

    folder = tmp_path / "clinic"
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(1))
    with pytest.raises(StoreError, match="not demo data"):
        fill_demo_data(folder, 10)


def test_ensure_demo_data_seeds_once_with_todays_appointments(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    ensure_demo_data(folder, count=120)
    ensure_demo_data(folder, count=120)  # idempotent
    with EncounterStore(folder, staff_id="ma1") as store:
        # 120 over the year, and today the intakes of the four visits past it on the board
        assert store.count() == 124
        scheduled = store.appointments()
        assert len(scheduled) == 8
        board = store.rooming.board()
        for patient in scheduled:
            last = store.last_encounter(patient.id)
            assert last is not None
            visit = board.get(patient.id)
            past_intake = visit is not None and visit.status in ("ready", "with-provider", "done")
            assert (last.started_at.date() == TODAY) is past_intake
            if past_intake:
                assert visit is not None
                assert last.room == visit.room
                assert last.started_at > visit.history[0].at
        assert store.find_patients(scheduled[0].family_name)
