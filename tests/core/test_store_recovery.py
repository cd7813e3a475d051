"""Index appends are not fsynced per save: after a (simulated) power cut, the next open finds
what the checkpoint's tail lost and re-adds it; a normal open does nothing.
(tests/core/test_store_powercut.py damages the tails at every offset class.)"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import orjson
import pytest
from store_child import make_encounter

from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store.check import check_store
from kiosk.store.partitions import Docs, Partitions

DAY = date(2026, 4, 5)


def _sizes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for p in (folder / "index").rglob("*.log")}


def _power_cut(folder: Path, durable: dict[Path, int]) -> None:
    """What a cut leaves: index appends made after ``durable`` gone, and a new boot id (the
    store no longer relies on it)."""
    for path in (folder / "index").rglob("*.log"):
        with path.open("r+b") as handle:
            handle.truncate(durable.get(path, 0))
    boot = folder / "index" / "boot.json"
    boot.write_bytes(orjson.dumps({"boot": "before-the-cut"}))
    boot.chmod(0o600)


def test_index_lines_lost_in_a_power_cut_are_re_added_on_the_next_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with EncounterStore(folder, staff_id="ma1") as store:
        early = [make_encounter(n, day=DAY, patient=n) for n in range(5)]
        for encounter in early:
            store.save(encounter)
    durable = _sizes(folder)  # the close checkpointed (fsynced) these
    store = EncounterStore(folder, staff_id="ma1")
    late = [make_encounter(n, day=DAY, patient=n) for n in range(5, 10)]
    for encounter in late:
        store.save(encounter)
    amended = store.amend(late[0].id, late[0].model_copy(update={"notes": "corrected"}))
    store.folder.lock.close()  # the cut: never closed, never checkpointed
    store.writer.close()
    _power_cut(folder, durable)
    with EncounterStore(folder, staff_id="ma1") as reopened:
        assert any("re-added" in p for p in reopened.problems)
        saved: list[Encounter] = early + late
        assert reopened.count() == len(saved) + 1
        assert [reopened.get(e.id) for e in saved] == saved
        assert [v.id for v in reopened.versions(amended)] == [late[0].id, amended]
        assert [e.id for e in reopened.for_patient(late[3].patient.id)] == [late[3].id]
        assert reopened.find_patients("MRN000008") == [late[3].patient]
    assert check_store(folder).ok
    with EncounterStore(folder) as again:  # checkpointed after the repair: nothing to do
        assert again.problems == []


def test_an_open_with_nothing_new_reads_no_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    old_day = date(2026, 1, 2)
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(1, day=old_day))
    long_ago = (folder / "encounters" / old_day.isoformat()).stat().st_mtime - 3600
    os.utime(folder / "encounters" / old_day.isoformat(), (long_ago, long_ago))
    with EncounterStore(folder, staff_id="ma1"):  # the day folder moved: re-read once
        pass
    reads: list[str] = []
    real = Partitions.read

    def counting(self: Partitions, partition: str) -> Docs | None:
        reads.append(partition)
        return real(self, partition)

    monkeypatch.setattr(Partitions, "read", counting)
    with EncounterStore(folder, staff_id="ma1") as again:
        assert again.problems == []
    assert reads == []
