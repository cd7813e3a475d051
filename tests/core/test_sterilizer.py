"""The sterilizer log: loads, indicators, out of service, recall through the visits'
procedure-assist records, and ``kiosk sterilizer`` (plain errors, non-zero exits, audit)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sterilizer_samples import sample_assist, sample_load

from kiosk.cli import main
from kiosk.models.rooming import RoomingSettings, TransitionError
from kiosk.models.sterilizer import SterilizerError, pack_problem
from kiosk.store import EncounterStore
from kiosk.store.check import check_store

D1, D2, D3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@pytest.fixture
def store(tmp_path: Path) -> EncounterStore:
    opened = EncounterStore(tmp_path / "data", staff_id="ma1")
    opened.rooming.settings = RoomingSettings(rooms=("Room 1", "Room 2", "Room 3"))
    return opened


def history(store: EncounterStore) -> None:
    """S1: cycle 1 passes its BI; cycles 2 and 3 follow; cycle 3's BI fails. S2 runs beside."""
    log = store.sterilizer
    log.add_load(sample_load(1, day=D1, packs=("A1", "A2")))
    log.set_result("S1", 1, "pass")
    log.add_load(sample_load(2, day=D2, packs=("B1", "B2"), lot=None))
    log.add_load(sample_load(3, day=D3, packs=("C1",)))
    log.add_load(sample_load(1, sterilizer="S2", day=D2, packs=("Z1",)))
    log.set_result("S2", 1, "pass")


def test_a_failed_indicator_recalls_exactly_the_packs_since_the_last_pass_and_their_visits(
    store: EncounterStore,
) -> None:
    history(store)
    for patient, room, packs in (
        ("P-A", "Room 1", ("A1",)),  # before the last pass: not recalled
        ("P-B", "Room 2", ("B2", "Z1")),  # B2 recalled, Z1 (another sterilizer) not
        ("P-C", "Room 3", ("C1",)),
    ):
        store.rooming.set_status(patient, "roomed", room=room)
        store.rooming.record_procedure(patient, sample_assist(*packs))
    store.rooming.set_status("P-D", "arrived")  # no procedure
    store.sterilizer.set_result("S1", 3, "fail")
    assert "S1" in store.sterilizer.read().out_of_service
    found = store.sterilizer.recall("S1")
    assert [x.cycle for x in found.loads] == [2, 3]
    assert sorted(found.packs) == ["B1", "B2", "C1"]
    assert sorted((u.patient_id, u.pack) for u in found.uses) == [("P-B", "B2"), ("P-C", "C1")]
    assert {u.provider for u in found.uses} == {"Dr. Osei"}
    view = [e for e in store.audit.entries() if e.action == "view"][-1]
    assert view.concerns("P-B")
    assert view.concerns("P-C")
    assert not view.concerns("P-A")
    assert store.sterilizer.recall("S2").loads == []


def test_out_of_service_refuses_packs_until_a_later_indicator_passes(
    store: EncounterStore,
) -> None:
    history(store)
    store.sterilizer.set_result("S1", 3, "fail")
    with pytest.raises(SterilizerError, match="out of service"):
        store.sterilizer.add_load(sample_load(4, day=D3, packs=("D1",)))
    store.sterilizer.add_load(sample_load(4, day=D3, packs=()))  # a test cycle may run
    store.sterilizer.set_result("S1", 4, "pass")
    assert "S1" not in store.sterilizer.read().out_of_service
    store.sterilizer.add_load(sample_load(5, day=D3, packs=("D1",)))
    log = store.sterilizer.read()
    assert pack_problem(log, "C1") is not None  # its own indicator failed
    assert pack_problem(log, "D1") is None


def test_refusals_say_why(store: EncounterStore) -> None:
    history(store)
    with pytest.raises(SterilizerError, match="already logged"):
        store.sterilizer.add_load(sample_load(1, day=D1, packs=("N1",)))
    with pytest.raises(SterilizerError, match="Pack A1 is already in sterilizer S1 cycle 1"):
        store.sterilizer.add_load(sample_load(9, day=D3, packs=("A1",)))
    with pytest.raises(SterilizerError, match="already read"):
        store.sterilizer.set_result("S1", 1, "fail")
    with pytest.raises(SterilizerError, match="give its lot"):
        store.sterilizer.set_result("S1", 2, "pass")
    with pytest.raises(SterilizerError, match="No load"):
        store.sterilizer.set_result("S1", 99, "pass")


