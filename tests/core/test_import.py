"""``kiosk import patients|schedule``: FHIR NDJSON, a Bundle and CSV, matched on the MRN;
twice changes nothing; a bad line is reported with its number and the rest is imported (exit
1); conflicts are reported and the directory kept; the patient list shows imported visits;
every import is audited."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.store import EncounterStore

TODAY = datetime.now(UTC).date()


def kiosk(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), "import", *args])


def fhir_patient(rid: str, mrn: str, family: str, given: str, born: str) -> dict[str, object]:
    return {
        "resourceType": "Patient",
        "id": rid,
        "identifier": [
            {"type": {"coding": [{"code": "MR"}]}, "value": mrn},
            {"system": "urn:ssn", "value": "000-00-0000"},
        ],
        "name": [{"use": "official", "family": family, "given": [given, "Q"]}],
        "birthDate": born,
        "gender": "female",
        "telecom": [
            {"system": "email", "value": "x@example.org"},
            {"system": "phone", "value": "555 201 0100"},
        ],
        "address": [
            {"line": ["1 Main St"], "city": "Seattle", "state": "wa", "postalCode": "98101"}
        ],
    }


def appointment(mrn_ref: str, start: str, status: str = "booked") -> dict[str, object]:
    return {
        "resourceType": "Appointment",
        "status": status,
        "start": start,
        "participant": [
            {"actor": {"reference": "Practitioner/dr1"}, "status": "accepted"},
            {"actor": {"reference": mrn_ref}, "status": "accepted"},
        ],
    }


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file but the audit trail's, byte for byte."""
    skip = {"audit.jsonl", "audit.head", "audit.lock", "store.lock"}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in skip and "checkpoint" not in p.name
    }


