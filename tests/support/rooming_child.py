"""A kiosk process moving visits on the shared rooming board (the two-process tests).

``python tests/support/rooming_child.py DATA_DIR WORKER COUNT RACE`` walks COUNT patients of
its own (``w<WORKER>p<n>``) through every status, each into a room of its own, then tries to
room the shared patient ``RACE`` (printing ``won`` or ``lost``). It prints ``go`` once the
store is open and waits for a line on stdin, so both processes start their writes together.
"""

from __future__ import annotations

import sys

from kiosk.models.rooming import RoomingSettings, TransitionError, VisitStatus
from kiosk.store import EncounterStore

STEPS: tuple[VisitStatus, ...] = ("arrived", "roomed", "ready", "with-provider", "done")


def main(data_dir: str, worker: int, count: int, race: str) -> int:
    with EncounterStore(data_dir, staff_id=f"ma{worker}") as store:
        rooms = tuple(f"W{w}-{n}" for w in range(2) for n in range(count))
        store.rooming.settings = RoomingSettings(rooms=rooms)
        print("go", flush=True)
        sys.stdin.readline()
        for n in range(count):
            patient = f"w{worker}p{n}"
            for status in STEPS:
                room = f"W{worker}-{n}" if status == "roomed" else ""
                store.rooming.set_status(patient, status, room=room)
        try:
            store.rooming.set_status(race, "roomed", room=f"W{worker}-0", reason="race")
        except TransitionError:
            print("lost", flush=True)
        else:
            print("won", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
