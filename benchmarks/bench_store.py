"""Encounter store timings at 1,000 / 10,000 / 100,000 stored encounters (prints, asserts nothing).

    python benchmarks/bench_store.py [--sizes 1000,10000,100000] [--cache /tmp/kiosk-bench-store]
    python benchmarks/bench_store.py --count 1000000     # opt-in, ten years of a clinic

``--count N`` (not in CI) builds one store of N encounters the way ten years of a 20-room
clinic look (3 patients per 100 encounters, 3,650 days: ~33 visits each, ~270 a day) once into
``/tmp/kiosk-<N>`` (``nice``; reused while it exists), and adds to the figures below: the
first saves after each of 10 opens, today's patient list, ``kiosk check`` and ``kiosk check
--since`` (wall time and the child's peak RSS), the FHIR export of everything (throughput and
peak RSS), and the bytes on disk per encounter, each beside the floor of the same run.

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
from datetime import UTC, datetime, timedelta
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


def cached_folder(cache: Path, size: int, *, clinic: bool = False) -> Path:
    """The cached store of ``size`` (``clinic``: ten years' layout, built by a ``nice`` child
    so this process stays small)."""
    patients, days = (max(3000, size * 3 // 100), 3650) if clinic else (3000, 365)
    folder = cache / (f"store-{size}-p{patients}-d{days}" if clinic else f"store-{size}")
    done = folder / "BENCH-COMPLETE"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        if clinic:
            build = "import sys; from kiosk.demo.seeding import fill_demo_data as f; "
            build += "f(sys.argv[1], int(sys.argv[2]), seed=1, patients=int(sys.argv[3]), "
            build += "days=int(sys.argv[4]))"
            argv = [sys.executable, "-c", build, str(folder), str(size), str(patients), str(days)]
            subprocess.run(["nice", "-n", "10", *argv], check=True)
        else:
            fill_demo_data(folder, size, seed=1)
        write_atomic(done, b"ok\n")
        print(f"  generated {size:,} encounters in {time.perf_counter() - start:.1f} s")
    roll_flat_shards(folder, dated=clinic)
    # The cache was written by the bulk path, which fsyncs everything: after a reboot, mark it
    # as current so every working copy doesn't re-read its (all recent-looking) segments.
    write_atomic(folder / "index" / "boot.json", orjson.dumps({"boot": current_boot()}))
    return folder


def roll_flat_shards(folder: Path, *, dated: bool = False) -> None:
    """A store built before index logs rolled: roll them once (what its first saves would
    otherwise do one shard at a time). ``dated``: give each day folder the time of its day,
    as ten years of saves leave them (the bulk load wrote them all today, and ``check
    --since`` reads the folders changed since its day)."""
    from kiosk.store.shards import ROLL_BYTES

    with EncounterStore(folder, staff_id="bench") as store:
        days = store.partitions.days()
        if dated and days:
            stamp = datetime.fromisoformat(f"{days[-1]}T23:00:00+00:00").timestamp()
            if store.partitions.path(f"{days[-1]}/0001").parent.stat().st_mtime > stamp:
                with store.folder.lock:
                    for day in days:
                        when = datetime.fromisoformat(f"{day}T23:00:00+00:00").timestamp()
                        os.utime(store.folder.layout.day_folder(day), (when, when))
                    store.recovery.checkpoint()
                print("  dated each day folder to its day (once)")
        index = store.index
        big = [p for p in index.shards(index.ids) + index.shards(index.patients)]
        big = [p for p in big if p.stat().st_size > ROLL_BYTES]
        if big:
            start = time.perf_counter()
            with store.folder.lock:
                index.roll(big)
                store.recovery.checkpoint()
            print(f"  rolled {len(big)} index logs once in {time.perf_counter() - start:.1f} s")


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


CHILD = """
import sys
from kiosk.cli import main
code = main(sys.argv[1:])
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
print("VmHWM", hwm[0].split()[1], file=sys.stderr)
sys.exit(0)
"""
"""``kiosk ...`` as ``python -m kiosk`` runs it, then its own peak RSS (VmHWM: ``ru_maxrss``
of a child carries the parent's peak across fork+exec)."""


def run_kiosk(folder: Path, *argv: str, nice: bool = False) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one ``kiosk`` command on ``folder``; its output dropped
    (``check``: its verdict printed)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as kept:
        out = kept if argv[0] == "check" else subprocess.DEVNULL
        start = time.perf_counter()
        prefix = ["nice", "-n", "10"] if nice else []
        child = subprocess.Popen(
            [*prefix, sys.executable, "-c", CHILD, "--data-dir", str(folder), *argv],
            stdout=out,
            stderr=err,
        )
        _, _, usage = os.wait4(child.pid, 0)
        if not isinstance(out, int):
            out.seek(0)
            lines = out.read().decode().splitlines()
            problems = [line for line in lines if line.startswith("Problem")]
            print(f"    {len(problems)} problem(s); " + (problems or lines[-1:] or [""])[0][:150])
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode()
    if "VmHWM" not in text:
        raise SystemExit(f"kiosk {' '.join(argv)} failed:\n{text[-2000:]}")
    peak = int(text.rsplit("VmHWM", 1)[1].split()[0]) / 1024
    return wall, usage.ru_utime + usage.ru_stime, peak


def first_saves(folder: Path, scratch: Path, opens: int = 10, each: int = 5) -> None:
    """The first ``each`` saves after each of ``opens`` fresh opens, beside the floor."""
    patients = demo_patients(3000, 1)
    today = datetime.now(UTC).date()
    saves: list[float] = []
    floors: list[float] = []
    n = 0
    for _ in range(opens):
        with EncounterStore(folder, staff_id="bench") as store:
            for _ in range(each):
                encounter = sample_encounter_for(
                    patients[(n * 53) % 3000], 700_000 + n, day=today, staff_id="bench"
                )
                n += 1
                saves += timed(partial(store.save, encounter), 1)
                floors += timed(lambda: floor_write(scratch / "floor.json"), 1)
    (s50, s95), (f50, f95) = percentiles(saves), percentiles(floors)
    print(
        f"  first {each} saves after each of {opens} opens: p50 {s50:.2f} ms  p95 {s95:.2f} ms; "
        f"floor p50 {f50:.2f} ms  p95 {f95:.2f} ms; p95 {s95 / f95:.1f}x the floor"
    )


def clinic_figures(folder: Path, floor_p95: float, count: int, only: set[str]) -> None:
    """Today's patient list, the check, the export and the disk, for ``--count``."""
    if "list" in only:
        patient_list(folder)
    if "disk" in only:
        disk(folder, count)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    for label, argv in (
        ("kiosk check", ["check"]),
        (f"kiosk check --since {yesterday}", ["check", "--since", yesterday]),
    ):
        if ("since" if "--since" in label else "check") not in only:
            continue
        wall, cpu, peak = run_kiosk(folder, *argv)
        print(
            f"  {label:<32} {wall:6.1f} s wall, {cpu:6.1f} s CPU, peak {peak:4.0f} MB "
            f"(= {wall * 1000 / floor_p95:,.0f} floor p95s)",
            flush=True,
        )
    if "export" in only:
        wall, cpu, peak = run_kiosk(folder, "export", "--format", "fhir", "--out", "-", nice=True)
        print(
            f"  {'FHIR export of everything':<32} {wall:6.1f} s wall = {count / wall:,.0f}/s "
            f"({count / cpu:,.0f}/s of CPU), peak {peak:4.0f} MB",
            flush=True,
        )


def patient_list(folder: Path) -> None:
    with EncounterStore(folder, staff_id="bench") as store:
        first = timed(lambda: store.today_visits("bench"), 1)[0] * 1000
        p50, p95 = percentiles(timed(lambda: store.today_visits("bench"), 30))
        rows = len(store.today_visits("bench"))
    print(
        f"  today's patient list ({rows} rows): first {first:.2f} ms, then p50 {p50:.2f} ms  "
        f"p95 {p95:.2f} ms",
        flush=True,
    )


def disk(folder: Path, count: int) -> None:
    allocated = apparent = 0
    for where, _, names in os.walk(folder):
        for name in names:
            info = os.lstat(os.path.join(where, name))
            allocated += info.st_blocks * 512
            apparent += info.st_size
    print(
        f"  on disk: {allocated / 1e9:.2f} GB allocated ({allocated / count:,.0f} bytes per "
        f"encounter; {apparent / count:,.0f} bytes of file data)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--cache", default=None, help="default /tmp/kiosk-bench-store")
    parser.add_argument(
        "--count", type=int, help="one clinic-sized store instead (opt-in: 1000000 = ten years)"
    )
    parser.add_argument(
        "--only",
        default="saves,list,disk,check,since,export",
        help="with --count: which figures (the floor is always measured)",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    tmp = Path(tempfile.gettempdir())
    if args.count:
        args.sizes = str(args.count)
        short = f"{args.count // 1_000_000}m" if args.count % 1_000_000 == 0 else str(args.count)
        args.cache = args.cache or str(tmp / f"kiosk-{short}")
    cache = Path(args.cache or tmp / "kiosk-bench-store")
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
            folder = working_copy(cached_folder(cache, size, clinic=bool(args.count)), scratch)
            os.sync()  # flush the generated data first: measure saves, not that writeback
            if args.count and "saves" not in only:
                floors = percentiles(timed(lambda: floor_write(scratch / "floor.json"), 100))
                print(f"  floor p50 {floors[0]:.2f} ms  p95 {floors[1]:.2f} ms")
                clinic_figures(folder, floors[1], size, only)
                continue
            if args.count:
                first_saves(folder, scratch)
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
            if args.count:
                clinic_figures(folder, floor_p95[size], size, only)
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
