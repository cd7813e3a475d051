"""How long one sign-in takes with the kiosk's Argon2 parameters (target: well under 0.3 s).

``python benchmarks/bench_signin.py [ROUNDS]`` creates a throw-away staff file, then times
``StaffDirectory.authenticate`` (file lock, read, Argon2 verify, audit append) and the bare
Argon2 verify, and prints the median and worst of each.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk.store.staff import StaffDirectory, kiosk_hasher


def main(rounds: int = 20) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        staff = StaffDirectory(Path(tmp))
        staff.add("bench", "Bench Mark", "482913", by="bench")
        stored = kiosk_hasher().hash("482913")
        for label, func in (
            ("authenticate", lambda: staff.authenticate("bench", "482913")),
            ("argon2 verify", lambda: kiosk_hasher().verify(stored, "482913")),
        ):
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                func()
                times.append(time.perf_counter() - start)
            print(
                f"{label:<14} median {statistics.median(times) * 1000:6.1f} ms   "
                f"worst {max(times) * 1000:6.1f} ms   ({rounds} rounds)"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
