"""Several kiosk processes saving into one folder at once: no lost update, no torn read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from store_child import child_encounter

from kiosk.store import EncounterStore
from kiosk.store.check import check_store

CHILD = str(Path(__file__).parents[1] / "support" / "store_child.py")
WORKERS, SAVES = 4, 50


def test_parallel_saves_are_all_kept(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    children = [
        subprocess.Popen(
            [sys.executable, CHILD, str(folder), str(w), str(SAVES)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    assert children[0].stdout is not None
    children[0].stdout.readline()  # saving has begun
    during = check_store(folder)  # reads without the lock while the kiosks save
    assert during.ok, during.problems
    # Read through the same buffered file object: communicate(timeout=...) reads the raw pipe
    # and would drop lines the readline above already buffered.
    printed = [child.stdout.read().split() if child.stdout else [] for child in children]
    for child in children:
        child.wait(timeout=120)
    printed[0].insert(0, "w0n0")
    assert [child.returncode for child in children] == [0] * WORKERS
    assert [len(ids) for ids in printed] == [SAVES] * WORKERS
    with EncounterStore(folder, staff_id="checker") as store:
        assert store.count() == WORKERS * SAVES
        for w in range(WORKERS):
            for n in range(SAVES):
                assert store.get(f"w{w}n{n}") == child_encounter(w, n)
        signs = [e for e in store.audit.entries() if e.action == "sign"]
        assert sorted(e.staff for e in signs) == sorted(
            f"ma{w}" for w in range(WORKERS) for _ in range(SAVES)
        )
        assert store.audit.verify().ok
    assert check_store(folder).ok
