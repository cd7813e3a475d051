"""The rooming board's costs: a status change, the patient list's poll, a board read.

``python benchmarks/bench_rooming.py [VISITS]`` walks VISITS visits (default 60, a busy day)
through all five statuses in a throw-away folder, each into its own room, timing every
``set_status`` (folder lock, read, two atomic writes with fsync, an fsynced audit entry);
then times ``stamp`` (the two stats the list makes every second) and ``board`` (reading and
validating the day's file, audited). Prints the median and the 95th percentile of each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable

from kiosk.models.rooming import RoomingSettings, VisitStatus
from kiosk.store import EncounterStore

STEPS: tuple[VisitStatus, ...] = ("arrived", "roomed", "ready", "with-provider", "done")


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def quantile(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(len(times) * q))]


def main(visits: int = 60) -> None:
    with tempfile.TemporaryDirectory() as tmp, EncounterStore(tmp, staff_id="bench") as store:
        board = store.rooming
        board.settings = RoomingSettings(rooms=tuple(f"R{n}" for n in range(visits)))
        moves: list[float] = []
        for n in range(visits):
            for status in STEPS:
                room = f"R{n}" if status == "roomed" else ""
                start = time.perf_counter()
                board.set_status(f"P{n}", status, room=room)
                moves.append(time.perf_counter() - start)
        stamps = [timed(board.stamp) for _ in range(2000)]
        reads = [timed(board.board) for _ in range(50)]
    for label, times, unit, scale in (
        (f"set_status ({len(moves)} moves)", moves, "ms", 1e3),
        ("stamp (the list's poll)", stamps, "µs", 1e6),
        (f"board read ({visits} visits)", reads, "ms", 1e3),
    ):
        p50, p95 = quantile(times, 0.5) * scale, quantile(times, 0.95) * scale
        print(f"{label:<28} p50 {p50:8.2f} {unit}   p95 {p95:8.2f} {unit}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
