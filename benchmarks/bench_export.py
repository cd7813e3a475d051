"""Benchmark ``kiosk export``: encounters per second and peak memory, per format.

Run: ``.venv/bin/python benchmarks/bench_export.py [--count 100000] [--formats fhir,json,csv]``
(prints; asserts nothing). Target (issue 6): 100,000 stored encounters to FHIR NDJSON at 2,000
encounters/s or more, with peak memory under 150 MB.

Each export runs as its own subprocess (``kiosk.cli.main``, as ``python -m kiosk`` runs it), so
the figures include start-up and the store's reading; CPU time comes from ``os.wait4`` and peak
memory is the child's own VmHWM (see ``EXPORT``). A "read only" run iterates the store's
documents without writing, to show how much of the time is the store's.

The data folder is generated once and cached under /tmp (see ``data_dir_for``): the store
benchmark's cached folder when it has one of this size, else our own, built by the same
generator. Delete the cached folder to rebuild it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HIGH_WATER = """
def high_water_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
"""
READ_ONLY = (
    HIGH_WATER
    + """
import sys
from kiosk.store import EncounterStore
store = EncounterStore(sys.argv[1], staff_id="bench")
print(sum(1 for _ in store.iter_documents()))
print("VmHWM", high_water_kib(), file=sys.stderr)
"""
)
EXPORT = (
    HIGH_WATER
    + """
import sys
from kiosk.cli import main
code = main(sys.argv[1:])
print("VmHWM", high_water_kib(), file=sys.stderr)
sys.exit(code)
"""
)
"""``kiosk ...`` exactly as ``python -m kiosk`` runs it, then its own peak RSS (VmHWM) on stderr.

Not ``ru_maxrss`` from ``wait4``: Linux carries the parent's high-water mark into a forked
child across ``exec``, so a child of a 70 MB benchmark process would never report less."""


def data_dir_for(count: int, scratch: Path) -> Path:
    """A working copy of a data folder holding ``count`` demo encounters, generated once.

    The source is ``benchmarks/bench_store.py``'s cached folder when it has finished building
    one of this size (same generator: ``fill_demo_data`` with seed 1, the store's bulk path),
    else our own cache built the same way (never the store benchmark's folder, so the two
    benchmarks cannot build into one folder at once). The copy hard-links the segment files
    (the store only ever replaces them), so the export's audit entries never touch the cache.
    """
    source = Path(tempfile.gettempdir()) / "kiosk-bench-store" / f"store-{count}"
    if not (source / "BENCH-COMPLETE").exists():
        source = Path(tempfile.gettempdir()) / f"kiosk-bench-export-{count}"
        if not (source / "BENCH-COMPLETE").exists():
            print(f"building {count} demo encounters in {source} (once) ...", flush=True)
            started = time.perf_counter()
            shutil.rmtree(source, ignore_errors=True)
            build = "import sys; from kiosk.demo.seeding import fill_demo_data as f; "
            build += "f(sys.argv[1], int(sys.argv[2]), seed=1)"  # a child: keeps us small
            subprocess.run([sys.executable, "-c", build, str(source), str(count)], check=True)
            (source / "BENCH-COMPLETE").write_text("ok\n")
            print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    target = scratch / source.name

    def link_segments(src: str, dst: str) -> None:
        if f"{os.sep}encounters{os.sep}" in src:
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_segments)
    return target


class Run(NamedTuple):
    wall: float
    """Seconds, start to exit."""
    cpu: float
    """User + system CPU seconds of the child (what the machine's other load cannot inflate)."""
    peak_mb: float
    """The child's own peak resident memory (VmHWM)."""
    maxrss_mb: float
    """``ru_maxrss`` from ``wait4``: at least this process's size at the fork (see EXPORT)."""
    stdout: str


def run_child(argv: list[str]) -> Run:
    """Run one child process: its CPU time from ``os.wait4``, its peak RSS from its stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        took = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        errors = err.read().decode()
        if child.returncode != 0:
            raise SystemExit(f"failed: {' '.join(argv)}\n{errors}")
        peak_kib = int(errors.rsplit("VmHWM", 1)[1].split()[0])
        cpu = usage.ru_utime + usage.ru_stime
        return Run(took, cpu, peak_kib / 1024, usage.ru_maxrss / 1024, out.read().decode())


def report(label: str, count: int, run: Run, extra: str = "") -> None:
    print(
        f"{label:<12}{count:>7} docs  wall {run.wall:6.1f} s = {count / run.wall:6.0f}/s  "
        f"cpu {run.cpu:6.1f} s = {count / run.cpu:6.0f}/s  peak {run.peak_mb:4.0f} MB "
        f"(ru_maxrss {run.maxrss_mb:.0f} MB){extra}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--formats", default="fhir,json,csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-export-") as scratch:
        folder = data_dir_for(args.count, Path(scratch))
        print(f"data: {folder}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        run = run_child([sys.executable, "-c", READ_ONLY, str(folder)])
        count = int(run.stdout.strip())
        report("read only", count, run)
        for fmt in args.formats.split(","):
            target = Path(scratch) / f"export.{fmt}"
            argv = [sys.executable, "-c", EXPORT, "--data-dir", str(folder), "export"]
            argv += ["--format", fmt, "--out", str(target)]
            run = run_child(argv)
            size = target.stat().st_size / 1e6
            with target.open("rb") as handle:
                lines = sum(1 for _ in handle) - (fmt == "csv")
            report(f"export {fmt}", lines, run, f"  file {size:.0f} MB")
            os.unlink(target)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
