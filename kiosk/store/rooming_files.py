"""Reading the rooming and sterilizer files (``rooming/<day>.json``, ``rooming/rooms.json``,
``sterilizer.json``): shared by the board, the sterilizer log and ``kiosk check``.

Each file is one JSON object with ``"format": 1``; anything else, or records that do not
validate, is a DamagedFileError (never written over: ``kiosk check --repair`` moves it aside).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from kiosk.models.rooming import Room, TurnoverRecord, VisitRecord
from kiosk.models.sterilizer import SterilizerLog
from kiosk.store.files import DamagedFileError

FORMAT = 1


def read_json(path: Path) -> dict[str, Any] | None:
    """A rooming or sterilizer file's object (None when absent); DamagedFileError if torn."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise DamagedFileError(path, "not valid JSON") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DamagedFileError(path, "not a kiosk rooming file")
    return data


def load_day(path: Path) -> tuple[dict[str, VisitRecord], list[TurnoverRecord]]:
    data = read_json(path) or {"visits": {}, "turnovers": []}
    try:
        visits = {k: VisitRecord.model_validate(v) for k, v in data["visits"].items()}
        turnovers = [TurnoverRecord.model_validate(t) for t in data["turnovers"]]
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise DamagedFileError(path, "its records do not read") from error
    return visits, turnovers


def load_rooms(path: Path) -> dict[str, Room]:
    data = read_json(path) or {"rooms": {}}
    try:
        return {k: Room.model_validate(v) for k, v in data["rooms"].items()}
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise DamagedFileError(path, "its records do not read") from error


def load_log(path: Path) -> SterilizerLog:
    data = read_json(path)
    if data is None:
        return SterilizerLog()
    try:
        return SterilizerLog.model_validate(data["log"])
    except (KeyError, TypeError, ValueError) as error:
        raise DamagedFileError(path, "its records do not read") from error


__all__ = ["FORMAT", "load_day", "load_log", "load_rooms", "read_json"]
