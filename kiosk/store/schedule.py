"""A day's appointment list changed by an import (``kiosk import schedule``).

The list is ``schedule/<day>.json`` (kiosk.store.layout): the patient ids in order, replaced
atomically. An import adds to it and takes cancelled appointments off, under the folder lock,
and writes only when something changed, so importing the same file twice writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import orjson

from kiosk.errors import StoreError
from kiosk.store.files import make_private_dir, write_atomic
from kiosk.store.folder import Folder


def merge_appointments(
    folder: Folder, day: date, add: list[str], remove: Collection[str] = ()
) -> tuple[int, int]:
    """Add ``add`` (in order) after the patients already on the day's list and take
    ``remove`` off. Returns (added, removed)."""
    paths = folder.layout
    path = paths.schedule_day(day.isoformat())
    with folder.lock:
        try:
            loaded = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            loaded = []
        except orjson.JSONDecodeError as error:
            raise StoreError(f"The schedule of {day} is damaged: run `kiosk check`.") from error
        old = [str(i) for i in loaded] if isinstance(loaded, list) else []
        ids = [i for i in old if i not in remove]
        ids += [i for i in dict.fromkeys(add) if i not in ids and i not in remove]
        if ids == old:
            return 0, 0
        make_private_dir(paths.schedule)
        write_atomic(path, orjson.dumps(ids))
        kept = set(ids)
        return len(kept - set(old)), len(set(old) - kept)
