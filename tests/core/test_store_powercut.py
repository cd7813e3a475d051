"""Power cuts, simulated: torn, truncated and zero-filled tails of index logs and segments.

A cut loses or damages only what was written since the files were last fsynced: the index
appends since the last checkpoint (``index/checkpoint.json``). Each case builds a folder with
saves before and after a checkpoint, "cuts the power" (the store is never closed, the boot
marker never changes), damages the tails at one offset class, reopens, and checks ``get``,
``for_patient``, ``count`` and ``find_patients`` exactly against the acknowledged saves.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
import pytest
from store_child import make_encounter, make_patient

from kiosk.errors import StoreError
from kiosk.models import Encounter, Patient
from kiosk.store import EncounterStore
from kiosk.store.check import check_store

DAYS = [date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)]
PAGE = 4096


@dataclass
class Saved:
    encounters: list[Encounter]
    amended: dict[str, str]  # old id -> new id
    registered: Patient
    checkpointed: dict[str, int]  # index log (relative path) -> size at the last checkpoint


def abandon(store: EncounterStore) -> None:
    """What a power cut does to a running store: nothing is closed, nothing is checkpointed."""
    store.drafts.release_drafts()
    store.folder.lock.close()
    store.writer.close()


def _encounter(n: int) -> Encounter:
    patient = n % 2 if n < 240 else 1000 + n  # two patients with many visits, sixty with one
    return make_encounter(n, patient=patient, day=DAYS[n % 3])


def _build(folder: Path, before: int, after: int) -> Saved:
    saved: list[Encounter] = []
    amended: dict[str, str] = {}
    registered = make_patient(5000)
    with EncounterStore(folder, staff_id="ma1") as store:
        store.register_patient(registered)
        for n in range(before):
            saved.append(_encounter(n))
            store.save(saved[-1])
    checkpointed = _log_sizes(folder)
    store = EncounterStore(folder, staff_id="ma1")
    for n in range(before, before + after):
        saved.append(_encounter(n))
        store.save(saved[-1])
        if n % 50 == 0:
            new_id = store.amend(saved[-1].id, saved[-1].model_copy(update={"notes": "fixed"}))
            amended[saved[-1].id] = new_id
            saved.append(store.get(new_id))
    abandon(store)
    return Saved(saved, amended, registered, checkpointed)


def _log_sizes(folder: Path) -> dict[str, int]:
    index = folder / "index"
    return {p.relative_to(index).as_posix(): p.stat().st_size for p in index.rglob("*.log")}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Saved]:
    folder = tmp_path_factory.mktemp("powercut") / "data"
    return folder, _build(folder, 100, 200)


@pytest.fixture
def cut(template: tuple[Path, Saved], tmp_path: Path) -> tuple[Path, Saved]:
    source, saved = template
    folder = tmp_path / "data"
    shutil.copytree(source, folder)
    return folder, saved


# ---------------------------------------------------------------------- damage


def _offset(raw: bytes, where: str, end: int) -> int:
    last = raw.rfind(b"\n", 0, end - 1) + 1  # start of the last line
    return {
        "mid-line": (last + end) // 2,
        "line-boundary": last,
        "page-boundary": (len(raw) - 1) // PAGE * PAGE,
    }[where]


def _damaged(raw: bytes, how: str, at: int) -> bytes:
    if how == "truncate":
        return raw[:at]
    if how == "zero-fill":  # the size reached the disk, the data did not
        return raw[:at] + bytes(len(raw) - at)
    page_end = min(len(raw), (at // PAGE + 1) * PAGE)  # "tear": one page lost, later ones kept
    return raw[:at] + bytes(page_end - at) + raw[page_end:]


def _damage(path: Path, how: str, where: str, floor: int = 0) -> bytes:
    """Damage the tail of ``path`` (never before ``floor``); a segment's last line is its
    last document, not the closing braces."""
    raw = path.read_bytes()
    if len(raw) <= floor:
        return raw
    end = len(raw) - 3 if raw.endswith(b"\n}}") else len(raw)
    damaged = _damaged(raw, how, max(floor, _offset(raw, where, end)))
    path.write_bytes(damaged)
    return damaged


HOWS = ["truncate", "zero-fill", "tear"]
WHERES = ["mid-line", "line-boundary", "page-boundary"]


# ---------------------------------------------------------------------- what must hold


def _assert_exact(folder: Path, saved: Saved, lost: set[str] = frozenset()) -> EncounterStore:  # type: ignore[assignment]
    kept = [e for e in saved.encounters if e.id not in lost]
    superseded = {old for old, new in saved.amended.items() if new not in lost}
    store = EncounterStore(folder, staff_id="ma1")
    assert store.count() == len(kept)
    for encounter in kept:
        assert store.get(encounter.id) == encounter
    for encounter_id in lost:
        with pytest.raises((KeyError, StoreError)):
            store.get(encounter_id)
    for pid in {e.patient.id for e in saved.encounters}:
        want = {e.id for e in kept if e.patient.id == pid and e.id not in superseded}
        got = [e.id for e in store.for_patient(pid)]
        assert len(got) == len(want), pid
        assert set(got) == want, pid
    patients = {e.patient.id: e.patient for e in saved.encounters}
    patients[saved.registered.id] = saved.registered
    assert {p.id for p in store.patients()} == set(patients)
    for pid, patient in patients.items():
        assert store.find_patients(pid)[0] == patient
    return store


def _no_patient_data(store: EncounterStore, saved: Saved) -> None:
    text = " ".join(store.problems)
    for e in saved.encounters:
        assert e.patient.family_name not in text
        assert e.patient.phone not in text


# ---------------------------------------------------------------------- the three symptoms


def test_a_torn_last_index_line_does_not_inflate_the_count(cut: tuple[Path, Saved]) -> None:
    folder, saved = cut
    for path in (folder / "index" / "ids").glob("*.log"):
        _damage(path, "truncate", "mid-line")
    store = _assert_exact(folder, saved)
    more = make_encounter(9999, day=DAYS[0])
    store.save(more)  # an append after a torn line must not make it count
    assert store.count() == len(saved.encounters) + 1
    store.close()


def test_a_torn_index_page_does_not_hide_visits(cut: tuple[Path, Saved]) -> None:
    folder, saved = cut
    pid = saved.encounters[0].patient.id
    biggest = max((folder / "index" / "patients").glob("*.log"), key=lambda p: p.stat().st_size)
    raw = biggest.read_bytes()
    floor = saved.checkpointed.get(f"patients/{biggest.name}", 0)
    start = (floor // PAGE + 1) * PAGE
    assert len(raw) > start + PAGE  # a page in the middle of what the cut could lose
    biggest.write_bytes(raw[:start] + bytes(PAGE) + raw[start + PAGE :])  # one page not written
    store = _assert_exact(folder, saved)
    assert any("torn or damaged" in p for p in store.problems)
    assert pid  # every patient's visits were checked above
    store.close()


def test_a_cut_without_a_reboot_loses_no_acknowledged_save(cut: tuple[Path, Saved]) -> None:
    folder, saved = cut
    boot = folder / "index" / "boot.json"
    before = boot.read_bytes() if boot.exists() else None
    for rel, size in saved.checkpointed.items():  # every append since the checkpoint lost
        with (folder / "index" / rel).open("r+b") as handle:
            handle.truncate(size)
    for path in (folder / "index").rglob("*.log"):
        if path.relative_to(folder / "index").as_posix() not in saved.checkpointed:
            path.unlink()
    assert (boot.read_bytes() if boot.exists() else None) == before
    store = _assert_exact(folder, saved)
    assert any("re-added" in p for p in store.problems)
    trail = [e.detail for e in store.audit.entries() if e.action == "repair"]
    assert any("re-added" in d for d in trail)
    _no_patient_data(store, saved)
    store.close()
    with EncounterStore(folder, staff_id="ma1") as again:
        assert again.problems == []  # repaired once, checkpointed


# ---------------------------------------------------------------------- every offset class


@pytest.mark.parametrize("where", WHERES)
@pytest.mark.parametrize("how", HOWS)
def test_index_tails_damaged_at_every_offset(cut: tuple[Path, Saved], how: str, where: str) -> None:
    folder, saved = cut
    for path in (folder / "index").rglob("*.log"):
        rel = path.relative_to(folder / "index").as_posix()
        _damage(path, how, where, floor=saved.checkpointed.get(rel, 0))
    store = _assert_exact(folder, saved)
    _no_patient_data(store, saved)
    store.close()
    report = check_store(folder)
    assert report.ok, report.problems


@pytest.mark.parametrize("where", WHERES)
@pytest.mark.parametrize("how", HOWS)
def test_segment_tails_damaged_at_every_offset(
    cut: tuple[Path, Saved], how: str, where: str
) -> None:
    """A segment is replaced atomically and fsynced, so this is a disk that lied: what is
    intact is kept, what is not is reported by id and no longer counted or listed."""
    folder, saved = cut
    lost: set[str] = set()
    for day in DAYS:
        last = sorted((folder / "encounters" / day.isoformat()).glob("*.json"))[-1]
        docs = orjson.loads(last.read_bytes())["encounters"].values()
        damaged = _damage(last, how, where)
        lost |= {d["id"] for d in docs if orjson.dumps(d) not in damaged}
    assert lost
    store = _assert_exact(folder, saved, lost)
    assert sum(len(p) for p in store.problems if "could not be read" in p)
    assert all(any(i in p for p in store.problems) for i in lost)
    _no_patient_data(store, saved)
    store.close()


def test_damage_in_checkpointed_index_bytes_is_rebuilt_when_read(cut: tuple[Path, Saved]) -> None:
    """Not a power cut (those bytes were fsynced) but a disk fault: still nothing hidden."""
    folder, saved = cut
    biggest = max((folder / "index" / "patients").glob("*.log"), key=lambda p: p.stat().st_size)
    raw = biggest.read_bytes()
    biggest.write_bytes(bytes(PAGE) + raw[PAGE:])
    store = _assert_exact(folder, saved)
    assert any("rebuilt" in p for p in store.problems)
    store.close()


# ---------------------------------------------------------------------- upgrades


def _to_first_format(folder: Path, torn: bool) -> None:
    """Rewrite the index as the kiosk before checksums wrote it: bare JSON lines, no
    checkpoint, a boot marker."""
    index = folder / "index"
    for path in index.rglob("*.log"):
        lines = [line[9:] for line in path.read_bytes().splitlines()]
        path.write_bytes(b"".join(line + b"\n" for line in lines))
        if torn and path.parent.name == "ids" and lines:
            with path.open("ab") as handle:
                handle.write(lines[0][:7])
    (index / "checkpoint.json").unlink()
    (index / "boot.json").write_bytes(b'{"boot":"an-old-boot"}')


@pytest.mark.parametrize("torn", [False, True], ids=["clean", "torn"])
def test_an_index_of_the_first_format_is_rebuilt_on_open(
    cut: tuple[Path, Saved], torn: bool
) -> None:
    folder, saved = cut
    with EncounterStore(folder, staff_id="ma1") as store:  # recover, checkpoint
        store.count()
    _to_first_format(folder, torn)
    store = _assert_exact(folder, saved)
    assert any("older version" in p for p in store.problems)
    store.close()
    with EncounterStore(folder, staff_id="ma1") as again:
        assert again.problems == []
        assert again.count() == len(saved.encounters)
    line = next((folder / "index" / "ids").glob("*.log")).read_bytes().splitlines()[0]
    assert line[8:10] == b" ["


def test_check_lists_what_the_open_repaired(
    cut: tuple[Path, Saved], capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    folder, _ = cut
    for path in (folder / "index" / "patients").glob("*.log"):
        _damage(path, "zero-fill", "mid-line")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert main(["--data-dir", str(folder), "check"]) == 1  # reported, nothing changed
    assert "damaged line(s)" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert main(["--data-dir", str(folder), "check", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "Repaired: Index: after an interruption" in out
