"""Kill a saving process with SIGKILL at random moments: every acknowledged save survives.

The child (tests/support/store_child.py) prints an id only after ``save`` returned. After every kill
the next child opens the same folder (finishing or cancelling the interrupted save); at the
end every printed id must read back intact, the indexes must agree with the files and the
audit chain must verify.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_child import child_encounter

from kiosk.store import EncounterStore
from kiosk.store.check import check_store

CHILD = str(Path(__file__).parents[1] / "support" / "store_child.py")
KILLS = 20


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_save(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    rng = random.Random(20261129)
    acknowledged: list[str] = []
    interrupted = 0  # kills that landed inside a save (pending.json still names it)
    for run in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, CHILD, str(folder), str(run), "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # the child is saving now
        assert first.endswith("\n"), "the child did not save anything"
        time.sleep(rng.uniform(0, 0.12))  # a random moment, usually in the middle of a save
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        acknowledged += [line.strip() for line in [first, *child.stdout] if line.endswith("\n")]
        child.stdout.close()
        interrupted += bool((folder / "pending.json").read_bytes().strip())
    assert len(acknowledged) >= KILLS
    assert interrupted > 0, "no kill landed inside a save: the test proved nothing"
    with EncounterStore(folder, staff_id="checker") as store:
        for encounter_id in acknowledged:
            worker, n = encounter_id[1:].split("n")
            assert store.get(encounter_id) == child_encounter(int(worker), int(n))
        # a save may have completed in the instant between returning and printing
        assert len(acknowledged) <= store.count() <= len(acknowledged) + KILLS
    report = check_store(folder)
    assert report.ok, report.problems
    assert report.encounters == store.count()
