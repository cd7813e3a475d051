"""A read-only copy, a folder of another user, an unwritable folder: plain words, real users.

Root ignores file modes, so these run the kiosk as an unprivileged user (tests/support/
unprivileged.py: ``setpriv`` to nobody when the suite runs as root).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import unprivileged
from store_child import make_encounter

from kiosk.models import Encounter
from kiosk.store import EncounterStore

DAY = date(2026, 3, 4)


@pytest.fixture
def shared() -> Iterator[Path]:
    path = unprivileged.shared_dir()
    yield path
    for item in [path, *path.rglob("*")]:
        item.chmod(0o700)
    shutil.rmtree(path)


def _fill(folder: Path) -> list[Encounter]:
    saved = [make_encounter(n, day=DAY) for n in range(20)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in saved:
            store.save(encounter)
    return saved


def _tree(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        str(p.relative_to(folder)): (
            p.lstat().st_mode,
            p.lstat().st_uid,
            b"" if p.is_dir() else p.read_bytes(),
        )
        for p in [folder, *folder.rglob("*")]
    }


def _kiosk(folder: Path, *args: str) -> tuple[int, str, str]:
    done = unprivileged.run(["-m", "kiosk", "--data-dir", str(folder), *args])
    return done.returncode, done.stdout, done.stderr


def test_a_read_only_copy_can_be_checked_and_exported(shared: Path) -> None:
    folder = shared / "copy"
    saved = _fill(folder)
    unprivileged.give_away(folder)
    for path in [folder, *folder.rglob("*")]:  # chmod -R a-w
        path.chmod(path.stat().st_mode & ~0o222)
    before = _tree(folder)
    code, out, err = _kiosk(folder, "check")
    assert (code, err) == (0, ""), out
    assert f"Encounters: {len(saved)} in 2 files" in out
    assert "No problems found." in out
    code, out, err = _kiosk(folder, "export", "--format", "json", "--out", "-", "--staff", "x")
    assert code == 0, err
    assert len(out.splitlines()) == len(saved)
    assert "read-only" in err
    assert "Traceback" not in err
    assert _tree(folder) == before


def test_an_unreadable_folder_of_another_user_gives_one_plain_line(shared: Path) -> None:
    folder = shared / "theirs"
    _fill(folder)
    if os.geteuid() != 0:  # only root can make a folder of another user here: make it unreadable
        folder.chmod(0o000)
    snippet = (
        "from kiosk.errors import StoreError\n"
        "from kiosk.store import EncounterStore\n"
        "try:\n"
        f"    print(EncounterStore({str(folder)!r}, staff_id='x').count())\n"
        "except StoreError as error:\n"
        "    print('StoreError:', error)\n"
    )
    done = unprivileged.run(["-c", snippet])
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("StoreError: The data folder"), done.stdout
    assert "cannot be read (Permission denied)" in done.stdout
    code, _, err = _kiosk(folder, "check")
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "Permission denied" in err


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a folder to another user")
def test_a_loose_folder_of_another_user_is_refused_and_reported(shared: Path) -> None:
    folder = shared / "loose"
    _fill(folder)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    snippet = (
        "from kiosk.errors import StoreError\n"
        "from kiosk.store import EncounterStore\n"
        "try:\n"
        f"    EncounterStore({str(folder)!r}, staff_id='x').count()\n"
        "except StoreError as error:\n"
        "    print('StoreError:', error)\n"
    )
    done = unprivileged.run(["-c", snippet])
    assert "cannot be made private" in done.stdout
    assert "Traceback" not in done.stderr
    code, out, err = _kiosk(folder, "check")
    assert code == 1, err
    assert "Note: The data folder belongs to another user (uid 0)" in out
    assert "Permissions: " in out


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_file_of_another_user_inside_the_folder_is_a_problem(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    _fill(folder)
    segment = folder / "encounters" / DAY.isoformat() / "0001.json"
    os.chown(segment, unprivileged.NOBODY, unprivileged.NOBODY)
    assert main(["--data-dir", str(folder), "check"]) == 1
    out = capsys.readouterr().out
    assert "Owner: 1 path(s) belong to another user (uid 65534) than the data folder" in out
    assert "encounters/2026-03-04/0001.json" in out


def test_opening_a_folder_of_another_user_says_so(folder: Path) -> None:
    _fill(folder)
    if os.geteuid() == 0:
        os.chown(folder, unprivileged.NOBODY, unprivileged.NOBODY)
        with EncounterStore(folder, staff_id="ma1") as store:
            assert any("belongs to another user (uid 65534)" in p for p in store.problems)
    else:
        with EncounterStore(folder, staff_id="ma1") as store:  # our own: nothing to say
            assert not any("another user" in p for p in store.problems)


def test_a_damaged_read_only_copy_is_reported_and_read_as_far_as_it_is_intact(
    shared: Path,
) -> None:
    folder = shared / "copy"
    saved = _fill(folder)
    segment = folder / "encounters" / DAY.isoformat() / "0001.json"
    segment.write_bytes(segment.read_bytes()[:-2000])
    unprivileged.give_away(folder)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    before = _tree(folder)
    code, out, err = _kiosk(folder, "check")
    assert code == 1, err
    assert "Damaged file encounters/2026-03-04/0001.json" in out
    snippet = (
        "from kiosk.store import EncounterStore\n"
        f"store = EncounterStore({str(folder)!r}, staff_id='x')\n"
        "print(len(list(store.iter_documents())))\n"
        "print(store.problems[-1])\n"
    )
    done = unprivileged.run(["-c", snippet])
    assert "Traceback" not in done.stderr, done.stderr
    count, problem = done.stdout.splitlines()
    assert 4 < int(count) < len(saved)  # the intact ones of the damaged file, and the rest
    assert "read-only folder" in problem
    assert _tree(folder) == before
