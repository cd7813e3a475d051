"""The audit trail against its anchors: a cut tail, an emptied or deleted trail and a rewritten
chain are reported (which anchor, how many entries at least), by ``kiosk audit verify`` and
``kiosk check``, one line each, exit 1; an untouched store and a folder from before anchors
verify clean."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar

import orjson
import pytest
from store_child import make_encounter

from kiosk.cli import main
from kiosk.models import Encounter
from kiosk.store import EncounterStore
from kiosk.store import anchors as anchor_module
from kiosk.store.anchors import Head
from kiosk.store.audit import AuditTrail
from kiosk.store.audit_verify import verify_audit
from kiosk.store.check import check_store
from kiosk.store.partitions import TABLE, encode

DAY = date(2026, 3, 4)


@pytest.fixture
def saved(folder: Path) -> list[Encounter]:
    encounters = [make_encounter(n, day=DAY) for n in range(5)]
    with EncounterStore(folder, staff_id="ma1") as store:
        for encounter in encounters:
            store.save(encounter)
            store.get(encounter.id)  # a view: an entry that moves no anchor
    return encounters


def _lines(folder: Path) -> list[bytes]:
    return (folder / "audit.jsonl").read_bytes().splitlines(keepends=True)


def _write(folder: Path, lines: list[bytes]) -> None:
    (folder / "audit.jsonl").write_bytes(b"".join(lines))


def verify(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--data-dir", str(folder), "audit", "verify"])
    return code, capsys.readouterr().out.splitlines()


def problems(out: list[str]) -> list[str]:
    return [line for line in out if line.startswith("Problem:")]


def test_an_untouched_store_verifies_against_every_anchor(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = verify(folder, capsys)
    assert code == 0, out
    assert out[0] == "The audit trail is intact: 10 entries in 1 file."
    assert "Checked against the head file (audit.head): entry 9." in out  # the last save's
    assert any(line.startswith("Checked against the encounter file") for line in out)
    assert check_store(folder).problems == []


def test_the_head_is_stored_with_the_segment_not_in_the_document(
    folder: Path, saved: list[Encounter]
) -> None:
    segment = orjson.loads((folder / "encounters" / DAY.isoformat() / "0001.json").read_bytes())
    heads = segment["audit_heads"]
    assert [heads[str(n)]["count"] for n in range(2, 6)] == [1, 3, 5, 7]
    assert "1" not in heads  # the first save came before any fsynced entry
    assert all("audit" not in str(key) for doc in segment[TABLE].values() for key in doc)
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [store.get(e.id) for e in saved] == saved


def test_a_cut_tail_is_reported_with_its_anchor_and_how_many(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(folder, _lines(folder)[:6])  # entries 7-10 removed
    code, out = verify(folder, capsys)
    assert code == 1
    assert problems(out) == [
        "Problem: At least 3 entries are missing at the end of the audit trail: the head file "
        "(audit.head) recorded entry 9, the trail ends at entry 6.",
        "Problem: At least 1 entries are missing at the end of the audit trail: the encounter "
        f"file {DAY.isoformat()}/0001 recorded entry 7, the trail ends at entry 6.",
    ]
    report = check_store(folder)
    assert sum("missing at the end" in p for p in report.problems) == 2


def test_a_cut_tail_and_a_deleted_head_file_still_show(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(folder, _lines(folder)[:4])
    (folder / "audit.head").unlink()
    code, out = verify(folder, capsys)
    assert code == 1
    assert problems(out) == [
        "Problem: At least 3 entries are missing at the end of the audit trail: the encounter "
        f"file {DAY.isoformat()}/0001 recorded entry 7, the trail ends at entry 4.",
        "Problem: The head file audit.head is missing: entries may have been removed from the "
        "end of the trail.",
    ]


def test_every_entry_removed_is_reported(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(folder, [])
    code, out = verify(folder, capsys)
    assert code == 1
    assert problems(out) == [
        "Problem: The audit trail is empty, but 1 encounter files exist, the head file "
        "(audit.head) recorded 9 entries and the encounter file 2026-03-04/0001 recorded "
        "7 entries."
    ]


def test_a_deleted_trail_is_reported_while_encounters_exist(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "audit.jsonl").unlink()
    (folder / "audit.head").unlink()
    code, out = verify(folder, capsys)
    assert code == 1
    assert problems(out) == [
        "Problem: The audit trail is missing entirely (no audit file), but 1 encounter files "
        "exist and the encounter file 2026-03-04/0001 recorded 7 entries."
    ]
    assert any("missing entirely" in p for p in check_store(folder).problems)


def test_an_empty_folder_has_no_trail_to_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    assert main(["--data-dir", str(tmp_path / "data"), "audit", "verify"]) == 2
    assert "There is no audit trail" in capsys.readouterr().err


def _forge(lines: list[bytes], staff: str) -> list[bytes]:
    """The same number of entries, re-chained from scratch with another staff id."""
    forged: list[bytes] = []
    prev = "0" * 64
    for raw in lines:
        data = orjson.loads(raw)
        data["staff"], data["prev"] = staff, prev
        body = {k: v for k, v in data.items() if k != "hash"}
        data["hash"] = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
        prev = data["hash"]
        forged.append(orjson.dumps(data, option=orjson.OPT_SORT_KEYS) + b"\n")
    return forged


def test_a_rewritten_chain_of_the_same_length_is_reported(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    _write(folder, _forge(_lines(folder), "someone"))
    assert AuditTrail(folder).verify().ok  # the chain alone cannot tell
    code, out = verify(folder, capsys)
    assert code == 1
    assert problems(out)[0] == (
        "Problem: Entry 9 is not the entry the head file (audit.head) recorded: the audit trail "
        "was rewritten up to entry 9 or later."
    )
    assert len(problems(out)) == 2  # and the encounter file's entry 7


def test_an_edited_and_a_reordered_entry_are_still_reported(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    original = _lines(folder)
    edited = list(original)
    edited[2] = edited[2].replace(b'"ma1"', b'"ma9"')
    _write(folder, edited)
    code, out = verify(folder, capsys)
    assert code == 1
    assert problems(out)[0].startswith("Problem: The audit trail is broken at entry 3 (line 3)")
    assert "was changed after it was written" in problems(out)[0]
    reordered = list(original)
    reordered[4], reordered[5] = reordered[5], reordered[4]
    _write(folder, reordered)
    code, out = verify(folder, capsys)
    assert code == 1
    assert "broken at entry 5 (line 5) in audit.jsonl" in problems(out)[0]


def test_a_draft_is_an_anchor_too(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(0, day=DAY))
        draft = make_encounter(1, day=DAY).model_copy(update={"status": "draft"})
        store.save_draft(draft)  # entry 2, the draft records head 1
        store.save_draft(draft)  # records head 2 (its own first autosave's entry)
        assert store.load_draft(draft.staff_id, draft.patient.id) == draft
    _write(folder, _lines(folder)[:1])
    (folder / "audit.head").unlink()
    code, out = verify(folder, capsys)
    assert code == 1
    assert (
        "Problem: At least 1 entries are missing at the end of the audit trail: a draft recorded "
        "entry 2, the trail ends at entry 1."
    ) in out


def test_a_bare_draft_from_before_anchors_still_loads(folder: Path) -> None:
    draft = make_encounter(1, day=DAY).model_copy(update={"status": "draft"})
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save_draft(draft)
        path = next((folder / "drafts").glob("*.json"))
        path.write_bytes(orjson.dumps(draft.model_dump(mode="json")))
        assert store.load_draft(draft.staff_id, draft.patient.id) == draft
        assert [d.id for d in store.drafts_for(draft.staff_id)] == [draft.id]


def test_a_folder_from_before_anchors_verifies_after_the_upgrade(
    folder: Path, saved: list[Encounter], capsys: pytest.CaptureFixture[str]
) -> None:
    """No head file and segments without heads, as the previous version left them."""
    (folder / "audit.head").unlink()
    segment = folder / "encounters" / DAY.isoformat() / "0001.json"
    table = orjson.loads(segment.read_bytes())[TABLE]
    segment.write_bytes(encode(table))
    code, out = verify(folder, capsys)
    assert code == 0, out
    assert check_store(folder).problems == []
    with EncounterStore(folder, staff_id="ma1") as store:  # and the next save anchors again
        store.save(make_encounter(9, day=DAY))
    assert verify(folder, capsys)[0] == 0
    assert (folder / "audit.head").exists()


def test_views_do_not_move_the_head_file(folder: Path) -> None:
    trail = AuditTrail(folder)
    trail.append("sign-in", staff="ma1")
    trail.append("view", staff="ma1", patient_id="MRN1", sync=False)
    assert trail.head_file.recorded() == Head(1, next(trail.entries()).hash)
    assert verify_audit(folder).ok


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    import syslog

    messages: list[str] = []
    monkeypatch.setattr(syslog, "openlog", lambda *args: None)
    monkeypatch.setattr(syslog, "syslog", lambda priority, message: messages.append(message))
    anchor_module.use_syslog(True)
    try:
        yield messages
    finally:
        anchor_module.use_syslog(False)


def test_the_system_log_gets_each_fsynced_head_and_no_patient_data(
    folder: Path, sent: list[str]
) -> None:
    with EncounterStore(folder, staff_id="ma1") as store:
        encounter = make_encounter(0, day=DAY)
        store.save(encounter)
        store.get(encounter.id)
    head = AuditTrail(folder).head_file.recorded()
    assert head is not None
    assert sent == [f"audit head 1 {head.hash} folder={folder}"]
    assert encounter.patient.id not in sent[0]


def test_a_missing_system_log_never_fails_a_save(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import syslog

    def no_log(*args: object) -> None:
        raise OSError(2, "No such file or directory: /dev/log")

    monkeypatch.setattr(syslog, "syslog", no_log)
    anchor_module.use_syslog(True)
    try:
        with EncounterStore(folder, staff_id="ma1") as store:
            store.save(make_encounter(0, day=DAY))
    finally:
        anchor_module.use_syslog(False)
    assert verify_audit(folder).ok


def test_the_setting_turns_the_system_log_on(tmp_path: Path) -> None:
    from kiosk.config import load_settings

    anchor_module.apply_settings(load_settings(data_dir=tmp_path, audit_syslog=True))
    try:
        assert [a.name for a in AuditTrail(tmp_path).anchors()] == [
            "the head file (audit.head)",
            "the system log",
        ]
    finally:
        anchor_module.use_syslog(False)
    assert load_settings(data_dir=tmp_path).audit_syslog is False


def test_a_registered_anchor_is_written_and_checked(folder: Path) -> None:
    """The extension point a central database anchor will use."""

    class Remote:
        name = "the clinic database"
        heads: ClassVar[list[Head]] = []

        def __init__(self, _: object) -> None:
            pass

        def record(self, head: Head) -> None:
            self.heads.append(head)

        def recorded(self) -> Head | None:
            return self.heads[-1] if self.heads else None

    anchor_module.register_anchor(Remote)
    try:
        trail = AuditTrail(folder)
        for _ in range(3):
            trail.append("sign-in", staff="ma1")
        assert [h.count for h in Remote.heads] == [1, 2, 3]
        trail.path.write_bytes(b"".join(trail.path.read_bytes().splitlines(keepends=True)[:2]))
        (folder / "audit.head").unlink()
        findings = verify_audit(folder).findings
    finally:
        anchor_module.unregister_anchor(Remote)
    assert findings == [
        "At least 1 entries are missing at the end of the audit trail: the clinic database "
        "recorded entry 3, the trail ends at entry 2."
    ]


def test_an_append_after_a_cut_does_not_re_anchor_the_head_file(
    folder: Path, saved: list[Encounter]
) -> None:
    before = AuditTrail(folder).head_file.recorded()
    _write(folder, _lines(folder)[:6])
    assert check_store(folder).problems  # each check appends an entry to the cut trail
    assert AuditTrail(folder).head_file.recorded() == before
    assert any("(audit.head) recorded entry 9" in p for p in check_store(folder).problems)


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "json", "--out", "OUT"],
        ["audit", "verify"],
        ["staff", "add", "ma9", "--name", "Test MA", "--pin-stdin"],
    ],
)
def test_every_admin_command_honours_audit_syslog(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    write_config: Callable[..., Path],
    command: list[str],
) -> None:
    """With ``audit_syslog = true``, the heads a CLI command's audit entries make reach the
    system log too (not only those of the app, check and demo-data)."""
    import syslog

    folder = tmp_path / "data"
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(1))
    messages: list[str] = []
    monkeypatch.setattr(syslog, "openlog", lambda *args: None)
    monkeypatch.setattr(syslog, "syslog", lambda priority, message: messages.append(message))
    config = write_config("audit_syslog = true\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    command = [str(tmp_path / "out.json") if part == "OUT" else part for part in command]
    try:
        assert main(["--config", str(config), "--data-dir", str(folder), *command]) == 0
    finally:
        anchor_module.use_syslog(False)
    if command[0] == "audit":  # verify reads; it writes no entry, so it sends no head
        assert messages == []
    else:
        assert any(m.startswith("audit head ") for m in messages), messages
