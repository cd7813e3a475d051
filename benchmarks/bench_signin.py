"""How long one sign-in takes with the kiosk's Argon2 parameters (target: well under 0.3 s).

``python benchmarks/bench_signin.py [ROUNDS]`` creates a throw-away staff file, then times
``StaffDirectory.authenticate`` (file lock, read, Argon2 verify, audit append) and the bare
Argon2 verify, and prints the median and worst of each. Then, at a terminal that has made five
wrong tries (so it must wait), it times the refusal for a real id and for an unknown one: the
two must take the same time and say the same words (an id cannot be told to exist).
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk.store.staff import AuthError, StaffDirectory, kiosk_hasher


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
        waiting = StaffDirectory(Path(tmp), terminal="bench terminal")
        for _ in range(5):
            _refusal(waiting, "bench", "000000")
        spent: dict[str, list[float]] = {"bench": [], "nobody": []}
        said: dict[str, set[str]] = {"bench": set(), "nobody": set()}
        for _ in range(rounds):  # interleaved, so a busy moment slows both alike
            for sid in spent:
                start = time.perf_counter()
                said[sid].add(re.sub(r"\d+", "N", _refusal(waiting, sid, "000000")))
                spent[sid].append(time.perf_counter() - start)
        for label, sid in (("refused, real id", "bench"), ("refused, unknown", "nobody")):
            print(
                f"{label:<16} median {statistics.median(spent[sid]) * 1000:6.1f} ms   "
                f"worst {max(spent[sid]) * 1000:6.1f} ms   says {' | '.join(sorted(said[sid]))}"
            )


def _refusal(staff: StaffDirectory, sid: str, pin: str) -> str:
    try:
        staff.authenticate(sid, pin)
    except AuthError as error:
        return str(error)
    return "signed in"


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
