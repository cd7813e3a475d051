"""The rooming board as FHIR R4B: Encounter status, history and location; Procedure with its
performers and the packs as Device references; every bundle validates with fhir.resources.
Then the same in ``kiosk export --format fhir``: each encounter's bundle with its visit from
that day's board (read once per day), on a demo folder through the CLI."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from export_samples import full_encounter
from fhir.resources.R4B.bundle import Bundle
from sterilizer_samples import sample_assist

from kiosk.cli import main
from kiosk.demo.seeding import ensure_demo_data
from kiosk.export import write_documents
from kiosk.export.fhir import encounter_bundle
from kiosk.export.rooming import PACK_SYSTEM, DayBoards, visit_bundle, visit_encounter
from kiosk.models.rooming import STATUSES, VisitRecord, move
from kiosk.store import EncounterStore
from kiosk.store.audit import AuditTrail

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def walked(upto: str) -> VisitRecord:
    record = None
    for n, status in enumerate(STATUSES[: STATUSES.index(upto) + 1]):
        record = move(
            record, "MRN-1", status, by="ma1", at=T0 + timedelta(minutes=10 * n), room="Room 2"
        )
    assert record is not None
    return record


@pytest.mark.parametrize(
    ("upto", "status", "history"),
    [
        ("arrived", "arrived", []),
        ("roomed", "arrived", []),
        ("ready", "triaged", ["arrived"]),
        ("with-provider", "in-progress", ["arrived", "triaged"]),
        ("done", "finished", ["arrived", "triaged", "in-progress"]),
    ],
)
def test_each_status_is_an_encounter_status_with_its_history(
    upto: str, status: str, history: list[str]
) -> None:
    record = walked(upto)
    encounter = visit_encounter(record, T0.date())
    assert encounter["status"] == status
    assert [h["status"] for h in encounter.get("statusHistory", [])] == history
    if history:
        assert encounter["statusHistory"][0]["period"] == {
            "start": T0.isoformat(),
            "end": (T0 + timedelta(minutes=20)).isoformat(),  # arrived and roomed: one run
        }
    if upto != "arrived":
        (where,) = encounter["location"]
        assert where["location"]["display"] == "Room 2"
        assert where["status"] == ("completed" if upto == "done" else "active")
    bundle = Bundle.model_validate(visit_bundle(record, T0.date()))
    assert bundle.type == "transaction"


def test_a_procedure_names_its_performers_and_its_packs_as_devices() -> None:
    record = walked("with-provider").model_copy(
        update={"procedures": [sample_assist("PK-1", "PK-2")]}
    )
    raw = visit_bundle(record, T0.date())
    Bundle.model_validate(raw)
    kinds = [e["resource"]["resourceType"] for e in raw["entry"]]
    assert kinds == ["Encounter", "Procedure", "Device", "Device"]
    procedure = raw["entry"][1]["resource"]
    devices = {e["resource"]["id"]: e["resource"] for e in raw["entry"][2:]}
    used = [r["reference"].removeprefix("urn:uuid:") for r in procedure["usedReference"]]
    assert [devices[d]["identifier"][0]["value"] for d in used] == ["PK-1", "PK-2"]
    functions = [
        p["function"].get("text") or p["function"]["coding"][0]["code"]
        for p in procedure["performer"]
    ]
    assert functions == ["PPRF", "assisted the provider"]
    assert procedure["performer"][0]["actor"]["display"] == "Dr. Osei"
    assert procedure["encounter"]["reference"] == raw["entry"][0]["fullUrl"]
    assert any("two identifiers" in n["text"] for n in procedure["note"])
    again = visit_bundle(record, T0.date())
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in raw["entry"]]


# ---------------------------------------------------------------- in the encounter export


def on_board(mrn: str, upto: str, *packs: str, by: str = "ma1") -> VisitRecord:
    record = None
    for n, status in enumerate(STATUSES[: STATUSES.index(upto) + 1]):
        record = move(record, mrn, status, by=by, at=T0 + timedelta(minutes=10 * n), room="Room 2")
    assert record is not None
    if packs:
        assist = sample_assist(*packs).model_copy(update={"by": by})
        record = record.model_copy(update={"procedures": [assist]})
    return record


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_an_exported_encounter_carries_its_visit_and_its_procedure() -> None:
    doc = full_encounter(started=T0 + timedelta(minutes=12)).model_dump(mode="json")
    visit = on_board(doc["patient"]["id"], "with-provider", "PK-1", "PK-2", by=doc["staff_id"])
    raw = encounter_bundle(doc, visit=visit)
    Bundle.model_validate(raw)  # the whole bundle, as the export writes it
    (encounter,) = resources(raw, "Encounter")
    assert encounter["status"] == "in-progress"
    assert [h["status"] for h in encounter["statusHistory"]] == ["arrived", "triaged"]
    (where,) = encounter["location"]
    assert (where["location"]["display"], where["status"]) == ("Room 2", "active")
    assert encounter["period"] == {"start": T0.isoformat()}  # arrival, before the intake
    urls = {e["fullUrl"]: e["resource"] for e in raw["entry"]}
    (procedure,) = [p for p in resources(raw, "Procedure") if p["code"].get("text")][-1:]
    assert procedure["code"]["text"] == "Excision of skin lesion, left forearm"
    assert urls[procedure["encounter"]["reference"]] is encounter
    assert urls[procedure["subject"]["reference"]]["resourceType"] == "Patient"
    ma = urls[procedure["performer"][1]["actor"]["reference"]]  # the MA who signed: one resource
    assert ma["resourceType"] == "Practitioner"
    assert ma["identifier"][0]["value"] == doc["staff_id"]
    packs = [urls[r["reference"]]["identifier"][0]["value"] for r in procedure["usedReference"]]
    assert packs == ["PK-1", "PK-2"]
    assert len(resources(raw, "Device")) == 2
    # every fullUrl is unique and every request is a PUT but the conditional creates
    assert len(urls) == len(raw["entry"])
    assert {e["request"]["method"] for e in raw["entry"]} == {"PUT", "POST"}


def test_without_its_visit_the_encounter_is_as_signed() -> None:
    doc = full_encounter(started=T0).model_dump(mode="json")
    plain = encounter_bundle(doc)
    (encounter,) = resources(plain, "Encounter")
    assert encounter["status"] == "finished"
    assert "statusHistory" not in encounter
    assert encounter["location"] == [{"location": {"display": f"Room {doc['room']}"}}]
    assert not resources(plain, "Device")
    done = encounter_bundle(doc, visit=on_board(doc["patient"]["id"], "done"))
    (finished,) = resources(done, "Encounter")
    assert finished["status"] == "finished"
    assert finished["location"][0]["status"] == "completed"
    assert finished["period"]["end"] == (T0 + timedelta(minutes=40)).isoformat()
    Bundle.model_validate(done)


def test_an_assist_by_another_ma_names_them_and_ids_stay_across_amendments() -> None:
    doc = full_encounter(started=T0).model_dump(mode="json")
    visit = on_board(doc["patient"]["id"], "with-provider", "PK-9", by="ma-other")
    first = encounter_bundle(doc, visit=visit)
    (procedure,) = [p for p in resources(first, "Procedure") if "usedReference" in p]
    assert procedure["performer"][1]["actor"]["identifier"]["value"] == "ma-other"
    amended = {**doc, "id": "second-version", "version": 2, "status": "amended"}
    again = encounter_bundle(amended, root=doc["id"], visit=visit)
    Bundle.model_validate(again)
    ids = {r["resourceType"] + r["id"] for r in resources(first, "Procedure")}
    assert ids == {r["resourceType"] + r["id"] for r in resources(again, "Procedure")}
    assert resources(first, "Device")[0]["id"] == resources(again, "Device")[0]["id"]


def test_each_days_board_is_read_once_and_only_a_few_are_kept() -> None:
    read: list[date] = []

    def load(day: date) -> dict[str, VisitRecord]:
        read.append(day)
        return {"MRN-1": walked("ready")} if day == T0.date() else {}

    boards = DayBoards(load)
    days = [T0 + timedelta(days=n, hours=h) for n in range(10) for h in (0, 1, 2)]
    docs = [{"started_at": d.isoformat(), "patient": {"id": "MRN-1"}} for d in days]
    found = [boards(doc) for doc in docs]
    assert read == [T0.date() + timedelta(days=n) for n in range(10)]
    assert [f is not None for f in found] == [True] * 3 + [False] * 27
    assert len(boards._boards) == DayBoards.KEEP  # memory does not grow with the days
    assert boards({"started_at": "not a time", "patient": {}}) is None  # reported by id later


def test_write_documents_streams_the_visits_into_the_bundles() -> None:
    doc = full_encounter(started=T0).model_dump(mode="json")
    boards = DayBoards(lambda day: {doc["patient"]["id"]: on_board(doc["patient"]["id"], "done")})
    out = io.BytesIO()
    assert write_documents([doc, doc], "fhir", out, visits=boards) == 2
    assert boards.reads == 1
    for line in out.getvalue().splitlines():
        (encounter,) = resources(orjson.loads(line), "Encounter")
        assert encounter["statusHistory"][-1]["status"] == "in-progress"


# ---------------------------------------------------------------- kiosk export on the demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    ensure_demo_data(folder, count=40)
    return folder


def test_kiosk_export_of_the_demo_holds_the_board_the_procedure_and_its_packs(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = datetime.now(UTC).date()
    out = tmp_path / "demo.ndjson"
    before = len(list(AuditTrail(demo).entries()))
    assert main(["--data-dir", str(demo), "export", "--format", "fhir", "--out", str(out)]) == 0
    assert "Exported 44 encounter(s) as fhir" in capsys.readouterr().err
    logged = list(AuditTrail(demo).entries())[before:]
    bundles = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    with EncounterStore(demo, staff_id="check") as store:
        board = store.rooming.board()

    def mrn(bundle: dict[str, Any]) -> str:
        return str(resources(bundle, "Patient")[0]["identifier"][0]["value"])

    def started(bundle: dict[str, Any]) -> str:
        return str(resources(bundle, "Encounter")[0]["period"]["start"])[:10]

    todays = [b for b in bundles if mrn(b) in board and started(b) == today.isoformat()]
    for bundle in todays:
        Bundle.model_validate(bundle)
    assert len({mrn(b) for b in todays}) == len(todays) == 4
    others = [b for b in bundles if b not in todays]
    assert not any("statusHistory" in resources(b, "Encounter")[0] for b in others)
    statuses = sorted(resources(b, "Encounter")[0]["status"] for b in todays)
    assert statuses == ["finished", "finished", "in-progress", "triaged"]
    for bundle in todays:
        (encounter,) = resources(bundle, "Encounter")
        visit = board[mrn(bundle)]
        assert encounter["location"][0]["location"]["display"] == visit.room
        assert encounter["statusHistory"]

    def packs(bundle: dict[str, Any]) -> list[dict[str, Any]]:
        found = resources(bundle, "Device")
        return [d for d in found if d.get("identifier", [{}])[0].get("system") == PACK_SYSTEM]

    (with_packs,) = [b for b in todays if packs(b)]
    (device,) = packs(with_packs)
    assert device["identifier"][0]["value"] == "PK-102-1"  # the pack the recall finds
    assert any(
        p["code"].get("text") == "Shave biopsy, skin of left forearm"
        for p in resources(with_packs, "Procedure")
    )
    # one board read, audited once, with today's patients; the year's other days: no view
    views = [e for e in logged if e.detail.startswith("rooming board")]
    assert [(v.detail, v.reason, sorted(v.patients)) for v in views] == [
        (f"rooming board {today.isoformat()}", "export", sorted(board))
    ]


def test_a_damaged_board_stops_the_export_with_a_plain_message(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(demo, copy)
    day = copy / "rooming" / f"{datetime.now(UTC).date().isoformat()}.json"
    day.write_bytes(b'{"format": 1, "visits": {"MRN')
    out = tmp_path / "x.ndjson"
    assert main(["--data-dir", str(copy), "export", "--format", "fhir", "--out", str(out)]) == 2
    message = capsys.readouterr().err
    assert "damaged" in message
    assert "rooming board" in message
    assert "Nothing was written" in message
    assert "Traceback" not in message
    assert not out.exists()
    # the other formats do not read the board
    assert main(["--data-dir", str(copy), "export", "--format", "json", "--out", str(out)]) == 0
