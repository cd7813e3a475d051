"""Index appends are not fsynced per save: after a (simulated) power cut, the first open after
the reboot re-indexes the recent segments; a normal open does nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import orjson
from store_child import make_encounter

from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store.check import check_store
from kiosk.store.recovery import WINDOW_S, current_boot

DAY = date(2026, 4, 5)


def _sizes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for p in (folder / "index").rglob("*.log")}


def _power_cut(folder: Path, durable: dict[Path, int]) -> None:
    """What a cut leaves: index appends made after ``durable`` gone, and a new boot id."""
    for path in (folder / "index").rglob("*.log"):
        with path.open("r+b") as handle:
            handle.truncate(durable.get(path, 0))
    (folder / "index" / "boot.json").write_bytes(orjson.dumps({"boot": "before-the-cut"}))


def test_index_lines_lost_in_a_power_cut_are_re_added_on_the_next_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with EncounterStore(folder, staff_id="ma1") as store:
        early = [make_encounter(n, day=DAY, patient=n) for n in range(5)]
        for encounter in early:
            store.save(encounter)
        durable = _sizes(folder)  # as if written back before the cut
        late = [make_encounter(n, day=DAY, patient=n) for n in range(5, 10)]
        for encounter in late:
            store.save(encounter)
        amended = store.amend(late[0].id, late[0].model_copy(update={"notes": "corrected"}))
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
    with EncounterStore(folder) as again:  # the same boot: nothing to do
        assert again.problems == []
    assert orjson.loads((folder / "index" / "boot.json").read_bytes()) == {"boot": current_boot()}


def test_only_segments_written_shortly_before_the_newest_are_re_read(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    old_day, new_day = date(2026, 1, 2), date(2026, 4, 6)
    with EncounterStore(folder, staff_id="ma1") as store:
        old = make_encounter(1, day=old_day)
        store.save(old)
        long_ago = (folder / "encounters" / old_day.isoformat()).stat().st_mtime - 2 * WINDOW_S
        for path in (
            folder / "encounters" / old_day.isoformat(),
            store.partitions.path(f"{old_day}/0001"),
        ):
            os.utime(path, (long_ago, long_ago))
        durable: dict[Path, int] = {}  # the cut loses every index line...
        new = make_encounter(2, day=new_day)
        store.save(new)
    _power_cut(folder, durable)
    with EncounterStore(folder, staff_id="ma1") as reopened:
        assert reopened.get(new.id) == new  # ...the recent one comes back
        assert reopened.index.lookup(old.id) is None  # an old one was not re-read
    assert not check_store(folder).ok  # and kiosk check says so
    assert check_store(folder, repair=True).ok
    with EncounterStore(folder, staff_id="ma1") as repaired:
        assert repaired.get(old.id) == old
