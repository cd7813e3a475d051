"""A patient's history never vanishes: amendments seen from other processes, kills at every
stage of a save, a power cut's leftovers, a document that does not load.

Other kiosks read without the folder lock, so every write must be ordered so that a reader
sees the old version or the new one, never neither; and whatever a killed writer leaves must
be finished (indexed and audited) or removed by the next one, with nothing left unsaid.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from amend_child import NEW_VISIT_ID
from store_child import make_encounter

from kiosk.errors import StoreError
from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store.check import check_store

AMEND_CHILD = str(Path(__file__).parents[1] / "support" / "amend_child.py")
TODAY = datetime.now(UTC).date()
PATIENT = 7
MAX_STEPS = 40
"""More steps (see amend_child.py) than one amendment has: the last run completes it."""


class PowerCut(BaseException):
    """Everything stops here (raised where a power cut is simulated)."""


def _visit(folder: Path) -> Encounter:
    """A data folder holding one signed visit of PATIENT (with an allergy to carry forward)."""
    visit = make_encounter(1, patient=PATIENT, day=TODAY)
    assert visit.history.allergies
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(visit)
        store.save(make_encounter(2, patient=PATIENT + 1, day=TODAY))  # someone else's
    return visit


def _seen(store: EncounterStore, pid: str) -> tuple[list[str], Encounter | None]:
    return [e.id for e in store.for_patient(pid)], store.last_encounter(pid)


# ---------------------------------------------------------------------- concurrent amendments


def test_a_visit_being_amended_is_always_seen_by_another_process(folder: Path) -> None:
    visit = _visit(folder)
    pid = visit.patient.id
    writer = subprocess.Popen(
        [sys.executable, AMEND_CHILD, "loop", str(folder), visit.id, "120"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    calls = misses = 0
    with EncounterStore(folder, staff_id="ma2") as reader:
        first = writer.stdout.readline()  # amending has begun
        assert first.endswith("\n")
        while writer.poll() is None:
            ids, last = _seen(reader, pid)
            calls += 1
            if len(ids) != 1 or last is None or not last.history.allergies:
                misses += 1
        written = [first.strip(), *writer.stdout.read().split()]
        assert writer.wait(timeout=60) == 0
        assert len(written) == 120
        ids, last = _seen(reader, pid)
        assert ids == [written[-1]]
        assert last is not None
        assert last.id == written[-1]
    assert calls > 100, "the reader hardly overlapped the amendments: the test proved nothing"
    assert misses == 0, f"{misses} of {calls} reads saw no visit (or two) while it was amended"


# ---------------------------------------------------------------------- killed amendments


@pytest.mark.slow
def test_an_amendment_killed_at_any_step_never_hides_the_visit(tmp_path: Path) -> None:
    """Kill the amending process at every step; a kiosk that was open all along, and one
    opened afterwards, see exactly one version, carry the history forward, and the version
    kept has exactly one amend entry in the audit trail."""
    base = tmp_path / "base"
    visit = _visit(base)
    pid = visit.patient.id
    killed_at: list[int] = []
    for point in range(1, MAX_STEPS):
        folder = tmp_path / f"point-{point}"
        shutil.copytree(base, folder)
        with EncounterStore(folder, staff_id="ma2") as open_all_along:
            assert _seen(open_all_along, pid)[0] == [visit.id]
            child = subprocess.run(
                [sys.executable, AMEND_CHILD, "die", str(folder), visit.id, str(point)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if child.returncode == 0:
                assert child.stdout.startswith("done ")
                break
            assert child.returncode == -9, child.stderr
            killed_at.append(point)
            ids, last = _seen(open_all_along, pid)
            assert len(ids) == 1, f"killed at step {point}: {len(ids)} visits seen"
            assert last is not None, f"step {point}: no last visit"
            assert last.history.allergies, f"step {point}: no history carried forward"
        with EncounterStore(folder, staff_id="ma3") as reopened:  # finishes the killed save
            ids, last = _seen(reopened, pid)
            assert len(ids) == 1, f"killed at step {point}, reopened: {len(ids)} visits"
            assert last is not None
            assert last.id == ids[0]
            chain = [e.id for e in reopened.versions(visit.id)]
            assert chain[0] == visit.id
            assert chain[-1] == ids[0]
            amends = [e for e in reopened.audit.entries(pid) if e.action == "amend"]
            assert [e.detail.split()[0] for e in amends] == chain[1:], f"step {point}"
            temps = [p for p in folder.rglob("*.tmp") if not p.name.startswith(".audit.head")]
            assert not temps, f"step {point}: a temp file was left"
            assert not (folder / "pending.json").read_bytes().strip()
        report = check_store(folder)
        assert report.ok, (point, report.problems)
    else:
        pytest.fail("the amendment never completed: raise MAX_STEPS")
    assert len(killed_at) >= 8, killed_at  # marker, segment, index lines, audit, ...


@pytest.mark.slow
def test_a_save_killed_at_any_step_is_kept_with_its_sign_entry_or_not_at_all(
    tmp_path: Path,
) -> None:
    base = tmp_path / "base"
    visit = _visit(base)
    killed_at: list[int] = []
    kept = 0
    for point in range(1, MAX_STEPS):
        folder = tmp_path / f"point-{point}"
        shutil.copytree(base, folder)
        child = subprocess.run(
            [sys.executable, AMEND_CHILD, "die-save", str(folder), visit.id, str(point)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        with EncounterStore(folder, staff_id="ma3") as reopened:
            stored = reopened.index.lookup(NEW_VISIT_ID) is not None
            listed = NEW_VISIT_ID in {e.id for e in reopened.list(TODAY)}
            assert stored == listed, f"step {point}: indexed {stored}, in its file {listed}"
            signs = [
                e.detail.split()[0]
                for e in reopened.audit.entries(visit.patient.id)
                if e.action == "sign"
            ]
            assert signs.count(NEW_VISIT_ID) == int(stored), f"step {point}: {signs}"
            kept += stored
        assert check_store(folder).ok
        if child.returncode == 0:
            break
        assert child.returncode == -9, child.stderr
        killed_at.append(point)
    else:
        pytest.fail("the save never completed: raise MAX_STEPS")
    assert len(killed_at) >= 6, killed_at
    assert 0 < kept <= len(killed_at), "no kill landed after the segment: proved nothing"


# ---------------------------------------------------------------------- a power cut's leftovers


def test_a_power_cut_with_a_stale_marker_and_a_temp_segment_loses_nothing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cut: index appends since the checkpoint lost, ``pending.json`` as it was some
    saves earlier (never fsynced), one save cut after its file was written (so it is stored,
    but its sign entry never reached the trail), and a temp file left behind."""
    early = [make_encounter(n, day=date(2026, 1, 2), patient=n) for n in range(5)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in early:
            store.save(encounter)
        store.save(make_encounter(99, day=TODAY, patient=99))
    durable = {p: p.stat().st_size for p in (folder / "index").rglob("*.log")}
    store = EncounterStore(folder, staff_id="ma1")
    late = [make_encounter(100 + n, day=TODAY, patient=100 + n) for n in range(60)]
    stale = b""
    for n, encounter in enumerate(late):
        store.save(encounter)
        if n == 30:  # the marker as a save in flight wrote it (what the disk may still hold)
            stale = orjson.dumps(
                {
                    "id": encounter.id,
                    "patient": encounter.patient.id,
                    "partition": store.index.lookup(encounter.id)[0],  # type: ignore[index]
                    "staff": "ma1",
                    "action": "sign",
                    "audit": [0, 0],
                    "stage": "indexing",
                }
            )
    in_flight = make_encounter(500, day=TODAY, patient=500)  # its file written, then the cut
    real_append = store.audit.append

    def cut_before_the_sign_entry(action: str, **kwargs: Any) -> Any:
        if action == "sign" and kwargs.get("detail") == in_flight.id:
            raise PowerCut
        return real_append(action, **kwargs)

    monkeypatch.setattr(store.audit, "append", cut_before_the_sign_entry)
    with pytest.raises(PowerCut):
        store.save(in_flight)
    monkeypatch.undo()
    day = folder / "encounters" / TODAY.isoformat()
    last = sorted(day.glob("*.json"))[-1]
    temp = day / f".{last.name}.{os.getpid()}-cut.tmp"
    temp.write_bytes(last.read_bytes()[:1000])  # the save in flight at the cut
    store.drafts.release_drafts()  # the cut: nothing closed, nothing checkpointed
    store.folder.lock.close()
    store.writer.close()
    for path in (folder / "index").rglob("*.log"):
        with path.open("r+b") as handle:
            handle.truncate(durable.get(path, 0))
    (folder / "pending.json").write_bytes(stale.ljust(1024))
    with EncounterStore(folder, staff_id="ma1") as reopened:
        assert reopened.count() == len(early) + 1 + len(late) + 1
        for encounter in [*early, *late, in_flight]:
            assert reopened.get(encounter.id) == encounter
            assert [e.id for e in reopened.for_patient(encounter.patient.id)] == [encounter.id]
        assert any("re-added" in p for p in reopened.problems)
        assert not temp.exists()
        signs = [e for e in reopened.audit.entries(late[30].patient.id) if e.action == "sign"]
        assert len(signs) == 1  # audited when it was saved: not twice
        signs = [e for e in reopened.audit.entries(in_flight.patient.id) if e.action == "sign"]
        assert [e.detail.split()[0] for e in signs] == [in_flight.id]  # stored: audited now
        assert any("missing sign or amend entries" in p for p in reopened.problems)
    assert check_store(folder).ok
    with EncounterStore(folder, staff_id="ma1") as again:
        assert again.problems == []


# ---------------------------------------------------------------------- a record that does not load


def _break(folder: Path, encounter_id: str) -> None:
    """Give a stored document a status that is not a status (valid JSON, invalid record)."""
    for segment in (folder / "encounters").rglob("*.json"):
        raw = segment.read_bytes()
        needle = b'{"id":' + orjson.dumps(encounter_id) + b","
        if needle in raw:
            start = raw.index(needle)
            end = raw.index(b"\n", start)
            line = raw[start:end].replace(b'"status":"signed"', b'"status":"shredded"')
            segment.write_bytes(raw[:start] + line + raw[end:])
            return
    raise AssertionError("not found")


def test_one_document_that_does_not_load_hides_nothing_else(folder: Path) -> None:
    visits = [make_encounter(n, day=TODAY, patient=n % 3) for n in range(6)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for visit in visits:
            store.save(visit)
    bad = visits[4]
    _break(folder, bad.id)
    with EncounterStore(folder, staff_id="ma1") as store:
        listed = store.list(TODAY)
        assert {e.id for e in listed} == {v.id for v in visits} - {bad.id}
        assert {v.patient.id for v in store.today_visits("ma1", TODAY)} == {
            v.patient.id for v in visits
        }
        pid = bad.patient.id
        want = sorted(
            (v for v in visits if v.patient.id == pid and v.id != bad.id),
            key=lambda v: v.started_at,
            reverse=True,
        )
        assert store.for_patient(pid) == want
        last = store.last_encounter(pid)
        assert last is not None
        assert last.id == want[0].id
        with pytest.raises(StoreError, match="does not match the record format") as caught:
            store.get(bad.id)
        note = str(caught.value)
        assert bad.id in note
        assert "status" in note
        for text in (note, *store.problems):
            assert "shredded" not in text
            assert bad.patient.family_name not in text
        assert [p for p in store.problems if bad.id in p] == [note]  # said once, not per read
        assert list(store.invalid_documents) == [bad.id]


# ---------------------------------------------------------------------- leftovers and descriptors


def test_temp_files_of_killed_draft_autosaves_are_removed_on_open(folder: Path) -> None:
    draft = make_encounter(3, patient=3).model_copy(update={"status": "draft", "signed_at": None})
    busy = make_encounter(4, patient=4).model_copy(update={"status": "draft", "signed_at": None})
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save_draft(draft)
        store.save_draft(busy)
        drafts = folder / "drafts"
        names = sorted(n for n in os.listdir(drafts) if n.endswith(".json"))
        key = next(n for n in names if orjson.dumps(draft.patient.id) in (drafts / n).read_bytes())
        busy_key = next(n for n in names if n != key)
        killed = drafts / f".{key}.4242-dead.tmp"  # what a kill mid-autosave leaves: PHI
        killed.write_bytes((drafts / key).read_bytes())
        orphan = drafts / ".0123456789abcdef0123456789abcdef.json.4243-dead.tmp"
        orphan.write_bytes(b'{"draft": "half')
        in_flight = drafts / f".{busy_key}.{os.getpid()}-live.tmp"  # this store holds busy
        in_flight.write_bytes(b"{")
        store.release_draft("ma1", draft.patient.id)
        with EncounterStore(folder, staff_id="ma1") as other:
            assert not killed.exists()
            assert not orphan.exists()
            assert in_flight.exists()  # its claim is held: an autosave may be writing it
            assert other.load_draft("ma1", draft.patient.id) == draft
        assert not (drafts / "0123456789abcdef0123456789abcdef.lock").exists()
    assert sorted(os.listdir(folder / "drafts")) == sorted(
        [*names, *(n.replace(".json", ".lock") for n in names), in_flight.name]
    )


def test_closing_a_store_leaves_no_descriptor_open(folder: Path) -> None:
    def descriptors() -> list[str]:
        """What this process holds open in the data folder (/proc/self/fd)."""
        found = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except FileNotFoundError:  # the descriptor listdir itself used
                continue
            if target.startswith(str(folder)):
                found.append(target)
        return found

    first = make_encounter(1, day=TODAY)
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(first)
    assert descriptors() == []
    for n in range(100):
        with EncounterStore(folder, staff_id="ma1") as store:
            store.save(make_encounter(10 + n, day=TODAY))
            store.for_patient(store.get(first.id).patient.id)
            draft = make_encounter(500 + n).model_copy(
                update={"status": "draft", "signed_at": None}
            )
            store.save_draft(draft)
    assert descriptors() == []
