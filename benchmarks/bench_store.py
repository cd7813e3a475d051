"""Encounter store timings at 1,000 / 10,000 / 100,000 stored encounters (prints, asserts nothing).

    python benchmarks/bench_store.py [--sizes 1000,10000,100000] [--cache /tmp/kiosk-bench-store]

Each size's folder is generated once through the bulk path (``kiosk demo-data``'s code: 3,000
demo patients, a year of dates, ~3.7 KB documents) and cached under ``--cache`` (never in the
repository); every run works on a copy (segments hard-linked: they are only ever replaced).
Measured per size: opening the store, 200 saves into today's partition (a busy day), ``get``,
``for_patient``, ``find_patients``; beside them the floor (temp file + fsync + replace + folder
fsync of one 3 KB document) and the ratio of a save to it; and the peak RSS of a process that
opens the largest store and saves 100 encounters.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import orjson

from kiosk.demo.patients import demo_patients, sample_encounter_for
from kiosk.demo.seeding import fill_demo_data
from kiosk.store import EncounterStore
from kiosk.store.files import write_atomic
from kiosk.store.recovery import current_boot

SAVES = 200


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def cached_folder(cache: Path, size: int) -> Path:
    folder = cache / f"store-{size}"
    done = folder / "BENCH-COMPLETE"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        fill_demo_data(folder, size, seed=1)
        write_atomic(done, b"ok\n")
        print(f"  generated {size:,} encounters in {time.perf_counter() - start:.1f} s")
    # The cache was written by the bulk path, which fsyncs everything: after a reboot, mark it
    # as current so every working copy doesn't re-read its (all recent-looking) segments.
    write_atomic(folder / "index" / "boot.json", orjson.dumps({"boot": current_boot()}))
    return folder


def _copy(source: str, target: str) -> None:
    if f"{os.sep}encounters{os.sep}" in source:
        os.link(source, target)
    else:
        shutil.copy2(source, target)


def working_copy(folder: Path, scratch: Path) -> Path:
    target = scratch / folder.name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target, copy_function=_copy)
    return target


FLOOR_DOC = os.urandom(1500).hex().encode()  # 3 KB


def floor_write(path: Path) -> None:
    write_atomic(path, FLOOR_DOC)


def bench_size(folder: Path, scratch: Path) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[float, float]] = {}
    opens = []
    for _ in range(5):
        start = time.perf_counter()
        store = EncounterStore(folder, staff_id="bench")
        opens.append(time.perf_counter() - start)
        store.close()
    results["open"] = percentiles(opens)
    store = EncounterStore(folder, staff_id="bench")
    start = time.perf_counter()
    count = store.count()
    results["count (first call)"] = ((time.perf_counter() - start) * 1000,) * 2
    patients = demo_patients(3000, 1)
    today = datetime.now(UTC).date()
    encounters = [
        sample_encounter_for(patients[(n * 37) % 3000], 900_000 + n, day=today, staff_id="bench")
        for n in range(SAVES)
    ]
    queue = iter(encounters)
    real_fsync, fsyncs = os.fsync, [0]

    def counting_fsync(fd: int) -> None:
        fsyncs[0] += 1
        real_fsync(fd)

    floor_path = scratch / "floor.json"
    floors: list[float] = []
    saves: list[float] = []
    os.fsync = counting_fsync  # type: ignore[assignment]
    try:
        for encounter in queue:  # interleaved, so both see the same (shared, noisy) disk
            saves += timed(partial(store.save, encounter), 1)
            floors += timed(lambda: floor_write(floor_path), 1)
    finally:
        os.fsync = real_fsync
    fsyncs[0] -= 2 * len(floors)  # the floor's own two
    results["save"] = percentiles(saves)
    results["floor (interleaved)"] = percentiles(floors)
    print(f"  fsyncs per save: {fsyncs[0] / SAVES:.2f}")
    results["audit append (fsync)"] = percentiles(
        timed(lambda: store.audit.append("check", staff="bench"), 50)
    )
    ids = [e.id for e in encounters]
    results["get"] = percentiles(timed(lambda: store.get(ids[len(ids) // 2]), 50))
    pids = iter([p.id for p in patients[:50]])
    results["for_patient"] = percentiles(timed(lambda: store.for_patient(next(pids)), 50))
    start = time.perf_counter()
    store.find_patients("smith")
    results["find_patients (first)"] = ((time.perf_counter() - start) * 1000,) * 2
    names = iter([p.family_name[:4] for p in patients[:50]])
    results["find_patients"] = percentiles(timed(lambda: store.find_patients(next(names)), 50))
    per_patient = len(store.for_patient(patients[0].id))
    print(f"  {count:,} stored; patient 0 has {per_patient} encounters")
    store.close()
    return results


RSS_CHILD = """
import resource, sys
from datetime import UTC, datetime
from kiosk.demo.patients import demo_patients, sample_encounter_for
from kiosk.store import EncounterStore
from kiosk.store.recovery import current_boot
store = EncounterStore(sys.argv[1], staff_id="bench")
today = datetime.now(UTC).date()
for n, patient in enumerate(demo_patients(100, 1)):
    store.save(sample_encounter_for(patient, 800_000 + n, day=today, staff_id="bench"))
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, hwm[0].split()[1] if hwm else "")
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "kiosk-bench-store"))
    args = parser.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="work-", dir=cache))
    try:
        print("floor = temp file + fsync + replace + folder fsync of one 3 KB document,")
        print("measured alternately with the saves so both meet the same disk load")
        save_p95: dict[int, float] = {}
        floor_p95: dict[int, float] = {}
        largest = None
        for size in [int(s) for s in args.sizes.split(",")]:
            print(f"\n{size:,} stored encounters")
            folder = working_copy(cached_folder(cache, size), scratch)
            os.sync()  # flush the generated data first: measure saves, not that writeback
            results = bench_size(folder, scratch)
            for name, (p50, p95) in results.items():
                print(f"  {name:<22} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms")
                if name == "floor (interleaved)":
                    save50, save95 = results["save"]
                    save_p95[size] = save95
                    floor_p95[size] = p95
                    print(
                        f"  {'save / floor':<22} p50 {save50 / p50:8.1f} x    "
                        f"p95 {save95 / p95:8.1f} x"
                    )
            largest = folder
        sizes = sorted(save_p95)
        if len(sizes) > 1:
            ratio = save_p95[sizes[-1]] / save_p95[sizes[0]]
            print(f"\nsave p95 at {sizes[-1]:,} / at {sizes[0]:,}: {ratio:.2f}x")
            big, small = (save_p95[n] / floor_p95[n] for n in (sizes[-1], sizes[0]))
            print(f"the same, each divided by its interleaved floor p95: {big / small:.2f}x")
        if largest is not None:
            out = subprocess.run(
                [sys.executable, "-c", RSS_CHILD, str(largest)],
                capture_output=True,
                text=True,
                check=True,
            )
            maxrss, hwm = [*out.stdout.split(), ""][:2]
            print(
                f"peak RSS opening {largest.name} and saving 100: ru_maxrss "
                f"{int(maxrss) / 1024:.0f} MB, VmHWM {int(hwm or 0) / 1024:.0f} MB "
                "(ru_maxrss can carry the parent's peak across fork+exec; VmHWM cannot)"
            )
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"(this benchmark process peaked at {own:.0f} MB)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
