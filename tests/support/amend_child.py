"""A kiosk process that amends one visit, for the amendment ordering tests (not shipped).

``python tests/support/amend_child.py loop DATA_DIR ENCOUNTER_ID COUNT`` amends the visit
COUNT times, each time the newest version, printing each new id (flushed) after ``amend``
returned.

``python tests/support/amend_child.py die DATA_DIR ENCOUNTER_ID POINT`` amends it once (or,
with ``die-save``, saves a copy of it as a new visit, id ``NEW_VISIT_ID``) and
kills itself with SIGKILL at the POINT-th step of that amendment. A step is the moment just
before or just after one of the writes a save is made of: the pending marker, an index append,
a file replace (a segment, the audit head), an audit entry. Counting them, rather than naming
them, covers every stage whatever order the store writes in. If the amendment has fewer steps,
it completes and the child prints ``done <new id>``.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.store import EncounterStore

NEW_VISIT_ID = "killed-save-visit"
"""The id of the visit ``die-save`` saves."""


def _amended(store: EncounterStore, encounter_id: str, n: int) -> str:
    current = store.get(encounter_id)
    note = f"Amended ({n}): corrected the complaint."
    return store.amend(encounter_id, current.model_copy(update={"notes": note}))


def loop(data_dir: Path, encounter_id: str, count: int) -> int:
    with EncounterStore(data_dir, staff_id="ma1") as store:
        for n in range(count):
            encounter_id = _amended(store, encounter_id, n)
            print(encounter_id, flush=True)
    return 0


class Tripwire:
    """Counts the steps of an armed amendment and kills this process at one of them."""

    def __init__(self, point: int) -> None:
        self.point = point
        self.steps = 0
        self.armed = False

    def step(self) -> None:
        if self.armed:
            self.steps += 1
            if self.steps == self.point:
                os.kill(os.getpid(), signal.SIGKILL)

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.step()
            result = fn(*args, **kwargs)
            self.step()
            return result

        return wrapped


def die(data_dir: Path, encounter_id: str, point: int, *, save: bool = False) -> int:
    """Amend ``encounter_id`` (or, with ``save``, save a new visit of its patient) and die at
    step ``point``."""
    from kiosk.store import audit, files, index, writes

    wire = Tripwire(point)
    writes.Writer._set_pending = wire.wrap(writes.Writer._set_pending)  # type: ignore[method-assign]
    setattr(index, "append_durable", wire.wrap(files.append_durable))  # noqa: B010
    audit.AuditTrail.append = wire.wrap(audit.AuditTrail.append)  # type: ignore[method-assign]
    os.replace = wire.wrap(os.replace)
    with EncounterStore(data_dir, staff_id="ma1") as store:
        current = store.get(encounter_id)
        wire.armed = True
        if save:
            new_id = store.save(current.model_copy(update={"id": NEW_VISIT_ID}))
        else:
            new_id = store.amend(encounter_id, current.model_copy(update={"notes": "Amended."}))
        wire.armed = False
    print("done", new_id, flush=True)
    return 0


def main(argv: list[str]) -> int:
    mode, data_dir, encounter_id, number = argv[0], Path(argv[1]), argv[2], int(argv[3])
    if mode == "loop":
        return loop(data_dir, encounter_id, number)
    return die(data_dir, encounter_id, number, save=mode == "die-save")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
