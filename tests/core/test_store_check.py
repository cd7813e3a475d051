"""``kiosk check``: a healthy folder passes; index lag, loose modes, leftovers and a broken
audit chain are reported; ``--repair`` fixes what can be rebuilt; interrupted saves recover."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import orjson
import pytest
from store_child import make_encounter

from kiosk.cli import main
from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store.framing import frame
from kiosk.store.index import Entry, shard_of

DAY = date(2026, 3, 4)


@pytest.fixture
def saved(folder: Path) -> list[Encounter]:
    encounters = [make_encounter(n, day=DAY) for n in range(6)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in encounters:
            store.save(encounter)
    return encounters


def check(folder: Path, *extra: str) -> int:
    return main(["--data-dir", str(folder), "check", *extra])


def test_a_healthy_folder_passes(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(folder) == 0
    out = capsys.readouterr().out
    assert f"Encounters: {len(saved)}" in out
    assert "No problems found." in out


def test_a_lost_index_shard_is_reported_and_rebuilt(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    victim = saved[0]
    (folder / "index" / "ids" / f"{shard_of(victim.id)}.log").unlink()
    assert check(folder) == 1  # reported; a check changes nothing
    assert "missing from the id index" in capsys.readouterr().out
    assert check(folder, "--repair") == 0
    assert "Repaired: Index: the indexes were damaged" in capsys.readouterr().out
    with EncounterStore(folder, staff_id="ma1") as store:
        assert store.get(victim.id) == victim
        assert store.count() == len(saved)
    assert check(folder) == 0


def test_a_dangling_index_entry_is_reported_and_removed(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    line = frame(orjson.dumps(["+", "ghost", f"{DAY}/0001", saved[0].patient.id]))
    shard = folder / "index" / "ids" / f"{shard_of('ghost')}.log"
    with shard.open("ab") as handle:
        handle.write(line)
    shard.chmod(0o600)
    assert check(folder) == 1  # an id line since the checkpoint that points at nothing
    assert "indexed but not stored (ghost)" in capsys.readouterr().out
    assert check(folder, "--repair") == 0
    assert "1 entries of saves that never reached their file cancelled" in capsys.readouterr().out
    with EncounterStore(folder) as store:
        assert store.count() == len(saved)


def test_a_save_killed_after_its_index_lines_is_cancelled_on_open(
    folder: Path, saved: list[Encounter]
) -> None:
    """What a kill between the index append and the segment write leaves behind."""
    lost = make_encounter(99, day=DAY)
    with EncounterStore(folder, staff_id="ma1") as store:
        partition = f"{DAY}/0002"
        store.index.add(
            Entry(lost.id, lost.patient.id, partition, lost.started_at.isoformat(), 1, "signed")
        )
        marker = {"id": lost.id, "patient": lost.patient.id, "partition": partition}
        marker |= {"staff": "ma1", "action": "sign", "stage": "indexing"}
        store.writer._set_pending(marker)
        tmp = store.partitions.path(partition).with_name(".0002.json.1-dead.tmp")
        tmp.write_bytes(b"{half a")
        assert store.count() == len(saved) + 1  # the lag a kill leaves
    with EncounterStore(folder, staff_id="ma1") as store:
        assert store.count() == len(saved)
        with pytest.raises(KeyError):
            store.get(lost.id)
        assert not tmp.exists()
    assert check(folder) == 0


def test_loose_file_modes_and_leftovers_are_repaired(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    segment = folder / "encounters" / DAY.isoformat() / "0001.json"
    os.chmod(segment, 0o644)
    leftover = segment.with_name(".0001.json.123-abc.tmp")
    leftover.write_bytes(b"x")
    two_minutes_ago = leftover.stat().st_mtime - 120  # a fresh one may be a write in progress
    os.utime(leftover, (two_minutes_ago, two_minutes_ago))
    assert check(folder) == 1
    out = capsys.readouterr().out
    assert "0001.json (mode 644)" in out
    assert "Leftover temporary file" in out
    assert check(folder, "--repair") == 0
    assert stat.S_IMODE(segment.stat().st_mode) == 0o600
    assert not leftover.exists()


def test_a_broken_audit_chain_is_a_problem_repair_cannot_hide(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    audit = folder / "audit.jsonl"
    lines = audit.read_bytes().splitlines(keepends=True)
    audit.write_bytes(b"".join(lines[:2] + lines[3:]))
    assert check(folder, "--repair") == 1
    assert "The audit trail is broken" in capsys.readouterr().out


def test_check_of_a_missing_folder_fails_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(tmp_path / "nowhere") == 2
    assert "There is no data folder" in capsys.readouterr().err


def _tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.lstat().st_mode, b"" if p.is_dir() else p.read_bytes())
        for p in [folder, *folder.rglob("*")]
    }


@pytest.fixture
def twenty(folder: Path) -> list[Encounter]:
    encounters = [make_encounter(n, day=DAY) for n in range(20)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in encounters:
            store.save(encounter)
    return encounters


def test_a_truncated_segment_is_reported_then_salvaged_and_what_was_lost_is_named(
    folder: Path, twenty: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    segment = folder / "encounters" / DAY.isoformat() / "0001.json"
    raw = segment.read_bytes()
    damaged = raw[: len(raw) // 2]
    segment.write_bytes(damaged)
    intact = [e for e in twenty[:16] if orjson.dumps(e.model_dump(mode="json")) in damaged]
    lost = [e for e in twenty[:16] if e not in intact]
    assert intact
    assert lost
    before = _tree(folder)
    assert check(folder) == 1
    out = capsys.readouterr().out
    assert _tree(folder) == before  # not moved, not rebuilt: nothing changed
    assert f"{len(intact)} encounter(s) in it are intact" in out
    assert all(e.id in out for e in lost[:10])  # named by id, never by patient
    assert all(e.patient.family_name not in out for e in twenty)
    assert check(folder, "--repair") == 1  # what is lost stays a problem
    out = capsys.readouterr().out
    assert "put its" in out
    aside = list(segment.parent.glob("0001.json.corrupt-*"))
    assert [p.read_bytes() for p in aside] == [damaged]  # the original, kept as it was
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [store.get(e.id) for e in intact + twenty[16:]] == intact + twenty[16:]
        assert store.count() == len(intact) + 4
        for e in lost:
            with pytest.raises(KeyError):
                store.get(e.id)
    assert check(folder) == 1
    out = capsys.readouterr().out
    assert f"{len(intact)} intact encounter(s) from it are in the store" in out
    assert f"{len(lost)} encounter(s) the audit trail records as saved are not stored" in out
    assert "No problems found" not in out
    # restoring from a backup: the file beside the others, as the message says
    segment.with_name("0001.json.corrupt-backup").write_bytes(raw)
    assert check(folder) == 1
    assert f"{len(lost)} intact encounter(s) in" in capsys.readouterr().out
    assert check(folder, "--repair") == 0
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [store.get(e.id) for e in twenty] == twenty
        assert store.count() == len(twenty)


def test_intact_encounters_left_in_a_quarantined_file_are_put_back(
    folder: Path, twenty: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    """What an earlier repair left: the file moved aside, its encounters dropped."""
    segment = folder / "encounters" / DAY.isoformat() / "0001.json"
    segment.rename(segment.with_name("0001.json.corrupt-20260304T101010Z"))
    assert check(folder) == 1
    out = capsys.readouterr().out
    assert "16 intact encounter(s) in encounters/2026-03-04/0001.json.corrupt-" in out
    assert check(folder, "--repair") == 0
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [store.get(e.id) for e in twenty] == twenty
        assert store.count() == 20
        assert store.for_patient(twenty[0].patient.id) == [twenty[0]]


def test_a_changed_value_is_found_by_its_checksum(
    folder: Path, twenty: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    segment = folder / "encounters" / DAY.isoformat() / "0002.json"
    victim = twenty[16]
    raw = segment.read_bytes()
    segment.write_bytes(raw.replace(b'"staff_id":"ma1"', b'"staff_id":"ma9"', 1))
    assert check(folder) == 1
    assert f"changed since they were saved ({victim.id}" in capsys.readouterr().out


def test_a_document_without_a_checksum_table_still_reads_and_is_noted(
    folder: Path, twenty: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    """Segments written before checksums were kept: existing folders keep working."""
    segment = folder / "encounters" / DAY.isoformat() / "0002.json"
    raw = segment.read_bytes()
    first, rest = raw.split(b"\n", 1)
    start = first.index(b',"sums":')
    segment.write_bytes(first[:start] + b',"encounters":{\n' + rest)
    assert check(folder) == 0
    out = capsys.readouterr().out
    assert "4 encounter(s) in 1 file(s) were stored before checksums were kept" in out
    with EncounterStore(folder, staff_id="ma1") as store:
        assert store.get(twenty[19].id) == twenty[19]
    assert check(folder, "--repair") == 0
    assert "Added checksums to 1 encounter file(s)" in capsys.readouterr().out
    assert check(folder) == 0
    assert "before checksums" not in capsys.readouterr().out
    _, _, sums = segment.read_bytes().partition(b',"sums":')
    assert sums  # the file now keeps them
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [store.get(e.id) for e in twenty] == twenty


def test_a_stored_encounter_without_its_audit_entry_is_reported_and_recorded(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    """What a save killed between its segment and its audit entry can leave."""
    orphan = make_encounter(77, day=DAY)
    with EncounterStore(folder, staff_id="ma1") as store, store.folder.lock:
        partition = f"{DAY}/0009"
        store.partitions.write(partition, {"1": orphan.model_dump(mode="json")})
        store.index.add(
            Entry(
                orphan.id, orphan.patient.id, partition, orphan.started_at.isoformat(), 1, "signed"
            )
        )
        store.index.note_patients([orphan.patient.model_dump(mode="json")])
    assert check(folder) == 1
    out = capsys.readouterr().out
    assert (
        f"1 stored encounter(s) have no sign or amend entry in the audit trail ({orphan.id})" in out
    )
    assert check(folder, "--repair") == 0
    with EncounterStore(folder, staff_id="ma1") as store:
        added = [e for e in store.audit.entries() if orphan.id in e.detail]
        assert [e.action for e in added] == ["repair"]
        assert store.audit.verify().ok
    assert check(folder) == 0


def test_sign_in_says_plainly_that_the_staff_file_is_missing_or_damaged(folder: Path) -> None:
    import argon2

    from kiosk.errors import KioskError
    from kiosk.store import StaffDirectory

    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    staff = StaffDirectory(folder, hasher=cheap)
    staff.add("ma1", "Medical Assistant", "2468", by="test")
    path = folder / "staff.json"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(KioskError, match=r"staff file .* is damaged"):
        staff.authenticate("ma1", "2468")
    path.unlink()
    with pytest.raises(KioskError, match=r"staff\.json is missing"):
        staff.authenticate("ma1", "2468")


def test_a_document_that_is_not_an_encounter_is_reported(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    """Stored so (its checksum matches): a status that is not a status."""
    from kiosk.store.layout import Layout
    from kiosk.store.partitions import Partitions, encode

    partitions = Partitions(Layout(folder))
    partition = f"{DAY}/0001"
    docs = partitions.read(partition)
    assert docs is not None
    docs["1"]["status"] = "maybe"
    partitions.path(partition).write_bytes(encode(docs))
    assert check(folder) == 1
    out = capsys.readouterr().out
    assert f"1 stored document(s) do not read as an encounter ({saved[0].id}" in out
    assert "Index:" not in out  # reported once, as what it is
    assert check(folder, "--repair") == 1  # nothing to rebuild: it is restored from a backup
    assert "do not read as an encounter" in capsys.readouterr().out
