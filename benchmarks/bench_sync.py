"""The central-database sync: throughput, a 10,000-encounter catch-up, and what it costs a save
(prints, asserts nothing).

    python benchmarks/bench_sync.py [--backlog 10000] [--saves 200]

Starts a real PostgreSQL as the tests do (tests/support/postgres.py: the Debian package's
binaries, 127.0.0.1, fsync off, so the figures are the kiosk's and the driver's, not the
disk's). Measured: a save's p50/p95 without a central database, with one (the outbox line),
and with the background sync pushing at the same time (interleaved, same folder size); then
``sync_once`` over a backlog of ``--backlog`` encounters loaded through the bulk path: the
catch-up time and encounters per second; and an idle sync (nothing owed).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from postgres import PostgresServer

from kiosk.demo.patients import demo_patients, sample_encounter_for
from kiosk.demo.seeding import MARKER, fill_demo_data
from kiosk.store import EncounterStore
from kiosk.store.layout import Layout
from kiosk.store.outbox import Outbox
from kiosk.sync import SyncWorker, connect, sync_once


def p50_p95(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.2f} / {p95 * 1000:.2f} ms"


def saves(folder: Path, count: int, seed: int) -> list[float]:
    people = demo_patients(50, seed)
    out = []
    with EncounterStore(folder, staff_id="ma1") as store:
        for n in range(count):
            encounter = sample_encounter_for(people[n % len(people)], seed * 10_000 + n)
            start = time.perf_counter()
            store.save(encounter)
            out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    server = PostgresServer()
    server.start()
    root = Path(tempfile.mkdtemp(prefix="kiosk-bench-sync-"))
    try:
        url = server.database()
        plain, outboxed, syncing = root / "plain", root / "outbox", root / "syncing"
        Outbox(Layout(outboxed)).enable()
        Outbox(Layout(syncing)).enable()
        worker = SyncWorker(syncing, url, interval=0.0)
        worker.start()
        timings: dict[str, list[float]] = {"plain": [], "outbox": [], "syncing": []}
        for chunk in range(args.saves // 20):  # interleaved, so load changes hit all three
            for name, folder in (("plain", plain), ("outbox", outboxed), ("syncing", syncing)):
                timings[name] += saves(folder, 20, chunk)
        worker.stop()
        worker.join()
        print(f"save p50 / p95, no central database : {p50_p95(timings['plain'])}")
        print(f"save p50 / p95, outbox line         : {p50_p95(timings['outbox'])}")
        print(f"save p50 / p95, sync pushing meanwhile: {p50_p95(timings['syncing'])}")

        backlog = root / "backlog"
        backlog.mkdir(mode=0o700)
        (backlog / MARKER).write_bytes(b"synthetic\n")
        Outbox(Layout(backlog)).enable()
        fill_demo_data(backlog, args.backlog, seed=1)
        waiting = Outbox(Layout(backlog)).backlog_bytes()
        with connect(url) as conn:
            start = time.perf_counter()
            result = sync_once(backlog, conn)
            took = time.perf_counter() - start
            start = time.perf_counter()
            sync_once(backlog, conn)
            idle = time.perf_counter() - start
        print(
            f"catch-up of {result.encounters:,} encounters ({waiting / 1e6:.1f} MB outbox, "
            f"{result.audit} audit events): {took:.2f} s, {result.encounters / took:,.0f} "
            "encounters/s"
        )
        print(f"a sync with nothing owed: {idle * 1000:.1f} ms")
    finally:
        server.remove()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