def test_a_procedure_uses_only_packs_fit_for_use(store: EncounterStore) -> None:
    history(store)
    store.sterilizer.add_load(sample_load(7, day=D3, packs=("BAD",), chemical="fail"))
    store.rooming.set_status("P1", "roomed", room="Room 1")
    with pytest.raises(TransitionError, match="not in the sterilizer log"):
        store.rooming.record_procedure("P1", sample_assist("NOPE"))
    with pytest.raises(TransitionError, match="chemical indicator"):
        store.rooming.record_procedure("P1", sample_assist("BAD"))
    with pytest.raises(TransitionError, match="room them first"):
        store.rooming.record_procedure("P-none", sample_assist("A1"))
    record = store.rooming.record_procedure("P1", sample_assist("A1", "B1"))
    assert record.procedures[0].packs == ["A1", "B1"]
    assert record.procedures[0].specimens[0].label_confirmed
    notified = store.rooming.notify_provider("P1", "Dr. Osei", staff="ma1")
    assert notified.provider_notice is not None
    assert (notified.provider_notice.provider, notified.provider_notice.by) == ("Dr. Osei", "ma1")
    actions = [e.action for e in store.audit.entries() if e.patient_id == "P1"]
    assert "procedure-assist" in actions
    assert "provider-notified" in actions


def test_an_unsafe_procedure_record_cannot_be_made() -> None:
    from pydantic import ValidationError

    from kiosk.models.procedure import Specimen

    with pytest.raises(ValidationError, match="two identifiers"):
        Specimen(type="tissue", site="arm", label_confirmed=False)
    assist = sample_assist("A1").model_dump()
    assist["time_out"]["site_confirmed"] = False
    with pytest.raises(ValidationError, match="time-out"):
        type(sample_assist()).model_validate(assist)


# ---------------------------------------------------------------------- the command


def kiosk(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), "sterilizer", *args])


LOAD = ["--operator", "ma1", "--type", "prevacuum", "--minutes", "4", "--temp", "270F"]


def test_the_command_logs_reads_recalls_and_audits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    assert (
        kiosk(
            folder,
            "load",
            "--sterilizer",
            "S1",
            "--cycle",
            "10",
            "--packs",
            "K1,K2",
            *LOAD,
            "--pressure",
            "30psi",
            "--ci",
            "pass",
            "--bi-lot",
            "LOT-3",
        )
        == 0
    )
    with EncounterStore(folder, staff_id="ma1") as store:  # used while the BI incubates
        store.rooming.set_status("MRN-7", "roomed", room="Room 1")
        store.rooming.record_procedure("MRN-7", sample_assist("K2"))
    assert kiosk(folder, "result", "--sterilizer", "S1", "--cycle", "10", "--bi", "fail") == 0
    out = capsys.readouterr().out
    assert "OUT OF SERVICE" in out
    assert kiosk(folder, "list") == 0
    out = capsys.readouterr().out
    assert "S1 #10  prevacuum 4 min 132.2 °C 206.8 kPa  CI pass  BI LOT-3: fail" in out
    assert "OUT OF SERVICE since cycle 10" in out
    assert kiosk(folder, "recall", "--sterilizer", "S1") == 0
    out = capsys.readouterr().out
    assert "cycle 10" in out
    assert "K1, K2" in out
    assert "patient MRN-7  pack K2" in out
    with EncounterStore(folder, staff_id="auditor") as store:
        entries = list(store.audit.entries())
    sterilizer = [e for e in entries if e.action == "sterilizer"]
    assert len(sterilizer) == 2
    assert all(e.staff.startswith("os:") for e in sterilizer)
    assert any(e.action == "view" and e.concerns("MRN-7") for e in entries)
    assert check_store(folder).ok


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--temp", "hot"], "--temp: 'hot' is not a temperature"),
        (["--pressure", "3 bars"], "--pressure: '3 bars' is not a pressure"),
        (["--date", "2026-13-01"], "--date: '2026-13-01' is not a date"),
        (["--sterilizer", "S 1"], "sterilizer: use letters, digits"),
        (["--minutes", "0"], "minutes: Input should be greater than 0"),
        (["--packs", "K1,K1"], "a pack id is listed twice"),
    ],
)
def test_bad_input_is_one_plain_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    base = {"--sterilizer": "S1", "--cycle": "1", "--packs": "K1", "--ci": "pass"}
    base |= dict(zip(args[::2], args[1::2], strict=True))
    given = [*LOAD, *(x for pair in base.items() for x in pair)]
    for flag in ("--temp", "--minutes"):
        if flag in base:  # the override comes last and wins
            given += [flag, base[flag]]
    assert kiosk(tmp_path / "data", "load", *given) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert said in err
    assert "Traceback" not in err


def test_recall_of_an_unknown_sterilizer_and_a_result_without_a_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    assert kiosk(folder, "recall", "--sterilizer", "S9") == 0
    assert "Nothing to recall" in capsys.readouterr().out
    assert kiosk(folder, "result", "--sterilizer", "S9", "--cycle", "1", "--bi", "pass") == 2
    assert "No load of sterilizer S9 with cycle 1" in capsys.readouterr().err
    assert datetime.now(UTC)  # the command ran without a clock of its own
