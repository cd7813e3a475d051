"""Benchmark the core: import time, and check_vital per call (uncached and cached).

Run: ``.venv/bin/python benchmarks/bench_core.py`` (prints; asserts nothing).
Targets (issue 2): core import under 300 ms median; check_vital under 0.2 ms median.
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

RUNS = 15
CORE = ["kiosk.units", "kiosk.validators", "kiosk.models", "kiosk.scoring"]


def _run_ms(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return (time.perf_counter() - start) * 1000


def _import_ms(code: str, runs: int = RUNS) -> tuple[float, float]:
    """(median bare start, median of per-pair differences): bare and import runs interleave,
    so drift in machine load (2 cores shared by many) hits both alike."""
    bare, diffs = [], []
    for _ in range(runs):
        empty = _run_ms("pass")
        full = _run_ms(code)
        bare.append(empty)
        diffs.append(full - empty)
    return statistics.median(bare), statistics.median(diffs)


def bench_import() -> None:
    modules = [m for m in CORE if importlib.util.find_spec(m) is not None]
    missing = sorted(set(CORE) - set(modules))
    bare, core = _import_ms("import " + ", ".join(modules))
    print(f"interpreter start (python -c pass), median of {RUNS}:  {bare:7.1f} ms")
    print(f"core import ({', '.join(modules)}), median: {core:7.1f} ms")
    if missing:
        print(f"  (not present, so not imported: {', '.join(missing)})")
    _, light = _import_ms(
        "import kiosk.units, kiosk.validators, kiosk.validators.cross, kiosk.validators.identity"
        ", sys; assert 'pint' not in sys.modules and 'pydantic' not in sys.modules"
    )
    print(f"  units + validators alone (no pint, no pydantic):    {light:7.1f} ms")


def _inputs(count: int, seed: int = 2) -> list[tuple[str, str]]:
    """Distinct, realistic mixed readings in the spellings an MA types."""
    rng = random.Random(seed)
    makers: list[Callable[[], tuple[str, str]]] = [
        lambda: ("temperature", f"{rng.uniform(96, 104):.{rng.randint(1, 3)}f}F"),
        lambda: ("temperature", f"{rng.uniform(35, 40):.{rng.randint(1, 3)}f} °C"),
        lambda: ("weight", f"{rng.uniform(5, 400):.{rng.randint(1, 3)}f} lbs"),
        lambda: ("weight", f"{rng.uniform(3, 180):.{rng.randint(1, 3)}f}kg"),
        lambda: ("height", f"{rng.randint(4, 6)}'{rng.uniform(0, 11.9):.{rng.randint(1, 3)}f}\""),
        lambda: ("height", f"{rng.uniform(50, 210):.{rng.randint(1, 3)}f} cm"),
        lambda: ("pulse", f"{rng.uniform(40, 180):.{rng.randint(1, 3)}f} bpm"),
        lambda: ("respiratory_rate", f"{rng.uniform(8, 40):.{rng.randint(1, 3)}f}"),
        lambda: ("spo2", f"{rng.uniform(85, 100):.{rng.randint(1, 3)}f}%"),
        lambda: ("glucose", f"{rng.uniform(2, 25):.{rng.randint(1, 3)}f} mmol/L"),
        lambda: ("systolic", f"{rng.uniform(80, 200):.{rng.randint(1, 3)}f}"),
    ]
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    while len(out) < count:
        item = rng.choice(makers)()
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _per_call_us(calls: list[tuple[str, str]], batch: int = 100) -> float:
    from kiosk.validators import check_vital

    batches = []
    for i in range(0, len(calls) - batch + 1, batch):
        chunk = calls[i : i + batch]
        start = time.perf_counter()
        for kind, text in chunk:
            check_vital(kind, text, age_years=40)
        batches.append((time.perf_counter() - start) / batch * 1e6)
    return statistics.median(batches)


def bench_check_vital() -> None:
    from kiosk.validators import check_vital, vitals

    start = time.perf_counter()
    check_vital("temperature", "98.6F")
    first = (time.perf_counter() - start) * 1000
    print(f"first check_vital in a process (loads range table, pint): {first:.1f} ms")
    _per_call_us(_inputs(2000, seed=1))  # warm every unit pair once

    distinct = _inputs(50_000)
    vitals.clear_cache()
    uncached = _per_call_us(distinct)
    print(
        f"check_vital, {len(distinct)} distinct inputs (all cache misses): {uncached:.1f} µs/call"
    )

    repeated = _inputs(200, seed=3) * 100
    random.Random(4).shuffle(repeated)
    cached = _per_call_us(repeated)
    print(f"check_vital, 200 inputs repeated (cache hits):            median {cached:.2f} µs/call")


if __name__ == "__main__":
    bench_import()
    bench_check_vital()
