"""A store that keeps growing: ``kiosk check`` streams (its memory does not grow with the store,
``--since`` reads only recent encounter files, a progress bar only on a terminal), and index
logs roll as they grow, keeping every encounter findable even when a roll is killed midway."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import textwrap
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from store_child import make_encounter

from kiosk.cli import main
from kiosk.demo.seeding import fill_demo_data
from kiosk.models import Encounter
from kiosk.store import EncounterStore, shards
from kiosk.store.check import check_store
from kiosk.store.partitions import Partitions
from kiosk.store.shards import shard_of

TODAY = date(2026, 3, 10)
OLD = date(2026, 1, 5)
LONG_AGO = datetime(2026, 1, 10, tzinfo=UTC).timestamp()


def _peak_check(folder: Path) -> int:
    tracemalloc.start()
    try:
        report = check_store(folder)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert report.ok, report.problems


def test_check_memory_does_not_grow_with_the_store(tmp_path: Path) -> None:
    small, big = tmp_path / "small", tmp_path / "big"
    # Full segments in both (80 and 800 a day): what one segment costs to read is the same.
    fill_demo_data(small, 400, seed=3, today=TODAY, patients=40, days=5)
    fill_demo_data(big, 4000, seed=3, today=TODAY, patients=40, days=5)
    _peak_check(small)  # imports and caches out of the way
    small_peak, big_peak = _peak_check(small), _peak_check(big)
    # Ten times the encounters: holding them (ids, entries, patients) grew the peak by
    # megabytes; streaming keeps it within what one segment and one shard cost, plus the
    # point-of-care QC log the demo writes for its results (read whole: a few runs a day).
    assert big_peak < small_peak * 1.5, (small_peak, big_peak)


@pytest.fixture
def old_and_new(folder: Path) -> tuple[list[str], list[str]]:
    with EncounterStore(folder, staff_id="ma1") as store:
        old = [store.save(make_encounter(n, day=OLD + timedelta(days=n % 3))) for n in range(6)]
        new = [store.save(make_encounter(100 + n, day=TODAY)) for n in range(4)]
    past = LONG_AGO  # the old days were last written long before the nightly check's day
    for day in ("2026-01-05", "2026-01-06", "2026-01-07"):
        os.utime(folder / "encounters" / day, (past, past))
    return old, new


def test_since_reads_only_recent_encounter_files(
    folder: Path, old_and_new: tuple[list[str], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    real = Partitions.segments

    def spy(self: Partitions, day: str) -> list[str]:
        read.append(day)
        return real(self, day)

    monkeypatch.setattr(Partitions, "segments", spy)
    report = check_store(folder, since=date(2026, 3, 1))
    assert report.ok, report.problems
    assert set(read) == {TODAY.isoformat()}
    assert report.encounters == 4
    read.clear()
    assert check_store(folder).encounters == 10
    assert {"2026-01-05", TODAY.isoformat()} <= set(read)


def test_since_finds_damage_in_recent_files_and_misses_none_of_theirs(
    folder: Path, old_and_new: tuple[list[str], list[str]]
) -> None:
    old_segment = folder / "encounters" / "2026-01-05" / "0001.json"
    old_segment.write_bytes(old_segment.read_bytes()[:-40])  # truncated: an old file
    os.utime(old_segment.parent, (LONG_AGO, LONG_AGO))
    # Not read: outside the nightly run's scope (only the trail's entries of saves since then
    # are looked up, and these were saved "today" by the test's clock).
    nightly = check_store(folder, since=date(2026, 3, 1))
    assert not any("Damaged file" in p for p in nightly.problems)
    full = check_store(folder)
    assert any("Damaged file encounters/2026-01-05/0001.json" in p for p in full.problems)
    new_segment = folder / "encounters" / TODAY.isoformat() / "0001.json"
    new_segment.write_bytes(new_segment.read_bytes().replace(b'"ma1"', b'"ma9"', 1))
    recent = check_store(folder, since=date(2026, 3, 1))
    assert any(f"encounters/{TODAY.isoformat()}/0001.json" in p for p in recent.problems)


def test_since_compares_recent_encounters_with_the_index_and_the_trail(
    folder: Path, old_and_new: tuple[list[str], list[str]]
) -> None:
    _, new = old_and_new
    for path in (folder / "index" / "ids").rglob("*.log"):
        if new[0].encode() in path.read_bytes():
            kept = [
                line for line in path.read_bytes().splitlines(True) if new[0].encode() not in line
            ]
            path.write_bytes(b"".join(kept))
    report = check_store(folder, since=date(2026, 3, 1))
    assert any("missing from the id index" in p and new[0] in p for p in report.problems)


def test_a_bad_since_day_is_one_plain_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder.mkdir(exist_ok=True)
    assert main(["--data-dir", str(folder), "check", "--since", "yesterday"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def _run_check(folder: Path, *, tty: bool) -> bytes:
    argv = [sys.executable, "-m", "kiosk", "--data-dir", str(folder), "check"]
    if not tty:
        done = subprocess.run(argv, capture_output=True, check=False)
        return done.stderr
    master, slave = pty.openpty()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    child.wait(timeout=60)
    os.close(master)
    return out


def test_the_progress_bar_is_drawn_on_a_terminal_and_never_into_a_pipe(
    folder: Path, old_and_new: tuple[list[str], list[str]]
) -> None:
    on_terminal = _run_check(folder, tty=True)
    assert b"Checking encounter files" in on_terminal
    assert b"100%" in on_terminal
    in_pipe = _run_check(folder, tty=False)
    assert b"Checking" not in in_pipe
    assert b"\r" not in in_pipe


def crowded(count: int) -> list[Encounter]:
    """Encounters of four patients whose ids and MRNs all fall in index shard 00 (so a
    small test fills one shard past the roll limit)."""
    patients = [n for n in range(20_000) if shard_of(f"MRN{n:06d}") == "00"][:4]
    ids = (f"{k:032x}" for k in range(10**6) if shard_of(f"{k:032x}") == "00")
    return [
        make_encounter(n, patient=patients[n % 4], day=TODAY).model_copy(update={"id": next(ids)})
        for n in range(count)
    ]


def _ids_in(folder: Path) -> list[Path]:
    return [p for p in (folder / "index").rglob("*") if p.is_dir() and len(p.name) <= 2]


def test_rolled_index_logs_keep_every_encounter_findable(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shards, "ROLL_BYTES", 1500)
    encounters = crowded(80)
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in encounters:
            store.save(encounter)
    assert _ids_in(folder), "no log was rolled"
    ids = shards.logs(folder / "index" / "ids")  # each at most the limit and one more line
    assert len(ids) > 1
    assert all(p.stat().st_size <= 1500 + 300 for p in ids)
    for log in shards.logs(folder / "index" / "patients"):  # past it: one patient's history
        lines = log.read_bytes().splitlines()
        assert len(b"".join(lines)) <= 1500 + 300 or len({n.split(b",")[1] for n in lines}) == 1
    with EncounterStore(folder, staff_id="ma1") as store:
        assert not [p for p in store.problems if "rebuilt" in p]
        assert store.count() == 80
        for encounter in encounters:
            assert store.get(encounter.id).id == encounter.id
        patients = {e.patient.id for e in encounters}
        assert sorted(len(store.for_patient(p)) for p in patients) == [20, 20, 20, 20]
    assert check_store(folder).ok


KILLED_ROLL = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path[:0] = [sys.argv[3], sys.argv[4]]
    from test_store_scale import crowded
    from kiosk.store import EncounterStore, shards
    from datetime import date
    shards.ROLL_BYTES = 1500
    point = sys.argv[2]
    real_rename, real_unlink = os.rename, os.unlink
    def kill() -> None:
        os.kill(os.getpid(), signal.SIGKILL)
    def rename(a, b):
        if point == "before-rename" and "index" in str(b):
            kill()
        real_rename(a, b)
        if point == "after-rename" and "index" in str(b):
            kill()
    shards.os.rename = rename
    store = EncounterStore(sys.argv[1], staff_id="ma1")
    for encounter in crowded(200):
        print("saving", encounter.id, flush=True)
        store.save(encounter)
        print("saved", encounter.id, flush=True)
    """
)


@pytest.mark.parametrize("point", ["before-rename", "after-rename"])
def test_a_roll_killed_midway_loses_nothing(folder: Path, point: str) -> None:
    here = Path(__file__).parent
    support = here.parent / "support"
    child = subprocess.run(
        [sys.executable, "-c", KILLED_ROLL, str(folder), point, str(support), str(here)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    saved = [line.split()[1] for line in child.stdout.splitlines() if line.startswith("saved")]
    assert saved
    with EncounterStore(folder, staff_id="ma1") as store:
        assert not [p for p in store.problems if "rebuilt" in p], store.problems
        for encounter_id in saved:
            assert store.get(encounter_id).id == encounter_id
        assert store.count() >= len(saved)
        store.save(crowded(201)[-1])  # writes go on after the kill
    report = check_store(folder)
    assert report.ok, report.problems
