"""Index lines are fsynced at checkpoints, not per save: after a (simulated) power cut, the
first open re-indexes what the cut lost and voids what points nowhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
import pytest
from store_child import make_encounter

from kiosk import store_recovery
from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store_check import check_store
from kiosk.store_index import shard_of

DAY = date(2026, 4, 5)


def _power_cut(folder: Path, store: EncounterStore, *, lose_unsynced: bool = True) -> None:
    """Leave the store as a power cut would: unsynced index appends gone, a new boot."""
    store.checkpoints.writes = 0  # a cut gives close() no chance to checkpoint
    store.close()
    checkpoint_path = folder / "index" / "checkpoint.json"
    checkpoint = orjson.loads(checkpoint_path.read_bytes())
    if lose_unsynced:
        for path in [*(folder / "index").rglob("*.log")]:
            size = checkpoint["sizes"].get(str(path.relative_to(folder / "index")), 0)
            with path.open("r+b") as handle:
                handle.truncate(size)
    checkpoint["boot"] = "the-boot-before-the-cut"
    checkpoint_path.write_bytes(orjson.dumps(checkpoint))


def _saved(folder: Path) -> tuple[EncounterStore, list[Encounter], str]:
    store = EncounterStore(folder, staff_id="ma1")
    saved = [make_encounter(n, day=DAY, patient=n) for n in range(10)]
    for encounter in saved:
        store.save(encounter)
    amended = store.amend(saved[0].id, saved[0].model_copy(update={"notes": "corrected"}))
    return store, saved, amended


def test_index_lines_lost_in_a_power_cut_are_rebuilt_on_the_next_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store, saved, amended = _saved(folder)
    _power_cut(folder, store)
    with EncounterStore(folder, staff_id="ma1") as reopened:
        assert any("since a restart" in p for p in reopened.problems)
        assert reopened.count() == len(saved) + 1
        assert [reopened.get(e.id) for e in saved] == saved
        assert [v.id for v in reopened.versions(amended)] == [saved[0].id, amended]
        assert [e.id for e in reopened.for_patient(saved[3].patient.id)] == [saved[3].id]
        assert reopened.find_patients("MRN000004") == [saved[4].patient]
    assert check_store(folder).ok


def test_index_lines_whose_segment_never_landed_are_voided(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store, saved, _ = _saved(folder)
    store.checkpoints.write()
    ghost = ["+", "ghost", f"{DAY}/0009", "MRN000001"]
    shard = folder / "index" / "ids" / f"{shard_of('ghost')}.log"
    with shard.open("ab") as handle:
        handle.write(orjson.dumps(ghost) + b"\n" + b'["+","torn')  # and a torn last line
    shard.chmod(0o600)
    _power_cut(folder, store, lose_unsynced=False)
    with EncounterStore(folder, staff_id="ma1") as reopened:
        assert reopened.count() == len(saved) + 1
        with pytest.raises(KeyError):
            reopened.get("ghost")
        later = make_encounter(50, day=DAY)
        reopened.save(later)
        assert reopened.get(later.id) == later
    assert check_store(folder).ok


def test_a_checkpoint_every_few_saves_fsyncs_and_records_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_recovery, "EVERY", 3)
    folder = tmp_path / "data"
    with EncounterStore(folder, staff_id="ma1") as store:
        for n in range(3):
            store.save(make_encounter(n, day=DAY))
        checkpoint = orjson.loads((folder / "index" / "checkpoint.json").read_bytes())
        for path in store.index.files():
            assert checkpoint["sizes"][str(path.relative_to(store.index.root))] == (
                path.stat().st_size
            )
        assert checkpoint["boot"] == store_recovery.current_boot()
        store.save(make_encounter(9, day=DAY))
    # close() checkpoints what this process wrote since
    checkpoint = orjson.loads((folder / "index" / "checkpoint.json").read_bytes())
    assert sum(checkpoint["sizes"].values()) == sum(
        p.stat().st_size for p in EncounterStore(folder).index.files()
    )
