"""The shared record on a real PostgreSQL (tests/support/postgres.py, one server a session):
migrations applied once, two hosts (two data folders) syncing into one database and reading
each other's history, a sync killed midway, the database stopped and restarted under the
background sync, ``kiosk sync``; exact counts and byte-identical documents afterwards."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest
from postgres import PostgresServer
from store_child import make_encounter

from kiosk.cli import main
from kiosk.errors import ConfigError, KioskError
from kiosk.store import EncounterStore, bulk_save
from kiosk.store.audit_chain import digest
from kiosk.store.layout import Layout
from kiosk.store.outbox import Outbox
from kiosk.sync import PatientHistory, SyncWorker, connect, sync_once
from kiosk.sync.history import LOCAL_ONLY

SUPPORT = Path(__file__).resolve().parents[1] / "support"
TODAY = datetime.now(UTC).date()


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def host(folder: Path) -> Path:
    """A data folder of a clinic with a central database (its outbox made)."""
    Outbox(Layout(folder)).enable()
    return folder


def query(url: str, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql.encode(), args).fetchall()


def count(url: str) -> int:
    try:
        return int(query(url, "SELECT count(*) FROM encounters")[0][0])
    except psycopg.errors.UndefinedTable:
        return 0


def canonical(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


def local_documents(folder: Path) -> dict[tuple[str, int], bytes]:
    with EncounterStore(folder, staff_id="checker") as store:
        docs = store.iter_documents(latest_only=False)
        return {(d["id"], d["version"]): canonical(d) for d in docs}


def central_documents(url: str) -> dict[tuple[str, int], bytes]:
    rows = query(url, "SELECT id, version, doc FROM encounters")
    return {(i, v): canonical(doc) for i, v, doc in rows}


def trail(folder: Path) -> list[dict[str, Any]]:
    with EncounterStore(folder, staff_id="checker") as store:
        lines = [p.read_bytes().splitlines() for p in store.audit.files()]
    return [orjson.loads(line) for chunk in lines for line in chunk]


def assert_audit_matches(url: str, folder: Path) -> None:
    """The database holds exactly the folder's trail, each entry as written, chained (after
    a last sync: reading the documents to compare them was audited too)."""
    sync(folder, url)
    origin = Outbox(Layout(folder)).origin()
    rows = query(url, "SELECT seq, hash, prev, entry FROM audit_events WHERE origin = %s"
                 " ORDER BY seq", origin)  # fmt: skip
    local = trail(folder)
    assert [r[3] for r in rows] == local
    prev = "0" * 64
    for seq, hashed, before, entry in rows:
        assert before == prev
        assert digest({k: v for k, v in entry.items() if k != "hash"}) == hashed
        prev = hashed
        assert entry["seq"] == seq


def sync(folder: Path, url: str) -> str:
    """One push, as ``kiosk sync`` does."""
    with connect(url) as conn:
        return sync_once(folder, conn).summary()


def test_migrations_are_applied_once_even_by_hosts_connecting_at_once(
    postgres: PostgresServer,
) -> None:
    url = postgres.database()
    errors: list[BaseException] = []

    def one() -> None:
        try:
            connect(url).close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    connect(url).close()
    versions = query(url, "SELECT version, count(*) FROM kiosk_migrations GROUP BY version"
                     " ORDER BY version")  # fmt: skip
    assert versions == [(1, 1), (2, 1)]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO audit_events VALUES ('o', 1, 'h', 'p', now(), 's', 'view', NULL, '{}')"
        )
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("UPDATE audit_events SET staff = 'x'")
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("DELETE FROM audit_events")
        conn.execute("INSERT INTO kiosk_migrations (version, name) VALUES (99, 'future')")
    with pytest.raises(KioskError, match="newer than this kiosk"):
        connect(url)


def test_two_hosts_share_one_record(
    postgres: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres.database()
    a, b = host(tmp_path / "host-a"), host(tmp_path / "host-b")
    past = TODAY - timedelta(days=30)
    with EncounterStore(a, staff_id="ma1") as store:
        first = make_encounter(1, patient=7, day=past - timedelta(days=30))
        seen_on_a = make_encounter(2, patient=7, day=past)
        store.save(first)
        store.save(seen_on_a)
        store.save(make_encounter(3, patient=8, day=past))
        amended_id = store.amend(seen_on_a.id, seen_on_a.model_copy(update={"notes": "fixed"}))
    with EncounterStore(b, staff_id="ma2") as store:
        store.save(make_encounter(4, patient=9, day=past))
    assert sync(a, url) == "4 encounter(s) and 5 audit event(s) pushed"
    code = main(["--data-dir", str(b), "sync"])  # no setting: refused, plainly
    assert code == 2
    assert "No central database is configured" in capsys.readouterr().err
    os.environ["KIOSK_CENTRAL_DATABASE"] = url
    try:
        assert main(["--data-dir", str(b), "sync"]) == 0
        assert "1 encounter(s) and 2 audit event(s) pushed" in capsys.readouterr().err
    finally:
        del os.environ["KIOSK_CENTRAL_DATABASE"]

    with EncounterStore(b, staff_id="ma2") as store:  # host B sees host A's visits
        history = PatientHistory(store, url)
        visits = history.for_patient(first.patient.id)
        assert history.note == ""
        assert [v.id for v in visits] == [amended_id, first.id]  # the amended version only
        last = history.last_encounter(first.patient.id)
        assert last is not None
        assert last.notes == "fixed"
        assert store.for_patient(first.patient.id) == []  # not copied into B's own store
        views = [e for e in store.audit.entries() if e.detail == "history (central database)"]
        assert views[-1].patient_id == first.patient.id
        assert views[-1].staff == "ma2"
        store.save(make_encounter(5, patient=7, day=TODAY))  # seen on B today, not synced yet
        newest = PatientHistory(store, url).for_patient(first.patient.id)
        assert [v.id for v in newest][1:] == [amended_id, first.id]

    for folder in (a, b):
        sync(folder, url)
        sync(folder, url)
    assert sync(a, url) == "0 encounter(s) and 0 audit event(s) pushed"
    assert count(url) == 6
    central = central_documents(url)
    assert central == local_documents(a) | local_documents(b)  # byte-identical, each once
    superseded = query(url, "SELECT superseded_by FROM encounters WHERE id = %s", seen_on_a.id)
    assert superseded == [(amended_id,)]
    assert_audit_matches(url, a)
    assert_audit_matches(url, b)
    days = query(url, "SELECT day, status FROM encounters WHERE id = %s", amended_id)
    assert days == [(past, "amended")]


def test_a_sync_killed_midway_loses_nothing_and_duplicates_nothing(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.database()
    folder = host(tmp_path / "data")
    total = 1500
    docs = [
        make_encounter(n, day=date(2026, 1, 1) + timedelta(days=n % 60)).model_dump(mode="json")
        for n in range(total)
    ]
    with EncounterStore(folder, staff_id="ma1") as store:
        bulk_save(store, docs)
    connect(url).close()  # the schema, so the parent can count while the child pushes
    child = subprocess.Popen(
        [sys.executable, str(SUPPORT / "sync_child.py"), str(folder), url],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    wait_for(lambda: count(url) >= 100)
    child.send_signal(signal.SIGKILL)
    child.wait()
    at_kill = count(url)
    assert 100 <= at_kill < total  # killed in the middle of the push
    assert Outbox(Layout(folder)).backlog_bytes() > 0
    summary = sync(folder, url)
    assert summary.startswith(f"{total - at_kill} encounter(s)")
    assert count(url) == total
    assert query(url, "SELECT count(DISTINCT id) FROM encounters") == [(total,)]
    assert central_documents(url) == local_documents(folder)
    assert Outbox(Layout(folder)).backlog_bytes() == 0
    assert_audit_matches(url, folder)


def test_the_database_stopped_and_restarted_is_caught_up(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.database()
    folder = host(tmp_path / "data")
    worker = SyncWorker(folder, url, interval=0.05, max_backoff=0.3)
    worker.start()
    try:
        with EncounterStore(folder, staff_id="ma1") as store:
            for n in range(5):
                store.save(make_encounter(n, patient=3))
            wait_for(lambda: count(url) == 5)
            postgres.stop("immediate")
            try:
                rounds = worker.rounds
                for n in range(5, 25):  # the kiosk keeps working while the database is gone
                    store.save(make_encounter(n, patient=3))
                wait_for(lambda: worker.rounds >= rounds + 3 and worker.status.failures >= 2)
                assert not worker.status.ok
                assert "cannot be reached" in worker.status.message
                assert Outbox(Layout(folder)).backlog_bytes() > 0
                history = PatientHistory(store, url, timeout=1)
                assert len(history.for_patient(make_encounter(0, patient=3).patient.id)) == 25
                assert history.note == LOCAL_ONLY
            finally:
                postgres.start()
            wait_for(lambda: count(url) == 25 and Outbox(Layout(folder)).backlog_bytes() == 0)
            wait_for(lambda: worker.status.ok)
    finally:
        worker.stop()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert central_documents(url) == local_documents(folder)
    assert_audit_matches(url, folder)


def test_the_app_core_syncs_in_the_background(postgres: PostgresServer, tmp_path: Path) -> None:
    from kiosk.services import load_core

    url = postgres.database()
    os.environ["KIOSK_CENTRAL_DATABASE"] = url
    try:
        args = argparse.Namespace(config=None, data_dir=str(tmp_path / "data"), demo=False)
        core = load_core(args)
    finally:
        del os.environ["KIOSK_CENTRAL_DATABASE"]
    assert core.sync is not None
    try:
        assert core.sync.is_alive()
        assert Outbox(Layout(tmp_path / "data")).enabled
        core.store.save(make_encounter(1), staff="ma1")
        core.signed()
        wait_for(lambda: count(url) == 1)
    finally:
        core.sync.stop()
        core.sync.join(timeout=30)
        core.store.close()


def test_without_a_central_database_nothing_changes(tmp_path: Path) -> None:
    from kiosk.services import load_core

    args = argparse.Namespace(config=None, data_dir=str(tmp_path / "data"), demo=False)
    core = load_core(args)
    try:
        assert core.sync is None
        core.store.save(make_encounter(1), staff="ma1")
        assert not (tmp_path / "data" / "outbox").exists()
        assert core.history.for_patient(make_encounter(1).patient.id, staff="ma1")
        assert core.history.note == ""
    finally:
        core.store.close()


def test_an_unreachable_database_is_one_line_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from postgres import free_port

    folder = host(tmp_path / "data")
    with EncounterStore(folder, staff_id="ma1") as store:
        store.save(make_encounter(1))
    monkeypatch.setenv("KIOSK_CENTRAL_DATABASE", f"postgresql://k:s3cret@127.0.0.1:{free_port()}/x")
    assert main(["--data-dir", str(folder), "sync"]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err
    assert "Nothing is lost" in err
    assert "s3cret" not in err
    assert main(["--data-dir", str(folder), "sync", "--status"]) == 0
    assert "byte(s) of encounters waiting" in capsys.readouterr().out
    monkeypatch.setenv("KIOSK_CENTRAL_DATABASE", "mysql://k:s3cret@host/x")
    from kiosk.config import load_settings

    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert "postgresql://" in str(raised.value)
    assert "s3cret" not in str(raised.value)