def test_fhir_ndjson_patients_twice_changes_nothing(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "patients.ndjson"
    lines = [
        fhir_patient("a", "MRN-100", "Rivera", "Ana", "1980-07-04"),
        fhir_patient("b", "MRN-101", "Okafor", "Ngozi", "1991-11-30"),
    ]
    source.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    assert kiosk(folder, "patients", str(source)) == 0
    assert "2 patient(s) added" in capsys.readouterr().err
    before = snapshot(folder)
    assert kiosk(folder, "patients", str(source)) == 0
    assert "0 patient(s) added, 2 already there" in capsys.readouterr().err
    assert snapshot(folder) == before
    with EncounterStore(folder, staff_id="ma1") as store:
        found = {p.id: p for p in store.patients()}
        ana = found["MRN-100"]
        assert (ana.family_name, ana.given_name, ana.middle_name) == ("Rivera", "Ana", "Q")
        assert ana.phone == "(555) 201-0100"
        assert (ana.address.state, ana.address.postal_code) == ("WA", "98101")
        entries = list(store.audit.entries())
    creates = [e for e in entries if e.action == "create"]
    assert sorted(e.patient_id or "" for e in creates) == ["MRN-100", "MRN-101"]  # not twice
    imports = [e for e in entries if e.action == "import"]
    assert len(imports) == 2
    assert imports[0].staff.startswith("os:")
    assert "added=2" in imports[0].detail
    assert "added=0" in imports[1].detail
    assert "Rivera" not in "".join(e.detail for e in entries)


def test_bad_lines_are_reported_by_number_and_the_rest_imported(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "patients.csv"
    source.write_text(
        "MRN,Family_Name,given_name,birth_date,sex,postal_code\n"
        "MRN-1,Rivera,Ana,1980-07-04,female,98101\n"
        "MRN-2,Chen,,1975-02-03,male,\n"
        "MRN 3,Bad,Mrn,1975-02-03,male,\n"
        "MRN-4,Lopez,Maria,2999-01-01,female,\n"
        "MRN-5,Smith,Jo,1970-01-01,robot,\n"
        "MRN-6,Nguyen,Bao,1988-08-08,male,9810\n"
        "MRN-7,Kim,Min,1999-09-09,female,,extra\n"
        "\n"
        "MRN-8,Patel,Ravi,03/04/1960,male,\n"
    )
    assert kiosk(folder, "patients", str(source)) == 1
    err = capsys.readouterr().err
    assert "line 3: missing given_name" in err
    assert "line 4: the MRN does not match" in err
    assert "line 5: birth_date: The date of birth is in the future" in err
    assert "line 6: sex: should be one of" in err
    assert "line 7: postal_code: A ZIP code is 5 digits" in err
    assert "line 8: 7 values for 6 columns" in err
    assert "2 patient(s) added" in err
    assert "6 bad record(s)" in err
    with EncounterStore(folder, staff_id="ma1") as store:
        assert sorted(p.id for p in store.patients()) == ["MRN-1", "MRN-8"]
        assert store.index.patient("MRN-8")["birth_date"] == "1960-03-04"  # type: ignore[index]


def test_a_conflict_is_reported_and_the_directory_kept(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("mrn,family_name,given_name,birth_date\nMRN-1,Rivera,Ana,1980-07-04\n")
    assert kiosk(folder, "patients", str(first)) == 0
    second = tmp_path / "second.csv"
    second.write_text(
        "mrn,family_name,given_name,birth_date,phone\n"
        "MRN-1,Rivera,Anna,1980-07-05,\n"
        "MRN-1,Rivera,Ana,1980-07-04,\n"  # the same as registered; no phone given: no conflict
        "MRN-2,Chen,Li,1975-02-03,\n"
        "MRN-2,Chen,Lee,1975-02-03,\n"
    )
    capsys.readouterr()
    assert kiosk(folder, "patients", str(second)) == 1
    err = capsys.readouterr().err
    assert "line 2: conflict: MRN-1 is registered with a different given_name, birth_date" in err
    assert "line 5: conflict: MRN-2 appears earlier in this file with a different given_name" in err
    assert "line 3" not in err
    with EncounterStore(folder, staff_id="ma1") as store:
        assert store.index.patient("MRN-1")["given_name"] == "Ana"  # type: ignore[index]
        assert store.index.patient("MRN-2")["given_name"] == "Li"  # type: ignore[index]


def test_a_fhir_bundle_schedule_fills_todays_patient_list(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = TODAY.isoformat()
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": fhir_patient("p1", "MRN-100", "Rivera", "Ana", "1980-07-04")},
            {"resource": fhir_patient("p2", "MRN-101", "Okafor", "Ngozi", "1991-11-30")},
            {"resource": appointment("Patient/p2", f"{day}T08:15:00-08:00")},
            {"resource": appointment("Patient/p1", f"{day}T10:00:00-08:00")},
            {"resource": appointment("Patient/MRN-404", f"{day}T11:00:00-08:00")},
            {"resource": {"resourceType": "Appointment", "status": "booked"}},
            {"fullUrl": "urn:uuid:1"},
        ],
    }
    source = tmp_path / "today.json"
    source.write_text(json.dumps(bundle))
    assert kiosk(folder, "schedule", str(source)) == 1
    err = capsys.readouterr().err
    assert "entry 5: MRN-404 is not in the directory" in err
    assert "entry 6: start: missing" in err
    assert "entry 7: the entry has no resource" in err
    assert "2 patient(s) added, 2 appointment(s) added" in err
    before = snapshot(folder)
    assert kiosk(folder, "schedule", str(source)) == 1
    assert "0 appointment(s) added, 4 already there" in capsys.readouterr().err
    assert snapshot(folder) == before
    with EncounterStore(folder, staff_id="ma1") as store:
        visits = store.today_visits("ma1")
        assert [(v.patient.id, v.state) for v in visits] == [
            ("MRN-101", "waiting"),
            ("MRN-100", "waiting"),
        ]
        imports = [e for e in store.audit.entries() if e.action == "import"]
    assert imports[0].patients == ("MRN-101", "MRN-100")


def test_a_csv_schedule_registers_new_patients_and_takes_cancelled_ones_off(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = TODAY.isoformat()
    source = tmp_path / "schedule.csv"
    source.write_text(
        "mrn,date,time,status,family_name,given_name,birth_date\n"
        f"MRN-2,{day},13:00,,Chen,Li,1975-02-03\n"
        f"MRN-1,{day},9:05,booked,Rivera,Ana,1980-07-04\n"
        f"MRN-3,{day},25:00,,Kim,Min,1999-09-09\n"
        f"MRN-4,2026-02-30,10:00,,Lee,Jo,1999-09-09\n"
    )
    assert kiosk(folder, "schedule", str(source)) == 1
    err = capsys.readouterr().err
    assert "line 4: time: should be HH:MM" in err
    assert "line 5: date: should be a real date" in err
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [p.id for p in store.appointments(TODAY)] == ["MRN-1", "MRN-2"]
    cancel = tmp_path / "cancel.csv"
    cancel.write_text(f"mrn,date,status\nMRN-1,{day},cancelled\nMRN-1,{day},cancelled\n")
    assert kiosk(folder, "schedule", str(cancel)) == 0
    assert "1 cancelled appointment(s) taken off" in capsys.readouterr().err
    with EncounterStore(folder, staff_id="ma1") as store:
        assert [p.id for p in store.appointments(TODAY)] == ["MRN-2"]


def test_files_that_cannot_be_read_at_all_exit_2(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk(folder, "patients", str(tmp_path / "missing.csv")) == 2
    assert "cannot read" in capsys.readouterr().err
    empty = tmp_path / "empty.ndjson"
    empty.write_text("")
    assert kiosk(folder, "patients", str(empty)) == 0  # nothing in it, nothing wrong
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00")
    assert kiosk(folder, "patients", str(binary)) == 2
    assert "not a UTF-8 text file" in capsys.readouterr().err
    ndjson = tmp_path / "p.ndjson"
    ndjson.write_text('{"resourceType": "Patient"\n[1]\n{"resourceType": "Observation"}\n')
    assert kiosk(folder, "patients", str(ndjson)) == 1
    err = capsys.readouterr().err
    assert "line 1: not valid JSON" in err
    assert "line 2: not a FHIR resource" in err
    assert "line 3: not a Patient resource (Observation)" in err


def test_help_documents_the_columns(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    for column in ("mrn*", "family_name*", "birth_date*", "postal_code", "date*", "status"):
        assert column in out
    assert "twice changes nothing" in out


def test_progress_shows_on_a_terminal_only(folder: Path, tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    source = tmp_path / "patients.csv"
    rows = [f"MRN-{n},Rivera,Ana,1980-07-04" for n in range(300)]
    source.write_text("mrn,family_name,given_name,birth_date\n" + "\n".join(rows) + "\n")
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(folder), "import", "patients"]
    master, slave = pty.openpty()
    child = subprocess.Popen([*command, str(source)], stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert child.wait(timeout=60) == 0
    assert b"Importing" in seen
    assert b"300 patient(s) added" in seen
    piped = subprocess.run([*command, str(source)], capture_output=True, text=True, check=False)
    assert piped.returncode == 0
    assert "Importing" not in piped.stderr
    assert "0 patient(s) added, 300 already there" in piped.stderr
